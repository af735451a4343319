package io.provisioner.worker.operation;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;

import io.provisioner.schemas.OperationState;
import io.provisioner.schemas.OperationStatusChanged;
import io.provisioner.schemas.OperationType;
import io.provisioner.schemas.ProvisioningRequested;
import io.provisioner.worker.WorkerIntegrationTest;

import org.junit.jupiter.api.Test;

/**
 * The parameters a caller wrote reach the broker byte for byte over real HTTP: numbers a double cannot
 * hold ({@code 1e309}, {@code 1.1e-999999999}) or would rewrite ({@code 1E2} as {@code 100.0}) stay as
 * written, and the request event carries them only sealed.
 */
class ExactParametersTest extends WorkerIntegrationTest {

    private static final String WRITTEN = "{\"huge\": 1e309, \"tiny\": 1.1e-999999999, \"hundred\": 1E2,"
            + " \"digits\": 3.14159265358979323846264338327950288419716939937510,"
            + " \"big\": 123456789012345678901234567890, \"list\": [1.50, -0.0, 2e+5]}";

    @Test
    void aCreateAndAnUpdateSendTheCallersNumbersUnchanged() {
        for (OperationType type : List.of(OperationType.CREATE, OperationType.UPDATE)) {
            String instance = newGuid();
            String path = "/v2/service_instances/" + instance;
            broker.stubFor(put(urlPathEqualTo(path)).willReturn(aResponse().withStatus(201).withBody("{}")));
            broker.stubFor(patch(urlPathEqualTo(path)).willReturn(aResponse().withStatus(200).withBody("{}")));
            ProvisioningRequested template = request(type, instance);
            ProvisioningRequested request = new ProvisioningRequested(template.operationId(), type, instance,
                    template.instanceName(), template.serviceId(), template.planId(), template.previousPlanId(),
                    template.organizationGuid(), template.organizationName(), template.spaceGuid(),
                    template.spaceName(), sealer.seal(WRITTEN), null, template.broker(), null,
                    template.originatingUserId(), template.requestedAt());

            send(request);

            List<OperationStatusChanged> statuses = awaitFinished(instance);
            assertThat(statuses).extracting(OperationStatusChanged::state).containsExactly(OperationState.SUCCEEDED);
            byte[] sent = broker.findAll(type == OperationType.CREATE ? putRequestedFor(urlPathEqualTo(path))
                    : patchRequestedFor(urlPathEqualTo(path))).get(0).getBody();
            assertThat(new String(sent, StandardCharsets.UTF_8)).as(type.wire())
                    .contains("\"parameters\":" + WRITTEN)
                    .doesNotContain("Infinity").doesNotContain("100.0");
        }
    }
}
