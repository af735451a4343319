package io.provisioner.worker;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.provisioner.schemas.BrokerEndpoint;
import io.provisioner.schemas.EventCodec;
import io.provisioner.schemas.EventEnvelope;
import io.provisioner.schemas.EventTypes;
import io.provisioner.schemas.OperationStatusChanged;
import io.provisioner.schemas.OperationType;
import io.provisioner.schemas.ProvisioningRequested;
import io.provisioner.schemas.SecretSealer;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;

/**
 * The base of every integration test: one Spring context (so one embedded Kafka broker) for all of
 * them, a WireMock broker, a producer for requests and a reader of status events. Each test uses its
 * own instance guid (and broker guid, so circuit breakers do not leak between tests).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.config.name=worker",
        "spring.kafka.bootstrap-servers=${spring.embedded.kafka.brokers}",
        "provisioner.worker.secret-key=" + WorkerIntegrationTest.SECRET_KEY,
        "provisioner.worker.broker.retry-initial-backoff=20ms",
        "provisioner.worker.broker.read-timeout=5s",
        "provisioner.worker.requests.redelivery-backoff=100ms",
        "provisioner.worker.polling.threads=4"})
@EmbeddedKafka(partitions = 3, brokerProperties = "group.initial.rebalance.delay.ms=0")
public abstract class WorkerIntegrationTest {

    /** A fixed test key: base64 of 32 bytes. */
    public static final String SECRET_KEY = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
    public static final String BROKER_USER = "broker-user";
    public static final String BROKER_PASSWORD = "s3cret:pa$$word";
    protected static final Duration PATIENCE = Duration.ofSeconds(20);

    protected static final WireMockServer broker = new WireMockServer(options().dynamicPort());
    protected static final EventCodec codec = new EventCodec();
    private static final SecretSealer sealer = new SecretSealer(SECRET_KEY);

    private static KafkaProducer<String, byte[]> producer;
    private static KafkaConsumer<String, byte[]> statusReader;
    private static final List<OperationStatusChanged> statuses = new ArrayList<>();

    static {
        broker.start();
    }

    @Autowired
    protected EmbeddedKafkaBroker kafka;

    @BeforeEach
    void connect() {
        if (producer == null) {
            producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.getBrokersAsString(),
                    ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer());
            statusReader = reader(Topics.STATUS);
        }
    }

    @AfterAll
    static void disconnect() {
        // The context (and its broker) outlives a test class; the clients are re-created per class.
        if (producer != null) {
            producer.close();
            statusReader.close();
            producer = null;
            statusReader = null;
            statuses.clear();
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

    protected static ProvisioningRequested request(OperationType type, String instanceGuid) {
        return request(type, instanceGuid, brokerUrl(), null);
    }

    protected static ProvisioningRequested request(OperationType type, String instanceGuid, String url,
            Integer maximumPollingDurationSeconds) {
        BrokerEndpoint endpoint = new BrokerEndpoint(UUID.randomUUID().toString(), "test-broker", url, BROKER_USER,
                sealer.seal(BROKER_PASSWORD));
        return new ProvisioningRequested(UUID.randomUUID().toString(), type, instanceGuid, "my-db", "service-1",
                "plan-small", type == OperationType.UPDATE ? "plan-tiny" : null, "org-guid-1", "my-org", "space-guid-1",
                "my-space", Map.of("size", "small", "replicas", 2), null, endpoint, maximumPollingDurationSeconds,
                "user-42", Instant.now());
    }

    protected void send(ProvisioningRequested request) {
        EventEnvelope<ProvisioningRequested> envelope = EventEnvelope.of(EventTypes.PROVISIONING_REQUESTED,
                "/provisioner/api-gateway", Instant.now(), request.instanceGuid(), request);
        sendRaw(request.instanceGuid(), codec.write(envelope));
    }

    protected void sendRaw(String key, byte[] value) {
        sendTo(Topics.REQUESTS, key, value);
    }

    protected void sendTo(String topic, String key, byte[] value) {
        try {
            producer.send(new ProducerRecord<>(topic, key, value)).get(10, TimeUnit.SECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not send a test request", e);
        }
    }

    /** The status events of an instance, in the order the worker published them. */
    protected List<OperationStatusChanged> statusesOf(String instanceGuid) {
        statusReader.poll(Duration.ofMillis(100)).forEach(record -> statuses.add(codec.readStatus(record.value()).data()));
        return statuses.stream().filter(status -> instanceGuid.equals(status.instanceGuid())).toList();
    }

    /** Waits for the operation's final status and returns all its statuses. */
    protected List<OperationStatusChanged> awaitFinished(String instanceGuid) {
        await().atMost(PATIENCE).until(() -> statusesOf(instanceGuid).stream().anyMatch(s -> s.state().terminal()));
        return statusesOf(instanceGuid);
    }

    protected static OperationStatusChanged last(List<OperationStatusChanged> statuses) {
        return statuses.get(statuses.size() - 1);
    }

    protected static String newGuid() {
        return UUID.randomUUID().toString();
    }
}
