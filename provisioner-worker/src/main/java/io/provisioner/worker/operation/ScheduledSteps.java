package io.provisioner.worker.operation;

import java.util.Optional;

import io.provisioner.worker.polling.DueWork;
import io.provisioner.worker.polling.DueWorkHandler;
import io.provisioner.worker.polling.WorkKind;
import io.provisioner.worker.progress.OperationProgress;
import io.provisioner.worker.progress.ProgressTable;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Runs a due step of an operation, unless the progress table shows it is no longer wanted: its operation
 * is finished, a later step of the same operation replaced it (a duplicate left by a crash), or a newer
 * operation of the instance replaced the operation (a delete during a create: the create's polling ends
 * here). A table that lags another worker's writes can only let a step through, never drop a needed one.
 */
@Component
class ScheduledSteps implements DueWorkHandler {

    private static final Logger log = LoggerFactory.getLogger(ScheduledSteps.class);

    private final OperationStarter starter;
    private final LastOperationPoller poller;
    private final OrphanMitigation orphans;
    private final ProgressTable progress;
    private final StepPublisher steps;

    ScheduledSteps(OperationStarter starter, LastOperationPoller poller, OrphanMitigation orphans, ProgressTable progress,
            StepPublisher steps) {
        this.starter = starter;
        this.poller = poller;
        this.orphans = orphans;
        this.progress = progress;
        this.steps = steps;
    }

    /** Why a step is no longer wanted; {@code replaced}: a newer operation of the instance took its place. */
    private record Unwanted(String reason, boolean replaced) {
    }

    @Override
    public void handle(DueWork work) {
        Unwanted unwanted = unwanted(work);
        if (unwanted != null) {
            log.info("{} step of {} {} on instance {} dropped: {}", work.kind().wire(),
                    work.request().operationType().wire(), work.request().operationId(), work.request().instanceGuid(),
                    unwanted.reason());
            steps.counted(work.kind().wire(), "dropped");
            boolean orphanMitigation = work.kind() == WorkKind.ORPHAN_DELETE || work.kind() == WorkKind.ORPHAN_POLL;
            if (orphanMitigation && unwanted.replaced()) {
                // The delete that replaced the job DELETEs at the broker itself; say that the job ends here.
                orphans.superseded(work, unwanted.reason());
            }
            return;
        }
        switch (work.kind()) {
            case START -> starter.retry(work);
            case POLL -> poller.poll(work);
            case ORPHAN_DELETE -> orphans.delete(work);
            case ORPHAN_POLL -> orphans.poll(work);
        }
    }

    /** Why the step is no longer wanted, or null when it is. */
    private Unwanted unwanted(DueWork work) {
        Optional<OperationProgress> own = progress.operation(work.request().operationId());
        if (own.isPresent()) {
            if (!own.get().active()) {
                return new Unwanted("the operation is finished", false);
            }
            if (own.get().link() != null && work.scheduledAt().isBefore(own.get().link())) {
                return new Unwanted("a later step of the operation replaced it", false);
            }
        }
        Optional<OperationProgress> newest = progress.newestOf(work.request().target());
        if (newest.isPresent() && !newest.get().operationId().equals(work.request().operationId())) {
            boolean replaced = own.isPresent() ? newest.get().newerThan(own.get())
                    : newest.get().newerThan(null, work.request().requestedAt());
            if (replaced) {
                return new Unwanted("the " + newest.get().operationType().wire() + " " + newest.get().operationId()
                        + " replaced it", true);
            }
        }
        return null;
    }
}
