package io.provisioner.bench;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongFunction;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.SynchronizedHistogram;

/**
 * Open-loop load: request {@code i} is due at {@code start + i / rate}, whether or not earlier ones
 * were answered, and its latency counts from when it was due, not from when it was sent. A slow answer
 * therefore cannot hide the requests queued behind it (coordinated omission).
 */
final class OpenLoop {

    /** What one rate gave. {@code errors} counts by status ("timeout", "client-limit" for local causes). */
    record Result(int rate, Duration duration, long sent, long ok, Map<String, Long> errors, Histogram latency,
            double achievedPerSecond) {

        long errorCount() {
            return errors.values().stream().mapToLong(Long::longValue).sum();
        }

        double percentileMs(double percentile) {
            return latency.getTotalCount() == 0 ? Double.NaN : latency.getValueAtPercentile(percentile) / 1000.0;
        }

        double maxMs() {
            return latency.getTotalCount() == 0 ? Double.NaN : latency.getMaxValue() / 1000.0;
        }
    }

    private OpenLoop() {
    }

    /**
     * @param send starts request {@code i}; its future gives the HTTP status
     * @param maxOutstanding requests in flight at most; one due beyond that counts as a "client-limit" error
     */
    static Result run(int rate, Duration duration, int maxOutstanding, Duration answerTimeout,
            LongFunction<CompletableFuture<Integer>> send) {
        long count = Math.max(1, Math.round(rate * duration.toNanos() / 1e9));
        long periodNanos = Math.round(1e9 / rate);
        Histogram latency = new SynchronizedHistogram(TimeUnit.MINUTES.toMicros(2), 3);
        Map<String, Long> errors = new ConcurrentHashMap<>();
        AtomicLong ok = new AtomicLong();
        Semaphore outstanding = new Semaphore(maxOutstanding);
        long start = System.nanoTime();
        for (long i = 0; i < count; i++) {
            long due = start + i * periodNanos;
            long wait;
            while ((wait = due - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            if (!outstanding.tryAcquire()) {
                errors.merge("client-limit", 1L, Long::sum);
                continue;
            }
            CompletableFuture<Integer> answer;
            try {
                answer = send.apply(i);
            } catch (RuntimeException e) {
                outstanding.release();
                errors.merge(e.getClass().getSimpleName(), 1L, Long::sum);
                continue;
            }
            answer.whenComplete((status, failure) -> {
                long micros = Math.max(1, (System.nanoTime() - due) / 1000);
                latency.recordValue(Math.min(micros, latency.getHighestTrackableValue()));
                if (failure != null) {
                    Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                            ? failure.getCause() : failure;
                    errors.merge(cause.getClass().getSimpleName(), 1L, Long::sum);
                } else if (status >= 200 && status < 300) {
                    ok.incrementAndGet();
                } else {
                    errors.merge(Integer.toString(status), 1L, Long::sum);
                }
                outstanding.release();
            });
        }
        boolean allAnswered;
        try {
            allAnswered = outstanding.tryAcquire(maxOutstanding, answerTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            allAnswered = false;
        }
        if (!allAnswered) {
            errors.merge("timeout", (long) (maxOutstanding - outstanding.availablePermits()), Long::sum);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Result(rate, duration, count, ok.get(), new TreeMap<>(errors), latency, ok.get() / seconds);
    }
}
