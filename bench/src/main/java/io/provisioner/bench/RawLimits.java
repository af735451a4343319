package io.provisioner.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * What the machine can do without Provisioner in the way, measured in the same run: the two inserts of
 * an accepted create as one JDBC transaction (copies of our tables, so the same rows, indexes and WAL),
 * and Kafka produce at acks=all with our record size.
 */
final class RawLimits {

    static final String REQUESTS_TOPIC = "provisioning.requests";

    record PgResult(int clients, double transactionsPerSecond, double meanMs) {
    }

    record KafkaResult(int recordBytes, double recordsPerSecond) {
    }

    private RawLimits() {
    }

    static PgResult postgres(Options options, int payloadBytes) throws SQLException, InterruptedException {
        try (Connection setup = connect(options); Statement sql = setup.createStatement()) {
            sql.execute("DROP TABLE IF EXISTS bench_raw_instances, bench_raw_outbox");
            sql.execute("CREATE TABLE bench_raw_instances (LIKE service_instances INCLUDING ALL)");
            sql.execute("CREATE TABLE bench_raw_outbox (LIKE outbox INCLUDING ALL)");
        }
        String payload = "x".repeat(payloadBytes);
        AtomicLong done = new AtomicLong();
        AtomicLong busyNanos = new AtomicLong();
        long end = System.nanoTime() + options.rawDuration().toNanos();
        List<Thread> clients = new ArrayList<>();
        List<Exception> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        long start = System.nanoTime();
        for (int c = 0; c < options.pgClients(); c++) {
            Thread client = new Thread(() -> {
                try (Connection db = connect(options);
                        PreparedStatement instance = db.prepareStatement("""
                                INSERT INTO bench_raw_instances (guid, name, space_guid, service_plan_guid, tags,
                                  dashboard_url, maintenance_info, operation_id, operation_type, operation_state,
                                  operation_description, operation_sequence, operation_created_at, operation_updated_at,
                                  operation_deadline, created_at, updated_at)
                                VALUES (?, ?, ?, ?, '[]', NULL, NULL, ?, 'create', 'in progress', '', 0, ?, ?, ?, ?, ?)""");
                        PreparedStatement outbox = db.prepareStatement(
                                "INSERT INTO bench_raw_outbox (topic, message_key, payload, created_at) VALUES (?, ?, ?, ?)")) {
                    db.setAutoCommit(false);
                    String space = UUID.randomUUID().toString();
                    String plan = UUID.randomUUID().toString();
                    while (System.nanoTime() < end) {
                        long t0 = System.nanoTime();
                        String guid = UUID.randomUUID().toString();
                        OffsetDateTime now = OffsetDateTime.now();
                        instance.setString(1, guid);
                        instance.setString(2, "raw-" + guid);
                        instance.setString(3, space);
                        instance.setString(4, plan);
                        instance.setString(5, UUID.randomUUID().toString());
                        instance.setObject(6, now);
                        instance.setObject(7, now);
                        instance.setObject(8, now.plusDays(1));
                        instance.setObject(9, now);
                        instance.setObject(10, now);
                        instance.executeUpdate();
                        outbox.setString(1, REQUESTS_TOPIC);
                        outbox.setString(2, guid);
                        outbox.setString(3, payload);
                        outbox.setObject(4, now);
                        outbox.executeUpdate();
                        db.commit();
                        busyNanos.addAndGet(System.nanoTime() - t0);
                        done.incrementAndGet();
                    }
                } catch (SQLException e) {
                    failures.add(e);
                }
            }, "bench-pg-" + c);
            clients.add(client);
            client.start();
        }
        for (Thread client : clients) {
            client.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        try (Connection cleanup = connect(options); Statement sql = cleanup.createStatement()) {
            sql.execute("DROP TABLE IF EXISTS bench_raw_instances, bench_raw_outbox");
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException("the raw PostgreSQL clients failed: " + failures.get(0), failures.get(0));
        }
        return new PgResult(options.pgClients(), done.get() / seconds,
                done.get() == 0 ? Double.NaN : busyNanos.get() / 1e6 / done.get());
    }

    static KafkaResult kafka(Options options, int recordBytes) throws Exception {
        String topic = "bench.raw." + UUID.randomUUID().toString().substring(0, 8);
        Map<String, Object> common = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, options.kafka());
        try (Admin admin = Admin.create(common)) {
            admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get(30, TimeUnit.SECONDS);
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, options.kafka());
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
            byte[] value = new byte[recordBytes];
            AtomicLong acked = new AtomicLong();
            Semaphore window = new Semaphore(10_000);
            long start;
            long seconds;
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(),
                    new ByteArraySerializer())) {
                producer.partitionsFor(topic);
                start = System.nanoTime();
                long end = start + options.rawDuration().toNanos();
                long i = 0;
                while (System.nanoTime() < end) {
                    window.acquire();
                    producer.send(new ProducerRecord<>(topic, UUID.randomUUID().toString(), value), (meta, e) -> {
                        if (e == null) {
                            acked.incrementAndGet();
                        }
                        window.release();
                    });
                    i++;
                }
                producer.flush();
                seconds = System.nanoTime() - start;
            } finally {
                admin.deleteTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
            }
            return new KafkaResult(recordBytes, acked.get() / (seconds / 1e9));
        }
    }

    /** The size of the newest record on the requests topic (what a create hands to the worker), or 1,500. */
    static int requestRecordBytes(Options options) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, options.kafka());
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(REQUESTS_TOPIC).stream()
                    .map(info -> new TopicPartition(REQUESTS_TOPIC, info.partition())).toList();
            consumer.assign(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            for (TopicPartition partition : partitions) {
                long end = ends.get(partition);
                if (end > 0) {
                    consumer.seek(partition, end - 1);
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofSeconds(5))) {
                        return record.serializedValueSize() + Math.max(0, record.serializedKeySize());
                    }
                }
            }
        } catch (RuntimeException e) {
            return 1500;
        }
        return 1500;
    }

    static Connection connect(Options options) throws SQLException {
        return DriverManager.getConnection(options.dbUrl(), options.dbUser(), options.dbPassword());
    }
}
