package io.provisioner.gateway.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

import io.provisioner.gateway.GatewayTestBase;
import io.provisioner.schemas.OperationState;
import io.provisioner.schemas.OperationType;

/** {@code GET /v2/service_instances/:guid/events}: server-sent events, ending with the operation, resumable. */
class EventStreamTest extends GatewayTestBase {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Autowired
    private ChangeFeed feed;

    /** One server-sent event as a client parses it. */
    record Sse(String id, String event, JsonNode data) {
    }

    /** An open stream, read event by event. */
    final class Stream implements AutoCloseable {
        private final HttpResponse<InputStream> response;
        private final BufferedReader lines;

        Stream(String guid, String lastEventId) {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/v2/service_instances/" + guid + "/events")).header("Authorization", "bearer " + token("admin"))
                    .header("Accept", "text/event-stream");
            if (lastEventId != null) {
                request.header("Last-Event-ID", lastEventId);
            }
            try {
                response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
        }

        /** The next event, or null when the server ended the stream. */
        Sse next() {
            String id = null;
            String event = null;
            StringBuilder data = new StringBuilder();
            try {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    if (line.isEmpty()) {
                        if (id != null || data.length() > 0) {
                            return new Sse(id, event, JSON.readTree(data.toString()));
                        }
                    } else if (line.startsWith("id:")) {
                        id = line.substring(3).trim();
                    } else if (line.startsWith("event:")) {
                        event = line.substring(6).trim();
                    } else if (line.startsWith("data:")) {
                        data.append(line.substring(5));
                    }
                }
                return null;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Every event up to the end of the stream. */
        List<Sse> rest() {
            List<Sse> events = new ArrayList<>();
            for (Sse event = next(); event != null; event = next()) {
                events.add(event);
            }
            return events;
        }

        @Override
        public void close() throws IOException {
            lines.close();
        }
    }

    @Test
    void aClientSeesEachChangeOfACreateAndTheStreamEndsAtSucceeded() throws IOException {
        String guid = create(newName()).json().at("/metadata/guid").asString();
        int before = feed.subscriptions();
        try (Stream stream = new Stream(guid, null)) {
            assertThat(stream.response.statusCode()).isEqualTo(200);
            assertThat(stream.response.headers().firstValue("Content-Type")).hasValueSatisfying(type ->
                    assertThat(type).startsWith("text/event-stream"));
            Sse started = stream.next();
            assertThat(started.id()).isEqualTo("1");
            assertThat(started.event()).isEqualTo("started");
            assertThat(started.data().at("/data/instance/metadata/guid").asString()).isEqualTo(guid);
            await().atMost(Duration.ofSeconds(10)).until(() -> feed.subscriptions() > before);

            status(guid, operationId(guid), OperationType.CREATE, OperationState.IN_PROGRESS, 1, "on its way");
            status(guid, operationId(guid), OperationType.CREATE, OperationState.SUCCEEDED, 2, "made");

            List<Sse> rest = stream.rest();
            assertThat(rest).extracting(Sse::event).containsExactly("succeeded");
            assertThat(rest.get(0).id()).isEqualTo("2");
            assertThat(rest.get(0).data().at("/data/instance/entity/last_operation/description").asString())
                    .isEqualTo("made");
        }
    }

    @Test
    void aReconnectWithLastEventIdMissesNothing() throws IOException {
        String guid = create(newName()).json().at("/metadata/guid").asString();
        String first;
        try (Stream stream = new Stream(guid, null)) {
            first = stream.next().id();
        }
        // While no one listens: the create ends, an update starts and fails.
        status(guid, operationId(guid), OperationType.CREATE, OperationState.SUCCEEDED, 1, null);
        await().atMost(Duration.ofSeconds(10)).until(() -> get("/v2/service_instances/" + guid).json()
                .at("/entity/last_operation/state").asString().equals("succeeded"));
        send("PUT", "/v2/service_instances/" + guid + "?accepts_incomplete=true", "{\"parameters\": {\"a\": 1}}");
        status(guid, operationId(guid), OperationType.UPDATE, OperationState.FAILED, 1, "no");
        await().atMost(Duration.ofSeconds(10)).until(() -> get("/v2/service_instances/" + guid).json()
                .at("/entity/last_operation/state").asString().equals("failed"));

        try (Stream resumed = new Stream(guid, first)) {
            assertThat(resumed.rest()).extracting(Sse::id, Sse::event).containsExactly(
                    org.assertj.core.groups.Tuple.tuple("2", "succeeded"), org.assertj.core.groups.Tuple.tuple("3", "started"),
                    org.assertj.core.groups.Tuple.tuple("4", "failed"));
        }
        try (Stream fresh = new Stream(guid, null)) {
            assertThat(fresh.rest()).as("without Last-Event-ID: the current operation, which is over")
                    .extracting(Sse::event).containsExactly("started", "failed");
        }
    }

    @Test
    void aStreamOfAnUnknownInstanceOrABadLastEventIdIsRefusedInTheEnvelope() {
        Answer unknown = get("/v2/service_instances/no-such-instance/events");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.errorCode()).isEqualTo("CF-ServiceInstanceNotFound");
        String guid = create(newName()).json().at("/metadata/guid").asString();
        HttpRequest badId = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v2/service_instances/"
                + guid + "/events")).header("Authorization", "bearer " + token("admin"))
                .header("Last-Event-ID", "yesterday").timeout(Duration.ofSeconds(10)).build();
        HttpResponse<String> refused;
        try {
            refused = HTTP.send(badId, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(refused.body()).get("error_code").asString()).isEqualTo("CF-InvalidRequest");
        assertThat(sendAs("outsider", "GET", "/v2/service_instances/" + guid + "/events", null).errorCode())
                .isEqualTo("CF-NotAuthorized");
    }
}
