package io.provisioner.worker.status;

import java.time.Instant;

import io.provisioner.schemas.OperationState;

/**
 * One state change of an operation, before it becomes an event.
 *
 * @param sequence 1 for the broker's answer to the request; {@code attempt + 2} for a poll's outcome,
 *                 so every later event of an operation has a higher number than the ones before
 * @param deadline on the change that reports the broker's acceptance: when the operation must have ended
 *                 (OSB counts it from the 202); null on every other change
 * @param credentials on a succeeded bind: the broker's {@code credentials} as JSON text; a secret that only
 *                    ever leaves the worker sealed ({@link StatusPublisher})
 */
public record StatusChange(
        OperationState state,
        String description,
        String dashboardUrl,
        String brokerOperation,
        long sequence,
        String requestIdentity,
        Instant deadline,
        String credentials) {

    public StatusChange(OperationState state, String description, String dashboardUrl, String brokerOperation,
            long sequence, String requestIdentity) {
        this(state, description, dashboardUrl, brokerOperation, sequence, requestIdentity, null, null);
    }

    public StatusChange(OperationState state, String description, String dashboardUrl, String brokerOperation,
            long sequence, String requestIdentity, Instant deadline) {
        this(state, description, dashboardUrl, brokerOperation, sequence, requestIdentity, deadline, null);
    }

    /** A succeeded bind, with the broker's credentials (JSON text, in memory only: published sealed). */
    public static StatusChange bound(String credentials, String brokerOperation, long sequence, String requestIdentity) {
        return new StatusChange(OperationState.SUCCEEDED, null, null, brokerOperation, sequence, requestIdentity, null,
                credentials);
    }

    @Override
    public String toString() {
        return "StatusChange[state=" + state + ", sequence=" + sequence + ", description=" + description + "]";
    }

    /** The sequence of the event a poll publishes. */
    public static long pollSequence(int attempt) {
        return attempt + 2L;
    }
}
