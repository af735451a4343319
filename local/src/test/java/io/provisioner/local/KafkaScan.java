package io.provisioner.local;

import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Every record on every topic of a Kafka broker, read from the beginning up to the end offsets taken at
 * the start: the values and header values as text, and the partitions read. The secret scans of the
 * end-to-end tests use it to show that no secret travels in clear.
 */
record KafkaScan(List<String> texts, List<TopicPartition> partitions) {

    static KafkaScan everything(String bootstrapServers) {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrapServers);
        props.put("group.id", "secret-scan-" + UUID.randomUUID());
        props.put("enable.auto.commit", "false");
        try (var consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            consumer.listTopics().forEach((topic, infos) -> infos.forEach(
                    info -> partitions.add(new TopicPartition(topic, info.partition()))));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            List<String> texts = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    texts.add(text(r.value()));
                    r.headers().forEach(h -> texts.add(text(h.value())));
                });
                return partitions.stream().allMatch(p -> consumer.position(p) >= ends.get(p));
            });
            return new KafkaScan(texts, partitions);
        }
    }

    private static String text(byte[] bytes) {
        return bytes == null ? "" : new String(bytes, StandardCharsets.UTF_8);
    }
}
