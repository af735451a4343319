package io.provisioner.worker.operation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.List;
import java.util.Map;

import io.provisioner.schemas.OperationState;
import io.provisioner.schemas.OperationStatusChanged;
import io.provisioner.schemas.OperationType;
import io.provisioner.schemas.ProvisioningRequested;
import io.provisioner.worker.WorkerIntegrationTest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import tools.jackson.databind.JsonNode;

/**
 * One test per row of the orphan-mitigation table (OSB_CONTRACT.md), against the sample broker: the exact
 * requests it received (method, path, query, headers, body) and the operation's final status.
 */
class OrphanMitigationTableTest extends WorkerIntegrationTest {

    private final String instance = newGuid();
    private final String path = "/v2/service_instances/" + instance;

    private OperationStatusChanged run(ProvisioningRequested request) {
        send(request);
        return last(awaitFinished(instance));
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

    private static String sentence(String failure) {
        return failure.endsWith(".") ? failure : failure + ".";
    }

    @Test
    void anAnswerThatParsesNeedsNoCleanup() {
        Map<String, Object> modes = Map.of("mode", "sync");

        OperationStatusChanged status = run(create(instance, SYNC_PLAN, modes));

        assertThat(status.state()).isEqualTo(OperationState.SUCCEEDED);
        assertThat(status.dashboardUrl()).endsWith("/dashboard/" + instance);
        List<JsonNode> requests = sampleBrokerRequests(instance);
        assertThat(sampleBrokerCalls(instance)).containsExactly("PUT");
        assertProvision(requests.get(0), modes);
    }

    @Test
    void a200WithAMalformedBodyFailsWithoutCleanup() {
        Map<String, Object> modes = Map.of("respond", Map.of("status", 200, "body", "all good"));

        OperationStatusChanged status = run(create(instance, SYNC_PLAN, modes));

        assertThat(status.state()).isEqualTo(OperationState.FAILED);
        assertThat(status.description()).isEqualTo("The service broker's answer is not valid OSB: HTTP 200 with the "
                + "body \"all good\" (HTTP 200 from PUT " + path + "); after a 200 the platform does not delete the "
                + "instance at the broker (OSB)");
        assertThat(sampleBrokerCalls(instance)).containsExactly("PUT");
    }

    @Test
    void a201WithAMalformedBodyIsCleanedUp() {
        Map<String, Object> modes = Map.of("respond", Map.of("status", 201, "body", "{\"dashboard_url\": 7"));

        OperationStatusChanged status = run(create(instance, SYNC_PLAN, modes));

        assertThat(status.state()).isEqualTo(OperationState.FAILED);
        assertThat(status.description()).isEqualTo("The service broker's answer is not valid OSB: HTTP 201 with the "
                + "body \"{\"dashboard_url\": 7\" (HTTP 201 from PUT " + path + ")." + OrphanMitigation.DELETED);
        List<JsonNode> requests = sampleBrokerRequests(instance);
        assertThat(sampleBrokerCalls(instance)).containsExactly("PUT", "DELETE");
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
                .endsWith(OrphanMitigation.DELETED);
        List<JsonNode> requests = sampleBrokerRequests(instance);
        assertThat(sampleBrokerCalls(instance)).startsWith("PUT", "DELETE", "GET last_operation")
                .doesNotContain("PATCH");
        assertOrphanDelete(requests.get(1), ASYNC_PLAN);
        JsonNode poll = requests.get(2);
        assertThat(poll.get("path").asString()).isEqualTo(path + "/last_operation");
        assertThat(poll.get("query").asString())
                .isEqualTo("service_id=" + SAMPLE_SERVICE + "&plan_id=" + ASYNC_PLAN + "&operation=cleanup-1");
        assertOsbHeaders(poll, false);
        List<OperationStatusChanged> statuses = statusesOf(instance);
        assertThat(statuses.get(0).state()).isEqualTo(OperationState.IN_PROGRESS);
        assertThat(statuses.get(0).description()).endsWith(OrphanMitigation.UNDER_WAY);
    }

    @Test
    void anUnexpected2xxToAProvisionIsCleanedUp() {
        OperationStatusChanged status = run(create(instance, SYNC_PLAN, Map.of("respond", Map.of("status", 204))));

        assertThat(status.state()).isEqualTo(OperationState.FAILED);
        assertThat(status.description()).isEqualTo("The service broker answered HTTP 204, which OSB does not define for "
                + "this call (HTTP 204 from PUT " + path + ")." + OrphanMitigation.DELETED);
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
                + ", error \"Broken\", after 3 attempts)." + OrphanMitigation.DELETED);
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
        assertThat(status.description()).isEqualTo("no capacity left." + OrphanMitigation.DELETED);
        List<String> calls = sampleBrokerCalls(instance);
        int delete = calls.indexOf("DELETE");
        assertThat(calls.subList(0, delete)).startsWith("PUT", "GET last_operation").containsOnly("PUT",
                "GET last_operation");
        assertThat(calls.subList(delete + 1, calls.size())).isNotEmpty().containsOnly("GET last_operation");
        assertOrphanDelete(sampleBrokerRequests(instance).get(delete), ASYNC_PLAN);
    }

    @Test
    void aProvisionThatTimesOutIsCleanedUp() {
        // slow-broker: 400 ms read timeout, 2 attempts (WorkerIntegrationTest); the broker answers after 1.5 s.
        Map<String, Object> modes = Map.of("answer_delay_ms", 1500);

        OperationStatusChanged status = run(sampleRequest(OperationType.CREATE, instance, SYNC_PLAN, modes, null,
                sampleBrokerEndpoint("slow-broker")));

        assertThat(status.state()).isEqualTo(OperationState.FAILED);
        assertThat(status.description()).startsWith("The service broker did not answer in time: PUT " + path
                + " was attempted 2 times in ").contains("HttpTimeoutException").endsWith(OrphanMitigation.DELETED);
        assertThat(sampleBrokerCalls(instance)).containsExactly("PUT", "PUT", "DELETE");
        assertOrphanDelete(sampleBrokerRequests(instance).get(2), SYNC_PLAN);
    }

    @Test
    void a408IsTriedAgainButNeverCleanedUp() {
        OperationStatusChanged status = run(create(instance, SYNC_PLAN, Map.of("fail_status", 408,
                "fail_first_calls", 3)));

        assertThat(status.state()).isEqualTo(OperationState.SUCCEEDED);
        assertThat(sampleBrokerCalls(instance)).containsExactly("PUT", "PUT", "PUT", "PUT");
        assertThat(statusesOf(instance).get(0).description()).contains("HTTP 408", "The platform tries again");
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
        assertThat(sampleBrokerCalls(instance)).as("4xx answers are never retried").containsExactly("PUT");
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
            assertThat(sampleBrokerCalls(id)).as("no orphan mitigation after an update").doesNotContain("DELETE");
        }
        assertThat(sampleBrokerCalls(broken)).containsExactly("PUT", "PATCH", "PATCH", "PATCH");
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
        assertThat(sampleBrokerCalls(instance)).containsExactly("PUT", "PUT");
        assertThat(statusesOf(instance).get(0).description()).startsWith("The service broker is busy with another "
                + "operation on this instance (422 ConcurrencyError): busy");
    }

    @Test
    void aCreatePastItsDeadlineIsCleanedUp() {
        Map<String, Object> modes = Map.of("never_finish", true, "delay_ms", 300);

        OperationStatusChanged status = run(sampleRequest(OperationType.CREATE, instance, ASYNC_PLAN, modes, 2,
                sampleBrokerEndpoint("sample-broker")));

        assertThat(status.state()).isEqualTo(OperationState.FAILED);
        assertThat(status.description()).isEqualTo("The broker did not finish the create within 2 seconds (last answer: "
                + "\"in progress\", \"Provisioning the instance.\")." + OrphanMitigation.DELETED);
        List<String> calls = sampleBrokerCalls(instance);
        assertThat(calls).contains("DELETE");
        assertOrphanDelete(sampleBrokerRequests(instance).get(calls.indexOf("DELETE")), ASYNC_PLAN);
    }

    @Test
    void orphanMitigationIsTriedAgainWithBackoffUntilTheBrokerDeletes() {
        Map<String, Object> modes = Map.of("respond", Map.of("status", 503),
                "deprovision", Map.of("fail_status", 503, "fail_first_calls", 2));

        OperationStatusChanged status = run(create(instance, SYNC_PLAN, modes));

        assertThat(status.state()).isEqualTo(OperationState.FAILED);
        assertThat(status.description()).endsWith(OrphanMitigation.DELETED);
        // No in-place retry of orphan mitigation's DELETE: its durable backoff is its only retry layer.
        assertThat(sampleBrokerCalls(instance)).containsExactly("PUT", "PUT", "PUT", "DELETE", "DELETE", "DELETE");
        List<JsonNode> requests = sampleBrokerRequests(instance);
        requests.subList(3, 6).forEach(delete -> assertOrphanDelete(delete, SYNC_PLAN));
        List<OperationStatusChanged> statuses = statusesOf(instance);
        assertThat(statuses).extracting(OperationStatusChanged::state).containsExactly(OperationState.IN_PROGRESS,
                OperationState.IN_PROGRESS, OperationState.FAILED);
        assertThat(statuses).extracting(OperationStatusChanged::sequence).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void orphanMitigationTakingLongerThanReportAfterIsReportedAndGoesOn() {
        Map<String, Object> modes = Map.of("respond", Map.of("status", 500),
                "deprovision", Map.of("fail_status", 500, "fail_description", "still broken"));

        OperationStatusChanged status = run(create(instance, SYNC_PLAN, modes));

        // report-after is 3 s in these tests.
        assertThat(status.state()).isEqualTo(OperationState.FAILED);
        assertThat(status.description()).startsWith(sentence("Service broker error: an empty answer "
                + "(HTTP 500 from PUT " + path + ", after 3 attempts)") + " The platform could not delete the instance at "
                + "the broker yet (").contains("DELETEs over", "still broken", "and keeps trying until");
        long deletesWhenReported = sampleBrokerCalls(instance).stream().filter("DELETE"::equals).count();
        await().atMost(PATIENCE).until(() -> sampleBrokerCalls(instance).stream().filter("DELETE"::equals).count()
                > deletesWhenReported);
        assertThat(statusesOf(instance).stream().filter(s -> s.state().terminal())).hasSize(1);
    }
}
