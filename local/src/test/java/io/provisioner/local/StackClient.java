package io.provisioner.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** What a REST caller does against a running stack, over real HTTP. */
final class StackClient {

    static final String SYNC_PLAN = "5d0f3f6e-6d4a-4c7e-9a36-6b1b0f0c1b01";
    static final String ASYNC_PLAN = "5d0f3f6e-6d4a-4c7e-9a36-6b1b0f0c1b02";
    static final String FAILING_PLAN = "5d0f3f6e-6d4a-4c7e-9a36-6b1b0f0c1b03";

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final HttpClient http = HttpClient.newHttpClient();
    private final String gateway;
    private volatile String token;

    StackClient(String gateway) {
        this.gateway = gateway;
    }

    /** Logs in as the local admin the way the cf CLI does: password grant, client "cf" with an empty secret. */
    private String token() {
        if (token == null) {
            try {
                HttpRequest login = HttpRequest.newBuilder(URI.create(gateway + "/oauth/token"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString("cf:".getBytes()))
                        .POST(HttpRequest.BodyPublishers.ofString("grant_type=password&username=admin&password=admin"))
                        .build();
                HttpResponse<String> answer = http.send(login, HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() != 200) {
                    throw new IllegalStateException("login failed: " + answer.statusCode() + " " + answer.body());
                }
                token = JSON.readTree(answer.body()).get("access_token").asString();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return token;
    }

    record Answer(int status, JsonNode body) {
    }

    Answer call(String method, String url, Object body) {
        return call(method, url, body, null);
    }

    /** What the sample broker received ({@code GET <broker>/admin/requests}, with the broker's credentials). */
    JsonNode sampleBrokerRequests(String sampleBrokerUrl) {
        String basic = "Basic " + java.util.Base64.getEncoder().encodeToString(
                (LocalStack.SAMPLE_BROKER_USERNAME + ":" + LocalStack.SAMPLE_BROKER_PASSWORD).getBytes());
        Answer answer = call("GET", sampleBrokerUrl + "/admin/requests", null, basic);
        if (answer.status() != 200) {
            throw new IllegalStateException("GET /admin/requests answered " + answer.status());
        }
        return answer.body();
    }

    private Answer call(String method, String url, Object body, String authorization) {
        try {
            boolean ours = !url.startsWith("http") && (url.startsWith("/v2") || url.startsWith("/admin"));
            HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url.startsWith("http") ? url : gateway + url));
            if (ours) {
                builder.header("Authorization", "bearer " + token());
            } else if (authorization != null) {
                builder.header("Authorization", authorization);
            } else if (url.contains("/admin/")) {
                // the sample broker's admin endpoints take its own basic-auth credentials
                builder.header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(
                        (LocalStack.SAMPLE_BROKER_USERNAME + ":" + LocalStack.SAMPLE_BROKER_PASSWORD).getBytes()));
            }
            HttpRequest request = builder
                    .header("Content-Type", "application/json")
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                    .build();
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.body().isEmpty() ? null : JSON.readTree(response.body()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    String spaceGuid() {
        // The seeded space by name: other tests add spaces of their own.
        return call("GET", "/v2/spaces?q=name:local-space", null).body().at("/resources/0/metadata/guid").asString();
    }

    String planGuid(String brokerPlanId) {
        for (JsonNode plan : call("GET", "/v2/service_plans", null).body().get("resources")) {
            if (plan.at("/entity/unique_id").asString().equals(brokerPlanId)) {
                return plan.at("/metadata/guid").asString();
            }
        }
        throw new IllegalStateException("no plan " + brokerPlanId);
    }

    /** Creates an instance and returns its guid, having checked the 201 in-progress answer. */
    String create(String name, String brokerPlanId, Map<String, Object> parameters) {
        Answer answer = call("POST", "/v2/service_instances?accepts_incomplete=true", parameters == null
                ? Map.of("name", name, "space_guid", spaceGuid(), "service_plan_guid", planGuid(brokerPlanId))
                : Map.of("name", name, "space_guid", spaceGuid(), "service_plan_guid", planGuid(brokerPlanId),
                        "parameters", parameters));
        if (answer.status() != 201
                || !answer.body().at("/entity/last_operation/state").asString().equals("in progress")) {
            throw new IllegalStateException("create answered " + answer.status() + ": " + answer.body());
        }
        return answer.body().at("/metadata/guid").asString();
    }

    JsonNode lastOperation(String guid) {
        return call("GET", "/v2/service_instances/" + guid, null).body().at("/entity/last_operation");
    }
}
