package io.provisioner.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.kafka.test.utils.KafkaTestUtils;

import io.provisioner.schemas.EventCodec;
import io.provisioner.schemas.OperationState;
import io.provisioner.schemas.OperationType;
import io.provisioner.schemas.ProvisioningRequested;
import io.provisioner.schemas.SecretSealer;
import io.provisioner.schemas.Topics;

/**
 * Parameters are secrets: after a create and an update carrying a distinctive secret, the value is in
 * no database row, no record of any Kafka topic and no log line; the request events carry it sealed,
 * exactly as the caller wrote it (numbers included), and reading it back asks the broker.
 */
@ExtendWith(OutputCaptureExtension.class)
class ParametersAreSecretsTest extends GatewayTestBase {

    @Autowired
    SecretSealer sealer;

    private final EventCodec codec = new EventCodec();

    @Test
    void aSecretParameterIsKeptNowhereInClearAndTravelsSealedExactlyAsWritten(CapturedOutput output) {
        String secret = "s3cr3t-" + UUID.randomUUID();
        String updateSecret = "n3w-s3cr3t-" + UUID.randomUUID();
        String created = "{\"password\": \"" + secret + "\", \"huge\": 1e309, \"tiny\": 1.1e-999999999, \"hundred\": 1E2}";
        String updated = "{ \"password\" : \"" + updateSecret + "\", \"ratio\": 0.1000000000000000055511151231257827 }";

        Answer create = send("POST", "/v2/service_instances?accepts_incomplete=true", "{\"name\": \"" + newName()
                + "\", \"space_guid\": \"" + spaceGuid("test-space") + "\", \"service_plan_guid\": \""
                + planGuid(CatalogBroker.ASYNC_PLAN_ID) + "\", \"parameters\": " + created + "}");
        assertThat(create.status()).as(create.body()).isEqualTo(201);
        String guid = create.json().at("/metadata/guid").asString();
        status(guid, operationId(guid), OperationType.CREATE, OperationState.SUCCEEDED, 1, "done");
        await().atMost(Duration.ofSeconds(10)).until(() -> get("/v2/service_instances/" + guid).json()
                .at("/entity/last_operation/state").asString().equals("succeeded"));
        Answer update = send("PUT", "/v2/service_instances/" + guid + "?accepts_incomplete=true",
                "{\"parameters\": " + updated + "}");
        assertThat(update.status()).as(update.body()).isEqualTo(202);
        List<String> tables = tables();
        List<String> rowsInFlight = rows(tables);
        status(guid, operationId(guid), OperationType.UPDATE, OperationState.SUCCEEDED, 1, "done");
        await().atMost(Duration.ofSeconds(10)).until(() -> get("/v2/service_instances/" + guid).json()
                .at("/entity/last_operation/state").asString().equals("succeeded"));
        await().atMost(Duration.ofSeconds(10)).until(() -> count("outbox") == 0);

        List<ConsumerRecord<byte[], byte[]>> records = everyRecordOfEveryTopic();
        List<ProvisioningRequested> requests = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            String value = record.value() == null ? "" : new String(record.value(), StandardCharsets.UTF_8);
            assertThat(value).as(record.topic()).doesNotContain(secret).doesNotContain(updateSecret);
            record.headers().forEach(h -> assertThat(new String(h.value(), StandardCharsets.UTF_8))
                    .doesNotContain(secret).doesNotContain(updateSecret));
            if (record.topic().equals(Topics.REQUESTS) && value.contains(guid)) {
                requests.add(codec.readRequested(record.value()).data());
            }
        }
        assertThat(requests).extracting(ProvisioningRequested::operationType)
                .containsExactly(OperationType.CREATE, OperationType.UPDATE);
        assertThat(sealer.open(requests.get(0).sealedParameters())).as("the caller's text, numbers untouched")
                .isEqualTo(created);
        assertThat(sealer.open(requests.get(1).sealedParameters())).isEqualTo(updated);

        assertThat(tables).contains("service_instances", "outbox");
        List<String> rows = new ArrayList<>(rowsInFlight);
        rows.addAll(rows(tables));
        assertThat(rows).as("database rows").isNotEmpty()
                .noneMatch(row -> row.contains(secret) || row.contains(updateSecret));
        assertThat(output.getAll()).as("logs").doesNotContain(secret).doesNotContain(updateSecret);

        BROKER.answerFetch(guid, 200, "{\"parameters\": " + updated + "}");
        Answer fetched = get("/v2/service_instances/" + guid + "/parameters");
        assertThat(fetched.status()).isEqualTo(200);
        assertThat(fetched.body()).as("the broker's answer, as the broker wrote it").isEqualTo(updated);
    }

    /** Every table of the gateway's schema. */
    private List<String> tables() {
        return jdbc.sql("""
                SELECT table_name FROM information_schema.tables
                WHERE LOWER(table_schema) = 'public' AND table_type IN ('BASE TABLE', 'TABLE')""")
                .query(String.class).list().stream().map(String::toLowerCase).toList();
    }

    /** Every row of these tables, as text. */
    private List<String> rows(List<String> tables) {
        List<String> rows = new ArrayList<>();
        for (String table : tables) {
            jdbc.sql("SELECT * FROM " + table).query().listOfRows().forEach(row -> rows.add(table + ": " + row));
        }
        return rows;
    }

    private List<ConsumerRecord<byte[], byte[]>> everyRecordOfEveryTopic() {
        Map<String, Object> props = KafkaTestUtils.consumerProps(embeddedKafka, "scan-" + UUID.randomUUID(), false);
        List<ConsumerRecord<byte[], byte[]>> all = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            consumer.listTopics().forEach((topic, infos) -> infos.forEach(
                    info -> partitions.add(new TopicPartition(topic, info.partition()))));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                consumer.poll(Duration.ofMillis(100)).forEach(all::add);
                return partitions.stream().allMatch(p -> consumer.position(p) >= ends.get(p));
            });
            assertThat(partitions).extracting(TopicPartition::topic).contains(Topics.REQUESTS, Topics.STATUS);
        }
        return all;
    }
}
