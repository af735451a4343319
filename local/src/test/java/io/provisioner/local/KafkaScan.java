package io.provisioner.local;

import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Predicate;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Every record on every topic of a Kafka broker, read from the beginning up to the end offsets taken at
 * the start: the values and header values as text, and the partitions read. The secret scans of the
 * end-to-end tests use it to show that no secret travels in clear; the trace test reads headers with it.
 */
record KafkaScan(List<String> texts, List<TopicPartition> partitions) {

    static KafkaScan everything(String bootstrapServers) {
        List<String> texts = new ArrayList<>();
        List<TopicPartition> partitions = read(bootstrapServers, topic -> true, r -> {
            texts.add(text(r.value()));
            r.headers().forEach(h -> texts.add(text(h.value())));
        });
        return new KafkaScan(texts, partitions);
    }

    /** The values of {@code header} on the records of {@code topic} whose key is {@code key}, in each partition's order. */
    static List<String> headerValues(String bootstrapServers, String topic, String key, String header) {
        List<String> values = new ArrayList<>();
        read(bootstrapServers, topic::equals, r -> {
            if (key.equals(text(r.key()))) {
                r.headers().headers(header).forEach(h -> values.add(text(h.value())));
            }
        });
        return values;
    }

    /** Reads every record of the topics {@code topics} accepts up to the end offsets taken first; returns the partitions read. */
    private static List<TopicPartition> read(String bootstrapServers, Predicate<String> topics,
            Consumer<ConsumerRecord<byte[], byte[]>> each) {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrapServers);
        props.put("group.id", "scan-" + UUID.randomUUID());
        props.put("enable.auto.commit", "false");
        try (var consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            consumer.listTopics().forEach((topic, infos) -> {
                if (topics.test(topic)) {
                    infos.forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
                }
            });
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(each);
                return partitions.stream().allMatch(p -> consumer.position(p) >= ends.get(p));
            });
            return partitions;
        }
    }

    private static String text(byte[] bytes) {
        return bytes == null ? "" : new String(bytes, StandardCharsets.UTF_8);
    }
}
