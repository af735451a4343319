package io.provisioner.fault;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * Records every genuine status event on {@code provisioning.status} and injects them again: duplicated, shuffled,
 * long after they were first applied (so older events arrive after newer ones of the same operation). Same key,
 * so the copies land in the instance's partition, interleaved with the live stream.
 */
final class StatusReplayer implements AutoCloseable {

    record Event(String key, byte[] value) {
    }

    private final KafkaTools kafka;
    private final String topic;
    private final List<Event> recorded = Collections.synchronizedList(new ArrayList<>());
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicBoolean replaying = new AtomicBoolean(false);
    private final AtomicLong injected = new AtomicLong();
    private final Random random = new Random(5);
    private final Thread recorder;
    private Thread replayer;

    StatusReplayer(KafkaTools kafka, String topic) {
        this.kafka = kafka;
        this.topic = topic;
        this.recorder = new Thread(this::record, "fault-status-recorder");
        recorder.setDaemon(true);
        recorder.start();
    }

    private void record() {
        try (KafkaConsumer<String, byte[]> consumer = kafka.consumer("fault-recorder-" + UUID.randomUUID())) {
            consumer.subscribe(List.of(topic));
            while (running.get()) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.headers().lastHeader(KafkaTools.INJECTED) == null && r.value() != null) {
                        recorded.add(new Event(r.key(), r.value()));
                    }
                }
            }
        }
    }

    /** Every {@code period}: the events recorded since the last round plus a sample of older ones, each twice, shuffled. */
    void startReplaying(Duration period, int olderSample) {
        replaying.set(true);
        replayer = new Thread(() -> {
            int done = 0;
            while (replaying.get()) {
                Procs.sleep(period);
                List<Event> snapshot;
                synchronized (recorded) {
                    snapshot = new ArrayList<>(recorded);
                }
                List<Event> batch = new ArrayList<>(snapshot.subList(done, snapshot.size()));
                for (int i = 0; i < olderSample && done > 0; i++) {
                    batch.add(snapshot.get(random.nextInt(done)));
                }
                done = snapshot.size();
                List<Event> copies = new ArrayList<>(batch);
                copies.addAll(batch);
                Collections.shuffle(copies, random);
                inject(copies);
            }
        }, "fault-status-replayer");
        replayer.setDaemon(true);
        replayer.start();
    }

    void stopReplaying() {
        Thread t = replayer;
        replayer = null;
        replaying.set(false);
        if (t != null) {
            try {
                t.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Every recorded event once more, newest first (the worst order), then all again shuffled. */
    int replayEverythingBackwards() {
        List<Event> all;
        synchronized (recorded) {
            all = new ArrayList<>(recorded);
        }
        Collections.reverse(all);
        List<Event> copies = new ArrayList<>(all);
        List<Event> shuffled = new ArrayList<>(all);
        Collections.shuffle(shuffled, random);
        copies.addAll(shuffled);
        inject(copies);
        return copies.size();
    }

    private void inject(List<Event> events) {
        for (Event e : events) {
            ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, e.key(), e.value());
            record.headers().add(new RecordHeader(KafkaTools.INJECTED, "replay".getBytes(StandardCharsets.UTF_8)));
            kafka.producer.send(record);
        }
        kafka.producer.flush();
        injected.addAndGet(events.size());
    }

    int recorded() {
        return recorded.size();
    }

    long injected() {
        return injected.get();
    }

    @Override
    public void close() {
        replaying.set(false);
        running.set(false);
        try {
            recorder.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
