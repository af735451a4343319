package io.provisioner.worker.polling;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeSet;

import org.apache.kafka.common.TopicPartition;

/**
 * Records the poll loop handled behind one that must be tried again. A partition can only be resumed
 * from the record that failed, so the records after it are read again; they must not run again: a step
 * that hopped to a tier would hop a second time and leave two copies of itself, due at the same moment,
 * and a parked record would be parked twice. Only the loop's thread uses it.
 */
final class HandledAhead {

    private final Map<TopicPartition, NavigableSet<Long>> offsets = new HashMap<>();

    void add(TopicPartition partition, long offset) {
        offsets.computeIfAbsent(partition, p -> new TreeSet<>()).add(offset);
    }

    boolean contains(TopicPartition partition, long offset) {
        NavigableSet<Long> handled = offsets.get(partition);
        return handled != null && handled.contains(offset);
    }

    /** The partition is done up to {@code next}: nothing before it is read again. */
    void doneUpTo(TopicPartition partition, long next) {
        NavigableSet<Long> handled = offsets.get(partition);
        if (handled != null) {
            handled.headSet(next, false).clear();
            if (handled.isEmpty()) {
                offsets.remove(partition);
            }
        }
    }

    /** A partition this consumer no longer owns: its next owner reads from the committed offset. */
    void forget(Collection<TopicPartition> partitions) {
        partitions.forEach(offsets::remove);
    }
}
