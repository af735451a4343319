package io.provisioner.worker.polling;

import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.apache.kafka.common.TopicPartition;

/**
 * Which delay-topic partitions the poll loop paused, and until when. Only the loop's thread uses it.
 */
final class Pauses {

    private final Map<TopicPartition, Instant> resumeAt = new HashMap<>();

    void pause(TopicPartition partition, Instant until) {
        resumeAt.put(partition, until);
    }

    /** Removes and returns the partitions whose time has come. */
    Set<TopicPartition> dueBy(Instant now) {
        Set<TopicPartition> due = new HashSet<>();
        for (Iterator<Map.Entry<TopicPartition, Instant>> it = resumeAt.entrySet().iterator(); it.hasNext();) {
            Map.Entry<TopicPartition, Instant> entry = it.next();
            if (!entry.getValue().isAfter(now)) {
                due.add(entry.getKey());
                it.remove();
            }
        }
        return due;
    }

    Optional<Instant> nextResume() {
        return resumeAt.values().stream().min(Instant::compareTo);
    }

    /** A partition this consumer no longer owns: its next owner decides about it from scratch. */
    void forget(Collection<TopicPartition> partitions) {
        partitions.forEach(resumeAt::remove);
    }
}
