package io.provisioner.worker.messaging;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.springframework.kafka.KafkaException;

/**
 * Waits until Kafka has acknowledged records. Durable before acknowledged: a consumer commits the
 * offset of what it handled only after everything that handling produced is safely in Kafka.
 */
public final class Sends {

    private Sends() {
    }

    /** Returns when every send succeeded; throws (so the input is handled again) when one did not. */
    public static void await(List<? extends CompletableFuture<?>> sends, Duration timeout) {
        try {
            CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted while waiting for Kafka to acknowledge " + sends.size() + " record(s)", e);
        } catch (ExecutionException e) {
            throw new KafkaException("Kafka did not accept a record: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new KafkaException("Kafka did not acknowledge " + sends.size() + " record(s) within " + timeout, e);
        }
    }
}
