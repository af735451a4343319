package io.provisioner.worker.operation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.provisioner.schemas.OperationState;
import io.provisioner.schemas.OperationStatusChanged;
import io.provisioner.schemas.OperationType;
import io.provisioner.schemas.ProvisioningRequested;
import io.provisioner.worker.WorkerIntegrationTest;
import io.provisioner.worker.progress.OperationProgress;
import io.provisioner.worker.progress.ProgressTable;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import tools.jackson.databind.JsonNode;

/**
 * A redelivered request is a continuation, not a second broker call; a delete during a create ends the
 * create's polling and deletes.
 */
class ContinuationTest extends WorkerIntegrationTest {

    @Autowired
    ProgressTable progress;

    private final String instance = newGuid();

    private void awaitTerminal(ProvisioningRequested request) {
        await().atMost(PATIENCE).until(() -> statusesOf(instance).stream()
                .anyMatch(s -> s.operationId().equals(request.operationId()) && s.state().terminal()));
    }

    @Test
    void aRedeliveredCreateIsContinuedNotSentAgain() {
        ProvisioningRequested create = sampleRequest(OperationType.CREATE, instance, ASYNC_PLAN, Map.of("delay_ms", 2000));
        send(create);
        await().atMost(PATIENCE).until(() -> !statusesOf(instance).isEmpty());

        // The same record again, as after a crash between the broker's answer and the offset commit.
        send(create);

        awaitTerminal(create);
        assertThat(last(statusesOf(instance)).state()).isEqualTo(OperationState.SUCCEEDED);
        assertThat(sampleBrokerCalls(instance)).filteredOn("PUT"::equals).hasSize(1);
        // The progress is recorded once Kafka has the status, so it may follow the status by a moment.
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(progress.operation(create.operationId()))
                .hasValueSatisfying(p -> assertThat(p.phase()).isEqualTo(OperationProgress.Phase.FINISHED)));
    }

    @Test
    void aRedeliveredDeleteIsNotASecondDelete() {
        ProvisioningRequested create = sampleRequest(OperationType.CREATE, instance, SYNC_PLAN,
                Map.of("deprovision", Map.of("mode", "async", "delay_ms", 1500)));
        send(create);
        awaitTerminal(create);
        ProvisioningRequested delete = sampleRequest(OperationType.DELETE, instance, SYNC_PLAN, null);
        send(delete);
        await().atMost(PATIENCE).until(() -> statusesOf(instance).stream()
                .anyMatch(s -> s.operationId().equals(delete.operationId())));

        send(delete);

        awaitTerminal(delete);
        assertThat(last(statusesOf(instance)).state()).isEqualTo(OperationState.SUCCEEDED);
        assertThat(sampleBrokerCalls(instance)).filteredOn("DELETE"::equals).hasSize(1);
    }

    @Test
    void aFinishedOperationRedeliveredLaterChangesNothing() {
        ProvisioningRequested create = sampleRequest(OperationType.CREATE, instance, SYNC_PLAN, null);
        send(create);
        awaitTerminal(create);
        ProvisioningRequested delete = sampleRequest(OperationType.DELETE, instance, SYNC_PLAN, null);
        send(delete);
        awaitTerminal(delete);

        // The create again, after its delete: a redelivery must not bring the instance back.
        send(create);
        ProvisioningRequested marker = sampleRequest(OperationType.DELETE, instance, SYNC_PLAN, null);
        send(marker);
        awaitTerminal(marker);

        assertThat(sampleBrokerCalls(instance)).containsExactly("PUT", "DELETE", "DELETE");
        assertThat(statusesOf(instance).stream().filter(s -> s.operationId().equals(create.operationId()))).hasSize(1);
    }

    @Test
    void aDeleteDuringACreateEndsTheCreatesPollingAndDeletes() {
        ProvisioningRequested create = sampleRequest(OperationType.CREATE, instance, ASYNC_PLAN, Map.of(
                "never_finish", true, "operation", "create-op", "deprovision", Map.of("delay_ms", 1500,
                        "operation", "delete-op")));
        send(create);
        await().atMost(PATIENCE).until(() -> sampleBrokerCalls(instance).stream()
                .filter("GET last_operation"::equals).count() >= 2);

        ProvisioningRequested delete = sampleRequest(OperationType.DELETE, instance, ASYNC_PLAN, null);
        send(delete);

        awaitTerminal(delete);
        List<OperationStatusChanged> deleting = statusesOf(instance).stream()
                .filter(s -> s.operationId().equals(delete.operationId())).toList();
        assertThat(last(deleting).state()).isEqualTo(OperationState.SUCCEEDED);
        assertThat(statusesOf(instance).stream().filter(s -> s.operationId().equals(create.operationId())))
                .noneMatch(s -> s.state().terminal());
        List<JsonNode> requests = sampleBrokerRequests(instance);
        int deleteAt = sampleBrokerCalls(instance).indexOf("DELETE");
        // At most the one create poll already under way when the delete came; then none at all.
        assertThat(createPolls(requests.subList(deleteAt, requests.size()))).isLessThanOrEqualTo(1);
        long createPolls = createPolls(sampleBrokerRequests(instance));
        await().during(Duration.ofMillis(2_500)).atMost(Duration.ofSeconds(5))
                .until(() -> createPolls(sampleBrokerRequests(instance)) == createPolls);
        assertThat(sampleBrokerCalls(instance)).filteredOn("DELETE"::equals).hasSize(1);
        assertThat(requests.get(requests.size() - 1).get("query").asString()).contains("operation=delete-op");
    }

    private static long createPolls(List<JsonNode> requests) {
        return requests.stream().filter(r -> r.get("query").asString("").contains("operation=create-op")).count();
    }
}
