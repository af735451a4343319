package io.provisioner.gateway.outbox;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import io.provisioner.schemas.BrokerText;

/**
 * Publishes outbox rows to Kafka in id order, in batches, and deletes them once Kafka acknowledged the
 * whole batch (idempotent producer, acks=all). Only the gateway holding the relay lock row publishes,
 * so several gateways never reorder one instance's events. If Kafka is away the rows simply wait:
 * requests keep being accepted, and the backlog drains when Kafka returns. A failed batch is sent again
 * whole; consumers ignore the duplicates.
 *
 * <p>A row Kafka refuses for a reason that will not change (too large for the topic, not serialisable)
 * would block everything behind it for ever; it is moved to {@code outbox_quarantine} with the reason,
 * counted in {@code provisioner.outbox.quarantined}, and announced as {@link OutboxRowQuarantined} so that
 * the operation it carried fails, and the rows behind it flow on.
 */
@Component
class OutboxRelay implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final KafkaTemplate<String, byte[]> kafka;
    private final OutboxSettings settings;
    private final Semaphore wakeUps = new Semaphore(0);
    private final Counter published;
    private final MeterRegistry meters;
    private final ApplicationEventPublisher events;
    private final Clock clock;
    private final OutboxTraces traces;
    private volatile Instant failingSince;
    private volatile String lastFailure;
    private volatile boolean running;
    private volatile Thread thread;

    OutboxRelay(JdbcClient jdbc, TransactionTemplate transactions, KafkaTemplate<String, byte[]> kafka,
            OutboxSettings settings, MeterRegistry meters, ApplicationEventPublisher events, Clock clock,
            OutboxTraces traces) {
        this.jdbc = jdbc;
        this.traces = traces;
        this.meters = meters;
        this.events = events;
        this.clock = clock;
        this.transactions = transactions;
        this.kafka = kafka;
        this.settings = settings;
        this.published = Counter.builder("provisioner.outbox.published")
                .description("Outbox rows published to Kafka").register(meters);
        Gauge.builder("provisioner.outbox.backlog", this, OutboxRelay::backlogForMetrics)
                .description("Outbox rows not yet published").register(meters);
        Counter.builder("provisioner.outbox.quarantined")
                .description("Outbox rows Kafka refused for good, moved to outbox_quarantine")
                .tag("topic", "none").tag("reason", "none").register(meters);
    }

    void wakeUp() {
        wakeUps.release();
    }

    private record Row(long id, String topic, String key, String payload, String traceparent) {
    }

    /** A row moved to the quarantine, and why (the exception's class names the metric's reason). */
    private record Quarantined(Row row, Throwable cause, String reason) {
    }

    /** What one batch did: rows delivered, rows quarantined, and whether some must be sent again. */
    private record Batch(int delivered, List<Quarantined> quarantined, RuntimeException retry) {
    }

    /** Publishes one batch; returns how many rows left the outbox, or -1 when another gateway holds the lock. */
    int relayOnce() {
        Batch batch;
        try {
            batch = transactions.execute(tx -> {
                boolean locked = !jdbc.sql("SELECT id FROM outbox_relay_lock WHERE id = 1 FOR UPDATE SKIP LOCKED")
                        .query(Integer.class).list().isEmpty();
                if (!locked) {
                    return null;
                }
                List<Row> rows = jdbc.sql("SELECT id, topic, message_key, payload, traceparent FROM outbox ORDER BY id LIMIT ?")
                        .param(settings.batchSize())
                        .query((rs, n) -> new Row(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                                rs.getString(5)))
                        .list();
                return rows.isEmpty() ? new Batch(0, List.of(), null) : publish(rows);
            });
        } catch (RuntimeException e) {
            noteFailure(e);
            throw e;
        }
        if (batch == null) {
            noteProgress();
            return -1;
        }
        if (batch.delivered() > 0) {
            published.increment(batch.delivered());
        }
        for (Quarantined q : batch.quarantined()) {
            // Counted once the quarantine is committed.
            Counter.builder("provisioner.outbox.quarantined")
                    .description("Outbox rows Kafka refused for good, moved to outbox_quarantine")
                    .tag("topic", q.row().topic())
                    .tag("reason", q.cause().getClass().getSimpleName())
                    .register(meters).increment();
            log.error("outbox row {} for {} (key {}) quarantined: Kafka refused it for good: {}", q.row().id(),
                    q.row().topic(), q.row().key(), q.reason());
        }
        if (batch.retry() != null) {
            noteFailure(batch.retry());
            throw batch.retry();
        }
        noteProgress();
        return batch.delivered() + batch.quarantined().size();
    }

    /**
     * Sends the rows and waits for Kafka. Rows Kafka refused for good are quarantined and the rest flow
     * on. Any other failure (Kafka away, a timeout) keeps every remaining row for the next attempt, sent
     * again whole, as before: consumers ignore the duplicates, and per-instance order holds.
     */
    private Batch publish(List<Row> rows) {
        List<CompletableFuture<?>> acks = new ArrayList<>(rows.size());
        for (Row row : rows) {
            acks.add(send(row));
        }
        try {
            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new))
                    .get(settings.sendTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            // Some were refused: each answer is looked at below.
        } catch (TimeoutException e) {
            return new Batch(0, List.of(), new IllegalStateException("Kafka did not acknowledge the outbox batch in time", e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Batch(0, List.of(), new IllegalStateException("interrupted while waiting for Kafka", e));
        }
        List<Long> done = new ArrayList<>(rows.size());
        List<Row> poisoned = new ArrayList<>();
        List<Throwable> reasons = new ArrayList<>();
        RuntimeException retry = null;
        for (int i = 0; i < rows.size(); i++) {
            Throwable failure = failureOf(acks.get(i));
            if (failure == null) {
                done.add(rows.get(i).id());
            } else if (refusedForGood(failure)) {
                poisoned.add(rows.get(i));
                reasons.add(failure);
            } else if (retry == null) {
                retry = new IllegalStateException("Kafka did not acknowledge the outbox batch", failure);
            }
        }
        List<Quarantined> quarantined = new ArrayList<>(poisoned.size());
        for (int i = 0; i < poisoned.size(); i++) {
            quarantined.add(quarantine(poisoned.get(i), reasons.get(i)));
        }
        if (retry != null) {
            // Nothing but the poisoned rows leaves the outbox: the batch goes again whole, in order.
            return new Batch(0, quarantined, retry);
        }
        if (!done.isEmpty()) {
            jdbc.sql("DELETE FROM outbox WHERE id IN (:ids)").param("ids", done).update();
        }
        return new Batch(done.size(), quarantined, null);
    }

    private CompletableFuture<?> send(Row row) {
        try {
            // The send joins the trace of the request that wrote the row; the template adds its traceparent.
            return traces.continuing(row.traceparent(), () -> kafka.send(
                    new ProducerRecord<>(row.topic(), row.key(), row.payload().getBytes(StandardCharsets.UTF_8))));
        } catch (RuntimeException e) {
            // A record the producer refuses before sending (too large, not serialisable) may throw here.
            return CompletableFuture.failedFuture(e);
        }
    }

    private static Throwable failureOf(CompletableFuture<?> ack) {
        if (!ack.isCompletedExceptionally()) {
            return null;
        }
        try {
            ack.join();
            return null;
        } catch (CompletionException | CancellationException e) {
            return e.getCause() == null ? e : e.getCause();
        }
    }

    /**
     * Refused for a reason that will not change by sending the same row again. Authorization and
     * authentication failures are not among them: they concern every row and end when the access is fixed.
     */
    static boolean refusedForGood(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof RecordTooLargeException || t instanceof RecordBatchTooLargeException
                    || t instanceof SerializationException || t instanceof InvalidTopicException
                    || t instanceof InvalidRecordException) {
                return true;
            }
        }
        return false;
    }

    private Quarantined quarantine(Row row, Throwable failure) {
        Throwable cause = rootOf(failure);
        String reason = BrokerText.bounded(cause.getClass().getSimpleName() + ": " + cause.getMessage());
        jdbc.sql("""
                INSERT INTO outbox_quarantine (id, topic, message_key, payload, reason, created_at, quarantined_at)
                SELECT id, topic, message_key, payload, ?, created_at, ? FROM outbox WHERE id = ?""")
                .params(reason, OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC), row.id())
                .update();
        jdbc.sql("DELETE FROM outbox WHERE id = ?").param(row.id()).update();
        events.publishEvent(new OutboxRowQuarantined(row.id(), row.topic(), row.key(), row.payload(), reason));
        return new Quarantined(row, cause, reason);
    }

    private static Throwable rootOf(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (refusedForGood(t) && (t.getCause() == null || !refusedForGood(t.getCause()))) {
                return t;
            }
        }
        return failure;
    }

    private void noteProgress() {
        failingSince = null;
        lastFailure = null;
    }

    private void noteFailure(RuntimeException e) {
        if (failingSince == null) {
            failingSince = clock.instant();
        }
        Throwable cause = e.getCause() == null ? e : e.getCause();
        lastFailure = BrokerText.bounded(cause.getClass().getSimpleName() + ": " + cause.getMessage());
    }

    /** Since when the relay has failed without a batch going through, or null while it makes progress. */
    Instant failingSince() {
        return failingSince;
    }

    String lastFailure() {
        return lastFailure;
    }

    long quarantinedRows() {
        return jdbc.sql("SELECT COUNT(*) FROM outbox_quarantine").query(Long.class).single();
    }

    private double backlogForMetrics() {
        try {
            return jdbc.sql("SELECT COUNT(*) FROM outbox").query(Long.class).single();
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }

    private void loop() {
        while (running) {
            try {
                int sent = relayOnce();
                if (sent < settings.batchSize()) {
                    // Nothing more queued (or another gateway relays): rest until woken or the idle poll.
                    wakeUps.tryAcquire(settings.idlePoll().toMillis(), TimeUnit.MILLISECONDS);
                    wakeUps.drainPermits();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                log.warn("outbox relay failed, retrying in {}: {}", settings.retryBackoff(), e.getMessage());
                try {
                    Thread.sleep(settings.retryBackoff().toMillis());
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    @Override
    public void start() {
        running = true;
        thread = new Thread(this::loop, "outbox-relay");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * On shutdown: the web server stops taking requests first (its lifecycle phase is higher), then the
     * relay finishes its batch and drains what the last requests wrote, for at most the send timeout.
     * Whatever is left stays in the outbox for the next gateway: nothing is lost either way.
     */
    @Override
    public void stop() {
        running = false;
        Thread t = thread;
        if (t == null) {
            return;
        }
        wakeUp();
        try {
            t.join(settings.sendTimeout().toMillis());
            long until = System.nanoTime() + settings.sendTimeout().toNanos();
            while (System.nanoTime() < until && relayOnce() > 0) {
                log.info("drained outbox rows before shutdown");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.warn("outbox not drained at shutdown; the rows wait for the next gateway: {}", e.getMessage());
        }
    }

    /** Below the web server's phases, so it stops only after the server stopped taking requests. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 4096;
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
