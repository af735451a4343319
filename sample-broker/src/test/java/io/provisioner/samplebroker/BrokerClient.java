package io.provisioner.samplebroker;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Plain HTTP against the running broker, so tests see exactly what a platform would. */
final class BrokerClient {

    static final String SERVICE_ID = "5d0f3f6e-6d4a-4c7e-9a36-6b1b0f0c1a01";
    static final String SYNC_PLAN = "5d0f3f6e-6d4a-4c7e-9a36-6b1b0f0c1b01";
    static final String ASYNC_PLAN = "5d0f3f6e-6d4a-4c7e-9a36-6b1b0f0c1b02";
    static final String FAILING_PLAN = "5d0f3f6e-6d4a-4c7e-9a36-6b1b0f0c1b03";

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    static final JsonMapper JSON = JsonMapper.builder().build();

    /**
     * @param body the body as JSON, or null when it is empty or not JSON
     * @param text the body as sent
     */
    record Reply(int status, JsonNode body, String text, java.net.http.HttpHeaders headers) {

        String header(String name) {
            return headers.firstValue(name).orElse(null);
        }
    }

    private final String baseUrl;

    BrokerClient(int port) {
        this.baseUrl = "http://localhost:" + port;
    }

    /** An OSB call with the default credentials and the version header. */
    Reply osb(String method, String pathAndQuery, Object body) {
        return send(method, pathAndQuery, body, Map.of(
                "Authorization", basic("broker", "broker-secret"),
                "X-Broker-API-Version", "2.17"));
    }

    /** An admin call ({@code /admin/**}) with the broker's credentials. */
    Reply admin(String method, String path) {
        return send(method, path, null, Map.of("Authorization", basic("broker", "broker-secret")));
    }

    Reply send(String method, String pathAndQuery, Object body, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + pathAndQuery))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        headers.forEach(request::header);
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            String text = response.body() == null ? "" : response.body();
            return new Reply(response.statusCode(), json(text), text, response.headers());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    Reply provision(String instanceId, String planId, Map<String, Object> parameters) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("service_id", SERVICE_ID);
        body.put("plan_id", planId);
        body.put("organization_guid", "org-1");
        body.put("space_guid", "space-1");
        body.put("context", Map.of("platform", "cloudfoundry"));
        if (parameters != null) {
            body.put("parameters", parameters);
        }
        return osb("PUT", "/v2/service_instances/" + instanceId + "?accepts_incomplete=true", body);
    }

    Reply lastOperation(String instanceId) {
        return osb("GET", "/v2/service_instances/" + instanceId + "/last_operation?service_id=" + SERVICE_ID, null);
    }

    Reply deprovision(String instanceId, String planId) {
        return osb("DELETE", "/v2/service_instances/" + instanceId + "?service_id=" + SERVICE_ID + "&plan_id="
                + planId + "&accepts_incomplete=true", null);
    }

    private static JsonNode json(String text) {
        if (text.isEmpty()) {
            return null;
        }
        try {
            return JSON.readTree(text);
        } catch (tools.jackson.core.JacksonException e) {
            return null;
        }
    }

    Reply update(String instanceId, String planId, Map<String, Object> parameters) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("service_id", SERVICE_ID);
        body.put("plan_id", planId);
        if (parameters != null) {
            body.put("parameters", parameters);
        }
        return osb("PATCH", "/v2/service_instances/" + instanceId + "?accepts_incomplete=true", body);
    }

    Reply bind(String instanceId, String bindingId, String planId, Map<String, Object> parameters) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("service_id", SERVICE_ID);
        body.put("plan_id", planId);
        body.put("context", Map.of("platform", "cloudfoundry"));
        if (parameters != null) {
            body.put("parameters", parameters);
        }
        return osb("PUT", binding(instanceId, bindingId) + "?accepts_incomplete=true", body);
    }

    Reply bindingLastOperation(String instanceId, String bindingId) {
        return osb("GET", binding(instanceId, bindingId) + "/last_operation?service_id=" + SERVICE_ID, null);
    }

    Reply fetchBinding(String instanceId, String bindingId) {
        return osb("GET", binding(instanceId, bindingId), null);
    }

    Reply unbind(String instanceId, String bindingId, String planId) {
        return osb("DELETE", binding(instanceId, bindingId) + "?service_id=" + SERVICE_ID + "&plan_id=" + planId
                + "&accepts_incomplete=true", null);
    }

    private static String binding(String instanceId, String bindingId) {
        return "/v2/service_instances/" + instanceId + "/service_bindings/" + bindingId;
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
}
