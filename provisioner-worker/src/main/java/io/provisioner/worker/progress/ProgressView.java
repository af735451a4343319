package io.provisioner.worker.progress;

import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/**
 * The table in memory: the latest progress of every operation, and per instance its newest operation.
 * Records reach it twice, from this worker's own sends (at once) and from the topic (later, in log
 * order); the log offset decides which of two versions of one operation is the latest.
 */
final class ProgressView {

    private record Versioned(OperationProgress progress, long offset) {
    }

    private final Map<String, Versioned> operations = new HashMap<>();
    private final Map<String, String> newestByInstance = new HashMap<>();

    synchronized void apply(OperationProgress progress, long offset) {
        Versioned known = operations.get(progress.operationId());
        if (known != null && known.offset() >= offset) {
            return;
        }
        operations.put(progress.operationId(), new Versioned(progress, offset));
        String newest = newestByInstance.get(progress.instanceGuid());
        Versioned current = newest == null ? null : operations.get(newest);
        if (current == null || newest.equals(progress.operationId()) || !current.progress().newerThan(progress)) {
            newestByInstance.put(progress.instanceGuid(), progress.operationId());
        }
    }

    /** A tombstone: the operation is forgotten. */
    synchronized void remove(String operationId) {
        Versioned gone = operations.remove(operationId);
        if (gone != null) {
            newestByInstance.remove(gone.progress().instanceGuid(), operationId);
        }
    }

    synchronized Optional<OperationProgress> operation(String operationId) {
        return Optional.ofNullable(operations.get(operationId)).map(Versioned::progress);
    }

    synchronized Optional<OperationProgress> newestOf(String instanceGuid) {
        String newest = newestByInstance.get(instanceGuid);
        return newest == null ? Optional.empty() : operation(newest);
    }

    /** Operations that still have something to do. */
    synchronized int active() {
        int count = 0;
        for (String operationId : newestByInstance.values()) {
            Versioned versioned = operations.get(operationId);
            if (versioned != null && versioned.progress().active()) {
                count++;
            }
        }
        return count;
    }

    /** Forgets finished operations last touched before {@code cutoff}, as the topic's retention does. */
    synchronized void forgetFinishedBefore(Instant cutoff) {
        for (Iterator<Versioned> it = operations.values().iterator(); it.hasNext();) {
            OperationProgress progress = it.next().progress();
            if (!progress.active() && progress.updatedAt() != null && progress.updatedAt().isBefore(cutoff)) {
                it.remove();
                newestByInstance.remove(progress.instanceGuid(), progress.operationId());
            }
        }
    }
}
