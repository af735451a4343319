package io.provisioner.worker.operation;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.provisioner.schemas.ProvisioningRequested;
import io.provisioner.worker.messaging.KafkaSettings;
import io.provisioner.worker.messaging.Sends;
import io.provisioner.worker.polling.PollScheduler;
import io.provisioner.worker.progress.OperationProgress;
import io.provisioner.worker.progress.OperationProgress.Phase;
import io.provisioner.worker.progress.ProgressTable;
import io.provisioner.worker.progress.RequestPosition;
import io.provisioner.worker.status.StatusPublisher;

import org.springframework.stereotype.Component;

/**
 * Makes a step's results durable, in this order: the status event and the next step, then (once Kafka
 * has both) the operation's progress naming that next step. Only then may the caller commit its input.
 * A crash before the progress is recorded repeats the step (and its next step then replaces the one
 * already sent); a crash after it finds the progress and does not repeat the broker call.
 */
@Component
class StepPublisher {

    private final StatusPublisher status;
    private final OrphanMitigationEvents orphanEvents;
    private final PollScheduler scheduler;
    private final ProgressTable progress;
    private final KafkaSettings kafkaSettings;
    private final MeterRegistry meters;
    private final Clock clock;

    StepPublisher(StatusPublisher status, OrphanMitigationEvents orphanEvents, PollScheduler scheduler, ProgressTable progress, KafkaSettings kafkaSettings,
            MeterRegistry meters, Clock clock) {
        this.status = status;
        this.orphanEvents = orphanEvents;
        this.scheduler = scheduler;
        this.progress = progress;
        this.kafkaSettings = kafkaSettings;
        this.meters = meters;
        this.clock = clock;
    }

    /**
     * @param step the kind of step, as a metric tag: request, start, poll, orphan-delete, orphan-poll,
     *             orphan-request
     */
    void publish(String step, ProvisioningRequested request, RequestPosition position, StepResult result) {
        List<CompletableFuture<?>> sends = new ArrayList<>();
        if (result.status() != null) {
            sends.add(status.publish(request, result.status()));
        }
        if (result.next() != null) {
            sends.add(scheduler.schedule(result.next()));
        }
        if (result.orphanMitigation() != null) {
            sends.add(orphanEvents.publish(result.orphanMitigation()));
        }
        Sends.await(sends, kafkaSettings.sendTimeout());
        OperationProgress done = result.next() == null
                ? OperationProgress.of(request, position, Phase.FINISHED, null, clock.instant())
                : OperationProgress.of(request, position, Phase.WAITING, result.next().scheduledAt(), clock.instant());
        Sends.await(List.of(progress.record(done)), kafkaSettings.sendTimeout());
        counted(step, result.outcome());
    }

    /** Counts a step, including those that did nothing (a redelivered request, a replaced step). */
    void counted(String step, String outcome) {
        Counter.builder("provisioner.operation.steps")
                .description("Steps of operations (the request, put-off calls, polls, orphan mitigation), by outcome")
                .tag("step", step)
                .tag("outcome", outcome)
                .register(meters)
                .increment();
    }

    /** Where the operation's request sat, as far as the progress table knows. */
    RequestPosition positionOf(ProvisioningRequested request) {
        return progress.operation(request.operationId()).map(OperationProgress::position).orElse(null);
    }
}
