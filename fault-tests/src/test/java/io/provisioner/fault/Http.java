package io.provisioner.fault;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** One HTTP/1.1 client for the whole suite, and JSON. */
final class Http {

    static final JsonMapper JSON = JsonMapper.builder().build();
    private static final ExecutorService EXECUTOR = Executors.newFixedThreadPool(8, r -> {
        Thread t = new Thread(r, "fault-http");
        t.setDaemon(true);
        return t;
    });
    static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .executor(EXECUTOR)
            .build();

    private Http() {
    }

    /** An HTTP answer; {@code json} is null when the body is empty or not JSON. */
    record Answer(int status, String body, JsonNode json) {
        static Answer of(HttpResponse<String> response) {
            String body = response.body() == null ? "" : response.body();
            JsonNode json = null;
            if (!body.isBlank()) {
                try {
                    json = JSON.readTree(body);
                } catch (RuntimeException e) {
                    // not JSON
                }
            }
            return new Answer(response.statusCode(), body, json);
        }

        String errorCode() {
            return json == null ? null : json.path("error_code").asString(null);
        }

        @Override
        public String toString() {
            return status + " " + (body.length() > 300 ? body.substring(0, 300) + "…" : body);
        }
    }

    static HttpRequest.Builder request(String url, Duration timeout) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(timeout);
    }

    static CompletableFuture<Answer> sendAsync(HttpRequest request) {
        return CLIENT.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenApply(Answer::of);
    }

    static Answer send(HttpRequest request) throws IOException {
        try {
            return Answer.of(CLIENT.send(request, HttpResponse.BodyHandlers.ofString()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    static Answer get(String url, Map<String, String> headers) throws IOException {
        HttpRequest.Builder builder = request(url, Duration.ofSeconds(30)).GET();
        headers.forEach(builder::header);
        return send(builder.build());
    }

    /** True when {@code url} answers 200 with a body saying UP (actuator health). */
    static boolean up(String url) {
        try {
            Answer answer = get(url, Map.of());
            return answer.status() == 200 && answer.body().contains("\"UP\"");
        } catch (IOException e) {
            return false;
        }
    }
}
