package io.provisioner.gateway.events;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What another system sees on {@code service-instance.events}: a real consumer with a group of its own,
 * from the beginning. Every event it reads is checked against the public schema at once.
 */
public final class PublicEventLog implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final SchemaRegistry SCHEMAS = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    private static final Schema INSTANCE_EVENT = SCHEMAS.getSchema(
            SchemaLocation.of("classpath:schemas/v1/service-instance-event.schema.json"));
    private static final Schema KEY_EVENT = SCHEMAS.getSchema(
            SchemaLocation.of("classpath:schemas/v1/service-key-event.schema.json"));

    private final KafkaConsumer<String, byte[]> consumer;
    private final Map<String, List<JsonNode>> byInstance = new ConcurrentHashMap<>();
    private final List<String> invalid = new ArrayList<>();
    private final List<String> raw = new ArrayList<>();

    public PublicEventLog(String bootstrapServers, String topic) {
        consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrapServers,
                "group.id", "public-event-log-" + UUID.randomUUID(), "auto.offset.reset", "earliest",
                "enable.auto.commit", "false"), new StringDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(topic));
    }

    /** The events of one instance read so far, in order, after reading what has arrived. */
    public synchronized List<JsonNode> of(String guid) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
            raw.add(new String(record.value(), java.nio.charset.StandardCharsets.UTF_8));
            JsonNode event = JSON.readTree(record.value());
            boolean aboutKey = event.path("type").asString("").startsWith("io.provisioner.service-key.");
            var errors = (aboutKey ? KEY_EVENT : INSTANCE_EVENT).validate(event);
            if (!errors.isEmpty()) {
                invalid.add(errors + " in " + event);
            }
            if (!String.valueOf(record.key()).equals(event.get("subject").asString())) {
                invalid.add("key " + record.key() + " is not the subject of " + event);
            }
            byInstance.computeIfAbsent(record.key(), k -> new ArrayList<>()).add(event);
        }
        return List.copyOf(byInstance.getOrDefault(guid, List.of()));
    }

    /** Every record read so far, as text, whatever its instance: to look for what must never be there. */
    public synchronized List<String> records() {
        of("");
        return List.copyOf(raw);
    }

    /** The short types ({@code started}, {@code succeeded} …) of an instance's events. */
    public List<String> types(String guid) {
        return of(guid).stream().map(PublicEventLog::shortType).toList();
    }

    public static String shortType(JsonNode event) {
        String type = event.get("type").asString();
        String withoutVersion = type.substring(0, type.lastIndexOf('.'));
        return withoutVersion.substring(withoutVersion.lastIndexOf('.') + 1);
    }

    /**
     * Events that broke their public schema ({@code service-instance-event}, or {@code service-key-event} for
     * the key events), or were keyed by something else than their subject.
     */
    public synchronized List<String> invalid() {
        return List.copyOf(invalid);
    }

    @Override
    public synchronized void close() {
        consumer.close();
    }
}
