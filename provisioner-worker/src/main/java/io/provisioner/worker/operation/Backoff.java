package io.provisioner.worker.operation;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with jitter for work put off durably: the wait before round {@code n + 1} is
 * {@code initial * multiplier^(n-1)}, capped, then spread by plus or minus {@code jitter} so that the
 * operations a broker outage held back do not all come back at the same instant.
 */
record Backoff(Duration initial, double multiplier, Duration max, double jitter) {

    Backoff {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0 || multiplier < 1 || jitter < 0
                || jitter >= 1) {
            throw new IllegalArgumentException("need 0 < initial-interval <= max-interval, multiplier >= 1 and "
                    + "0 <= jitter < 1");
        }
    }

    /** @param rounds the rounds done so far (1 after the first) */
    Duration after(int rounds, RandomGenerator random) {
        double base = initial.toMillis() * Math.pow(multiplier, Math.max(0, rounds - 1));
        double capped = Math.min(base, max.toMillis());
        double spread = 1 + jitter * (2 * random.nextDouble() - 1);
        return Duration.ofMillis(Math.max(1, Math.round(capped * spread)));
    }
}
