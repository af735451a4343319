package io.provisioner.schemas;

import java.time.Instant;

import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * An operation moved: it reached the broker, got polled, or ended. The gateway applies an event only
 * when it names the instance's current operation and {@code sequence} is higher than the last one
 * applied, so replays and stale events change nothing.
 *
 * @param sequence increases with every event of one operation
 * @param brokerOperation the broker's {@code operation} value from its 202 answer, if any
 * @param deadline when the operation must have ended: the broker's acceptance (202) plus the plan's
 *                 {@code maximum_polling_duration} (else the default); set on the event that reports the
 *                 acceptance, null on others. The gateway stores it with the operation for its reconciler.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record OperationStatusChanged(
        String operationId,
        OperationType operationType,
        String instanceGuid,
        OperationState state,
        String description,
        String dashboardUrl,
        String brokerOperation,
        long sequence,
        String requestIdentity,
        Instant occurredAt,
        Instant deadline) {

    /** An event without a deadline: every event but the one reporting the broker's acceptance. */
    public OperationStatusChanged(String operationId, OperationType operationType, String instanceGuid,
            OperationState state, String description, String dashboardUrl, String brokerOperation, long sequence,
            String requestIdentity, Instant occurredAt) {
        this(operationId, operationType, instanceGuid, state, description, dashboardUrl, brokerOperation, sequence,
                requestIdentity, occurredAt, null);
    }
}
