package io.provisioner.fault;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

import tools.jackson.databind.JsonNode;

/** What the sample broker itself says: its request log and its instances (OSB fetch). */
final class BrokerTruth {

    private final String base;
    private final String authorization;

    BrokerTruth(String base, String username, String password) {
        this.base = base;
        this.authorization = "Basic " + Base64.getEncoder()
                .encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** Every request in the broker's request log, oldest first. */
    JsonNode requests() throws IOException {
        Http.Answer answer = Http.get(base + "/admin/requests", Map.of("Authorization", authorization));
        if (answer.status() != 200 || answer.json() == null) {
            throw new IOException("GET /admin/requests answered " + answer);
        }
        return answer.json();
    }

    /** The request log, by instance. */
    BrokerLog log() throws IOException {
        return BrokerLog.of(requests());
    }

    /** OSB {@code GET /v2/service_instances/:id}: 200 with the instance once provisioned, else 404 (or 422 while busy). */
    Http.Answer fetch(String instanceId) throws IOException {
        return Http.get(base + BrokerLog.INSTANCE_PATH + instanceId, Map.of(
                "Authorization", authorization, "X-Broker-API-Version", "2.17"));
    }
}
