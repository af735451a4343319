package io.provisioner.worker.operation;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.provisioner.schemas.OperationState;
import io.provisioner.schemas.OperationType;
import io.provisioner.schemas.OrphanMitigationChanged;
import io.provisioner.schemas.OrphanMitigationRequested;
import io.provisioner.schemas.OrphanMitigationState;
import io.provisioner.schemas.ProvisioningRequested;
import io.provisioner.worker.OperationLogContext;
import io.provisioner.worker.broker.BrokerAnswer;
import io.provisioner.worker.broker.BrokerClient;
import io.provisioner.worker.broker.BrokerErrors;
import io.provisioner.worker.broker.BrokerUnreachable;
import io.provisioner.worker.broker.OsbCall;
import io.provisioner.worker.broker.OsbCalls;
import io.provisioner.worker.polling.DueWork;
import io.provisioner.worker.polling.PollPolicy;
import io.provisioner.worker.polling.WorkKind;
import io.provisioner.worker.progress.OperationProgress;
import io.provisioner.worker.progress.ProgressTable;
import io.provisioner.worker.progress.RequestPosition;
import io.provisioner.worker.status.StatusChange;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Orphan mitigation (OSB_CONTRACT.md): after a provision failed in a way that may have left an instance
 * at the broker, the platform DELETEs it, on its own account (no originating identity).
 *
 * <p>The create ends {@code failed} at once, in the same step that starts the clean-up: the caller waits
 * for nothing it cannot influence. The clean-up is a job of its own on the same durable rails as every
 * step (the delay tiers, the broker's circuit breaker and bulkhead): a DELETE, retried with a growing
 * interval until the broker confirms (200, or 410 Gone), polled when the broker accepts it (202), and
 * abandoned loudly (log, metric, event) when the give-up time passes. It never changes the create's
 * operation again; its progress goes out as {@code orphan-mitigation.changed} events. A delete of the
 * instance that arrives meanwhile takes the job's place (it DELETEs at the broker itself).
 */
@Component
class OrphanMitigation {

    static final String UNDER_WAY = " The platform is deleting what the broker may have created (orphan mitigation).";

    private static final Logger log = LoggerFactory.getLogger(OrphanMitigation.class);

    /** One run of a job in hand: what failed, when the run began, and how many DELETEs it sent. */
    private record Cleanup(ProvisioningRequested request, String failure, String dashboardUrl, Instant started,
            int attempt, int deletes, String requestIdentity) {
    }

    private final BrokerClient broker;
    private final OsbCalls calls;
    private final StepPublisher steps;
    private final ProgressTable progress;
    private final PollPolicy policy;
    private final OrphanMitigationSettings settings;
    private final Supplier<UUID> requestIdentities;
    private final RandomGenerator random;
    private final MeterRegistry meters;
    private final Clock clock;

    OrphanMitigation(BrokerClient broker, OsbCalls calls, StepPublisher steps, ProgressTable progress,
            PollPolicy policy, OrphanMitigationSettings settings, Supplier<UUID> requestIdentities,
            RandomGenerator random, MeterRegistry meters, Clock clock) {
        this.broker = broker;
        this.calls = calls;
        this.steps = steps;
        this.progress = progress;
        this.policy = policy;
        this.settings = settings;
        this.requestIdentities = requestIdentities;
        this.random = random;
        this.meters = meters;
        this.clock = clock;
    }

    /**
     * Ends the create {@code failed} and starts the clean-up job: its first DELETE is due at once (it waits
     * on the shortest delay tier), so the failure is reported without waiting for a broker that may be down.
     *
     * @param failure why the create failed, as its final status says
     * @param attempt the step counter of the create's step that failed (its status uses {@code attempt + 2})
     */
    StepResult begin(ProvisioningRequested request, String failure, String dashboardUrl, int attempt,
            String requestIdentity) {
        log.warn("the create failed ({}); deleting what the broker may have created", failure);
        Instant now = clock.instant();
        count(request, "started");
        StatusChange failed = new StatusChange(OperationState.FAILED, sentence(failure) + UNDER_WAY, dashboardUrl, null,
                attempt + 2L, requestIdentity);
        return new StepResult(failed, DueWork.orphan(WorkKind.ORPHAN_DELETE, request, null, dashboardUrl, now, now,
                attempt + 1, failure, 0, true, now), "orphan_mitigation",
                changed(request, OrphanMitigationState.PENDING, 0, null, now));
    }

    /**
     * Orphan mitigation asked for on {@code provisioning.requests}: an operator retries an abandoned job (or
     * the reconciler failed a create whose events were lost). A new run of the job begins, unless a later
     * operation of the instance (a delete) took its place.
     */
    void requested(OrphanMitigationRequested requested, RequestPosition position) {
        ProvisioningRequested request = requested.request();
        OsbCalls.checkComplete(request);
        if (request.operationType() != OperationType.CREATE) {
            throw new IllegalArgumentException("orphan mitigation follows a failed create, not a "
                    + request.operationType().wire());
        }
        String requestIdentity = requestIdentities.get().toString();
        try (OperationLogContext context = OperationLogContext.open(request, requestIdentity)) {
            Instant now = clock.instant();
            Optional<OperationProgress> newest = progress.newestOf(request.target());
            Optional<OperationProgress> own = progress.operation(request.operationId());
            boolean replaced = newest.isPresent() && !newest.get().operationId().equals(request.operationId())
                    && (own.isPresent() ? newest.get().newerThan(own.get())
                            : newest.get().newerThan(null, request.requestedAt()));
            if (replaced) {
                log.info("orphan mitigation asked for, but the {} {} of the instance replaced it",
                        newest.get().operationType().wire(), newest.get().operationId());
                count(request, "superseded");
                steps.publish("orphan-request", request, own.map(OperationProgress::position).orElse(position),
                        new StepResult(null, null, "superseded",
                                changed(request, OrphanMitigationState.SUPERSEDED, 0, null, now)));
                return;
            }
            String failure = requested.failure() != null ? requested.failure() : "The create failed.";
            log.warn("orphan mitigation asked for ({}); deleting what the broker may have created", failure);
            count(request, "started");
            // Step numbers go on from a high base: no status is published, the create is over.
            steps.publish("orphan-request", request, own.map(OperationProgress::position).orElse(position),
                    new StepResult(null, DueWork.orphan(WorkKind.ORPHAN_DELETE, request, null, null, now, now, 1,
                            failure, 0, true, now), "orphan_mitigation",
                            changed(request, OrphanMitigationState.PENDING, 0, null, now)));
        }
    }

    /**
     * A step of the job was dropped because a delete of the instance took its place: the delete deletes at
     * the broker itself, so the job ends here.
     */
    void superseded(DueWork work, String why) {
        count(work.request(), "superseded");
        log.info("orphan mitigation ends: {}", why);
        steps.publish(work.kind().wire(), work.request(), steps.positionOf(work.request()),
                new StepResult(null, null, "superseded", changed(work.request(), OrphanMitigationState.SUPERSEDED,
                        work.phaseAttempts(), null, work.poll().startedAt())));
    }

    /** A DELETE put off earlier is due. */
    void delete(DueWork work) {
        String requestIdentity = requestIdentities.get().toString();
        try (OperationLogContext context = OperationLogContext.open(work.request(), requestIdentity)) {
            steps.publish("orphan-delete", work.request(), steps.positionOf(work.request()),
                    delete(cleanup(work, requestIdentity)));
        }
    }

    /** A poll of the DELETE the broker accepted is due. */
    void poll(DueWork work) {
        String requestIdentity = requestIdentities.get().toString();
        try (OperationLogContext context = OperationLogContext.open(work.request(), requestIdentity)) {
            Cleanup cleanup = cleanup(work, requestIdentity);
            OsbCall call = calls.orphanMitigationLastOperation(work.request(), work.poll().brokerOperation(),
                    requestIdentity);
            PollOutcome outcome;
            String retryAfter = null;
            try {
                BrokerAnswer answer = broker.call(work.request().broker(), call);
                outcome = PollOutcome.of(OperationType.DELETE, answer);
                retryAfter = answer.retryAfter();
            } catch (BrokerUnreachable e) {
                outcome = new PollOutcome.NoValidAnswer("unreachable", "no answer: " + e.getMessage());
            }
            StepResult result;
            if (outcome instanceof PollOutcome.Finished finished && finished.state() == OperationState.SUCCEEDED) {
                result = deleted(cleanup);
            } else if (outcome instanceof PollOutcome.Finished finished) {
                // The broker's DELETE failed: the instance is still there, so delete it again.
                result = goOn(cleanup, WorkKind.ORPHAN_DELETE, null, null,
                        "the broker's DELETE failed: " + finished.description());
            } else {
                result = goOn(cleanup, WorkKind.ORPHAN_POLL, work.poll().brokerOperation(), retryAfter, outcome.summary());
            }
            steps.publish("orphan-poll", work.request(), steps.positionOf(work.request()), result);
        }
    }

    private static Cleanup cleanup(DueWork work, String requestIdentity) {
        String failure = work.failure() != null ? work.failure() : "The create failed.";
        return new Cleanup(work.request(), failure, work.poll().dashboardUrl(), work.poll().startedAt(),
                work.poll().attempt(), work.phaseAttempts(), requestIdentity);
    }

    /** Sends the DELETE, under an identity of its own; a 200 or a 410 (already gone) is done. */
    private StepResult delete(Cleanup before) {
        Cleanup cleanup = new Cleanup(before.request(), before.failure(), before.dashboardUrl(), before.started(),
                before.attempt(), before.deletes() + 1, before.requestIdentity());
        OsbCall call = calls.orphanMitigation(cleanup.request(), cleanup.requestIdentity());
        try {
            BrokerAnswer answer = broker.call(cleanup.request().broker(), call);
            if (answer.status() == 200 || answer.status() == 410) {
                return deleted(cleanup);
            }
            if (answer.status() == 202) {
                // A malformed 202 still means the broker is deleting: poll without an operation then.
                String operation = answer.wellFormed() ? answer.field("operation") : null;
                return goOn(cleanup, WorkKind.ORPHAN_POLL, operation, answer.retryAfter(), "the broker is deleting it");
            }
            return goOn(cleanup, WorkKind.ORPHAN_DELETE, null, answer.retryAfter(), BrokerErrors.describe(answer, call));
        } catch (BrokerUnreachable e) {
            return goOn(cleanup, WorkKind.ORPHAN_DELETE, null, null, BrokerErrors.describe(e));
        }
    }

    private StepResult deleted(Cleanup cleanup) {
        count(cleanup.request(), "succeeded");
        log.info("orphan mitigation deleted the instance at the broker after {}",
                HumanDuration.times(cleanup.deletes(), "DELETE"));
        return new StepResult(null, null, "orphan_deleted", changed(cleanup.request(), OrphanMitigationState.SUCCEEDED,
                cleanup.deletes(), null, cleanup.started()));
    }

    /**
     * The job goes on with {@code next} (a DELETE after a growing wait, or a poll of the DELETE), unless
     * its time is over: then it is abandoned, loudly.
     */
    private StepResult goOn(Cleanup cleanup, WorkKind next, String deleteOperation, String retryAfter,
            String lastAnswer) {
        Instant now = clock.instant();
        Instant giveUpAt = cleanup.started().plus(settings.giveUpAfter());
        if (!now.isBefore(giveUpAt)) {
            count(cleanup.request(), "abandoned");
            log.error("orphan mitigation gave up after {} over {} (last answer: {}); the instance may be left behind "
                    + "at broker {}: an operator can retry it (POST /admin/orphan-mitigations/{}/retry)",
                    HumanDuration.times(cleanup.deletes(), "DELETE"),
                    HumanDuration.of(Duration.between(cleanup.started(), now)), lastAnswer, brokerName(cleanup.request()),
                    cleanup.request().instanceGuid());
            return new StepResult(null, null, "orphan_gave_up", changed(cleanup.request(), OrphanMitigationState.ABANDONED,
                    cleanup.deletes(), lastAnswer, cleanup.started()));
        }
        if (next == WorkKind.ORPHAN_DELETE) {
            count(cleanup.request(), "attempt_failed");
            log.warn("orphan mitigation's DELETE failed ({}); trying again until {}", lastAnswer, giveUpAt);
        }
        Instant due = next == WorkKind.ORPHAN_POLL ? policy.nextDueBefore(cleanup.started(), giveUpAt, retryAfter)
                : backoff(cleanup, now, retryAfter, giveUpAt);
        return new StepResult(null, DueWork.orphan(next, cleanup.request(), deleteOperation, cleanup.dashboardUrl(),
                cleanup.started(), due, cleanup.attempt() + 1, cleanup.failure(), cleanup.deletes(), true, now),
                next == WorkKind.ORPHAN_POLL ? "orphan_polling" : "orphan_retry",
                changed(cleanup.request(), OrphanMitigationState.PENDING, cleanup.deletes(),
                        next == WorkKind.ORPHAN_POLL ? null : lastAnswer, cleanup.started()));
    }

    private Instant backoff(Cleanup cleanup, Instant now, String retryAfter, Instant giveUpAt) {
        Instant due = now.plus(settings.backoff().after(cleanup.deletes(), random));
        Optional<Instant> notBefore = PollPolicy.retryAfter(retryAfter, now);
        if (notBefore.isPresent() && notBefore.get().isAfter(due)) {
            due = notBefore.get();
        }
        return due.isAfter(giveUpAt) ? giveUpAt : due;
    }

    private OrphanMitigationChanged changed(ProvisioningRequested request, OrphanMitigationState state, int attempts,
            String lastError, Instant started) {
        return new OrphanMitigationChanged(request.instanceGuid(), request.operationId(), request.broker().guid(),
                request.broker().name(), state, attempts, lastError, started, started.plus(settings.giveUpAfter()),
                clock.instant());
    }

    /** The failure as a sentence, so more can follow it. */
    private static String sentence(String text) {
        String trimmed = text.strip();
        return trimmed.endsWith(".") ? trimmed : trimmed + ".";
    }

    private static String brokerName(ProvisioningRequested request) {
        return request.broker().name() != null ? request.broker().name() : request.broker().guid();
    }

    private void count(ProvisioningRequested request, String outcome) {
        Counter.builder("provisioner.orphan.mitigations")
                .description("Orphan-mitigation jobs and their DELETEs, by broker and outcome: started, attempt_failed, "
                        + "succeeded, abandoned, superseded")
                .tag("broker", brokerName(request))
                .tag("outcome", outcome)
                .register(meters)
                .increment();
    }
}
