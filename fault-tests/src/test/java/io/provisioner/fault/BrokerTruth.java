package io.provisioner.fault;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;

/** What the sample broker itself says: its request log and its instances (OSB fetch). */
final class BrokerTruth {

    static final String INSTANCE_PATH = "/v2/service_instances/";

    private final String base;
    private final String authorization;

    BrokerTruth(String base, String username, String password) {
        this.base = base;
        this.authorization = "Basic " + Base64.getEncoder()
                .encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** One provision (PUT) the broker received. */
    record Provision(String instanceId, JsonNode body) {
    }

    /** Every request in the broker's request log, oldest first. */
    JsonNode requests() throws IOException {
        Http.Answer answer = Http.get(base + "/admin/requests", Map.of("Authorization", authorization));
        if (answer.status() != 200 || answer.json() == null) {
            throw new IOException("GET /admin/requests answered " + answer);
        }
        return answer.json();
    }

    /** The provisions (PUT /v2/service_instances/:id) by instance id, in arrival order. */
    Map<String, List<Provision>> provisions(JsonNode requests) {
        Map<String, List<Provision>> byId = new HashMap<>();
        for (JsonNode r : requests) {
            String path = r.path("path").asString("");
            if ("PUT".equals(r.path("method").asString()) && path.startsWith(INSTANCE_PATH)
                    && path.indexOf('/', INSTANCE_PATH.length()) < 0) {
                String id = path.substring(INSTANCE_PATH.length());
                byId.computeIfAbsent(id, k -> new ArrayList<>()).add(new Provision(id, r.path("body")));
            }
        }
        return byId;
    }

    /** DELETEs per instance id (deprovisions, e.g. orphan mitigation). */
    Map<String, Integer> deprovisions(JsonNode requests) {
        Map<String, Integer> byId = new HashMap<>();
        for (JsonNode r : requests) {
            String path = r.path("path").asString("");
            if ("DELETE".equals(r.path("method").asString()) && path.startsWith(INSTANCE_PATH)) {
                byId.merge(path.substring(INSTANCE_PATH.length()), 1, Integer::sum);
            }
        }
        return byId;
    }

    /** OSB {@code GET /v2/service_instances/:id}: 200 with the instance once provisioned, else 404 (or 422 while busy). */
    Http.Answer fetch(String instanceId) throws IOException {
        return Http.get(base + INSTANCE_PATH + instanceId, Map.of(
                "Authorization", authorization, "X-Broker-API-Version", "2.17"));
    }
}
