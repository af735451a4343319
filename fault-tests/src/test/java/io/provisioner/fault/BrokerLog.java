package io.provisioner.fault;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import tools.jackson.databind.JsonNode;

/**
 * The sample broker's request log ({@code GET /admin/requests}, oldest first), by instance id: the provisions
 * (PUT) and deprovisions (DELETE) each instance received, with their position in the log so order can be checked.
 */
final class BrokerLog {

    static final String INSTANCE_PATH = "/v2/service_instances/";

    /** One provision (PUT /v2/service_instances/:id) at {@code position} in the log. */
    record Provision(int position, JsonNode body) {
    }

    private final Map<String, List<Provision>> provisions = new HashMap<>();
    private final Map<String, List<Integer>> deletes = new HashMap<>();
    private final int size;

    private BrokerLog(JsonNode requests) {
        this.size = requests.size();
        int position = 0;
        for (JsonNode r : requests) {
            String path = r.path("path").asString("");
            String method = r.path("method").asString("");
            if (path.startsWith(INSTANCE_PATH) && path.indexOf('/', INSTANCE_PATH.length()) < 0) {
                String id = path.substring(INSTANCE_PATH.length());
                if ("PUT".equals(method)) {
                    provisions.computeIfAbsent(id, k -> new ArrayList<>()).add(new Provision(position, r.path("body")));
                } else if ("DELETE".equals(method)) {
                    deletes.computeIfAbsent(id, k -> new ArrayList<>()).add(position);
                }
            }
            position++;
        }
    }

    static BrokerLog of(JsonNode requests) {
        return new BrokerLog(requests);
    }

    /** How many requests the log holds (it drops the oldest once full). */
    int size() {
        return size;
    }

    List<Provision> provisionsOf(String instanceId) {
        return provisions.getOrDefault(instanceId, List.of());
    }

    List<Integer> deletesOf(String instanceId) {
        return deletes.getOrDefault(instanceId, List.of());
    }

    /** Instance ids that received at least one provision. */
    Set<String> provisioned() {
        return provisions.keySet();
    }

    /** True when {@code instanceId} received a DELETE after its first provision. */
    boolean deletedAfterProvision(String instanceId) {
        List<Provision> puts = provisionsOf(instanceId);
        return !puts.isEmpty() && deletesOf(instanceId).stream().anyMatch(d -> d > puts.get(0).position());
    }
}
