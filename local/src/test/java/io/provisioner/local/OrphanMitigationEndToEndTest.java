package io.provisioner.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;

/**
 * A create against a broker that breaks, and stays broken: the create reads {@code failed} as soon as its
 * outcome is known, while the clean-up at the broker (orphan mitigation) goes on as a job of its own, seen
 * at {@code /admin/orphan-mitigations}, until the broker is healed and nothing is left there. The whole
 * stack in one JVM, the sample broker switched broken and healed at runtime ({@code /admin/outage}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OrphanMitigationEndToEndTest {

    /** How soon after its outcome is known a create must read failed. */
    private static final Duration AT_ONCE = Duration.ofSeconds(2);
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    /** The worker's read timeout here: a broker slower than this is unreachable. */
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(1);
    private static final String ORPHAN_MITIGATION = "The platform is deleting what the broker may have created "
            + "(orphan mitigation).";
    /**
     * Worker settings for this stack: short timeouts and intervals, so the test takes seconds; and a circuit
     * breaker that does not open within the test (it would hold calls back for its open duration, which
     * is not what this test is about).
     */
    private static final Map<String, String> WORKER = Map.of(
            "provisioner.worker.broker.read-timeout", READ_TIMEOUT.toMillis() + "ms",
            "provisioner.worker.broker.circuit-sliding-window", "1000",
            "provisioner.worker.broker.circuit-minimum-calls", "1000",
            "provisioner.worker.orphan-mitigation.initial-interval", "200ms",
            "provisioner.worker.orphan-mitigation.max-interval", "1s");

    private LocalStack stack;
    private StackClient client;

    @BeforeAll
    void start() throws Exception {
        WORKER.forEach(System::setProperty);
        Path data = Files.createTempDirectory(Path.of("target"), "e2e-orphans-");
        stack = LocalStack.start(LocalSettings.ephemeral(data, System.getenv()));
        client = new StackClient(stack.gatewayUrl());
    }

    @AfterAll
    void stop() {
        WORKER.keySet().forEach(System::clearProperty);
        if (stack != null) {
            stack.close();
        }
    }

    @AfterEach
    void heal() {
        client.call("DELETE", stack.sampleBrokerUrl() + "/admin/outage", null);
    }

    private void breakBroker(Map<String, Object> outage) {
        assertThat(client.call("PUT", stack.sampleBrokerUrl() + "/admin/outage", outage).status()).isEqualTo(200);
    }

    private boolean brokerHolds(String guid) {
        return client.call("GET", stack.sampleBrokerUrl() + "/admin/instances/" + guid, null).body().get("exists")
                .asBoolean();
    }

    private List<JsonNode> brokerRequests(String guid) {
        List<JsonNode> mine = new ArrayList<>();
        for (JsonNode request : client.call("GET", stack.sampleBrokerUrl() + "/admin/requests", null).body()) {
            if (request.get("path").asString().contains(guid)) {
                mine.add(request);
            }
        }
        return mine;
    }

    /** When the broker last received {@code method} (and path suffix) for the instance. */
    private Instant lastReceived(String guid, String method, String pathEnd) {
        return brokerRequests(guid).stream()
                .filter(r -> r.get("method").asString().equals(method) && r.get("path").asString().endsWith(pathEnd))
                .map(r -> Instant.parse(r.get("received_at").asString())).reduce((a, b) -> b).orElseThrow();
    }

    /** Waits for the create to read failed; returns when it was first seen so. */
    private Instant awaitFailed(String guid) {
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(50))
                .until(() -> client.lastOperation(guid).get("state").asString().equals("failed"));
        return Instant.now();
    }

    private JsonNode job(String guid) {
        StackClient.Answer answer = client.call("GET", "/admin/orphan-mitigations/" + guid, null);
        return answer.status() == 200 ? answer.body().get("entity") : null;
    }

    /** The clean-up keeps trying while the broker stays broken: several DELETEs, each failing. */
    private void awaitRetrying(String guid) {
        await().atMost(PATIENCE).until(() -> {
            JsonNode job = job(guid);
            return job != null && job.get("state").asString().equals("pending") && job.get("attempts").asInt() >= 2
                    && !job.get("last_error").isNull();
        });
        assertThat(client.call("GET", "/admin/orphan-mitigations", null).body().findValuesAsString("instance_guid"))
                .contains(guid);
        assertThat(client.lastOperation(guid).get("state").asString()).as("the ended create is left alone")
                .isEqualTo("failed");
    }

    private void healAndAwaitNothingLeft(String guid) {
        heal();
        await().atMost(PATIENCE).until(() -> {
            JsonNode job = job(guid);
            return job != null && job.get("state").asString().equals("succeeded");
        });
        assertThat(brokerHolds(guid)).as("nothing is left at the broker").isFalse();
        assertThat(client.call("GET", "/admin/orphan-mitigations", null).body().findValuesAsString("instance_guid"))
                .doesNotContain(guid);
    }

    private static String name(String kind) {
        return kind + "-" + UUID.randomUUID();
    }

    @Test
    void aProvisionAnswered500FailsAtOnceAndIsCleanedUpOnceTheBrokerIsHealed() {
        breakBroker(Map.of("status", 500));
        String guid = client.create(name("broken"), StackClient.SYNC_PLAN, null);

        Instant seen = awaitFailed(guid);

        assertThat(Duration.between(lastReceived(guid, "PUT", guid), seen)).isLessThan(AT_ONCE);
        assertThat(client.lastOperation(guid).get("description").asString()).contains("HTTP 500 from PUT")
                .endsWith(ORPHAN_MITIGATION);
        awaitRetrying(guid);
        healAndAwaitNothingLeft(guid);
    }

    @Test
    void aMalformedAnswerFailsAtOnceAndIsCleanedUpOnceTheBrokerIsHealed() {
        breakBroker(Map.of("status", 503, "methods", List.of("DELETE")));
        String guid = client.create(name("malformed"), StackClient.SYNC_PLAN,
                Map.of("sample_broker", Map.of("respond", Map.of("status", 201, "body", "not json"))));

        Instant seen = awaitFailed(guid);

        assertThat(Duration.between(lastReceived(guid, "PUT", guid), seen)).isLessThan(AT_ONCE);
        assertThat(client.lastOperation(guid).get("description").asString()).contains("not valid OSB")
                .endsWith(ORPHAN_MITIGATION);
        assertThat(brokerHolds(guid)).as("the broker did create it").isTrue();
        awaitRetrying(guid);
        healAndAwaitNothingLeft(guid);
    }

    @Test
    void anAsynchronousFailureFailsAtOnceAndIsCleanedUpOnceTheBrokerIsHealed() {
        breakBroker(Map.of("status", 500, "methods", List.of("DELETE")));
        String guid = client.create(name("async-failure"), StackClient.FAILING_PLAN, null);

        Instant seen = awaitFailed(guid);

        assertThat(Duration.between(lastReceived(guid, "GET", "/last_operation"), seen)).isLessThan(AT_ONCE);
        assertThat(client.lastOperation(guid).get("description").asString())
                .contains("The sample broker was told to fail this plan").endsWith(ORPHAN_MITIGATION);
        awaitRetrying(guid);
        healAndAwaitNothingLeft(guid);
    }

    @Test
    void anUnreachableBrokerFailsTheCreateAtOnceAndItIsCleanedUpOnceTheBrokerIsHealed() {
        // Answers come after the worker's read timeout: to the worker the broker is unreachable.
        breakBroker(Map.of("status", 500, "answer_delay_ms", READ_TIMEOUT.toMillis() + 500));
        String guid = client.create(name("unreachable"), StackClient.SYNC_PLAN, null);

        Instant seen = awaitFailed(guid);

        assertThat(Duration.between(lastReceived(guid, "PUT", guid).plus(READ_TIMEOUT), seen)).isLessThan(AT_ONCE);
        assertThat(client.lastOperation(guid).get("description").asString()).contains("did not answer in time")
                .endsWith(ORPHAN_MITIGATION);
        awaitRetrying(guid);
        healAndAwaitNothingLeft(guid);
    }

    @Test
    void aWorkerRestartedWhileACleanupIsPendingLosesNothing() {
        breakBroker(Map.of("status", 500, "methods", List.of("DELETE")));
        String guid = client.create(name("restart"), StackClient.SYNC_PLAN,
                Map.of("sample_broker", Map.of("respond", Map.of("status", 500))));
        awaitFailed(guid);
        awaitRetrying(guid);

        stack.restartWorker();
        int attemptsBefore = job(guid).get("attempts").asInt();
        await().atMost(PATIENCE).until(() -> job(guid).get("attempts").asInt() > attemptsBefore);

        healAndAwaitNothingLeft(guid);
    }

    @Test
    void aUserDeleteDuringAPendingCleanupEndsWithTheInstanceGoneAtTheBrokerAndInTheApi() {
        breakBroker(Map.of("status", 500, "methods", List.of("DELETE")));
        String name = name("user-delete");
        String guid = client.create(name, StackClient.SYNC_PLAN,
                Map.of("sample_broker", Map.of("respond", Map.of("status", 500))));
        awaitFailed(guid);
        awaitRetrying(guid);
        StackClient.Answer again = client.call("POST", "/v2/service_instances?accepts_incomplete=true", Map.of(
                "name", name, "space_guid", client.spaceGuid(), "service_plan_guid",
                client.planGuid(StackClient.SYNC_PLAN)));
        assertThat(again.status()).as("the name stays taken until the instance is deleted").isEqualTo(400);
        assertThat(again.body().get("error_code").asString()).isEqualTo("CF-ServiceInstanceNameTaken");

        StackClient.Answer deleting = client.call("DELETE", "/v2/service_instances/" + guid + "?accepts_incomplete=true",
                null);
        assertThat(deleting.status()).isEqualTo(202);
        await().atMost(PATIENCE).until(() -> job(guid).get("state").asString().equals("superseded"));
        heal();

        await().atMost(PATIENCE).until(() -> client.call("GET", "/v2/service_instances/" + guid, null).status() == 404);
        assertThat(brokerHolds(guid)).as("nothing is left at the broker").isFalse();
    }
}
