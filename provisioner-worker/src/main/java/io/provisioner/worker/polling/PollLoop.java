package io.provisioner.worker.polling;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import io.provisioner.schemas.Topics;

import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.stereotype.Component;

/**
 * Consumes the delay tier topics on one dedicated thread. Within a tier every record waits the same
 * time, so due times never decrease along a partition: the loop handles a partition's records up to
 * the first one not yet due, then pauses that partition until it is, and keeps the others flowing.
 * Nothing ever sleeps until a due time; the only wait is the consumer's own poll timeout, cut short
 * by the next resume time. Due records run concurrently on a bounded executor, and their offsets are
 * committed only after everything they produced is in Kafka.
 */
@Component
class PollLoop implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(PollLoop.class);

    private final ConsumerFactory<String, byte[]> consumers;
    private final LastOperationPoller poller;
    private final PollingSettings settings;
    private final Clock clock;

    private final Object lifecycle = new Object();
    private volatile boolean running;
    private volatile String problem;
    private volatile Thread thread;
    private Consumer<String, byte[]> consumer;
    private ExecutorService executor;

    PollLoop(ConsumerFactory<String, byte[]> consumers, LastOperationPoller poller, PollingSettings settings,
            Clock clock) {
        this.consumers = consumers;
        this.poller = poller;
        this.settings = settings;
        this.clock = clock;
    }

    @Override
    public void start() {
        synchronized (lifecycle) {
            if (running) {
                return;
            }
            AtomicInteger threads = new AtomicInteger();
            // Daemon threads: stop() finishes their work; they must not hold a JVM open that is going down.
            executor = Executors.newFixedThreadPool(settings.threads(), task -> daemon(task, "poll-" + threads.incrementAndGet()));
            consumer = consumers.createConsumer(settings.groupId(), null, null, consumerOverrides());
            running = true;
            problem = null;
            Consumer<String, byte[]> owned = consumer;
            ExecutorService pool = executor;
            thread = daemon(() -> run(owned, pool), "poll-loop");
            thread.start();
        }
    }

    private static Thread daemon(Runnable task, String name) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        return thread;
    }

    @Override
    public void stop() {
        synchronized (lifecycle) {
            if (!running) {
                return;
            }
            running = false;
            consumer.wakeup();
            try {
                // In-flight polls finish first; each is bounded by the broker and send timeouts.
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            executor.shutdown();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Null while the loop runs well; else what is wrong, for the health endpoint. */
    String problem() {
        if (!running) {
            return "the poll loop is stopped";
        }
        return thread.isAlive() ? problem : "the poll loop thread has died";
    }

    private Properties consumerOverrides() {
        Properties overrides = new Properties();
        overrides.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        overrides.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // A batch is handled before the next poll: one round of the executor, so even a batch of polls
        // that all hit the broker timeouts stays well inside max.poll.interval.ms (5 minutes).
        overrides.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(settings.threads()));
        overrides.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        overrides.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return overrides;
    }

    private void run(Consumer<String, byte[]> consumer, ExecutorService executor) {
        Pauses pauses = new Pauses();
        Map<TopicPartition, OffsetAndMetadata> uncommitted = new HashMap<>();
        try {
            consumer.subscribe(Topics.pollTopics(), new Rebalance(consumer, pauses, uncommitted));
            while (running) {
                try {
                    cycle(consumer, executor, pauses, uncommitted);
                    problem = null;
                } catch (WakeupException e) {
                    // stop() woke us: the loop condition ends it.
                } catch (RuntimeException e) {
                    problem = e.toString();
                    log.error("the poll loop failed a cycle; it goes on after {}", settings.errorBackoff(), e);
                    rewind(consumer, uncommitted);
                    // A rest after an unexpected failure (Kafka unreachable, say), not a wait for a due time.
                    LockSupport.parkNanos(settings.errorBackoff().toNanos());
                }
            }
        } finally {
            try {
                commit(consumer, uncommitted);
            } catch (WakeupException e) {
                // The wake-up of stop() arrived after the last cycle; it is spent now.
                commit(consumer, uncommitted);
            } finally {
                consumer.close(CloseOptions.timeout(Duration.ofSeconds(10)));
                log.info("the poll loop stopped");
            }
        }
    }

    /**
     * After a failed cycle, positions may be past records that were never handled: go back to what is
     * committed, so nothing is skipped (what is handled twice is idempotent).
     */
    private void rewind(Consumer<String, byte[]> consumer, Map<TopicPartition, OffsetAndMetadata> uncommitted) {
        try {
            commit(consumer, uncommitted);
            Set<TopicPartition> assigned = consumer.assignment();
            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(assigned);
            for (TopicPartition partition : assigned) {
                OffsetAndMetadata offset = committed.get(partition);
                if (offset != null) {
                    consumer.seek(partition, offset);
                } else {
                    consumer.seekToBeginning(List.of(partition));
                }
            }
        } catch (RuntimeException e) {
            log.warn("the poll loop could not rewind to its committed offsets: {}", e.toString());
        }
    }

    private void cycle(Consumer<String, byte[]> consumer, ExecutorService executor, Pauses pauses,
            Map<TopicPartition, OffsetAndMetadata> uncommitted) {
        Instant now = clock.instant();
        Set<TopicPartition> due = pauses.dueBy(now);
        due.retainAll(consumer.assignment());
        if (!due.isEmpty()) {
            consumer.resume(due);
        }
        ConsumerRecords<String, byte[]> records = consumer.poll(pollTimeout(now, pauses));
        if (records.isEmpty()) {
            return;
        }
        Map<TopicPartition, List<ConsumerRecord<String, byte[]>>> ready = readyRecords(consumer, records, pauses);
        Map<TopicPartition, Long> failed = execute(executor, ready);
        Instant retryAt = clock.instant().plus(settings.errorBackoff());
        ready.forEach((partition, handled) -> {
            Long failedOffset = failed.get(partition);
            if (failedOffset == null) {
                uncommitted.put(partition, new OffsetAndMetadata(handled.get(handled.size() - 1).offset() + 1));
            } else {
                // Handled again after a rest, with everything after it in its partition (idempotent).
                uncommitted.put(partition, new OffsetAndMetadata(failedOffset));
                consumer.seek(partition, failedOffset);
                consumer.pause(List.of(partition));
                pauses.pause(partition, retryAt);
            }
        });
        commit(consumer, uncommitted);
    }

    /** Up to {@code maxWait}, but no later than the next paused partition is due. */
    private Duration pollTimeout(Instant now, Pauses pauses) {
        Duration untilResume = pauses.nextResume().map(at -> Duration.between(now, at)).orElse(settings.maxWait());
        if (untilResume.isNegative()) {
            return Duration.ZERO;
        }
        return untilResume.compareTo(settings.maxWait()) < 0 ? untilResume : settings.maxWait();
    }

    /**
     * Per partition, the records due now, in order. At the first record not yet due the partition is
     * rewound to it and paused until it is due; the rest of its batch is dropped and fetched again later.
     */
    private Map<TopicPartition, List<ConsumerRecord<String, byte[]>>> readyRecords(Consumer<String, byte[]> consumer,
            ConsumerRecords<String, byte[]> records, Pauses pauses) {
        Instant now = clock.instant();
        Map<TopicPartition, List<ConsumerRecord<String, byte[]>>> ready = new LinkedHashMap<>();
        for (TopicPartition partition : records.partitions()) {
            Duration tier = Topics.tierOf(partition.topic());
            List<ConsumerRecord<String, byte[]>> due = new ArrayList<>();
            for (ConsumerRecord<String, byte[]> record : records.records(partition)) {
                Instant readyAt = Instant.ofEpochMilli(record.timestamp()).plus(tier);
                if (readyAt.isAfter(now)) {
                    consumer.seek(partition, record.offset());
                    consumer.pause(List.of(partition));
                    pauses.pause(partition, readyAt);
                    break;
                }
                due.add(record);
            }
            if (!due.isEmpty()) {
                ready.put(partition, due);
            }
        }
        return ready;
    }

    /** Runs every ready record and waits for all; returns the first failed offset of each partition. */
    private Map<TopicPartition, Long> execute(ExecutorService executor,
            Map<TopicPartition, List<ConsumerRecord<String, byte[]>>> ready) {
        Map<ConsumerRecord<String, byte[]>, Future<?>> running = new LinkedHashMap<>();
        ready.values().forEach(records -> records.forEach(
                record -> running.put(record, executor.submit(() -> poller.handle(record)))));
        Map<TopicPartition, Long> failed = new HashMap<>();
        boolean interrupted = false;
        for (Map.Entry<ConsumerRecord<String, byte[]>, Future<?>> entry : running.entrySet()) {
            ConsumerRecord<String, byte[]> record = entry.getKey();
            try {
                entry.getValue().get();
            } catch (ExecutionException e) {
                log.warn("poll record {}-{}@{} failed; it is handled again after {}", record.topic(), record.partition(),
                        record.offset(), settings.errorBackoff(), e.getCause());
                failed.putIfAbsent(new TopicPartition(record.topic(), record.partition()), record.offset());
            } catch (InterruptedException e) {
                interrupted = true;
                failed.putIfAbsent(new TopicPartition(record.topic(), record.partition()), record.offset());
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return failed;
    }

    private void commit(Consumer<String, byte[]> consumer, Map<TopicPartition, OffsetAndMetadata> uncommitted) {
        if (uncommitted.isEmpty()) {
            return;
        }
        try {
            consumer.commitSync(uncommitted);
            uncommitted.clear();
        } catch (CommitFailedException | RebalanceInProgressException e) {
            // The partitions moved on to another owner, which handles those records again.
            log.warn("offsets of the poll topics were not committed: {}", e.getMessage());
            uncommitted.clear();
        }
    }

    /** Pause bookkeeping follows ownership: a revoked partition is its next owner's to decide about. */
    private final class Rebalance implements ConsumerRebalanceListener {

        private final Consumer<String, byte[]> consumer;
        private final Pauses pauses;
        private final Map<TopicPartition, OffsetAndMetadata> uncommitted;

        Rebalance(Consumer<String, byte[]> consumer, Pauses pauses, Map<TopicPartition, OffsetAndMetadata> uncommitted) {
            this.consumer = consumer;
            this.pauses = pauses;
            this.uncommitted = uncommitted;
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
            commit(consumer, mine);
            pauses.forget(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            partitions.forEach(uncommitted::remove);
            pauses.forget(partitions);
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
}
