package io.provisioner.worker.polling;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import io.provisioner.schemas.Topics;

import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
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
 * committed only after everything they produced is in Kafka. A record whose handling keeps failing is
 * parked on its tier's dead-letter topic after a bounded number of tries; the records behind it that were
 * handled meanwhile are read again but not handled again ({@link HandledAhead}).
 *
 * <p>Stopping (SIGTERM) takes no new records, gives the records in hand up to the shutdown timeout,
 * commits what is done, and hands the rest back to the group (their next owner handles them again).
 */
@Component
class PollLoop implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(PollLoop.class);
    private static final Duration CHECK_EVERY = Duration.ofMillis(200);
    private static final Duration SHORTEST_TIER = Topics.POLL_TIERS.get(0);

    private final ConsumerFactory<String, byte[]> consumers;
    private final DueRecordRunner runner;
    private final PollingSettings settings;
    private final Clock clock;

    private final Object lifecycle = new Object();
    private volatile boolean running;
    private volatile Instant stopDeadline = Instant.MAX;
    private volatile String problem;
    private volatile Thread thread;
    private Consumer<String, byte[]> consumer;
    private ExecutorService executor;

    /** How one record of a batch ended. */
    private record Result(long offset, Exception failure, boolean unfinished) {
    }

    /** The tries of the record a partition is stuck on. */
    private record Tries(long offset, int count) {
    }

    /** A partition's records to run now, and the offset after the last record passed (run or handled before). */
    private record Ready(List<ConsumerRecord<String, byte[]>> records, long next) {
    }

    PollLoop(ConsumerFactory<String, byte[]> consumers, DueRecordRunner runner, PollingSettings settings, Clock clock) {
        this.consumers = consumers;
        this.runner = runner;
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
            // Daemon threads: stop() bounds their work; they must not hold a JVM open that is going down.
            executor = Executors.newFixedThreadPool(settings.threads(), task -> daemon(task, "poll-" + threads.incrementAndGet()));
            consumer = consumers.createConsumer(settings.groupId(), null, null, consumerOverrides());
            running = true;
            stopDeadline = Instant.MAX;
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

    /** The same phase as the listener containers, so that both stop at once on SIGTERM. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 100;
    }

    /** Stops on a thread of its own, so the request listener stops meanwhile (one shared bound). */
    @Override
    public void stop(Runnable callback) {
        Thread stopper = daemon(() -> {
            try {
                stop();
            } finally {
                callback.run();
            }
        }, "poll-loop-stop");
        stopper.start();
    }

    @Override
    public void stop() {
        synchronized (lifecycle) {
            if (!running) {
                return;
            }
            stopDeadline = clock.instant().plus(settings.shutdownTimeout());
            running = false;
            consumer.wakeup();
            try {
                // The loop gives in-flight steps up to the shutdown timeout, then commits what is done.
                thread.join(settings.shutdownTimeout().plusSeconds(15).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            // Steps still running past the timeout are not committed: their records are handed back.
            executor.shutdownNow();
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
        // A batch is handled before the next poll: one round of the executor, so even a batch of steps
        // that all hit the broker timeouts stays well inside max.poll.interval.ms (5 minutes).
        overrides.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(settings.threads()));
        overrides.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        overrides.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return overrides;
    }

    private void run(Consumer<String, byte[]> consumer, ExecutorService executor) {
        Pauses pauses = new Pauses();
        Map<TopicPartition, OffsetAndMetadata> uncommitted = new HashMap<>();
        Map<TopicPartition, Tries> tries = new HashMap<>();
        HandledAhead handledAhead = new HandledAhead();
        try {
            consumer.subscribe(Topics.pollTopics(),
                    new PollRebalance(consumer, pauses, handledAhead, uncommitted, tries, this::commit));
            while (running) {
                try {
                    cycle(consumer, executor, pauses, handledAhead, uncommitted, tries);
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
            HandledAhead handledAhead, Map<TopicPartition, OffsetAndMetadata> uncommitted,
            Map<TopicPartition, Tries> tries) {
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
        Map<TopicPartition, Ready> ready = readyRecords(consumer, records, pauses, handledAhead);
        Map<TopicPartition, Result> stuck = execute(executor, ready, handledAhead);
        Instant retryAt = clock.instant().plus(settings.errorBackoff());
        ready.forEach((partition, handled) -> {
            Result result = stuck.get(partition);
            if (result == null) {
                uncommitted.put(partition, new OffsetAndMetadata(handled.next()));
                handledAhead.doneUpTo(partition, handled.next());
                tries.remove(partition);
            } else if (result.unfinished()) {
                // Shutting down: what is done before it is committed, the rest is handed back.
                uncommitted.put(partition, new OffsetAndMetadata(result.offset()));
            } else if (triedEnough(partition, result, tries)) {
                ConsumerRecord<String, byte[]> record = handled.records().stream()
                        .filter(r -> r.offset() == result.offset()).findFirst().orElseThrow();
                runner.park(record, result.failure());
                tries.remove(partition);
                // The records after it that ran in this batch are read again, and skipped.
                uncommitted.put(partition, new OffsetAndMetadata(result.offset() + 1));
                handledAhead.doneUpTo(partition, result.offset() + 1);
                consumer.seek(partition, result.offset() + 1);
            } else {
                // Tried again after a rest; the records after it are read again, and those handled are skipped.
                uncommitted.put(partition, new OffsetAndMetadata(result.offset()));
                consumer.seek(partition, result.offset());
                consumer.pause(List.of(partition));
                pauses.pause(partition, retryAt);
            }
        });
        commit(consumer, uncommitted);
    }

    /** Counts one more failed try of the record; true when it has had all its tries. */
    private boolean triedEnough(TopicPartition partition, Result result, Map<TopicPartition, Tries> tries) {
        Tries before = tries.get(partition);
        int count = before != null && before.offset() == result.offset() ? before.count() + 1 : 1;
        tries.put(partition, new Tries(result.offset(), count));
        log.warn("scheduled step {}@{} failed (try {} of {})", partition, result.offset(), count,
                settings.redeliveries() + 1, result.failure());
        return count > settings.redeliveries();
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
     * Per partition, the records due now, in order, passing over those handled before. At the first record
     * not yet due the partition is rewound to it and paused until it is due; the rest of its batch is dropped
     * and fetched again later.
     */
    private Map<TopicPartition, Ready> readyRecords(Consumer<String, byte[]> consumer,
            ConsumerRecords<String, byte[]> records, Pauses pauses, HandledAhead handledAhead) {
        Instant now = clock.instant();
        Map<TopicPartition, Ready> ready = new LinkedHashMap<>();
        for (TopicPartition partition : records.partitions()) {
            Duration tier = Topics.tierOf(partition.topic());
            List<ConsumerRecord<String, byte[]>> due = new ArrayList<>();
            long next = -1;
            for (ConsumerRecord<String, byte[]> record : records.records(partition)) {
                if (handledAhead.contains(partition, record.offset())) {
                    next = record.offset() + 1;
                    continue;
                }
                Instant readyAt = Instant.ofEpochMilli(record.timestamp()).plus(tier);
                if (!readyAt.isAfter(now)) {
                    // Due less than the shortest tier from now: a hop would overshoot by up to a whole tier,
                    // so wait the remainder here; the records behind it wait at most as long.
                    Instant dueAt = runner.dueAt(record);
                    if (dueAt != null && dueAt.isAfter(now) && dueAt.isBefore(now.plus(SHORTEST_TIER))) {
                        readyAt = dueAt;
                    }
                }
                if (readyAt.isAfter(now)) {
                    consumer.seek(partition, record.offset());
                    consumer.pause(List.of(partition));
                    pauses.pause(partition, readyAt);
                    break;
                }
                due.add(record);
                next = record.offset() + 1;
            }
            if (next >= 0) {
                ready.put(partition, new Ready(due, next));
            }
        }
        return ready;
    }

    /**
     * Runs every ready record and waits for all (while stopping, up to the shutdown deadline); returns
     * per partition the first record that failed or did not finish, and remembers the records after it
     * that were handled.
     */
    private Map<TopicPartition, Result> execute(ExecutorService executor, Map<TopicPartition, Ready> ready,
            HandledAhead handledAhead) {
        Map<ConsumerRecord<String, byte[]>, Future<?>> inFlight = new LinkedHashMap<>();
        ready.values().forEach(batch -> batch.records().forEach(
                record -> inFlight.put(record, executor.submit(() -> runner.run(record)))));
        Map<TopicPartition, Result> stuck = new HashMap<>();
        // In offset order per partition, so the first failure of a partition is found before what follows it.
        for (Map.Entry<ConsumerRecord<String, byte[]>, Future<?>> entry : inFlight.entrySet()) {
            ConsumerRecord<String, byte[]> record = entry.getKey();
            TopicPartition partition = new TopicPartition(record.topic(), record.partition());
            Result result = await(record, entry.getValue());
            if (result != null) {
                stuck.putIfAbsent(partition, result);
            } else if (stuck.containsKey(partition)) {
                handledAhead.add(partition, record.offset());
            }
        }
        return stuck;
    }

    /** Null when the record was handled; else how it failed or that it did not finish in time. */
    private Result await(ConsumerRecord<String, byte[]> record, Future<?> future) {
        while (true) {
            try {
                future.get(CHECK_EVERY.toMillis(), TimeUnit.MILLISECONDS);
                return null;
            } catch (ExecutionException e) {
                Exception cause = e.getCause() instanceof Exception exception ? exception : e;
                return new Result(record.offset(), cause, false);
            } catch (TimeoutException e) {
                if (!running && clock.instant().isAfter(stopDeadline)) {
                    future.cancel(true);
                    return new Result(record.offset(), null, true);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                future.cancel(true);
                return new Result(record.offset(), null, true);
            }
        }
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
}
