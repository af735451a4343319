package io.provisioner.gateway.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;

import io.provisioner.gateway.CatalogBroker;
import io.provisioner.gateway.GatewayTestBase;
import io.provisioner.schemas.BrokerEndpoint;
import io.provisioner.schemas.EventCodec;
import io.provisioner.schemas.EventEnvelope;
import io.provisioner.schemas.EventTypes;
import io.provisioner.schemas.OperationType;
import io.provisioner.schemas.ProvisioningRequested;
import io.provisioner.schemas.RecordLimits;
import io.provisioner.schemas.Topics;

/**
 * Issue 9, item 1: one oversized request must not stop provisioning for everyone. The limits line up
 * (body, event, producer, topic), and a row Kafka refuses anyway is quarantined while the rest flow on.
 */
class OutboxLimitsTest extends GatewayTestBase {

    private static final int MAX_BODY = 1_048_576;
    private static final EventCodec CODEC = new EventCodec();

    @Autowired
    private TransactionTemplate transactions;
    @Autowired
    private MeterRegistry meters;

    @Test
    void theLargestAcceptedCreateReachesKafkaWithTheRealLimits() {
        // Parameters travel sealed (base64 of AES-GCM): the event is a third larger again than the body.
        String body = createBody(newName(), MAX_BODY);
        assertThat(body.getBytes(StandardCharsets.UTF_8)).hasSize(MAX_BODY);

        Answer created = send("POST", "/v2/service_instances?accepts_incomplete=true", body);

        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String guid = created.json().at("/metadata/guid").asString();
        ConsumerRecord<String, byte[]> event = awaitRecord(Topics.REQUESTS, guid);
        assertThat(event.value().length).as("larger than Kafka's default limit of 1 MiB")
                .isGreaterThan(MAX_BODY).isLessThanOrEqualTo(RecordLimits.MAX_EVENT_BYTES);
        assertThat(CODEC.readRequested(event.value()).data().sealedParameters()).startsWith("v1:");
    }

    @Test
    void theProducerTakesRecordsUpToTheTopicLimit() {
        assertThat(String.valueOf(kafka.getProducerFactory().getConfigurationProperties().get("max.request.size")))
                .isEqualTo(String.valueOf(RecordLimits.MAX_RECORD_BYTES));
    }

    @Test
    void oneByteMoreIsRefusedInTheCfEnvelopeAndNothingIsStored() {
        String name = newName();
        long outboxRows = count("outbox") + count("outbox_quarantine");

        Answer refused = send("POST", "/v2/service_instances?accepts_incomplete=true", createBody(name, MAX_BODY + 1));

        assertThat(refused.status()).isEqualTo(413);
        assertThat(refused.errorCode()).isEqualTo("CF-InvalidRequest");
        assertThat(refused.code()).isEqualTo(10004);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM service_instances WHERE name = ?").param(name).query(Long.class)
                .single()).isZero();
        assertThat(count("outbox") + count("outbox_quarantine")).isLessThanOrEqualTo(outboxRows);
    }

    @Test
    void aRowKafkaRefusesForGoodIsQuarantinedItsOperationFailsAndTheRowsBehindItFlowOn() {
        Answer created = create(newName());
        String poisonedGuid = created.json().at("/metadata/guid").asString();
        String operationId = operationId(poisonedGuid);
        awaitRecord(Topics.REQUESTS, poisonedGuid);
        double quarantinedBefore = quarantined();
        String behind1 = UUID.randomUUID().toString();
        String behind2 = UUID.randomUUID().toString();

        // A row too large for any producer, as an older gateway without the size check could write it,
        // followed by two ordinary rows in the same commit: all three reach the relay together.
        long poisonedId = transactions.execute(tx -> {
            long id = insertRow(poisonedGuid, request(operationId, poisonedGuid, "z".repeat(RecordLimits.MAX_RECORD_BYTES + 1)));
            insertRow(behind1, request(UUID.randomUUID().toString(), behind1, "small"));
            insertRow(behind2, request(UUID.randomUUID().toString(), behind2, "small"));
            return id;
        });

        awaitRecord(Topics.REQUESTS, behind1);
        awaitRecord(Topics.REQUESTS, behind2);
        await().atMost(Duration.ofSeconds(30)).until(() -> "failed".equals(get("/v2/service_instances/" + poisonedGuid)
                .json().at("/entity/last_operation/state").asString()));
        String description = get("/v2/service_instances/" + poisonedGuid).json()
                .at("/entity/last_operation/description").asString();
        assertThat(description).startsWith("The create could not be passed on to the service broker")
                .contains("RecordTooLargeException").contains("Nothing was sent to the broker");
        assertThat(jdbc.sql("SELECT reason FROM outbox_quarantine WHERE id = ?").param(poisonedId).query(String.class)
                .single()).startsWith("RecordTooLargeException: ");
        assertThat(jdbc.sql("SELECT COUNT(*) FROM outbox WHERE id = ?").param(poisonedId).query(Long.class).single())
                .isZero();
        assertThat(quarantined()).isEqualTo(quarantinedBefore + 1);
        assertThat(get("/actuator/health").json().at("/status").asString()).isEqualTo("UP");

        // And the relay keeps going for everyone.
        String after = create(newName()).json().at("/metadata/guid").asString();
        awaitRecord(Topics.REQUESTS, after);
    }

    @Test
    void theAlertRulesUseMetricsTheGatewayExposes() throws Exception {
        String rules = Files.readString(Path.of("..", "deploy", "prometheus", "provisioner-alerts.yml"));
        Set<String> used = new TreeSet<>();
        Matcher names = Pattern.compile("provisioner_outbox_[a-z_]+").matcher(rules);
        while (names.find()) {
            used.add(names.group());
        }
        assertThat(used).contains("provisioner_outbox_quarantined_total", "provisioner_outbox_oldest_unsent_age_seconds");
        String exposed = get("/actuator/prometheus").body();
        assertThat(used).allSatisfy(name -> assertThat(exposed).contains(name));
    }

    private double quarantined() {
        return meters.find("provisioner.outbox.quarantined").tags("topic", Topics.REQUESTS)
                .counters().stream().mapToDouble(Counter::count).sum();
    }

    private long insertRow(String key, String payload) {
        jdbc.sql("INSERT INTO outbox (topic, message_key, payload, created_at) VALUES (?, ?, ?, ?)")
                .params(Topics.REQUESTS, key, payload, OffsetDateTime.now(ZoneOffset.UTC)).update();
        return jdbc.sql("SELECT MAX(id) FROM outbox WHERE message_key = ?").param(key).query(Long.class).single();
    }

    private static String request(String operationId, String guid, String parameter) {
        ProvisioningRequested request = new ProvisioningRequested(operationId, OperationType.CREATE, guid, "poison",
                "svc-1", CatalogBroker.ASYNC_PLAN_ID, null, "org", "org", "space", "space", parameter,
                null, new BrokerEndpoint("b", "b", "http://127.0.0.1:1", "u", "sealed"), null, "user", Instant.now());
        return CODEC.writeString(EventEnvelope.of(EventTypes.PROVISIONING_REQUESTED, "/test", Instant.now(), guid,
                request));
    }

    /** A create body of exactly {@code size} bytes whose parameters are numbers that grow when re-written. */
    private String createBody(String name, int size) {
        String head = "{\"name\":\"" + name + "\",\"space_guid\":\"" + spaceGuid("test-space")
                + "\",\"service_plan_guid\":\"" + planGuid(CatalogBroker.ASYNC_PLAN_ID) + "\",\"parameters\":{\"n\":[1E2";
        String tail = "]}}";
        StringBuilder body = new StringBuilder(size).append(head);
        while (body.length() + ",1E2".length() + tail.length() <= size) {
            body.append(",1E2");
        }
        while (body.length() + tail.length() < size) {
            body.append(' ');
        }
        return body.append(tail).toString();
    }

    private ConsumerRecord<String, byte[]> awaitRecord(String topic, String key) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, embeddedKafka.getBrokersAsString());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            List<ConsumerRecord<String, byte[]>> found = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (key.equals(r.key())) {
                        found.add(r);
                    }
                });
                return !found.isEmpty();
            });
            return found.get(0);
        }
    }
}
