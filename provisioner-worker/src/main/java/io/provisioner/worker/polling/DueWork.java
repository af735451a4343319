package io.provisioner.worker.polling;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

import io.provisioner.schemas.PollScheduled;
import io.provisioner.schemas.ProvisioningRequested;

/**
 * One scheduled step of an operation, due at a time: a {@link PollScheduled} record on a delay tier plus
 * what the headers carry. Every step of an operation, whatever its kind, counts in {@code attempt}, so
 * the status events of an operation keep increasing their sequence ({@link #sequence()}).
 *
 * @param failure for orphan mitigation: why the provision failed, told again when the cleanup ends
 * @param phaseAttempts calls of the current kind so far (call rounds for {@link WorkKind#START}, DELETEs
 *                      for orphan mitigation)
 * @param reported for orphan mitigation: the operation's final status was already published
 * @param id the record's envelope id, kept when the record hops tiers
 * @param scheduledAt when the step was scheduled (the envelope's {@code time}, kept when it hops): the
 *                    identity of the step in the progress table
 */
public record DueWork(WorkKind kind, PollScheduled poll, String failure, int phaseAttempts, boolean reported,
        String id, Instant scheduledAt) {

    public static DueWork poll(ProvisioningRequested request, String brokerOperation, String dashboardUrl,
            Instant startedAt, Instant dueAt, int attempt, Instant now) {
        return create(WorkKind.POLL, new PollScheduled(request, brokerOperation, dashboardUrl, startedAt, dueAt, attempt),
                null, 0, false, now);
    }

    /** @param firstAttempt when the call was first sent: the give-up time counts from it */
    public static DueWork start(ProvisioningRequested request, Instant firstAttempt, Instant dueAt, int attempt,
            int rounds, Instant now) {
        return create(WorkKind.START, new PollScheduled(request, null, null, firstAttempt, dueAt, attempt), null, rounds,
                false, now);
    }

    /**
     * @param kind {@link WorkKind#ORPHAN_DELETE} or {@link WorkKind#ORPHAN_POLL}
     * @param deleteOperation for a poll: the broker's {@code operation} of the DELETE
     * @param mitigationStarted when orphan mitigation began: its reporting and give-up times count from it
     */
    public static DueWork orphan(WorkKind kind, ProvisioningRequested request, String deleteOperation, String dashboardUrl,
            Instant mitigationStarted, Instant dueAt, int attempt, String failure, int deletes, boolean reported,
            Instant now) {
        return create(kind, new PollScheduled(request, deleteOperation, dashboardUrl, mitigationStarted, dueAt, attempt),
                failure, deletes, reported, now);
    }

    private static DueWork create(WorkKind kind, PollScheduled poll, String failure, int phaseAttempts, boolean reported,
            Instant now) {
        return new DueWork(kind, poll, failure, phaseAttempts, reported, UUID.randomUUID().toString(),
                now.truncatedTo(ChronoUnit.MILLIS));
    }

    public ProvisioningRequested request() {
        return poll.request();
    }

    /** The sequence of the status events this step publishes: after the request's 1, one more per step. */
    public long sequence() {
        return poll.attempt() + 2L;
    }
}
