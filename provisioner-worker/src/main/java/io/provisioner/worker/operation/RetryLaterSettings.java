package io.provisioner.worker.operation;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How a provision, update or deprovision call is put off durably when the broker cannot take it now: no
 * answer after the in-place retries, an open circuit, a full bulkhead, 408, 429, 422 ConcurrencyError,
 * and (deprovision only, as OSB's orphan mitigation asks) 5xx or an unexpected 2xx.
 *
 * @param initialInterval wait after the first round
 * @param multiplier growth of the wait from round to round
 * @param maxInterval longest wait between rounds
 * @param jitter spread of each wait, 0 to 1
 * @param giveUpAfter how long after the first round the operation fails; never later than the
 *                    operation's own deadline (the plan's {@code maximum_polling_duration}, else the
 *                    default maximum duration)
 */
@ConfigurationProperties("provisioner.worker.retry-later")
record RetryLaterSettings(Duration initialInterval, Double multiplier, Duration maxInterval, Double jitter,
        Duration giveUpAfter) {

    RetryLaterSettings {
        initialInterval = initialInterval == null ? Duration.ofSeconds(1) : initialInterval;
        multiplier = multiplier == null ? 2.0 : multiplier;
        maxInterval = maxInterval == null ? Duration.ofMinutes(5) : maxInterval;
        jitter = jitter == null ? 0.2 : jitter;
        giveUpAfter = giveUpAfter == null ? Duration.ofHours(1) : giveUpAfter;
        new Backoff(initialInterval, multiplier, maxInterval, jitter);
        if (giveUpAfter.isNegative() || giveUpAfter.isZero()) {
            throw new IllegalArgumentException("provisioner.worker.retry-later: give-up-after must be positive");
        }
    }

    Backoff backoff() {
        return new Backoff(initialInterval, multiplier, maxInterval, jitter);
    }
}
