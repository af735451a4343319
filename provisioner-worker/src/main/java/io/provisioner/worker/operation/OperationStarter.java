package io.provisioner.worker.operation;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

import io.provisioner.schemas.OperationState;
import io.provisioner.schemas.ProvisioningRequested;
import io.provisioner.worker.OperationLogContext;
import io.provisioner.worker.broker.BrokerClient;
import io.provisioner.worker.broker.BrokerUnreachable;
import io.provisioner.worker.broker.OsbCall;
import io.provisioner.worker.broker.OsbCalls;
import io.provisioner.worker.messaging.KafkaSettings;
import io.provisioner.worker.messaging.Sends;
import io.provisioner.worker.polling.DueWork;
import io.provisioner.worker.polling.PollPolicy;
import io.provisioner.worker.progress.OperationProgress;
import io.provisioner.worker.progress.OperationProgress.Phase;
import io.provisioner.worker.progress.ProgressTable;
import io.provisioner.worker.progress.RequestPosition;
import io.provisioner.worker.status.StatusChange;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Carries a requested operation to its broker: the provision, update or deprovision call, and what
 * follows from the answer (a final status, the first poll, orphan mitigation, or the same call again
 * later). A redelivered request of an operation already under way is a continuation: the progress table
 * says so, and the broker is not called again. A request older than the instance's newest operation is
 * stale and skipped, so a redelivered create can never undo the delete that followed it.
 */
@Component
public class OperationStarter {

    static final String ACCEPTED = "The broker accepted the request and is working on it";

    private static final Logger log = LoggerFactory.getLogger(OperationStarter.class);

    private final BrokerClient broker;
    private final OsbCalls calls;
    private final OrphanMitigation orphans;
    private final StepPublisher steps;
    private final ProgressTable progress;
    private final PollPolicy policy;
    private final RetryLaterSettings settings;
    private final KafkaSettings kafkaSettings;
    private final Supplier<UUID> requestIdentities;
    private final RandomGenerator random;
    private final Clock clock;

    OperationStarter(BrokerClient broker, OsbCalls calls, OrphanMitigation orphans, StepPublisher steps,
            ProgressTable progress, PollPolicy policy, RetryLaterSettings settings, KafkaSettings kafkaSettings,
            Supplier<UUID> requestIdentities, RandomGenerator random, Clock clock) {
        this.broker = broker;
        this.calls = calls;
        this.orphans = orphans;
        this.steps = steps;
        this.progress = progress;
        this.policy = policy;
        this.settings = settings;
        this.kafkaSettings = kafkaSettings;
        this.requestIdentities = requestIdentities;
        this.random = random;
        this.clock = clock;
    }

    /** Handles a request record; returns when its results are in Kafka. */
    public void start(ProvisioningRequested request, RequestPosition position) {
        OsbCalls.checkComplete(request);
        String requestIdentity = requestIdentities.get().toString();
        try (OperationLogContext context = OperationLogContext.open(request, requestIdentity)) {
            Optional<OperationProgress> known = progress.operation(request.operationId());
            if (known.isPresent() && known.get().phase() != Phase.STARTED) {
                log.info("{} was already handed to the broker (the request came again): it goes on from where it "
                        + "stands ({}), without a second call", request.operationType().wire(), known.get().phase().wire());
                steps.counted("request", "continued");
                return;
            }
            Optional<OperationProgress> newest = progress.newestOf(request.target());
            if (newest.isPresent() && !newest.get().operationId().equals(request.operationId())) {
                if (newest.get().newerThan(position, request.requestedAt())) {
                    log.info("{} is older than operation {} ({}) of the instance: skipped", request.operationType().wire(),
                            newest.get().operationId(), newest.get().operationType().wire());
                    steps.counted("request", "superseded");
                    return;
                }
                if (newest.get().active()) {
                    // A delete during a create: say so first, so the create's scheduled steps stop at once.
                    log.info("{} replaces {} {} still under way", request.operationType().wire(),
                            newest.get().operationType().wire(), newest.get().operationId());
                    Sends.await(List.of(progress.record(OperationProgress.of(request, position, Phase.STARTED, null,
                            clock.instant()))), kafkaSettings.sendTimeout());
                }
            }
            StepResult result = attempt(request, clock.instant(), -1, 1, requestIdentity);
            steps.publish("request", request, position, result);
        }
    }

    /** A call put off earlier is due: send it again. */
    void retry(DueWork work) {
        String requestIdentity = requestIdentities.get().toString();
        try (OperationLogContext context = OperationLogContext.open(work.request(), requestIdentity)) {
            StepResult result = attempt(work.request(), work.poll().startedAt(), work.poll().attempt(),
                    work.phaseAttempts() + 1, requestIdentity);
            steps.publish("start", work.request(), steps.positionOf(work.request()), result);
        }
    }

    /**
     * One round of the call (with its in-place retries) and what follows from it.
     *
     * @param firstAttempt when the first round was sent: the give-up time counts from it
     * @param attempt the step counter of the operation: -1 for the request itself
     * @param round which round this is, from 1
     */
    private StepResult attempt(ProvisioningRequested request, Instant firstAttempt, int attempt, int round,
            String requestIdentity) {
        OsbCall call = calls.start(request, requestIdentity);
        StartOutcome outcome;
        try {
            outcome = StartOutcome.of(request.operationType(), call, broker.call(request.broker(), call));
        } catch (BrokerUnreachable e) {
            outcome = StartOutcome.of(request.operationType(), e);
        }
        long sequence = attempt + 2L;
        Instant now = clock.instant();
        if (outcome instanceof StartOutcome.Accepted accepted) {
            Instant due = policy.nextDue(now, request.maximumPollingDurationSeconds(), accepted.retryAfter());
            // The one deadline of the operation (OSB: from the broker's 202); polling counts from the same instant.
            return new StepResult(new StatusChange(OperationState.IN_PROGRESS, ACCEPTED, accepted.dashboardUrl(),
                    accepted.brokerOperation(), sequence, requestIdentity,
                    policy.deadline(now, request.maximumPollingDurationSeconds())),
                    DueWork.poll(request, accepted.brokerOperation(), accepted.dashboardUrl(), now, due, attempt + 1, now),
                    "accepted");
        }
        if (outcome instanceof StartOutcome.Finished finished) {
            StatusChange change = finished.credentials() != null
                    ? StatusChange.bound(finished.credentials(), null, sequence, requestIdentity)
                    : new StatusChange(finished.state(), finished.description(), finished.dashboardUrl(), null, sequence,
                            requestIdentity);
            return new StepResult(change, null, finished.state().wire());
        }
        if (outcome instanceof StartOutcome.Orphaned orphaned) {
            return orphans.begin(request, orphaned.failure(), null, attempt, requestIdentity);
        }
        return later(request, (StartOutcome.RetryLater) outcome, firstAttempt, attempt, round, requestIdentity);
    }

    /** Schedules the next round, or gives up when the time for it is over. */
    private StepResult later(ProvisioningRequested request, StartOutcome.RetryLater outcome, Instant firstAttempt,
            int attempt, int round, String requestIdentity) {
        Instant now = clock.instant();
        Duration limit = min(settings.giveUpAfter(), policy.maximumDuration(request.maximumPollingDurationSeconds()));
        Instant giveUpAt = firstAttempt.plus(limit);
        long sequence = attempt + 2L;
        String rounds = HumanDuration.times(round, "attempt");
        if (!now.isBefore(giveUpAt)) {
            String description = outcome.reason() + ". The platform gave up after " + rounds + " over "
                    + HumanDuration.of(Duration.between(firstAttempt, now)) + ".";
            return new StepResult(new StatusChange(OperationState.FAILED, description, null, null, sequence,
                    requestIdentity), null, "gave_up");
        }
        Instant due = now.plus(settings.backoff().after(round, random));
        Optional<Instant> notBefore = PollPolicy.retryAfter(outcome.retryAfter(), now);
        if (notBefore.isPresent() && notBefore.get().isAfter(due)) {
            due = notBefore.get();
        }
        if (due.isAfter(giveUpAt)) {
            due = giveUpAt;
        }
        String description = outcome.reason() + ". The platform tries again in "
                + HumanDuration.of(Duration.between(now, due)) + " (" + rounds + " so far) and gives up at " + giveUpAt
                + ".";
        return new StepResult(new StatusChange(OperationState.IN_PROGRESS, description, null, null, sequence,
                requestIdentity), DueWork.start(request, firstAttempt, due, attempt + 1, round, now), "retry_later");
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
