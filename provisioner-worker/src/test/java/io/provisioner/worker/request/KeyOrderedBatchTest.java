package io.provisioner.worker.request;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.listener.BatchListenerFailedException;

class KeyOrderedBatchTest {

    private final ExecutorService threads = Executors.newFixedThreadPool(4);
    private final KeyOrderedBatch batch = new KeyOrderedBatch(threads);

    @AfterEach
    void stop() {
        threads.shutdownNow();
    }

    @Test
    void recordsOfOneInstanceRunInOffsetOrder() {
        List<ConsumerRecord<String, String>> records = records("a:create", "b:create", "a:delete", "b:update", "a:create2");
        List<String> seen = new CopyOnWriteArrayList<>();

        batch.handle(records, record -> seen.add(record.key() + ":" + record.value()));

        assertThat(seen.stream().filter(s -> s.startsWith("a:"))).containsExactly("a:create", "a:delete", "a:create2");
        assertThat(seen.stream().filter(s -> s.startsWith("b:"))).containsExactly("b:create", "b:update");
    }

    @Test
    void unrelatedInstancesDoNotWaitForEachOther() {
        // a's record can only finish once b's has started: handled one after another, this never ends.
        CountDownLatch bStarted = new CountDownLatch(1);
        List<String> finished = new CopyOnWriteArrayList<>();

        batch.handle(records("a:create", "b:create"), record -> {
            if (record.key().equals("a")) {
                await(bStarted);
            } else {
                bStarted.countDown();
            }
            finished.add(record.key());
        });

        assertThat(finished).containsExactlyInAnyOrder("a", "b");
    }

    @Test
    void aFailureStopsItsInstanceAndNamesTheEarliestFailedRecord() {
        List<ConsumerRecord<String, String>> records = records("a:create", "b:create", "a:delete", "c:create", "b:delete");
        List<String> seen = new CopyOnWriteArrayList<>();

        assertThatThrownBy(() -> batch.handle(records, record -> {
            seen.add(record.key() + ":" + record.value());
            if (record.value().equals("create") && !record.key().equals("c")) {
                throw new IllegalStateException("Kafka refused " + record.key());
            }
        })).isInstanceOfSatisfying(BatchListenerFailedException.class, e -> {
            assertThat(e.getIndex()).isEqualTo(-1);
            assertThat(e.getRecord()).isSameAs(records.get(0));
            assertThat(e.getCause()).hasMessage("Kafka refused a");
        });
        assertThat(seen).containsExactlyInAnyOrder("a:create", "b:create", "c:create");
    }

    private static List<ConsumerRecord<String, String>> records(String... keyValues) {
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        for (int i = 0; i < keyValues.length; i++) {
            String[] kv = keyValues[i].split(":");
            out.add(new ConsumerRecord<>("provisioning.requests", 0, i, kv[0], kv[1]));
        }
        return out;
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new AssertionError("the other instance's record never started");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
