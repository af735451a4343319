package io.provisioner.worker.polling;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The poll loop's bookkeeping follows ownership: a revoked partition's done work is committed, and its
 * pauses, tries and records handled ahead are forgotten, as it is its next owner's to decide about.
 */
final class PollRebalance implements ConsumerRebalanceListener {

    private static final Logger log = LoggerFactory.getLogger(PollRebalance.class);

    private final Consumer<String, byte[]> consumer;
    private final Pauses pauses;
    private final HandledAhead handledAhead;
    private final Map<TopicPartition, OffsetAndMetadata> uncommitted;
    private final Map<TopicPartition, ?> tries;
    private final BiConsumer<Consumer<String, byte[]>, Map<TopicPartition, OffsetAndMetadata>> commit;

    PollRebalance(Consumer<String, byte[]> consumer, Pauses pauses, HandledAhead handledAhead,
            Map<TopicPartition, OffsetAndMetadata> uncommitted, Map<TopicPartition, ?> tries,
            BiConsumer<Consumer<String, byte[]>, Map<TopicPartition, OffsetAndMetadata>> commit) {
        this.consumer = consumer;
        this.pauses = pauses;
        this.handledAhead = handledAhead;
        this.uncommitted = uncommitted;
        this.tries = tries;
        this.commit = commit;
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> mine = new HashMap<>();
        partitions.forEach(partition -> {
            OffsetAndMetadata offset = uncommitted.remove(partition);
            if (offset != null) {
                mine.put(partition, offset);
            }
        });
        commit.accept(consumer, mine);
        forget(partitions);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
        partitions.forEach(uncommitted::remove);
        forget(partitions);
    }

    private void forget(Collection<TopicPartition> partitions) {
        pauses.forget(partitions);
        handledAhead.forget(partitions);
        partitions.forEach(tries::remove);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        Set<TopicPartition> paused = new HashSet<>(consumer.paused());
        paused.retainAll(partitions);
        if (!paused.isEmpty()) {
            // Nothing remembers why these are paused: let them flow and be judged again.
            consumer.resume(paused);
        }
        log.info("poll topics assigned: {}", partitions);
    }
}
