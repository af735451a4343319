package io.provisioner.fault;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

import io.provisioner.schemas.EventTypes;
import io.provisioner.schemas.Topics;

/**
 * Malformed records of many kinds, put on every partition of a topic. Each carries a {@code fault-poison} header
 * with its id (copied to the dead-letter record), so it can be found again.
 */
final class Poison {

    static final String HEADER = "fault-poison";

    /** One injected poison record and where it landed. */
    record Injected(String id, String kind, String topic, int partition, long offset) {
    }

    private record Kind(String name, byte[] value, boolean nullKey) {
    }

    private Poison() {
    }

    /** The event type a consumer of {@code topic} expects (a well-formed envelope of the wrong type is also poison). */
    static String typeFor(String topic) {
        if (topic.equals(Topics.STATUS)) {
            return EventTypes.OPERATION_STATUS_CHANGED;
        }
        if (topic.equals(Topics.REQUESTS)) {
            return EventTypes.PROVISIONING_REQUESTED;
        }
        if (topic.startsWith(Topics.POLLS_PREFIX)) {
            return EventTypes.POLL_SCHEDULED;
        }
        return "io.provisioner.unknown.v1";
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String envelope(String type, String data) {
        return "{\"specversion\":\"1.0\",\"id\":\"" + UUID.randomUUID() + "\",\"type\":\"" + type
                + "\",\"source\":\"/fault-tests\",\"time\":\"" + Instant.now() + "\",\"subject\":\"" + UUID.randomUUID()
                + "\",\"datacontenttype\":\"application/json\",\"data\":" + data + "}";
    }

    private static List<Kind> kinds(String topic) {
        String type = typeFor(topic);
        String badValues = "{\"operation_id\":5,\"operation_type\":\"explode\",\"instance_guid\":[],\"state\":\"exploded\","
                + "\"sequence\":\"many\",\"request\":\"nope\",\"due_at\":\"yesterday\",\"started_at\":false,"
                + "\"attempt\":{},\"broker\":7}";
        String valid = envelope(type, "{\"operation_id\":\"" + UUID.randomUUID() + "\",\"operation_type\":\"create\","
                + "\"instance_guid\":\"" + UUID.randomUUID() + "\",\"state\":\"succeeded\",\"sequence\":9}");
        List<Kind> kinds = new ArrayList<>();
        kinds.add(new Kind("not-json", utf8("this is not JSON {"), false));
        kinds.add(new Kind("empty-value", new byte[0], false));
        kinds.add(new Kind("tombstone", null, false));
        kinds.add(new Kind("binary", new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1, (byte) 0x80, 0x7f}, false));
        kinds.add(new Kind("json-array", utf8("[1,2,3]"), false));
        kinds.add(new Kind("not-an-envelope", utf8("{\"hello\":\"world\"}"), false));
        kinds.add(new Kind("wrong-type", utf8(envelope("io.provisioner.nonsense.v1", "{}")), false));
        kinds.add(new Kind("no-data", utf8(envelope(type, "null")), false));
        kinds.add(new Kind("empty-data", utf8(envelope(type, "{}")), false));
        kinds.add(new Kind("bad-values", utf8(envelope(type, badValues)), false));
        kinds.add(new Kind("truncated", utf8(valid.substring(0, valid.length() / 2)), false));
        kinds.add(new Kind("deep-nesting", utf8("[".repeat(20_000) + "]".repeat(20_000)), false));
        kinds.add(new Kind("null-key", null, true)); // value made per record, with the id in it
        return kinds;
    }

    /**
     * Puts one record of every kind on every partition of {@code topic}. On a delay tier topic the timestamp is set
     * a tier back, so the record is due at once and the consumer meets it now rather than a tier later.
     */
    static List<Injected> inject(KafkaTools kafka, String topic) {
        List<Injected> injected = new ArrayList<>();
        int partitions = kafka.partitions(topic);
        Long timestamp = null;
        if (topic.startsWith(Topics.POLLS_PREFIX)) {
            timestamp = Instant.now().minus(Topics.tierOf(topic)).minus(Duration.ofSeconds(1)).toEpochMilli();
        }
        for (int p = 0; p < partitions; p++) {
            for (Kind kind : kinds(topic)) {
                String id = "poison-" + UUID.randomUUID();
                byte[] value = kind.nullKey() ? utf8("{not json either, " + id) : kind.value();
                List<Header> headers = List.of(new RecordHeader(HEADER, utf8(id + " " + kind.name())),
                        new RecordHeader(KafkaTools.INJECTED, utf8("poison")));
                ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, p, timestamp,
                        kind.nullKey() ? null : id, value, headers);
                RecordMetadata meta = kafka.send(record);
                injected.add(new Injected(id, kind.name(), topic, meta.partition(), meta.offset()));
            }
        }
        return injected;
    }

    private static final java.util.regex.Pattern ID = java.util.regex.Pattern.compile(
            "poison-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    /**
     * The poison id of a (dead-letter) record: from the header if the dead-letter publisher kept the original headers,
     * else from the key, else from the value (the null-key kind carries it there).
     */
    static String idOf(org.apache.kafka.clients.consumer.ConsumerRecord<String, byte[]> record) {
        for (Header h : record.headers()) {
            if (h.key().equals(HEADER)) {
                String v = new String(h.value(), StandardCharsets.UTF_8);
                return v.substring(0, v.indexOf(' '));
            }
        }
        if (record.key() != null && ID.matcher(record.key()).matches()) {
            return record.key();
        }
        if (record.value() != null && record.value().length < 1000) {
            java.util.regex.Matcher m = ID.matcher(new String(record.value(), StandardCharsets.UTF_8));
            if (m.find()) {
                return m.group();
            }
        }
        return null;
    }

    /** True when the record carries a reason (a header about the exception), as a dead letter should. */
    static boolean hasReason(Iterable<Header> headers) {
        for (Header h : headers) {
            String k = h.key().toLowerCase(java.util.Locale.ROOT);
            if ((k.contains("exception") || k.contains("reason") || k.contains("error")) && h.value() != null
                    && h.value().length > 0) {
                return true;
            }
        }
        return false;
    }

    static Map<String, Integer> byKind(List<Injected> list) {
        Map<String, Integer> m = new LinkedHashMap<>();
        list.forEach(i -> m.merge(i.kind(), 1, Integer::sum));
        return m;
    }
}
