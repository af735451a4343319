package io.provisioner.fault;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
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
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** The suite's own Kafka clients: an admin, a producer, and throw-away consumers. */
final class KafkaTools implements AutoCloseable {

    /** Header the suite puts on every record it injects, so its own recorders can skip them. */
    static final String INJECTED = "fault-injected";

    private final String bootstrap;
    final Admin admin;
    final KafkaProducer<String, byte[]> producer;

    KafkaTools(String bootstrap) {
        this.bootstrap = bootstrap;
        Properties a = new Properties();
        a.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        a.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10000);
        a.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20000);
        this.admin = Admin.create(a);
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        this.producer = new KafkaProducer<>(p);
    }

    KafkaConsumer<String, byte[]> consumer(String group) {
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        return new KafkaConsumer<>(c);
    }

    /** Sends and waits for the acknowledgement. */
    RecordMetadata send(ProducerRecord<String, byte[]> record) {
        try {
            return producer.send(record).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot send to " + record.topic() + ": " + e, e);
        }
    }

    int partitions(String topic) {
        try {
            TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get(20, TimeUnit.SECONDS).get(topic);
            return d.partitions().size();
        } catch (Exception e) {
            throw new IllegalStateException("cannot describe " + topic + ": " + e, e);
        }
    }

    Set<String> topics() {
        try {
            return new TreeSet<>(admin.listTopics().names().get(20, TimeUnit.SECONDS));
        } catch (Exception e) {
            throw new IllegalStateException("cannot list topics: " + e, e);
        }
    }

    /** Consumer groups (not the suite's own) and the topics their members are assigned right now. */
    Map<String, Set<String>> groupsAndTopics() {
        try {
            Collection<String> groups = new ArrayList<>();
            admin.listConsumerGroups().all().get(20, TimeUnit.SECONDS)
                    .forEach(g -> {
                        if (!g.groupId().startsWith("fault-")) {
                            groups.add(g.groupId());
                        }
                    });
            Map<String, Set<String>> result = new HashMap<>();
            if (groups.isEmpty()) {
                return result;
            }
            Map<String, ConsumerGroupDescription> described = admin.describeConsumerGroups(groups).all()
                    .get(20, TimeUnit.SECONDS);
            described.forEach((group, d) -> {
                Set<String> topics = new TreeSet<>();
                for (MemberDescription m : d.members()) {
                    m.assignment().topicPartitions().forEach(tp -> topics.add(tp.topic()));
                }
                result.put(group, topics);
            });
            return result;
        } catch (Exception e) {
            throw new IllegalStateException("cannot describe consumer groups: " + e, e);
        }
    }

    /** Committed offsets of a group (only partitions it committed). */
    Map<TopicPartition, Long> committed(String group) {
        try {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(20, TimeUnit.SECONDS);
            Map<TopicPartition, Long> result = new HashMap<>();
            offsets.forEach((tp, o) -> {
                if (o != null) {
                    result.put(tp, o.offset());
                }
            });
            return result;
        } catch (Exception e) {
            throw new IllegalStateException("cannot read offsets of " + group + ": " + e, e);
        }
    }

    Map<TopicPartition, Long> endOffsets(Collection<TopicPartition> partitions) {
        try {
            Map<TopicPartition, OffsetSpec> request = new HashMap<>();
            partitions.forEach(tp -> request.put(tp, OffsetSpec.latest()));
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> info = admin.listOffsets(request).all()
                    .get(20, TimeUnit.SECONDS);
            Map<TopicPartition, Long> result = new HashMap<>();
            info.forEach((tp, i) -> result.put(tp, i.offset()));
            return result;
        } catch (Exception e) {
            throw new IllegalStateException("cannot list end offsets: " + e, e);
        }
    }

    List<TopicPartition> partitionsOf(String topic) {
        List<TopicPartition> list = new ArrayList<>();
        for (int p = 0; p < partitions(topic); p++) {
            list.add(new TopicPartition(topic, p));
        }
        return list;
    }

    /** Waits until {@code group} has committed up to the end of every partition of {@code topic}; returns the lag left. */
    long awaitCaughtUp(String group, String topic, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long lag = Long.MAX_VALUE;
        while (System.nanoTime() < deadline) {
            lag = lag(group, topic);
            if (lag == 0) {
                return 0;
            }
            Procs.sleep(Duration.ofMillis(500));
        }
        return lag;
    }

    long lag(String group, String topic) {
        List<TopicPartition> parts = partitionsOf(topic);
        Map<TopicPartition, Long> end = endOffsets(parts);
        Map<TopicPartition, Long> committed = committed(group);
        long lag = 0;
        for (TopicPartition tp : parts) {
            lag += Math.max(0, end.getOrDefault(tp, 0L) - committed.getOrDefault(tp, 0L));
        }
        return lag;
    }

    /** Reads a whole topic from the beginning (a fresh group) until it reaches the end offsets taken now. */
    List<ConsumerRecord<String, byte[]>> readAll(String topic, Duration timeout) {
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        if (!topics().contains(topic)) {
            return out;
        }
        List<TopicPartition> parts = partitionsOf(topic);
        Map<TopicPartition, Long> end = endOffsets(parts);
        try (KafkaConsumer<String, byte[]> consumer = consumer("fault-read-" + UUID.randomUUID())) {
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            long deadline = System.nanoTime() + timeout.toNanos();
            Set<TopicPartition> remaining = new HashSet<>();
            parts.forEach(tp -> {
                if (end.getOrDefault(tp, 0L) > 0) {
                    remaining.add(tp);
                }
            });
            while (!remaining.isEmpty() && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    out.add(r);
                }
                remaining.removeIf(tp -> consumer.position(tp) >= end.get(tp));
            }
        }
        return out;
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
        admin.close(Duration.ofSeconds(5));
    }
}
