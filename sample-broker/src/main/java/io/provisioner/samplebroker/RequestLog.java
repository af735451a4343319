package io.provisioner.samplebroker;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;

import org.springframework.stereotype.Component;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/** The last {@code request-log-size} requests the broker received, oldest first, for tests to inspect. */
@Component
class RequestLog {

    /** One received request; {@code body} is the parsed JSON, the raw text if not JSON, or null if empty. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Entry(String method, String path, String query, Map<String, String> headers, JsonNode body,
            String receivedAt) {
    }

    private final ArrayDeque<Entry> entries = new ArrayDeque<>();
    private final int capacity;

    RequestLog(SampleBrokerProperties properties) {
        this.capacity = Math.max(1, properties.requestLogSize());
    }

    synchronized void add(Entry entry) {
        if (entries.size() >= capacity) {
            entries.removeFirst();
        }
        entries.addLast(entry);
    }

    synchronized List<Entry> snapshot() {
        return List.copyOf(entries);
    }

    synchronized void clear() {
        entries.clear();
    }
}
