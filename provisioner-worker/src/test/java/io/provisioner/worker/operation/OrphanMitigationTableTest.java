package io.provisioner.worker.operation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;

import io.provisioner.schemas.OperationState;
import io.provisioner.schemas.OperationStatusChanged;
import io.provisioner.schemas.OperationType;
import io.provisioner.schemas.OrphanMitigationChanged;
import io.provisioner.schemas.OrphanMitigationRequested;
import io.provisioner.schemas.OrphanMitigationState;
import io.provisioner.schemas.ProvisioningRequested;
import io.provisioner.worker.WorkerIntegrationTest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;

import tools.jackson.databind.JsonNode;

/**
 * One test per row of the orphan-mitigation table (OSB_CONTRACT.md), against the sample broker: the exact
 * requests it received (method, path, query, headers, body), the operation's final status, and the
 * clean-up job that follows it. The create ends {@code failed} first; the clean-up is a job of its own whose
 * progress shows in {@code orphan-mitigation.changed} events, never in the create's statuses.
 */
class OrphanMitigationTableTest extends WorkerIntegrationTest {

    /** Longer than the first clean-up DELETE could wait (the shortest delay tier, 1 s) after a final status. */
    private static final Duration QUIET = Duration.ofMillis(2500);

    private final String instance = newGuid();
    private final String path = "/v2/service_instances/" + instance;

    @Autowired
    private MeterRegistry meters;

    private OperationStatusChanged run(ProvisioningRequested request) {
        send(request);
        return last(awaitFinished(instance));
    }

    /**
     * For rows without clean-up: the broker saw exactly {@code expected} when the final status came, and
     * nothing more during a quiet period after it (a late DELETE would show here), and no clean-up job began.
     */
    private void assertNoCleanup(String instance, String... expected) {
        assertThat(sampleBrokerCalls(instance)).as("at the final status").containsExactly(expected);
        await().during(QUIET).atMost(QUIET.plusSeconds(3))
                .until(() -> sampleBrokerCalls(instance).equals(List.of(expected)));
        assertThat(orphanMitigationsOf(instance)).as("no clean-up job").isEmpty();
    }

    /** The create's one and only status is its final one: the clean-up never adds to it. */
    private void assertTheCreateEndedOnce(String instance) {
        assertThat(statusesOf(instance).stream().filter(s -> s.state().terminal())).hasSize(1);
        assertThat(last(statusesOf(instance)).state()).isEqualTo(OperationState.FAILED);
    }

    private static ProvisioningRequested create(String instance, String plan, Map<String, Object> modes) {
        return sampleRequest(OperationType.CREATE, instance, plan, modes);
    }

    /** The PUT, to the letter: path, query, headers of a user's call, and the whole body. */
    private void assertProvision(JsonNode put, Map<String, Object> modes) {
        assertThat(put.get("method").asString()).isEqualTo("PUT");
        assertThat(put.get("path").asString()).isEqualTo(path);
        assertThat(put.get("query").asString()).isEqualTo("accepts_incomplete=true");
        assertOsbHeaders(put, true);
        assertThat(put.get("body")).isEqualTo(json.valueToTree(Map.of(
                "service_id", SAMPLE_SERVICE,
                "plan_id", put.get("body").get("plan_id").asString(),
                "organization_guid", "org-guid-1",
                "space_guid", "space-guid-1",
                "context", Map.of("platform", "cloudfoundry", "organization_guid", "org-guid-1",
                        "organization_name", "my-org", "space_guid", "space-guid-1", "space_name", "my-space",
                        "instance_name", "my-db"),
                "parameters", Map.of("size", "small", "sample_broker", modes))));
    }

    /** Orphan mitigation's DELETE: the platform's own (no originating identity), with the instance's plan. */
    private void assertOrphanDelete(JsonNode delete, String plan) {
        assertThat(delete.get("method").asString()).isEqualTo("DELETE");
        assertThat(delete.get("path").asString()).isEqualTo(path);
        assertThat(delete.get("query").asString())
                .isEqualTo("service_id=" + SAMPLE_SERVICE + "&plan_id=" + plan + "&accepts_incomplete=true");
        assertOsbHeaders(delete, false);
        assertThat(delete.get("body").isNull()).isTrue();
    }

    @Test
    void anAnswerThatParsesNeedsNoCleanup() {
        Map<String, Object> modes = Map.of("mode", "sync");

        OperationStatusChanged status = run(create(instance, SYNC_PLAN, modes));

        assertThat(status.state()).isEqualTo(OperationState.SUCCEEDED);
        assertThat(status.dashboardUrl()).endsWith("/dashboard/" + instance);
        assertProvision(sampleBrokerRequests(instance).get(0), modes);
        assertNoCleanup(instance, "PUT");
    }

    @Test
    void a200WithAMalformedBodyFailsWithoutCleanup() {
        Map<String, Object> modes = Map.of("respond", Map.of("status", 200, "body", "all good"));

        OperationStatusChanged status = run(create(instance, SYNC_PLAN, modes));

        assertThat(status.state()).isEqualTo(OperationState.FAILED);
        assertThat(status.description()).isEqualTo("The service broker's answer is not valid OSB: HTTP 200 with the "
                + "body \"all good\" (HTTP 200 from PUT " + path + "); after a 200 the platform does not delete the "
                + "instance at the broker (OSB)");
        assertNoCleanup(instance, "PUT");
    }

    @Test
    void a201WithAMalformedBodyIsCleanedUp() {
        Map<String, Object> modes = Map.of("respond", Map.of("status", 201, "body", "{\"dashboard_url\": 7"));

        OperationStatusChanged status = run(create(instance, SYNC_PLAN, modes));

        assertThat(status.state()).isEqualTo(OperationState.FAILED);
        assertThat(status.description()).isEqualTo("The service broker's answer is not valid OSB: HTTP 201 with the "
                + "body \"{\"dashboard_url\": 7\" (HTTP 201 from PUT " + path + ")." + OrphanMitigation.UNDER_WAY);
        assertThat(awaitOrphanMitigation(instance, OrphanMitigationState.SUCCEEDED))
                .extracting(OrphanMitigationChanged::state, OrphanMitigationChanged::attempts)
                .containsExactly(tuple(OrphanMitigationState.PENDING, 0), tuple(OrphanMitigationState.SUCCEEDED, 1));
        List<JsonNode> requests = sampleBrokerRequests(instance);
        assertThat(sampleBrokerCalls(instance)).containsExactly("PUT", "DELETE");
        assertThat(sampleBrokerHolds(instance)).isFalse();
        assertTheCreateEndedOnce(instance);
        assertProvision(requests.get(0), modes);
        assertOrphanDelete(requests.get(1), SYNC_PLAN);
    }

    @Test
    void a202WithAMalformedBodyIsCleanedUpAndTheAcceptedDeleteIsPolled() {
        Map<String, Object> modes = Map.of("delay_ms", 300, "deprovision", Map.of("operation", "cleanup-1"),
                "respond", Map.of("status", 202, "body", "{\"operation\": 42}"));

        OperationStatusChanged status = run(create(instance, ASYNC_PLAN, modes));

        assertThat(status.state()).isEqualTo(OperationState.FAILED);
        assertThat(status.description()).contains("HTTP 202 with the body \"{\"operation\": 42}\"")
                .endsWith(OrphanMitigation.UNDER_WAY);
        awaitOrphanMitigation(instance, OrphanMitigationState.SUCCEEDED);
        List<JsonNode> requests = sampleBrokerRequests(instance);
        assertThat(sampleBrokerCalls(instance)).startsWith("PUT", "DELETE", "GET last_operation")
                .doesNotContain("PATCH");
        assertOrphanDelete(requests.get(1), ASYNC_PLAN);
        JsonNode poll = requests.get(2);
        assertThat(poll.get("path").asString()).isEqualTo(path + "/last_operation");
        assertThat(poll.get("query").asString())
                .isEqualTo("service_id=" + SAMPLE_SERVICE + "&plan_id=" + ASYNC_PLAN + "&operation=cleanup-1");
        assertOsbHeaders(poll, false);
        assertThat(statusesOf(instance)).as("the create's only status").hasSize(1);
        assertThat(sampleBrokerHolds(instance)).isFalse();
    }

    @Test
    void anUnexpected2xxToAProvisionIsCleanedUp() {
        OperationStatusChanged status = run(create(instance, SYNC_PLAN, Map.of("respond", Map.of("status", 204))));

        assertThat(status.state()).isEqualTo(OperationState.FAILED);
        assertThat(status.description()).isEqualTo("The service broker answered HTTP 204, which OSB does not define for "
                + "this call (HTTP 204 from PUT " + path + ")." + OrphanMitigation.UNDER_WAY);
        awaitOrphanMitigation(instance, OrphanMitigationState.SUCCEEDED);
        assertThat(sampleBrokerCalls(instance)).containsExactly("PUT", "DELETE");
        assertOrphanDelete(sampleBrokerRequests(instance).get(1), SYNC_PLAN);
    }

    @Test
    void anUnexpected2xxToADeprovisionIsAnsweredByDeletingAgain() {
        assertThat(run(create(instance, SYNC_PLAN, Map.of("deprovision", Map.of("respond", Map.of("status", 204)))))
                .state()).isEqualTo(OperationState.SUCCEEDED);
        ProvisioningRequested delete = sampleRequest(OperationType.DELETE, instance, SYNC_PLAN, null);

        send(delete);

        await().atMost(PATIENCE).until(() -> statusesOf(instance).stream()
                .anyMatch(s -> s.operationId().equals(delete.operationId()) && s.state().terminal()));
        assertThat(last(statusesOf(instance)).state()).isEqualTo(OperationState.SUCCEEDED);
        // The first DELETE removed the instance but answered 204; the second one finds it gone (410).
        assertThat(sampleBrokerCalls(instance)).containsExactly("PUT", "DELETE", "DELETE");
        List<JsonNode> requests = sampleBrokerRequests(instance);
        assertOsbHeaders(requests.get(1), true);
        assertOsbHeaders(requests.get(2), true);
        assertThat(requests.get(2).get("query").asString())
                .isEqualTo("service_id=" + SAMPLE_SERVICE + "&plan_id=" + SYNC_PLAN + "&accepts_incomplete=true");
    }

    @Test
    void a5xxToAProvisionIsRetriedThenCleanedUp() {
        Map<String, Object> modes = Map.of("respond", Map.of("status", 500,
                "body", Map.of("error", "Broken", "description", "disk on fire")));

        OperationStatusChanged status = run(create(instance, SYNC_PLAN, modes));

        assertThat(status.state()).isEqualTo(OperationState.FAILED);
        assertThat(status.description()).isEqualTo("Service broker error: disk on fire (HTTP 500 from PUT " + path
                + ", error \"Broken\", after 3 attempts)." + OrphanMitigation.UNDER_WAY);
        awaitOrphanMitigation(instance, OrphanMitigationState.SUCCEEDED);
        assertThat(sampleBrokerCalls(instance)).containsExactly("PUT", "PUT", "PUT", "DELETE");
        List<JsonNode> requests = sampleBrokerRequests(instance);
        requests.subList(0, 3).forEach(put -> assertProvision(put, modes));
        // The attempts of one call share its identity, so the broker's logs tie them together.
        assertThat(requests.subList(0, 3)).extracting(r -> r.get("headers").get("x-broker-api-request-identity")
                .asString()).containsOnly(requests.get(0).get("headers").get("x-broker-api-request-identity").asString());
        assertThat(requests.get(3).get("headers").get("x-broker-api-request-identity").asString())
                .isNotEqualTo(requests.get(0).get("headers").get("x-broker-api-request-identity").asString());
        assertOrphanDelete(requests.get(3), SYNC_PLAN);
    }

    @Test
    void a5xxToADeprovisionIsAnsweredByDeletingAgainUntilItSucceeds() {
        assertThat(run(create(instance, SYNC_PLAN, Map.of("deprovision", Map.of("fail_status", 502,
                "fail_first_calls", 4, "fail_description", "proxy down")))).state()).isEqualTo(OperationState.SUCCEEDED);
        ProvisioningRequested delete = sampleRequest(OperationType.DELETE, instance, SYNC_PLAN, null);

        send(delete);

        await().atMost(PATIENCE).until(() -> statusesOf(instance).stream()
                .anyMatch(s -> s.operationId().equals(delete.operationId()) && s.state().terminal()));
        List<OperationStatusChanged> deleting = statusesOf(instance).stream()
                .filter(s -> s.operationId().equals(delete.operationId())).toList();
        // Round one: three attempts in place, all 502; round two: one more 502, then 200 on its second attempt.
        assertThat(deleting).extracting(OperationStatusChanged::state)
                .containsExactly(OperationState.IN_PROGRESS, OperationState.SUCCEEDED);
        assertThat(deleting.get(0).description()).startsWith("Service broker error: proxy down (HTTP 502 from DELETE "
                + path + ", error \"SampleBrokerFailure\", after 3 attempts). The platform tries again in");
        assertThat(sampleBrokerCalls(instance)).containsExactly("PUT", "DELETE", "DELETE", "DELETE", "DELETE", "DELETE");
    }

    @Test
    void anAsynchronousProvisionThatFailsIsCleanedUp() {
        Map<String, Object> modes = Map.of("mode", "fail", "delay_ms", 300, "fail_description", "no capacity left");

        OperationStatusChanged status = run(create(instance, ASYNC_PLAN, modes));

        assertThat(status.state()).isEqualTo(OperationState.FAILED);
        assertThat(status.description()).isEqualTo("no capacity left." + OrphanMitigation.UNDER_WAY);
        awaitOrphanMitigation(instance, OrphanMitigationState.SUCCEEDED);
        List<String> calls = sampleBrokerCalls(instance);
        int delete = calls.indexOf("DELETE");
        assertThat(calls.subList(0, delete)).startsWith("PUT", "GET last_operation").containsOnly("PUT",
                "GET last_operation");
        assertThat(calls.subList(delete + 1, calls.size())).isNotEmpty().containsOnly("GET last_operation");
        assertOrphanDelete(sampleBrokerRequests(instance).get(delete), ASYNC_PLAN);
        assertThat(sampleBrokerHolds(instance)).isFalse();
        assertTheCreateEndedOnce(instance);
    }

    @Test
    void aProvisionThatTimesOutIsCleanedUp() {
        // slow-broker: 400 ms read timeout, 2 attempts (WorkerIntegrationTest); the broker answers after 1.5 s.
        Map<String, Object> modes = Map.of("answer_delay_ms", 1500);

        OperationStatusChanged status = run(sampleRequest(OperationType.CREATE, instance, SYNC_PLAN, modes, null,
                sampleBrokerEndpoint("slow-broker")));

        assertThat(status.state()).isEqualTo(OperationState.FAILED);
        assertThat(status.description()).startsWith("The service broker did not answer in time: PUT " + path
                + " was attempted 2 times in ").contains("HttpTimeoutException").endsWith(OrphanMitigation.UNDER_WAY);
        awaitOrphanMitigation(instance, OrphanMitigationState.SUCCEEDED);
        assertThat(sampleBrokerCalls(instance)).containsExactly("PUT", "PUT", "DELETE");
        assertOrphanDelete(sampleBrokerRequests(instance).get(2), SYNC_PLAN);
    }

    @Test
    void a408IsTriedAgainButNeverCleanedUp() {
        OperationStatusChanged status = run(create(instance, SYNC_PLAN, Map.of("fail_status", 408,
                "fail_first_calls", 3)));

        assertThat(status.state()).isEqualTo(OperationState.SUCCEEDED);
        assertThat(statusesOf(instance).get(0).description()).contains("HTTP 408", "The platform tries again");
        assertNoCleanup(instance, "PUT", "PUT", "PUT", "PUT");
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', textBlock = """
            409 | Conflict                | The service broker already has an instance with this id, with different attributes (409 Conflict)
            422 | MaintenanceInfoConflict | The service broker's maintenance_info for this plan differs from the platform's catalog
            422 | AsyncRequired           | The service broker demands an asynchronous operation (422 AsyncRequired)
            400 | BadRequest              | Service broker error: told to fail (HTTP 400 from PUT
            403 | Forbidden               | Service broker error: told to fail (HTTP 403 from PUT
            """)
    void otherClientErrorsFailWithoutCleanup(int status, String error, String description) {
        String instance = newGuid();
        send(create(instance, SYNC_PLAN, Map.of("fail_status", status, "fail_error", error,
                "fail_description", "told to fail")));

        OperationStatusChanged last = last(awaitFinished(instance));

        assertThat(last.state()).isEqualTo(OperationState.FAILED);
        assertThat(last.description()).startsWith(description).contains("told to fail");
        // 4xx answers are never retried, and never cleaned up.
        assertNoCleanup(instance, "PUT");
    }

    @Test
    void updateFailuresAreNeverCleanedUp() {
        String unexpected = newGuid();
        String broken = newGuid();
        String slow = newGuid();
        List.of(unexpected, broken, slow).forEach(id -> send(create(id, SYNC_PLAN, null)));
        List.of(unexpected, broken, slow).forEach(id -> assertThat(last(awaitFinished(id)).state())
                .isEqualTo(OperationState.SUCCEEDED));

        send(sampleRequest(OperationType.UPDATE, unexpected, SYNC_PLAN, Map.of("respond", Map.of("status", 204))));
        send(sampleRequest(OperationType.UPDATE, broken, SYNC_PLAN, Map.of("fail_status", 500)));
        // The update's deadline (2 s) bounds its durable retries.
        send(sampleRequest(OperationType.UPDATE, slow, SYNC_PLAN, Map.of("answer_delay_ms", 1500), 2,
                sampleBrokerEndpoint("slow-broker")));

        for (String id : List.of(unexpected, broken, slow)) {
            await().atMost(PATIENCE).until(() -> statusesOf(id).stream()
                    .filter(s -> s.operationType() == OperationType.UPDATE).anyMatch(s -> s.state().terminal()));
            assertThat(last(statusesOf(id)).state()).isEqualTo(OperationState.FAILED);
        }
        assertNoCleanup(broken, "PUT", "PATCH", "PATCH", "PATCH");
        assertNoCleanup(unexpected, "PUT", "PATCH");
        assertThat(sampleBrokerCalls(slow)).as("no orphan mitigation after an update").doesNotContain("DELETE");
        assertThat(orphanMitigationsOf(slow)).isEmpty();
        assertThat(last(statusesOf(slow)).description()).startsWith("The service broker did not answer in time: PATCH")
                .contains("The platform gave up after");
        JsonNode patch = sampleBrokerRequests(broken).get(1);
        assertThat(patch.get("query").asString()).isEqualTo("accepts_incomplete=true");
        assertOsbHeaders(patch, true);
        assertThat(patch.get("body").get("previous_values").get("plan_id").asString()).isEqualTo(SYNC_PLAN);
        assertThat(patch.get("body").get("context").get("platform").asString()).isEqualTo("cloudfoundry");
    }

    @Test
    void aConcurrencyErrorIsTriedAgainLaterAndNeverCleanedUp() {
        OperationStatusChanged status = run(create(instance, SYNC_PLAN, Map.of("fail_status", 422,
                "fail_error", "ConcurrencyError", "fail_first_calls", 1, "fail_description", "busy")));

        assertThat(status.state()).isEqualTo(OperationState.SUCCEEDED);
        assertNoCleanup(instance, "PUT", "PUT");
        assertThat(statusesOf(instance).get(0).description()).startsWith("The service broker is busy with another "
                + "operation on this instance (422 ConcurrencyError): busy");
    }

    @Test
    void aCreatePastItsDeadlineFailsAtTheDeadlineAndIsCleanedUpOnceTheBrokerIsHealed() {
        Map<String, Object> modes = Map.of("never_finish", true, "delay_ms", 300);
        // Kept broken: every DELETE of this instance fails until the broker is healed.
        sampleBrokerOutage(instance, Map.of("status", 500, "methods", List.of("DELETE")));
        try {
            OperationStatusChanged status = run(sampleRequest(OperationType.CREATE, instance, ASYNC_PLAN, modes, 2,
                    sampleBrokerEndpoint("sample-broker")));

            assertThat(status.state()).isEqualTo(OperationState.FAILED);
            assertThat(status.description()).isEqualTo("The broker did not finish the create within 2 seconds (last "
                    + "answer: \"in progress\", \"Provisioning the instance.\")." + OrphanMitigation.UNDER_WAY);
            // One deadline, counted from the broker's 202 and reported with it; the create fails at it.
            OperationStatusChanged accepted = statusesOf(instance).get(0);
            assertThat(accepted.deadline()).isBetween(accepted.occurredAt().plusSeconds(1),
                    accepted.occurredAt().plusSeconds(2));
            assertThat(Duration.between(accepted.deadline(), status.occurredAt()))
                    .isBetween(Duration.ZERO, Duration.ofSeconds(2));
            await().atMost(PATIENCE).until(() -> orphanMitigationsOf(instance).stream()
                    .anyMatch(e -> e.attempts() >= 2 && e.lastError() != null));
            assertThat(orphanMitigationsOf(instance)).allMatch(e -> e.state() == OrphanMitigationState.PENDING);
        } finally {
            healSampleBroker(instance);
        }
        awaitOrphanMitigation(instance, OrphanMitigationState.SUCCEEDED);
        List<String> calls = sampleBrokerCalls(instance);
        assertOrphanDelete(sampleBrokerRequests(instance).get(calls.indexOf("DELETE")), ASYNC_PLAN);
        assertThat(sampleBrokerHolds(instance)).as("nothing is left at the broker").isFalse();
        assertTheCreateEndedOnce(instance);
    }

    @Test
    void orphanMitigationIsTriedAgainWithAGrowingIntervalUntilTheBrokerDeletes() {
        Map<String, Object> modes = Map.of("respond", Map.of("status", 503),
                "deprovision", Map.of("fail_status", 503, "fail_first_calls", 2, "fail_description", "not now"));

        OperationStatusChanged status = run(create(instance, SYNC_PLAN, modes));

        assertThat(status.state()).isEqualTo(OperationState.FAILED);
        assertThat(status.description()).endsWith(OrphanMitigation.UNDER_WAY);
        assertThat(sampleBrokerCalls(instance)).as("the create fails before any DELETE").doesNotContain("DELETE");
        List<OrphanMitigationChanged> job = awaitOrphanMitigation(instance, OrphanMitigationState.SUCCEEDED);
        assertThat(job).extracting(OrphanMitigationChanged::state, OrphanMitigationChanged::attempts).containsExactly(
                tuple(OrphanMitigationState.PENDING, 0), tuple(OrphanMitigationState.PENDING, 1),
                tuple(OrphanMitigationState.PENDING, 2), tuple(OrphanMitigationState.SUCCEEDED, 3));
        assertThat(job.get(1).lastError()).contains("not now", "HTTP 503 from DELETE " + path);
        assertThat(job).allMatch(e -> e.operationId().equals(status.operationId()) && e.brokerName().equals("sample-broker"));
        // No in-place retry of orphan mitigation's DELETE: its durable backoff is its only retry layer.
        assertThat(sampleBrokerCalls(instance)).containsExactly("PUT", "PUT", "PUT", "DELETE", "DELETE", "DELETE");
        List<JsonNode> requests = sampleBrokerRequests(instance);
        requests.subList(3, 6).forEach(delete -> assertOrphanDelete(delete, SYNC_PLAN));
        assertThat(statusesOf(instance)).as("the create's only status").hasSize(1);
    }

    @Test
    void aCleanupThatKeepsFailingIsAbandonedLoudlyAndRunsAgainWhenAnOperatorAsks() {
        String broker = "abandoning-" + newGuid();
        ProvisioningRequested create = sampleRequest(OperationType.CREATE, instance, SYNC_PLAN,
                Map.of("respond", Map.of("status", 500)), null, sampleBrokerEndpoint(broker));
        sampleBrokerOutage(instance, Map.of("status", 502, "methods", List.of("DELETE")));
        List<OrphanMitigationChanged> abandoned;
        try {
            assertThat(run(create).description()).endsWith(OrphanMitigation.UNDER_WAY);

            // give-up-after is 6 s in these tests.
            abandoned = awaitOrphanMitigation(instance, OrphanMitigationState.ABANDONED);
        } finally {
            healSampleBroker(instance);
        }
        OrphanMitigationChanged gaveUp = last(abandoned);
        assertThat(gaveUp.state()).isEqualTo(OrphanMitigationState.ABANDONED);
        assertThat(gaveUp.attempts()).as("it kept trying").isGreaterThanOrEqualTo(2);
        assertThat(gaveUp.lastError()).contains("HTTP 502 from DELETE " + path);
        assertThat(Duration.between(gaveUp.startedAt(), gaveUp.occurredAt())).isGreaterThanOrEqualTo(Duration.ofSeconds(6));
        assertThat(meters.counter("provisioner.orphan.mitigations", "broker", broker, "outcome", "abandoned").count())
                .isEqualTo(1);
        assertThat(sampleBrokerHolds(instance)).isTrue();
        long deletes = sampleBrokerCalls(instance).stream().filter("DELETE"::equals).count();
        await().during(QUIET).atMost(QUIET.plusSeconds(3)).until(() ->
                sampleBrokerCalls(instance).stream().filter("DELETE"::equals).count() == deletes);

        send(new OrphanMitigationRequested(create, "retried by an operator", Instant.now()));

        await().atMost(PATIENCE).until(() -> last(orphanMitigationsOf(instance)).state()
                == OrphanMitigationState.SUCCEEDED);
        assertThat(sampleBrokerHolds(instance)).as("nothing is left at the broker").isFalse();
        assertThat(meters.counter("provisioner.orphan.mitigations", "broker", broker, "outcome", "succeeded").count())
                .isEqualTo(1);
        assertTheCreateEndedOnce(instance);
    }

    @Test
    void aDeleteOfTheInstanceTakesThePlaceOfAPendingCleanupAndBothEndWithTheInstanceGone() {
        sampleBrokerOutage(instance, Map.of("status", 500, "methods", List.of("DELETE")));
        ProvisioningRequested delete = sampleRequest(OperationType.DELETE, instance, SYNC_PLAN, null);
        try {
            assertThat(run(create(instance, SYNC_PLAN, Map.of("respond", Map.of("status", 500)))).state())
                    .isEqualTo(OperationState.FAILED);
            await().atMost(PATIENCE).until(() -> orphanMitigationsOf(instance).stream().anyMatch(e -> e.attempts() >= 1));

            send(delete);

            awaitOrphanMitigation(instance, OrphanMitigationState.SUPERSEDED);
        } finally {
            healSampleBroker(instance);
        }
        await().atMost(PATIENCE).until(() -> statusesOf(instance).stream()
                .anyMatch(s -> s.operationId().equals(delete.operationId()) && s.state().terminal()));
        assertThat(last(statusesOf(instance)).state()).isEqualTo(OperationState.SUCCEEDED);
        assertThat(sampleBrokerHolds(instance)).isFalse();
        assertThat(orphanMitigationsOf(instance)).noneMatch(e -> e.state() == OrphanMitigationState.SUCCEEDED
                || e.state() == OrphanMitigationState.ABANDONED);
    }
}
