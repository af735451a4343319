package io.provisioner.worker.status;

import io.provisioner.schemas.OperationState;

/**
 * One state change of an operation, before it becomes an event.
 *
 * @param sequence 1 for the broker's answer to the request; {@code attempt + 2} for a poll's outcome,
 *                 so every later event of an operation has a higher number than the ones before
 */
public record StatusChange(
        OperationState state,
        String description,
        String dashboardUrl,
        String brokerOperation,
        long sequence,
        String requestIdentity) {

    /** The sequence of the event a poll publishes. */
    public static long pollSequence(int attempt) {
        return attempt + 2L;
    }
}
