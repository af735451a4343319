package io.provisioner.worker.request;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.listener.BatchListenerFailedException;

/**
 * Handles one poll's records in parallel, except records of the same key (the instance guid), which
 * run one after another in offset order: a create before the delete of the same instance, while
 * unrelated instances need not wait for each other. Returns when every record is handled, so the
 * container commits the batch as a whole, only after everything it produced is in Kafka.
 *
 * <p>When a record throws, the rest of its key is not started, and the batch ends with a
 * {@link BatchListenerFailedException} naming the earliest failed record: the error handler commits
 * what lies before it and handles it and everything after it again. Records after it that had
 * finished are then handled twice, which the operation's progress turns into a continuation (the
 * broker is not called again); nothing is skipped.
 */
final class KeyOrderedBatch {

    private final Executor executor;

    KeyOrderedBatch(Executor executor) {
        this.executor = executor;
    }

    <K, V> void handle(List<ConsumerRecord<K, V>> records, Consumer<ConsumerRecord<K, V>> handler) {
        Map<Object, List<Integer>> byKey = new LinkedHashMap<>();
        for (int i = 0; i < records.size(); i++) {
            byKey.computeIfAbsent(keyOf(records.get(i)), k -> new ArrayList<>()).add(i);
        }
        AtomicInteger firstFailed = new AtomicInteger(Integer.MAX_VALUE);
        Map<Integer, RuntimeException> failures = new java.util.concurrent.ConcurrentHashMap<>();
        List<CompletableFuture<Void>> chains = new ArrayList<>(byKey.size());
        for (List<Integer> indexes : byKey.values()) {
            Runnable chain = () -> {
                for (int index : indexes) {
                    try {
                        handler.accept(records.get(index));
                    } catch (RuntimeException e) {
                        failures.put(index, e);
                        firstFailed.accumulateAndGet(index, Math::min);
                        return;
                    }
                }
            };
            // A single key needs no hand-over to another thread.
            chains.add(byKey.size() == 1 ? CompletableFuture.runAsync(chain, Runnable::run)
                    : CompletableFuture.runAsync(chain, executor));
        }
        CompletableFuture.allOf(chains.toArray(CompletableFuture[]::new)).join();
        int failed = firstFailed.get();
        if (failed != Integer.MAX_VALUE) {
            RuntimeException cause = failures.get(failed);
            throw new BatchListenerFailedException(cause.getMessage(), cause, records.get(failed));
        }
    }

    private static Object keyOf(ConsumerRecord<?, ?> record) {
        // Records without a key keep their order among themselves.
        return Objects.requireNonNullElse(record.key(), KeyOrderedBatch.class);
    }
}
