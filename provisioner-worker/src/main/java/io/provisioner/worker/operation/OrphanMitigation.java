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
import io.provisioner.worker.status.StatusChange;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Orphan mitigation (OSB_CONTRACT.md): after a provision failed in a way that may have left an instance
 * at the broker, the platform DELETEs it, on its own account (no originating identity), retried durably
 * with backoff until the broker confirms or the give-up time passes. A DELETE the broker accepts (202)
 * is polled like any operation.
 *
 * <p>The create stays {@code in progress} while the cleanup runs, so its final {@code failed} status can
 * say how the cleanup ended; if the cleanup takes longer than {@code report-after}, the final status
 * says it goes on, and the worker keeps going regardless (the gateway ignores later events of a finished
 * operation; logs and metrics tell the rest).
 */
@Component
class OrphanMitigation {

    static final String UNDER_WAY = " The platform is deleting the instance at the broker, so that nothing is left "
            + "behind (orphan mitigation).";
    static final String DELETED = " The platform deleted the instance at the broker, so nothing is left behind "
            + "(orphan mitigation).";

    private static final Logger log = LoggerFactory.getLogger(OrphanMitigation.class);

    /** One cleanup in hand: what failed, when the cleanup began, and how far it got. */
    private record Cleanup(ProvisioningRequested request, String failure, String dashboardUrl, Instant started,
            int attempt, int deletes, boolean reported, String requestIdentity) {

        long sequence() {
            return attempt + 2L;
        }
    }

    private final BrokerClient broker;
    private final OsbCalls calls;
    private final StepPublisher steps;
    private final PollPolicy policy;
    private final OrphanMitigationSettings settings;
    private final Supplier<UUID> requestIdentities;
    private final RandomGenerator random;
    private final MeterRegistry meters;
    private final Clock clock;

    OrphanMitigation(BrokerClient broker, OsbCalls calls, StepPublisher steps, PollPolicy policy,
            OrphanMitigationSettings settings, Supplier<UUID> requestIdentities, RandomGenerator random,
            MeterRegistry meters, Clock clock) {
        this.broker = broker;
        this.calls = calls;
        this.steps = steps;
        this.policy = policy;
        this.settings = settings;
        this.requestIdentities = requestIdentities;
        this.random = random;
        this.meters = meters;
        this.clock = clock;
    }

    /**
     * Begins the cleanup of a failed create with its first DELETE, at once.
     *
     * @param failure why the create failed, as its final status will say
     * @param attempt the step counter of the create's step that failed (its events use {@code attempt + 2})
     */
    StepResult begin(ProvisioningRequested request, String failure, String dashboardUrl, int attempt,
            String requestIdentity) {
        log.warn("the create failed ({}); deleting what the broker may have created", failure);
        count("started");
        // The DELETE is a request of its own, with an identity of its own.
        return delete(new Cleanup(request, failure, dashboardUrl, clock.instant(), attempt, 0, false, requestIdentity),
                requestIdentities.get().toString());
    }

    /** A DELETE put off earlier is due. */
    void delete(DueWork work) {
        String requestIdentity = requestIdentities.get().toString();
        try (OperationLogContext context = OperationLogContext.open(work.request(), requestIdentity)) {
            steps.publish("orphan-delete", work.request(), steps.positionOf(work.request()),
                    delete(cleanup(work, requestIdentity), requestIdentity));
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
                work.poll().attempt(), work.phaseAttempts(), work.reported(), requestIdentity);
    }

    /** @param requestIdentity the DELETE's own identity, which the status events of this step carry */
    private StepResult delete(Cleanup before, String requestIdentity) {
        Cleanup cleanup = new Cleanup(before.request(), before.failure(), before.dashboardUrl(), before.started(),
                before.attempt(), before.deletes() + 1, before.reported(), requestIdentity);
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
        count("deleted");
        log.info("orphan mitigation deleted the instance at the broker after {}",
                HumanDuration.times(cleanup.deletes(), "DELETE"));
        if (cleanup.reported()) {
            return new StepResult(null, null, "orphan_deleted");
        }
        return new StepResult(status(cleanup, OperationState.FAILED, sentence(cleanup.failure()) + DELETED), null,
                "orphan_deleted");
    }

    /**
     * The cleanup goes on with {@code next} (a DELETE after a backoff, or a poll of the DELETE), unless its
     * time is over; the create's final status goes out when {@code report-after} has passed.
     */
    private StepResult goOn(Cleanup cleanup, WorkKind next, String deleteOperation, String retryAfter,
            String lastAnswer) {
        Instant now = clock.instant();
        Instant giveUpAt = cleanup.started().plus(settings.giveUpAfter());
        String tried = HumanDuration.times(cleanup.deletes(), "DELETE") + " over "
                + HumanDuration.of(Duration.between(cleanup.started(), now)) + "; last answer: " + lastAnswer;
        if (!now.isBefore(giveUpAt)) {
            count("gave_up");
            log.error("orphan mitigation gave up ({}); the instance may be left behind at the broker", tried);
            return new StepResult(cleanup.reported() ? null : status(cleanup, OperationState.FAILED,
                    sentence(cleanup.failure()) + " The platform could not delete the instance at the broker and gave up ("
                            + tried + "): it may be left behind there (orphan mitigation)."), null, "orphan_gave_up");
        }
        Instant due = next == WorkKind.ORPHAN_POLL ? policy.nextDueBefore(cleanup.started(), giveUpAt, retryAfter)
                : backoff(cleanup, now, retryAfter, giveUpAt);
        boolean report = !cleanup.reported() && !now.isBefore(cleanup.started().plus(settings.reportAfter()));
        StatusChange status = null;
        if (report) {
            status = status(cleanup, OperationState.FAILED, sentence(cleanup.failure()) + " The platform could not "
                    + "delete the instance at the broker yet (" + tried + ") and keeps trying until " + giveUpAt
                    + " (orphan mitigation).");
        } else if (!cleanup.reported()) {
            status = status(cleanup, OperationState.IN_PROGRESS, sentence(cleanup.failure()) + UNDER_WAY);
        }
        return new StepResult(status, DueWork.orphan(next, cleanup.request(), deleteOperation, cleanup.dashboardUrl(),
                cleanup.started(), due, cleanup.attempt() + 1, cleanup.failure(), cleanup.deletes(),
                cleanup.reported() || report, now), next == WorkKind.ORPHAN_POLL ? "orphan_polling" : "orphan_retry");
    }

    private Instant backoff(Cleanup cleanup, Instant now, String retryAfter, Instant giveUpAt) {
        Instant due = now.plus(settings.backoff().after(cleanup.deletes(), random));
        Optional<Instant> notBefore = PollPolicy.retryAfter(retryAfter, now);
        if (notBefore.isPresent() && notBefore.get().isAfter(due)) {
            due = notBefore.get();
        }
        return due.isAfter(giveUpAt) ? giveUpAt : due;
    }

    private static StatusChange status(Cleanup cleanup, OperationState state, String description) {
        return new StatusChange(state, description, cleanup.dashboardUrl(), null, cleanup.sequence(),
                cleanup.requestIdentity());
    }

    /** The failure as a sentence, so more can follow it. */
    private static String sentence(String text) {
        String trimmed = text.strip();
        return trimmed.endsWith(".") ? trimmed : trimmed + ".";
    }

    private void count(String outcome) {
        Counter.builder("provisioner.orphan.mitigations")
                .description("Orphan mitigations: started, and how they ended")
                .tag("outcome", outcome)
                .register(meters)
                .increment();
    }
}
