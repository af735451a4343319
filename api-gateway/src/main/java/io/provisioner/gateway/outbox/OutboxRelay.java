package io.provisioner.gateway.outbox;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Publishes outbox rows to Kafka in id order, in batches, and deletes them once Kafka acknowledged the
 * whole batch (idempotent producer, acks=all). Only the gateway holding the relay lock row publishes,
 * so several gateways never reorder one instance's events. If Kafka is away the rows simply wait:
 * requests keep being accepted, and the backlog drains when Kafka returns. A failed batch is sent again
 * whole; consumers ignore the duplicates.
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
    private volatile boolean running;
    private volatile Thread thread;

    OutboxRelay(JdbcClient jdbc, TransactionTemplate transactions, KafkaTemplate<String, byte[]> kafka,
            OutboxSettings settings, MeterRegistry meters) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.kafka = kafka;
        this.settings = settings;
        this.published = Counter.builder("provisioner.outbox.published")
                .description("Outbox rows published to Kafka").register(meters);
        Gauge.builder("provisioner.outbox.backlog", this, OutboxRelay::backlogForMetrics)
                .description("Outbox rows not yet published").register(meters);
    }

    void wakeUp() {
        wakeUps.release();
    }

    private record Row(long id, String topic, String key, String payload) {
    }

    /** Publishes one batch; returns how many rows went out, or -1 when another gateway holds the lock. */
    int relayOnce() {
        Integer sent = transactions.execute(tx -> {
            boolean locked = !jdbc.sql("SELECT id FROM outbox_relay_lock WHERE id = 1 FOR UPDATE SKIP LOCKED")
                    .query(Integer.class).list().isEmpty();
            if (!locked) {
                return -1;
            }
            List<Row> rows = jdbc.sql("SELECT id, topic, message_key, payload FROM outbox ORDER BY id LIMIT ?")
                    .param(settings.batchSize())
                    .query((rs, n) -> new Row(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4)))
                    .list();
            if (rows.isEmpty()) {
                return 0;
            }
            List<CompletableFuture<?>> acks = new ArrayList<>(rows.size());
            for (Row row : rows) {
                acks.add(kafka.send(new ProducerRecord<>(row.topic(), row.key(),
                        row.payload().getBytes(StandardCharsets.UTF_8))));
            }
            try {
                CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new))
                        .get(settings.sendTimeout().toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("Kafka did not acknowledge the outbox batch", e);
            }
            jdbc.sql("DELETE FROM outbox WHERE id IN (:ids)")
                    .param("ids", rows.stream().map(Row::id).toList()).update();
            return rows.size();
        });
        if (sent != null && sent > 0) {
            published.increment(sent);
        }
        return sent == null ? 0 : sent;
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
