package io.provisioner.worker.operation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.provisioner.schemas.BindingStatusChanged;
import io.provisioner.schemas.OperationState;
import io.provisioner.schemas.OperationType;
import io.provisioner.schemas.OrphanMitigationState;
import io.provisioner.schemas.ProvisioningRequested;
import io.provisioner.worker.WorkerIntegrationTest;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import tools.jackson.databind.JsonNode;

/**
 * Binds and unbinds against the sample broker: sync and async bindings (polled, then fetched for their
 * credentials), the orphan-mitigation table for bindings, and credentials that leave the worker only sealed.
 */
@ExtendWith(OutputCaptureExtension.class)
class BindingFlowTest extends WorkerIntegrationTest {

    private final String instance = newGuid();
    private final String binding = newGuid();
    private final String bindingPath = "/v2/service_instances/" + instance + "/service_bindings/" + binding;

    @BeforeEach
    void provisionTheInstance() {
        ProvisioningRequested create = sampleRequest(OperationType.CREATE, instance, SYNC_PLAN, null);
        send(create);
        assertThat(last(awaitFinished(instance)).state()).isEqualTo(OperationState.SUCCEEDED);
    }

    private BindingStatusChanged run(ProvisioningRequested request) {
        sendBinding(request);
        return awaitBindingFinished(binding, request.operationId());
    }

    /** The calls the sample broker received for the binding: "PUT", "GET last_operation", "GET", "DELETE". */
    private List<String> bindingCalls() {
        return sampleBrokerRequests(instance).stream()
                .filter(entry -> entry.get("path").asString().startsWith(bindingPath))
                .map(entry -> entry.get("method").asString()
                        + (entry.get("path").asString().endsWith("/last_operation") ? " last_operation" : ""))
                .toList();
    }

    private JsonNode opened(BindingStatusChanged status) {
        return json.readTree(sealer.open(status.sealedCredentials()));
    }

    @Test
    void aSyncBindEndsSucceededWithTheCredentialsSealed(CapturedOutput output) {
        BindingStatusChanged status = run(bindingRequest(OperationType.CREATE, instance, binding, null));

        assertThat(status.state()).isEqualTo(OperationState.SUCCEEDED);
        JsonNode credentials = opened(status);
        String password = credentials.get("password").asString();
        assertThat(password).isNotBlank();
        assertThat(credentials.get("uri").asString()).contains(instance);
        JsonNode put = sampleBrokerRequests(instance).stream()
                .filter(entry -> entry.get("path").asString().equals(bindingPath)).findFirst().orElseThrow();
        assertThat(put.get("query").asString()).isEqualTo("accepts_incomplete=true");
        assertOsbHeaders(put, true);
        assertThat(put.get("body").get("service_id").asString()).isEqualTo(SAMPLE_SERVICE);
        assertThat(put.get("body").get("context").get("platform").asString()).isEqualTo("cloudfoundry");
        assertThat(put.get("body").get("parameters").get("size").asString()).isEqualTo("small");
        assertThat(bindingStatusRecordsOf(binding)).as("no credential on Kafka in clear")
                .allSatisfy(record -> assertThat(new String(record, StandardCharsets.UTF_8)).doesNotContain(password));
        assertThat(output.getAll()).as("no credential in a log line").doesNotContain(password);
        assertThat(statusesOf(instance)).as("the instance's own operations are untouched").hasSize(1);
    }

    @Test
    void anAsyncBindIsPolledThenFetchedForItsCredentials(CapturedOutput output) {
        BindingStatusChanged status = run(bindingRequest(OperationType.CREATE, instance, binding,
                Map.of("mode", "async", "delay_ms", 300, "operation", "bind/1")));

        assertThat(status.state()).isEqualTo(OperationState.SUCCEEDED);
        String password = opened(status).get("password").asString();
        assertThat(bindingStatusesOf(binding).get(0).state()).isEqualTo(OperationState.IN_PROGRESS);
        assertThat(bindingStatusesOf(binding).get(0).brokerOperation()).isEqualTo("bind/1");
        assertThat(bindingCalls()).startsWith("PUT", "GET last_operation").endsWith("GET last_operation", "GET");
        JsonNode poll = sampleBrokerRequests(instance).stream()
                .filter(entry -> entry.get("path").asString().equals(bindingPath + "/last_operation")).findFirst()
                .orElseThrow();
        assertThat(poll.get("query").asString()).isEqualTo("service_id=" + SAMPLE_SERVICE + "&plan_id=" + SYNC_PLAN
                + "&operation=bind%2F1");
        assertThat(output.getAll()).doesNotContain(password);
    }

    @Test
    void aBindThatFailsAsynchronouslyIsFailedAndTheBindingDeleted() {
        BindingStatusChanged status = run(bindingRequest(OperationType.CREATE, instance, binding,
                Map.of("mode", "fail", "delay_ms", 200, "fail_description", "no users left")));

        assertThat(status.state()).isEqualTo(OperationState.FAILED);
        assertThat(status.description()).contains("no users left");
        assertThat(status.sealedCredentials()).isNull();
        awaitOrphanMitigation(instance, OrphanMitigationState.SUCCEEDED);
        assertThat(bindingCalls()).contains("DELETE");
        assertThat(sampleBrokerHoldsBinding(binding)).isFalse();
    }

    @Test
    void aMalformed201GetsOrphanMitigationWithoutQuotingTheBody() {
        BindingStatusChanged status = run(bindingRequest(OperationType.CREATE, instance, binding,
                Map.of("respond", Map.of("status", 201, "body", "{\"credentials\": \"pw-in-a-broken-body\""))));

        assertThat(status.state()).isEqualTo(OperationState.FAILED);
        assertThat(status.description()).contains("not valid OSB").doesNotContain("pw-in-a-broken-body");
        awaitOrphanMitigation(instance, OrphanMitigationState.SUCCEEDED);
        JsonNode delete = sampleBrokerRequests(instance).stream()
                .filter(entry -> entry.get("method").asString().equals("DELETE")).findFirst().orElseThrow();
        assertThat(delete.get("path").asString()).isEqualTo(bindingPath);
        assertOsbHeaders(delete, false);
        assertThat(sampleBrokerHoldsBinding(binding)).isFalse();
    }

    @Test
    void a5xxGetsOrphanMitigationAndA409DoesNot() {
        BindingStatusChanged failed = run(bindingRequest(OperationType.CREATE, instance, binding,
                Map.of("fail_status", 500, "fail_description", "the database is on fire")));

        assertThat(failed.state()).isEqualTo(OperationState.FAILED);
        assertThat(failed.description()).contains("the database is on fire");
        awaitOrphanMitigation(instance, OrphanMitigationState.SUCCEEDED);
        assertThat(bindingCalls()).endsWith("DELETE");

        String other = newGuid();
        ProvisioningRequested conflicting = bindingRequest(OperationType.CREATE, instance, other,
                Map.of("fail_status", 409));
        sendBinding(conflicting);
        BindingStatusChanged refused = awaitBindingFinished(other, conflicting.operationId());
        assertThat(refused.state()).isEqualTo(OperationState.FAILED);
        assertThat(refused.description()).contains("a binding with this id");
        await().during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(6))
                .until(() -> orphanMitigationsOf(instance).stream().filter(m -> m.operationId()
                        .equals(conflicting.operationId())).findAny().isEmpty());
    }

    @Test
    void unbindingIsSyncOrAsyncAndEndsSucceeded() {
        assertThat(run(bindingRequest(OperationType.CREATE, instance, binding,
                Map.of("deprovision", Map.of("mode", "async", "delay_ms", 300)))).state())
                .isEqualTo(OperationState.SUCCEEDED);

        BindingStatusChanged unbound = run(bindingRequest(OperationType.DELETE, instance, binding, null));

        assertThat(unbound.state()).isEqualTo(OperationState.SUCCEEDED);
        assertThat(unbound.operationType()).isEqualTo(OperationType.DELETE);
        assertThat(bindingCalls()).containsSubsequence("DELETE", "GET last_operation");
        assertThat(sampleBrokerHoldsBinding(binding)).isFalse();
        JsonNode delete = sampleBrokerRequests(instance).stream()
                .filter(entry -> entry.get("method").asString().equals("DELETE")).findFirst().orElseThrow();
        assertThat(delete.get("query").asString())
                .isEqualTo("service_id=" + SAMPLE_SERVICE + "&plan_id=" + SYNC_PLAN + "&accepts_incomplete=true");
        assertOsbHeaders(delete, true);
    }

    @Test
    void twoBindingsOfOneInstanceRunSideBySide() {
        String second = newGuid();
        ProvisioningRequested slow = bindingRequest(OperationType.CREATE, instance, binding,
                Map.of("mode", "async", "delay_ms", 1500));
        ProvisioningRequested fast = bindingRequest(OperationType.CREATE, instance, second, null);

        sendBinding(slow);
        await().atMost(PATIENCE).until(() -> !bindingStatusesOf(binding).isEmpty());
        sendBinding(fast);

        assertThat(awaitBindingFinished(second, fast.operationId()).state()).isEqualTo(OperationState.SUCCEEDED);
        assertThat(awaitBindingFinished(binding, slow.operationId()).state())
                .as("the second bind did not replace the first").isEqualTo(OperationState.SUCCEEDED);
    }
}
