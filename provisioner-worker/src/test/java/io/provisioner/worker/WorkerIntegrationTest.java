package io.provisioner.worker;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.provisioner.samplebroker.SampleBrokerApplication;
import io.provisioner.schemas.BindingStatusChanged;
import io.provisioner.schemas.BrokerEndpoint;
import io.provisioner.schemas.EventCodec;
import io.provisioner.schemas.EventEnvelope;
import io.provisioner.schemas.EventTypes;
import io.provisioner.schemas.OperationStatusChanged;
import io.provisioner.schemas.OperationType;
import io.provisioner.schemas.OrphanMitigationChanged;
import io.provisioner.schemas.OrphanMitigationRequested;
import io.provisioner.schemas.OrphanMitigationState;
import io.provisioner.schemas.ProvisioningRequested;
import io.provisioner.schemas.SecretSealer;
import io.provisioner.schemas.ServiceBindingTarget;
import io.provisioner.schemas.Topics;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The base of every integration test: one Spring context (so one embedded Kafka broker) for all of
 * them, a WireMock broker and a real sample broker, a producer for requests and a collector of status
 * events. Tests run in parallel: each uses its own instance guid (and broker guid, so circuit breakers
 * do not leak between tests), and a test that stops parts of the worker is {@code @Isolated}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.config.name=worker",
        "spring.kafka.bootstrap-servers=${spring.embedded.kafka.brokers}",
        "provisioner.worker.secret-key=" + WorkerIntegrationTest.SECRET_KEY,
        "provisioner.worker.broker.retry-initial-backoff=20ms",
        "provisioner.worker.broker.read-timeout=5s",
        // Named broker instances (by broker name) that some tests use.
        "provisioner.worker.broker.instances.slow-broker.read-timeout=400ms",
        "provisioner.worker.broker.instances.slow-broker.retry-attempts=2",
        "provisioner.worker.broker.instances.flaky-broker.retry-attempts=2",
        "provisioner.worker.broker.instances.flaky-broker.circuit-minimum-calls=2",
        "provisioner.worker.broker.instances.flaky-broker.circuit-sliding-window=4",
        "provisioner.worker.broker.instances.flaky-broker.circuit-open-duration=1s",
        "provisioner.worker.retry-later.initial-interval=200ms",
        "provisioner.worker.retry-later.max-interval=1s",
        "provisioner.worker.orphan-mitigation.initial-interval=200ms",
        "provisioner.worker.orphan-mitigation.max-interval=1s",
        "provisioner.worker.orphan-mitigation.give-up-after=6s",
        "provisioner.worker.requests.redelivery-backoff=100ms",
        "provisioner.worker.requests.concurrency=3",
        "provisioner.worker.polling.threads=8"})
@EmbeddedKafka(partitions = 3, brokerProperties = {"group.initial.rebalance.delay.ms=0",
        "group.min.session.timeout.ms=500"})
public abstract class WorkerIntegrationTest {

    /** A fixed test key: base64 of 32 bytes. */
    public static final String SECRET_KEY = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
    public static final String BROKER_USER = "broker-user";
    public static final String BROKER_PASSWORD = "s3cret:pa$$word";
    protected static final Duration PATIENCE = Duration.ofSeconds(30);

    /** The sample broker's catalog and credentials (sample-broker/README.md). */
    protected static final String SAMPLE_SERVICE = "5d0f3f6e-6d4a-4c7e-9a36-6b1b0f0c1a01";
    protected static final String SYNC_PLAN = "5d0f3f6e-6d4a-4c7e-9a36-6b1b0f0c1b01";
    protected static final String ASYNC_PLAN = "5d0f3f6e-6d4a-4c7e-9a36-6b1b0f0c1b02";
    protected static final String SAMPLE_USER = "broker";
    protected static final String SAMPLE_PASSWORD = "broker-secret";

    protected static final WireMockServer broker = new WireMockServer(options().dynamicPort());
    protected static final ConfigurableApplicationContext sampleBroker = startSampleBroker();
    protected static final EventCodec codec = new EventCodec();
    protected static final JsonMapper json = JsonMapper.shared();
    protected static final SecretSealer sealer = new SecretSealer(SECRET_KEY);
    private static final HttpClient http = HttpClient.newHttpClient();

    private static KafkaProducer<String, byte[]> producer;
    private static StatusCollector statuses;

    static {
        broker.start();
    }

    @Autowired
    protected EmbeddedKafkaBroker kafka;

    private static ConfigurableApplicationContext startSampleBroker() {
        return SampleBrokerApplication.builder()
                .properties("SAMPLE_BROKER_PORT=0", "spring.main.banner-mode=off")
                .run("--sample-broker.request-log-size=200000",
                        "--spring.autoconfigure.exclude=org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration");
    }

    @BeforeEach
    void connect() {
        synchronized (WorkerIntegrationTest.class) {
            if (producer == null) {
                // One producer and one collector for the whole JVM: test classes run at the same time.
                producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        kafka.getBrokersAsString(), ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(),
                        new ByteArraySerializer());
                statuses = new StatusCollector(kafka.getBrokersAsString(), codec);
            }
        }
    }

    /** A consumer of all partitions of a topic, from the beginning, outside any group. */
    protected KafkaConsumer<String, byte[]> reader(String topic) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.getBrokersAsString());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new ByteArrayDeserializer());
        await().atMost(PATIENCE).until(() -> !consumer.partitionsFor(topic).isEmpty());
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(info -> new TopicPartition(topic, info.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return consumer;
    }

    /** Every record of a topic with this key, read so far from the beginning. */
    protected List<ConsumerRecord<String, byte[]>> recordsWithKey(KafkaConsumer<String, byte[]> consumer, String key,
            List<ConsumerRecord<String, byte[]>> seen) {
        consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
        return seen.stream().filter(record -> key.equals(record.key())).toList();
    }

    protected static String brokerUrl() {
        return "http://127.0.0.1:" + broker.port();
    }

    protected static String sampleBrokerUrl() {
        return "http://127.0.0.1:" + sampleBroker.getEnvironment().getProperty("local.server.port");
    }

    protected static ProvisioningRequested request(OperationType type, String instanceGuid) {
        return request(type, instanceGuid, brokerUrl(), null);
    }

    protected static ProvisioningRequested request(OperationType type, String instanceGuid, String url,
            Integer maximumPollingDurationSeconds) {
        BrokerEndpoint endpoint = new BrokerEndpoint(UUID.randomUUID().toString(), "test-broker", url, BROKER_USER,
                sealer.seal(BROKER_PASSWORD));
        return new ProvisioningRequested(UUID.randomUUID().toString(), type, instanceGuid, "my-db", "service-1",
                "plan-small", type == OperationType.UPDATE ? "plan-tiny" : null, "org-guid-1", "my-org", "space-guid-1",
                "my-space", sealer.seal("{\"size\": \"small\", \"replicas\": 2}"), null, endpoint, maximumPollingDurationSeconds,
                "user-42", Instant.now());
    }

    /**
     * A request to the sample broker: the {@code sample_broker} map becomes the behaviour override in the
     * parameters (sample-broker/README.md).
     */
    protected static ProvisioningRequested sampleRequest(OperationType type, String instanceGuid, String planId,
            Map<String, Object> sampleBroker) {
        return sampleRequest(type, instanceGuid, planId, sampleBroker, null, sampleBrokerEndpoint("sample-broker"));
    }

    protected static ProvisioningRequested sampleRequest(OperationType type, String instanceGuid, String planId,
            Map<String, Object> sampleBroker, Integer maximumPollingDurationSeconds, BrokerEndpoint endpoint) {
        Map<String, Object> parameters = sampleBroker == null ? Map.of("size", "small")
                : Map.of("size", "small", "sample_broker", sampleBroker);
        return new ProvisioningRequested(UUID.randomUUID().toString(), type, instanceGuid, "my-db", SAMPLE_SERVICE,
                planId, type == OperationType.UPDATE ? SYNC_PLAN : null, "org-guid-1", "my-org", "space-guid-1",
                "my-space", type == OperationType.DELETE ? null : sealer.seal(json.writeValueAsString(parameters)), null, endpoint,
                maximumPollingDurationSeconds, "user-42", Instant.now());
    }

    /**
     * A bind ({@code CREATE}) or unbind ({@code DELETE}) of {@code bindingGuid} at the sample broker; the
     * {@code sample_broker} map becomes the bind's behaviour override.
     */
    protected static ProvisioningRequested bindingRequest(OperationType type, String instanceGuid, String bindingGuid,
            Map<String, Object> sampleBroker) {
        ProvisioningRequested base = sampleRequest(type, instanceGuid, SYNC_PLAN, sampleBroker);
        return new ProvisioningRequested(base.operationId(), type, instanceGuid, base.instanceName(), base.serviceId(),
                base.planId(), null, base.organizationGuid(), base.organizationName(), base.spaceGuid(),
                base.spaceName(), base.sealedParameters(), null, base.broker(), base.maximumPollingDurationSeconds(),
                base.originatingUserId(), base.requestedAt(), new ServiceBindingTarget(bindingGuid, "my-key"));
    }

    /** Sends a bind or unbind request as the gateway's outbox does. */
    protected void sendBinding(ProvisioningRequested request) {
        sendRaw(request.instanceGuid(), codec.write(EventEnvelope.of(EventTypes.BINDING_REQUESTED,
                "/provisioner/api-gateway", Instant.now(), request.instanceGuid(), request)));
    }

    protected List<BindingStatusChanged> bindingStatusesOf(String bindingGuid) {
        return statuses.ofBinding(bindingGuid);
    }

    /** The binding's status records as they travelled on Kafka. */
    protected List<byte[]> bindingStatusRecordsOf(String bindingGuid) {
        return statuses.recordsOfBinding(bindingGuid);
    }

    /** Waits for the binding operation {@code operationId} to end; returns its final status. */
    protected BindingStatusChanged awaitBindingFinished(String bindingGuid, String operationId) {
        await().atMost(PATIENCE).until(() -> bindingStatusesOf(bindingGuid).stream()
                .anyMatch(s -> s.operationId().equals(operationId) && s.state().terminal()));
        return bindingStatusesOf(bindingGuid).stream()
                .filter(s -> s.operationId().equals(operationId) && s.state().terminal()).findFirst().orElseThrow();
    }

    /** Whether the sample broker still holds the binding, in whatever state. */
    protected static boolean sampleBrokerHoldsBinding(String bindingGuid) {
        return json.readTree(sampleBrokerAdmin("GET", "/admin/bindings/" + bindingGuid, null)).get("exists")
                .asBoolean();
    }

    /** The sample broker under a fresh guid (its own circuit breaker), and the given name. */
    protected static BrokerEndpoint sampleBrokerEndpoint(String name) {
        return new BrokerEndpoint(UUID.randomUUID().toString(), name, sampleBrokerUrl(), SAMPLE_USER,
                sealer.seal(SAMPLE_PASSWORD));
    }

    protected void send(ProvisioningRequested request) {
        EventEnvelope<ProvisioningRequested> envelope = EventEnvelope.of(EventTypes.PROVISIONING_REQUESTED,
                "/provisioner/api-gateway", Instant.now(), request.instanceGuid(), request);
        sendRaw(request.instanceGuid(), codec.write(envelope));
    }

    /** Asks for orphan mitigation, as the gateway does when an operator retries an abandoned job. */
    protected void send(OrphanMitigationRequested requested) {
        String instance = requested.request().instanceGuid();
        sendRaw(instance, codec.write(EventEnvelope.of(EventTypes.ORPHAN_MITIGATION_REQUESTED, "/provisioner/api-gateway",
                Instant.now(), instance, requested)));
    }

    protected void sendRaw(String key, byte[] value) {
        sendTo(Topics.REQUESTS, key, value);
    }

    protected void sendTo(String topic, String key, byte[] value) {
        try {
            producer.send(new ProducerRecord<>(topic, key, value)).get(10, TimeUnit.SECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not send a test record", e);
        }
    }

    /** The status events of an instance, in the order the worker published them. */
    protected List<OperationStatusChanged> statusesOf(String instanceGuid) {
        return statuses.of(instanceGuid);
    }

    /** Waits for the operation's final status and returns all its statuses. */
    protected List<OperationStatusChanged> awaitFinished(String instanceGuid) {
        await().atMost(PATIENCE).until(() -> statusesOf(instanceGuid).stream().anyMatch(s -> s.state().terminal()));
        return statusesOf(instanceGuid);
    }

    /** The orphan-mitigation events of an instance, in the order the worker published them. */
    protected List<OrphanMitigationChanged> orphanMitigationsOf(String instanceGuid) {
        return statuses.orphanMitigationsOf(instanceGuid);
    }

    /** Waits until the instance's orphan-mitigation job reaches {@code state}; returns all its events. */
    protected List<OrphanMitigationChanged> awaitOrphanMitigation(String instanceGuid, OrphanMitigationState state) {
        await().atMost(PATIENCE).until(() -> orphanMitigationsOf(instanceGuid).stream()
                .anyMatch(event -> event.state() == state));
        return orphanMitigationsOf(instanceGuid);
    }

    /**
     * Switches the sample broker broken for one instance ({@code PUT /admin/outage}, sample-broker/README.md):
     * tests run side by side, so each breaks only its own instance.
     */
    protected static void sampleBrokerOutage(String instanceGuid, Map<String, Object> outage) {
        Map<String, Object> mine = new java.util.HashMap<>(outage);
        mine.put("instance_ids", List.of(instanceGuid));
        sampleBrokerAdmin("PUT", "/admin/outage", json.writeValueAsString(mine));
    }

    protected static void healSampleBroker(String instanceGuid) {
        sampleBrokerAdmin("DELETE", "/admin/outage?instance_id=" + instanceGuid, null);
    }

    /** Whether the sample broker still holds the instance, in whatever state. */
    protected static boolean sampleBrokerHolds(String instanceGuid) {
        return json.readTree(sampleBrokerAdmin("GET", "/admin/instances/" + instanceGuid, null)).get("exists")
                .asBoolean();
    }

    private static String sampleBrokerAdmin(String method, String path, String body) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(sampleBrokerUrl() + path))
                    .header("Content-Type", "application/json").header("Authorization", sampleBrokerAuthorization())
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(body))
                    .build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() >= 300) {
                throw new IllegalStateException(method + " " + path + " answered " + response.statusCode());
            }
            return response.body();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    protected static <T> T last(List<T> events) {
        return events.get(events.size() - 1);
    }

    protected static String newGuid() {
        return UUID.randomUUID().toString();
    }

    /** What the sample broker received for this instance, oldest first (its {@code /admin/requests}). */
    protected static List<JsonNode> sampleBrokerRequests(String instanceGuid) {
        List<JsonNode> mine = new ArrayList<>();
        allSampleBrokerRequests().forEach(entry -> {
            if (entry.get("path").asString().startsWith("/v2/service_instances/" + instanceGuid)) {
                mine.add(entry);
            }
        });
        return mine;
    }

    /** The sample broker's own credentials, which its {@code /admin/**} endpoints need. */
    private static String sampleBrokerAuthorization() {
        return "Basic " + Base64.getEncoder().encodeToString((SAMPLE_USER + ":" + SAMPLE_PASSWORD)
                .getBytes(StandardCharsets.UTF_8));
    }

    /** Everything the sample broker received, oldest first. */
    protected static JsonNode allSampleBrokerRequests() {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(sampleBrokerUrl()
                    + "/admin/requests")).header("Authorization", sampleBrokerAuthorization()).build(),
                    HttpResponse.BodyHandlers.ofString());
            return json.readTree(response.body());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The request lines ("PUT", "GET last_operation", ...) the sample broker received for this instance. */
    protected static List<String> sampleBrokerCalls(String instanceGuid) {
        return sampleBrokerRequests(instanceGuid).stream()
                .map(entry -> entry.get("method").asString()
                        + (entry.get("path").asString().endsWith("/last_operation") ? " last_operation" : ""))
                .toList();
    }

    /**
     * Checks the headers every OSB request must carry, and the originating identity only on
     * user-initiated ones.
     */
    protected static void assertOsbHeaders(JsonNode entry, boolean userInitiated) {
        JsonNode headers = entry.get("headers");
        assertThat(headers.get("x-broker-api-version").asString()).isEqualTo("2.17");
        // The broker keeps only the scheme; it answered (not 401), so the credentials were right.
        assertThat(headers.get("authorization").asString()).isEqualTo("Basic [REDACTED]");
        assertThat(headers.get("x-broker-api-request-identity").asString())
                .matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
        assertThat(headers.get("content-type").asString()).isEqualTo("application/json");
        if (userInitiated) {
            String identity = headers.get("x-broker-api-originating-identity").asString();
            assertThat(identity).startsWith("cloudfoundry ");
            assertThat(new String(Base64.getDecoder().decode(identity.substring("cloudfoundry ".length())),
                    StandardCharsets.UTF_8)).isEqualTo("{\"user_id\":\"user-42\"}");
        } else {
            assertThat(headers.has("x-broker-api-originating-identity")).isFalse();
        }
    }

    /**
     * The request of {@code request(type, instance)} with its broker password sealed under another key: every
     * step that carries it fails when it opens the password, before any broker call.
     */
    protected ProvisioningRequested requestSealedWithAnotherKey(OperationType type, String instance) {
        ProvisioningRequested request = request(type, instance);
        BrokerEndpoint foreign = new BrokerEndpoint(request.broker().guid(), request.broker().name(),
                request.broker().url(), request.broker().username(),
                new SecretSealer("ZmVkY2JhOTg3NjU0MzIxMGZlZGNiYTk4NzY1NDMyMTA=").seal(BROKER_PASSWORD));
        return new ProvisioningRequested(request.operationId(), request.operationType(), instance,
                request.instanceName(), request.serviceId(), request.planId(), request.previousPlanId(),
                request.organizationGuid(), request.organizationName(), request.spaceGuid(), request.spaceName(),
                request.sealedParameters(), request.maintenanceInfo(), foreign, request.maximumPollingDurationSeconds(),
                request.originatingUserId(), request.requestedAt());
    }
}
