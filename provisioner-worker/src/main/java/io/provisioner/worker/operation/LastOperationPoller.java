package io.provisioner.worker.operation;

import java.time.Clock;
import java.time.Instant;
import java.util.UUID;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.provisioner.schemas.OperationState;
import io.provisioner.schemas.OperationType;
import io.provisioner.schemas.PollScheduled;
import io.provisioner.schemas.ProvisioningRequested;
import io.provisioner.worker.OperationLogContext;
import io.provisioner.worker.broker.BrokerAnswer;
import io.provisioner.worker.broker.BrokerClient;
import io.provisioner.worker.broker.BrokerNames;
import io.provisioner.worker.broker.BrokerUnreachable;
import io.provisioner.worker.broker.OsbCall;
import io.provisioner.worker.broker.OsbCalls;
import io.provisioner.worker.polling.DueWork;
import io.provisioner.worker.polling.PollPolicy;
import io.provisioner.worker.status.StatusChange;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * A due poll of an asynchronous operation: asks the broker for its last state and publishes what
 * follows (a final status, an in-progress status, the next poll, or, for a create that failed or ran
 * past its deadline, orphan mitigation). Polling is idempotent: a poll handled twice asks the broker
 * twice, and the gateway ignores the repeated status.
 */
@Component
class LastOperationPoller {

    private static final Logger log = LoggerFactory.getLogger(LastOperationPoller.class);

    private final BrokerClient broker;
    private final OsbCalls calls;
    private final OrphanMitigation orphans;
    private final StepPublisher steps;
    private final PollPolicy policy;
    private final Supplier<UUID> requestIdentities;
    private final MeterRegistry meters;
    private final Clock clock;

    LastOperationPoller(BrokerClient broker, OsbCalls calls, OrphanMitigation orphans, StepPublisher steps,
            PollPolicy policy, Supplier<UUID> requestIdentities, MeterRegistry meters, Clock clock) {
        this.broker = broker;
        this.calls = calls;
        this.orphans = orphans;
        this.steps = steps;
        this.policy = policy;
        this.requestIdentities = requestIdentities;
        this.meters = meters;
        this.clock = clock;
    }

    void poll(DueWork work) {
        String requestIdentity = requestIdentities.get().toString();
        try (OperationLogContext context = OperationLogContext.open(work.request(), requestIdentity)) {
            StepResult result = ask(work, requestIdentity);
            steps.publish("poll", work.request(), steps.positionOf(work.request()), result);
            count(result.outcome());
        }
    }

    private StepResult ask(DueWork work, String requestIdentity) {
        PollScheduled poll = work.poll();
        ProvisioningRequested request = poll.request();
        OsbCall call = calls.lastOperation(request, poll.brokerOperation(), requestIdentity);
        PollOutcome outcome;
        String retryAfter = null;
        try {
            BrokerAnswer answer = broker.call(request.broker(), call);
            outcome = PollOutcome.of(request.operationType(), answer);
            retryAfter = answer.retryAfter();
        } catch (BrokerUnreachable e) {
            outcome = new PollOutcome.NoValidAnswer("unreachable", "no answer: " + e.getMessage());
        }
        boolean create = request.operationType() == OperationType.CREATE;
        String credentials = null;
        if (create && request.aboutBinding() && outcome instanceof PollOutcome.Finished finished
                && finished.state() == OperationState.SUCCEEDED) {
            // OSB 2.17: an asynchronous bind's credentials come from a GET of the binding once it succeeded.
            // Until that GET answers, the bind is not done: the poll (and the GET) come again, up to the deadline.
            OsbCall fetch = calls.fetchBinding(request, requestIdentity);
            try {
                BrokerAnswer answer = broker.call(request.broker(), fetch);
                if (answer.status() == 200 && answer.wellFormedBinding()) {
                    credentials = answer.credentials();
                } else {
                    outcome = new PollOutcome.NoValidAnswer("fetch_failed", "the bind succeeded but " + fetch.describe()
                            + " answered HTTP " + answer.status() + (answer.status() == 200 ? " with a malformed body" : ""));
                    retryAfter = answer.retryAfter();
                }
            } catch (BrokerUnreachable e) {
                outcome = new PollOutcome.NoValidAnswer("fetch_failed", "the bind succeeded but " + fetch.describe()
                        + " got no answer: " + e.getMessage());
            }
        }
        if (outcome instanceof PollOutcome.NoValidAnswer) {
            log.warn("{} gave no valid answer, polling goes on: {}", call.describe(), outcome.summary());
        }
        if (credentials != null) {
            return new StepResult(StatusChange.bound(credentials, poll.brokerOperation(), work.sequence(), requestIdentity),
                    null, "succeeded");
        }
        if (outcome instanceof PollOutcome.Finished finished) {
            pollsPerOperation(request, poll.attempt() + 1);
            if (finished.state() == OperationState.FAILED && create) {
                StepResult mitigated = orphans.begin(request, finished.description(), poll.dashboardUrl(), poll.attempt(),
                        requestIdentity);
                return new StepResult(mitigated.status(), mitigated.next(), finished.tag(), mitigated.orphanMitigation());
            }
            return new StepResult(change(work, finished.state(), finished.description(), requestIdentity), null,
                    finished.tag());
        }
        if (policy.expired(poll.startedAt(), request.maximumPollingDurationSeconds())) {
            String description = "The broker did not finish the " + request.operationType().wire() + " within "
                    + HumanDuration.of(policy.maximumDuration(request.maximumPollingDurationSeconds()))
                    + " (last answer: " + outcome.summary() + ")";
            if (create) {
                StepResult mitigated = orphans.begin(request, description, poll.dashboardUrl(), poll.attempt(),
                        requestIdentity);
                return new StepResult(mitigated.status(), mitigated.next(), "deadline", mitigated.orphanMitigation());
            }
            return new StepResult(change(work, OperationState.FAILED, description, requestIdentity), null, "deadline");
        }
        StatusChange status = outcome instanceof PollOutcome.StillRunning running && running.description() != null
                ? change(work, OperationState.IN_PROGRESS, running.description(), requestIdentity) : null;
        Instant now = clock.instant();
        Instant due = policy.nextDue(poll.startedAt(), request.maximumPollingDurationSeconds(), retryAfter);
        return new StepResult(status, DueWork.poll(request, poll.brokerOperation(), poll.dashboardUrl(), poll.startedAt(),
                due, poll.attempt() + 1, now), outcome.tag());
    }

    private static StatusChange change(DueWork work, OperationState state, String description, String requestIdentity) {
        return new StatusChange(state, description, work.poll().dashboardUrl(), work.poll().brokerOperation(),
                work.sequence(), requestIdentity);
    }

    /**
     * How many polls an operation took until the broker said it had finished (the step counter: a request
     * the worker had to put off first adds its extra rounds).
     */
    private void pollsPerOperation(ProvisioningRequested request, int polls) {
        DistributionSummary.builder("provisioner.operation.polls")
                .description("Polls of last_operation an operation took until the broker reported its end")
                .tag("type", request.operationType().wire())
                .tag("broker", BrokerNames.label(request.broker()))
                .serviceLevelObjectives(1, 2, 3, 5, 10, 20, 50, 100, 250, 1000)
                .register(meters)
                .record(polls);
    }

    private void count(String outcome) {
        Counter.builder("provisioner.polls")
                .description("Scheduled steps (polls, retries, orphan mitigation), by what came of them")
                .tag("outcome", outcome)
                .register(meters)
                .increment();
    }
}
