package io.provisioner.schemas;

import java.time.Instant;

import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * A binding operation moved: the worker's counterpart of {@link OperationStatusChanged} for a service
 * binding, with the same forward-only rules (current operation, higher {@code sequence}). Topic
 * {@code provisioning.status}, key = instance guid, so it stays in order with the instance's events.
 *
 * @param sealedCredentials on the event that reports a succeeded bind: the broker's {@code credentials}
 *        object as JSON text, sealed with the platform key ({@link SecretSealer}); null on every other
 *        event. Credentials never travel in clear.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record BindingStatusChanged(
        String operationId,
        OperationType operationType,
        String instanceGuid,
        String bindingGuid,
        OperationState state,
        String description,
        String brokerOperation,
        long sequence,
        String requestIdentity,
        Instant occurredAt,
        Instant deadline,
        String sealedCredentials) {

    @Override
    public String toString() {
        return "BindingStatusChanged[operationId=" + operationId + ", operationType=" + operationType
                + ", bindingGuid=" + bindingGuid + ", state=" + state + ", sequence=" + sequence + "]";
    }
}
