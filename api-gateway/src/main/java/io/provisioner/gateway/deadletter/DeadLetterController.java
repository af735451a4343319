package io.provisioner.gateway.deadletter;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

import io.provisioner.gateway.api.CfError;
import io.provisioner.gateway.api.JsonBody;
import io.provisioner.schemas.Topics;

/**
 * Operators list dead letters of any topic ({@code <topic>.dlt}, from the gateway or the worker) and
 * replay one to its source topic once its cause is fixed. Replaying is safe: every consumer applies a
 * record at most once in effect.
 */
@RestController
class DeadLetterController {

    private static final int MAX_LIMIT = 500;

    private final ConsumerFactory<String, byte[]> consumers;
    private final KafkaTemplate<String, byte[]> kafka;
    private final JsonMapper json;

    DeadLetterController(ConsumerFactory<String, byte[]> consumers, KafkaTemplate<String, byte[]> kafka,
            JsonMapper json) {
        this.consumers = consumers;
        this.kafka = kafka;
        this.json = json;
    }

    @GetMapping("/admin/dead-letters")
    Map<String, Object> list(@RequestParam String topic, @RequestParam(defaultValue = "100") int limit) {
        requireDeadLetterTopic(topic);
        if (limit < 1 || limit > MAX_LIMIT) {
            throw CfError.BAD_QUERY_PARAMETER.exception("The query parameter is invalid: limit must be 1 to " + MAX_LIMIT);
        }
        List<Map<String, Object>> letters = new ArrayList<>();
        try (Consumer<String, byte[]> consumer = reader("dead-letter-reader")) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(5)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(5));
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (letters.size() < limit && System.nanoTime() < deadline && !caughtUp(consumer, ends)) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (letters.size() < limit) {
                        letters.add(describe(record));
                    }
                }
            }
        }
        return Map.of("topic", topic, "dead_letters", letters);
    }

    private static boolean caughtUp(Consumer<String, byte[]> consumer, Map<TopicPartition, Long> ends) {
        return ends.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
    }

    @PostMapping("/admin/dead-letters/replay")
    Map<String, Object> replay(@RequestBody(required = false) byte[] body) {
        JsonBody request = JsonBody.parse(body, json);
        String topic = request.requiredString("topic");
        requireDeadLetterTopic(topic);
        long partitionNumber = request.requiredLong("partition");
        long offset = request.requiredLong("offset");
        if (partitionNumber < 0 || partitionNumber > Integer.MAX_VALUE || offset < 0) {
            throw JsonBody.parseError("partition and offset must not be negative");
        }
        int partition = (int) partitionNumber;
        String source = topic.substring(0, topic.length() - Topics.DEAD_LETTER_SUFFIX.length());
        try (Consumer<String, byte[]> consumer = reader("dead-letter-replay")) {
            TopicPartition where = new TopicPartition(topic, partition);
            consumer.assign(List.of(where));
            consumer.seek(where, offset);
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.offset() == offset) {
                        kafka.send(new ProducerRecord<>(source, record.key(), record.value())).join();
                        return Map.of("replayed_to", source, "key", String.valueOf(record.key()));
                    }
                }
            }
        }
        throw CfError.NOT_FOUND.exception("No dead letter at " + topic + "/" + partition + "@" + offset);
    }

    /** Only the dead-letter topics the apps declare: reading must never create a topic or reach another. */
    private static void requireDeadLetterTopic(String topic) {
        if (!Topics.deadLetterTopics().contains(topic)) {
            throw CfError.BAD_QUERY_PARAMETER.exception("The query parameter is invalid: topic must be one of "
                    + String.join(", ", Topics.deadLetterTopics()));
        }
    }

    /** A reader that never asks the broker to create the topic it reads. */
    private Consumer<String, byte[]> reader(String group) {
        Properties noAutoCreate = new Properties();
        noAutoCreate.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        return consumers.createConsumer(group, null, null, noAutoCreate);
    }

    private static Map<String, Object> describe(ConsumerRecord<String, byte[]> record) {
        Map<String, Object> letter = new LinkedHashMap<>();
        letter.put("partition", record.partition());
        letter.put("offset", record.offset());
        letter.put("key", record.key());
        letter.put("timestamp", Instant.ofEpochMilli(record.timestamp()).toString());
        Map<String, String> headers = new LinkedHashMap<>();
        for (Header header : record.headers()) {
            if (header.key().contains("exception-message") || header.key().contains("original")
                    || header.key().startsWith("x-")) {
                headers.put(header.key(), printable(header));
            }
        }
        letter.put("headers", headers);
        letter.put("value", record.value() == null ? null : new String(record.value(), StandardCharsets.UTF_8));
        return letter;
    }

    /** Spring Kafka writes partitions and offsets as binary numbers; show them as numbers. */
    private static String printable(Header header) {
        byte[] value = header.value();
        if (header.key().endsWith("-partition") && value.length == 4) {
            return String.valueOf(java.nio.ByteBuffer.wrap(value).getInt());
        }
        if ((header.key().endsWith("-offset") || header.key().endsWith("-timestamp")) && value.length == 8) {
            return String.valueOf(java.nio.ByteBuffer.wrap(value).getLong());
        }
        return new String(value, StandardCharsets.UTF_8);
    }
}
