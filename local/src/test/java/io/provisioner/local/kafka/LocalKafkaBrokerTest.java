package io.provisioner.local.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;

/**
 * Guards the use of Kafka's internal server API (KafkaRaftServer, Formatter): run it after every Kafka upgrade.
 */
class LocalKafkaBrokerTest {

    private static final String TOPIC = "orders";
    private static final String GROUP = "order-processor";

    @BeforeAll
    static void quietKafka() {
        quietKafkaLogging();
    }

    @Test
    void keepsTopicsRecordsAndCommittedOffsetsAcrossARestart(@TempDir Path dataDir) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed;
        List<String> firstForty;

        long begin = System.nanoTime();
        try (LocalKafkaBroker broker = LocalKafkaBroker.start(dataDir, 0, 0, 3)) {
            report("first start", begin);
            assertThat(broker.bootstrapServers()).matches("127\\.0\\.0\\.1:\\d+");
            try (Admin admin = admin(broker)) {
                admin.createTopics(List.of(new NewTopic(TOPIC, 3, (short) 1))).all().get(10, TimeUnit.SECONDS);
            }
            produce(broker, TOPIC, 100);
            try (KafkaConsumer<String, String> consumer = groupConsumer(broker, GROUP)) {
                consumer.subscribe(List.of(TOPIC));
                firstForty = new ArrayList<>();
                committed = new HashMap<>();
                pollUntil(consumer, () -> firstForty.size() >= 40, record -> {
                    if (firstForty.size() < 40) {
                        firstForty.add(record.value());
                        committed.put(new TopicPartition(record.topic(), record.partition()),
                                new OffsetAndMetadata(record.offset() + 1));
                    }
                });
                consumer.commitSync(committed);
            }
        }

        begin = System.nanoTime();
        try (LocalKafkaBroker broker = LocalKafkaBroker.start(dataDir, 0, 0, 3)) {
            report("restart", begin);
            try (Admin admin = admin(broker)) {
                TopicDescription topic = admin.describeTopics(List.of(TOPIC)).allTopicNames()
                        .get(10, TimeUnit.SECONDS).get(TOPIC);
                assertThat(topic.partitions()).hasSize(3);
                assertThat(admin.listConsumerGroupOffsets(GROUP).partitionsToOffsetAndMetadata()
                        .get(10, TimeUnit.SECONDS))
                        .as("committed offsets of the group")
                        .isEqualTo(committed);
            }
            assertThat(readAll(broker, TOPIC, 3, 100)).containsExactlyInAnyOrderElementsOf(values(100));

            List<String> rest = new ArrayList<>();
            try (KafkaConsumer<String, String> consumer = groupConsumer(broker, GROUP)) {
                consumer.subscribe(List.of(TOPIC));
                pollUntil(consumer, () -> rest.size() >= 60, record -> rest.add(record.value()));
            }
            assertThat(rest).as("the group resumes after the 40 committed records").hasSize(60)
                    .doesNotContainAnyElementsOf(firstForty);
            List<String> all = new ArrayList<>(firstForty);
            all.addAll(rest);
            assertThat(all).containsExactlyInAnyOrderElementsOf(values(100));
        }
    }

    @Test
    void neverCreatesATopicOnItsOwn(@TempDir Path dataDir) throws Exception {
        try (LocalKafkaBroker broker = LocalKafkaBroker.start(dataDir, 0, 0, 3)) {
            // A consumer asks the broker to create what it reads unless told otherwise; the broker refuses.
            try (KafkaConsumer<String, String> consumer = groupConsumer(broker, GROUP)) {
                assertThat(consumer.partitionsFor("provisioning.nobody.dlt", Duration.ofSeconds(5))).isEmpty();
            }
            try (Admin admin = admin(broker)) {
                assertThat(admin.listTopics().names().get(10, TimeUnit.SECONDS)).doesNotContain("provisioning.nobody.dlt");
            }
        }
    }

    @Test
    void keepsAcknowledgedRecordsAndOffsetsAfterKillMinus9(@TempDir Path dataDir) throws Exception {
        Path output = dataDir.resolve("child.log");
        Path brokerDir = dataDir.resolve("broker");
        Process child = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                "-Xmx256m", "-XX:+UseSerialGC",
                "-Djava.io.tmpdir=" + dataDir,
                KillMinus9Child.class.getName(), brokerDir.toString())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        try {
            await("the child JVM to be ready (see " + output + ")").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> {
                        assertThat(child.isAlive()).as("child alive; output:%n%s", read(output)).isTrue();
                        return read(output).contains(KillMinus9Child.READY);
                    });
        } finally {
            child.destroyForcibly(); // SIGKILL
            assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(child.exitValue()).isEqualTo(137);

        long begin = System.nanoTime();
        try (LocalKafkaBroker broker = LocalKafkaBroker.start(brokerDir, 0, 0, 3)) {
            report("restart after kill -9", begin);
            assertThat(readAll(broker, KillMinus9Child.TOPIC, 2, 50)).containsExactlyInAnyOrderElementsOf(values(50));
            try (Admin admin = admin(broker)) {
                Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(GROUP)
                        .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
                assertThat(offsets.values().stream().mapToLong(OffsetAndMetadata::offset).sum()).isEqualTo(20);
            }
        }
    }

    @Test
    void failsWithAClearMessageWhenThePortOrTheDataFolderIsTaken(@TempDir Path dataDir) throws Exception {
        try (LocalKafkaBroker first = LocalKafkaBroker.start(dataDir.resolve("first"), 0, 0, 3)) {
            int takenPort = Integer.parseInt(first.bootstrapServers().substring("127.0.0.1:".length()));

            assertThatThrownBy(() -> LocalKafkaBroker.start(dataDir.resolve("second"), takenPort, 0, 3))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("port " + takenPort + " is in use")
                    .hasMessageContaining("KAFKA_PORT");

            try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
                assertThatThrownBy(() -> LocalKafkaBroker.start(dataDir.resolve("second"), 0, taken.getLocalPort(), 3))
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("port " + taken.getLocalPort() + " is in use")
                        .hasMessageContaining("KAFKA_CONTROLLER_PORT");
            }

            assertThatThrownBy(() -> LocalKafkaBroker.start(dataDir.resolve("first"), 0, 0, 3))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("is in use by another Kafka broker");

            // Without the early port checks Kafka itself fails to bind: with the client port it throws, with the
            // controller port it calls Exit.halt(1). Neither may end the JVM.
            assertThatThrownBy(() -> LocalKafkaBroker.start(dataDir.resolve("third"), takenPort, 0, 3, false))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("127.0.0.1:" + takenPort)
                    .hasMessageContaining("Address already in use");
            try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
                assertThatThrownBy(() -> LocalKafkaBroker.start(dataDir.resolve("fourth"), 0, taken.getLocalPort(), 3,
                        false))
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("controller port " + taken.getLocalPort())
                        .hasMessageContaining("asked to end the process (halt 1)");
            }

            // Still here, and the first broker still serves.
            try (Admin admin = admin(first)) {
                admin.createTopics(List.of(new NewTopic("still-alive", 3, (short) 1))).all().get(10, TimeUnit.SECONDS);
            }
            produce(first, "still-alive", 1);
            assertThat(readAll(first, "still-alive", 3, 1)).containsExactly("v0");
        }
    }

    /** Runs in a separate JVM, which the test kills with SIGKILL once it printed {@link #READY}. */
    static final class KillMinus9Child {
        static final String READY = "CHILD-READY";
        static final String TOPIC = "killed";

        public static void main(String[] args) throws Exception {
            quietKafkaLogging();
            LocalKafkaBroker broker = LocalKafkaBroker.start(Path.of(args[0]), 0, 0, 3);
            try (Admin admin = admin(broker)) {
                admin.createTopics(List.of(new NewTopic(TOPIC, 2, (short) 1))).all().get(10, TimeUnit.SECONDS);
            }
            produce(broker, TOPIC, 50);
            try (KafkaConsumer<String, String> consumer = groupConsumer(broker, GROUP)) {
                consumer.subscribe(List.of(TOPIC));
                List<String> seen = new ArrayList<>();
                Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
                pollUntil(consumer, () -> seen.size() >= 20, record -> {
                    if (seen.size() < 20) {
                        seen.add(record.value());
                        offsets.put(new TopicPartition(record.topic(), record.partition()),
                                new OffsetAndMetadata(record.offset() + 1));
                    }
                });
                consumer.commitSync(offsets);
            }
            System.out.println(READY);
            System.out.flush();
            new CountDownLatch(1).await(); // until killed
        }
    }

    // ---------------------------------------------------------------------------------------------------------------

    static void quietKafkaLogging() {
        if (LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext) {
            ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(Level.INFO);
            for (String name : List.of("kafka", "org.apache.kafka", "state.change.logger")) {
                ((Logger) LoggerFactory.getLogger(name)).setLevel(Level.WARN);
            }
        }
    }

    private static void report(String what, long beginNanos) {
        System.out.printf("LocalKafkaBroker %s took %d ms%n", what,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - beginNanos));
    }

    private static Admin admin(LocalKafkaBroker broker) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
    }

    private static void produce(LocalKafkaBroker broker, String topic, int count) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        try (KafkaProducer<String, String> producer =
                     new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            List<Future<RecordMetadata>> sends = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                sends.add(producer.send(new ProducerRecord<>(topic, "k" + i, "v" + i)));
            }
            for (Future<RecordMetadata> send : sends) {
                send.get(10, TimeUnit.SECONDS); // acknowledged by the broker
            }
        }
    }

    private static KafkaConsumer<String, String> groupConsumer(LocalKafkaBroker broker, String group) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 7);
        return new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer());
    }

    /** Reads a topic from the beginning, without a group. */
    private static List<String> readAll(LocalKafkaBroker broker, String topic, int partitions, int expected) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                     new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(IntStream.range(0, partitions).mapToObj(p -> new TopicPartition(topic, p)).toList());
            pollUntil(consumer, () -> values.size() >= expected, record -> values.add(record.value()));
            // Nothing beyond what was expected.
            consumer.poll(Duration.ofMillis(200)).forEach(record -> values.add(record.value()));
        }
        return values;
    }

    private static void pollUntil(KafkaConsumer<String, String> consumer, java.util.function.BooleanSupplier done,
                                  java.util.function.Consumer<ConsumerRecord<String, String>> onRecord) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!done.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline).as("records arrive within 20 s").isNegative();
            consumer.poll(Duration.ofMillis(200)).forEach(onRecord);
        }
    }

    private static List<String> values(int count) {
        return IntStream.range(0, count).mapToObj(i -> "v" + i).collect(Collectors.toList());
    }

    private static String read(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    }
}
