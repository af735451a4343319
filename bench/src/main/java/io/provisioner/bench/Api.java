package io.provisioner.bench;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The gateway's v2 API as a new user meets it: a token from the local issuer, the seeded space, the
 * sample broker's plans, and creates. Also the sample broker's request log (polls per operation).
 */
final class Api {

    static final JsonMapper JSON = JsonMapper.builder().build();

    private final Options options;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .executor(Executors.newFixedThreadPool(4, r -> {
                Thread thread = new Thread(r, "bench-http");
                thread.setDaemon(true);
                return thread;
            })).build();
    private volatile String token;
    private String spaceGuid;
    private final Map<String, String> plans = new HashMap<>();

    Api(Options options) {
        this.options = options;
    }

    void login() throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(options.api() + "/oauth/token"))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString("cf:".getBytes()))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=password&username=admin&password=admin")).build();
        token = read(send(request)).get("access_token").asString();
        spaceGuid = firstGuid(get("/v2/spaces?q=" + URLEncoder.encode("name:local-space", StandardCharsets.UTF_8)));
        String service = firstGuid(get("/v2/services?q=" + URLEncoder.encode("label:sample-db", StandardCharsets.UTF_8)));
        for (JsonNode plan : get("/v2/service_plans?q=" + URLEncoder.encode("service_guid:" + service,
                StandardCharsets.UTF_8)).get("resources")) {
            plans.put(plan.get("entity").get("name").asString(), plan.get("metadata").get("guid").asString());
        }
    }

    /** A create of {@code plan} ({@code sync}, {@code async}); {@code parameters} is JSON or null. */
    CompletableFuture<HttpResponse<String>> create(String name, String plan, String parameters) {
        String body = "{\"name\":\"" + name + "\",\"space_guid\":\"" + spaceGuid + "\",\"service_plan_guid\":\""
                + plans.get(plan) + "\"" + (parameters == null ? "" : ",\"parameters\":" + parameters) + "}";
        HttpRequest request = HttpRequest.newBuilder(URI.create(options.api() + "/v2/service_instances?accepts_incomplete=true"))
                .header("Authorization", "bearer " + token).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
    }

    /** Forgets the sample broker's request log. */
    void clearBrokerLog() throws IOException, InterruptedException {
        send(HttpRequest.newBuilder(URI.create(options.brokerUrl() + "/admin/requests")).header("Authorization", brokerAuth())
                .DELETE().build());
    }

    /** The sample broker's request log (its newest 10,000 requests). */
    JsonNode brokerLog() throws IOException, InterruptedException {
        return read(send(HttpRequest.newBuilder(URI.create(options.brokerUrl() + "/admin/requests"))
                .header("Authorization", brokerAuth()).GET().build()));
    }

    private String brokerAuth() {
        return "Basic " + Base64.getEncoder().encodeToString((options.brokerUser() + ":" + options.brokerPassword())
                .getBytes(StandardCharsets.UTF_8));
    }

    private JsonNode get(String path) throws IOException, InterruptedException {
        return read(send(HttpRequest.newBuilder(URI.create(options.api() + path)).header("Authorization", "bearer " + token)
                .GET().build()));
    }

    private HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> answer = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() >= 300) {
            throw new IllegalStateException(request.method() + " " + request.uri() + " answered " + answer.statusCode() + ": "
                    + answer.body());
        }
        return answer;
    }

    private static JsonNode read(HttpResponse<String> answer) {
        return answer.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(answer.body());
    }

    private static String firstGuid(JsonNode page) {
        JsonNode resources = page.get("resources");
        if (resources == null || resources.isEmpty()) {
            throw new IllegalStateException("the local run has no seeded space or sample broker (PROVISIONER_SEED=false?)");
        }
        return resources.get(0).get("metadata").get("guid").asString();
    }
}
