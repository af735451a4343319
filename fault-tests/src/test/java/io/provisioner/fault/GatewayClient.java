package io.provisioner.fault;

import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import tools.jackson.databind.JsonNode;

/**
 * A REST caller of the gateway. Sends no token until the gateway answers 401; then fetches one from the local
 * token issuer ({@code POST /oauth/token}, password grant admin/admin, client {@code cf:} with an empty secret)
 * and sends it as a bearer token from then on, fetching a new one on the next 401.
 */
final class GatewayClient {

    static final Duration TIMEOUT = Duration.ofSeconds(30);

    final String base;
    private volatile String token;
    private volatile int tokensFetched;

    GatewayClient(String base) {
        this.base = base;
    }

    int tokensFetched() {
        return tokensFetched;
    }

    private HttpRequest build(String method, String path, String json, String bearer) {
        HttpRequest.Builder builder = Http.request(path.startsWith("http") ? path : base + path, TIMEOUT)
                .header("Accept", "application/json");
        if (bearer != null) {
            builder.header("Authorization", "bearer " + bearer);
        }
        if (json != null) {
            builder.header("Content-Type", "application/json");
        }
        return builder.method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(json)).build();
    }

    CompletableFuture<Http.Answer> sendAsync(String method, String path, String json) {
        String bearer = token;
        return Http.sendAsync(build(method, path, json, bearer)).thenCompose(answer -> {
            if (answer.status() != 401) {
                return CompletableFuture.completedFuture(answer);
            }
            return CompletableFuture.supplyAsync(() -> refreshToken(bearer))
                    .thenCompose(fresh -> Http.sendAsync(build(method, path, json, fresh)));
        });
    }

    Http.Answer call(String method, String path, String json) throws IOException {
        try {
            return sendAsync(method, path, json).join();
        } catch (java.util.concurrent.CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            throw new IOException(String.valueOf(cause), cause);
        }
    }

    JsonNode get(String path) throws IOException {
        Http.Answer answer = call("GET", path, null);
        if (answer.status() != 200) {
            throw new IOException("GET " + path + " answered " + answer);
        }
        return answer.json();
    }

    /** Gets a new token unless another thread already replaced {@code stale}. */
    private synchronized String refreshToken(String stale) {
        if (token != null && !token.equals(stale)) {
            return token;
        }
        String form = "grant_type=password&username=admin&password=admin";
        HttpRequest request = Http.request(base + "/oauth/token", TIMEOUT)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString("cf:".getBytes(StandardCharsets.UTF_8)))
                .POST(HttpRequest.BodyPublishers.ofString(form)).build();
        try {
            Http.Answer answer = Http.send(request);
            if (answer.status() != 200 || answer.json() == null || !answer.json().has("access_token")) {
                throw new IllegalStateException("the gateway asked for a token (401) but POST /oauth/token answered "
                        + answer);
            }
            token = answer.json().get("access_token").asString();
            tokensFetched++;
            return token;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot fetch a token from " + base + "/oauth/token", e);
        }
    }

    String spaceGuid() throws IOException {
        return get("/v2/spaces").at("/resources/0/metadata/guid").asString();
    }

    /** The Cloud Controller guid of the plan whose broker plan id is {@code brokerPlanId}. */
    String planGuid(String brokerPlanId) throws IOException {
        for (JsonNode plan : get("/v2/service_plans?results-per-page=100").get("resources")) {
            if (plan.at("/entity/unique_id").asString().equals(brokerPlanId)) {
                return plan.at("/metadata/guid").asString();
            }
        }
        throw new IOException("no plan with unique_id " + brokerPlanId);
    }

    /** The guid of the instance named {@code name}, or null. */
    String guidByName(String name) throws IOException {
        JsonNode page = get("/v2/service_instances?q=" + URLEncoder.encode("name:" + name, StandardCharsets.UTF_8));
        JsonNode first = page.at("/resources/0/metadata/guid");
        return first.isMissingNode() || first.isNull() ? null : first.asString();
    }

    /** One instance as the gateway shows it. */
    record Instance(String guid, String name, String type, String state, String description) {
    }

    /** Every service instance, all pages. */
    Map<String, Instance> allInstances() throws IOException {
        Map<String, Instance> all = new LinkedHashMap<>();
        int page = 1;
        int pages = 1;
        while (page <= pages) {
            JsonNode body = get("/v2/service_instances?results-per-page=100&order-direction=asc&page=" + page);
            pages = Math.max(1, body.path("total_pages").asInt(1));
            for (JsonNode r : body.path("resources")) {
                JsonNode op = r.at("/entity/last_operation");
                Instance i = new Instance(r.at("/metadata/guid").asString(), r.at("/entity/name").asString(),
                        op.path("type").asString(null), op.path("state").asString(null),
                        op.path("description").asString(null));
                all.put(i.guid(), i);
            }
            page++;
        }
        return all;
    }
}
