package io.provisioner.worker.operation;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Orphan mitigation: the DELETE sent after a provision failed in a way that may have left an instance at
 * the broker (OSB_CONTRACT.md). It is retried durably with backoff until the broker confirms, or the
 * give-up time passes.
 *
 * @param initialInterval wait after the first failed DELETE
 * @param multiplier growth of the wait from DELETE to DELETE
 * @param maxInterval longest wait between DELETEs
 * @param jitter spread of each wait, 0 to 1
 * @param reportAfter the create's final {@code failed} status waits for the cleanup this long at most;
 *                    after it, the status says the cleanup goes on, and the worker carries on regardless
 *                    (the gateway ignores later events of a finished operation)
 * @param giveUpAfter how long the worker keeps trying to delete
 */
@ConfigurationProperties("provisioner.worker.orphan-mitigation")
record OrphanMitigationSettings(Duration initialInterval, Double multiplier, Duration maxInterval, Double jitter,
        Duration reportAfter, Duration giveUpAfter) {

    OrphanMitigationSettings {
        initialInterval = initialInterval == null ? Duration.ofSeconds(1) : initialInterval;
        multiplier = multiplier == null ? 2.0 : multiplier;
        maxInterval = maxInterval == null ? Duration.ofMinutes(10) : maxInterval;
        jitter = jitter == null ? 0.2 : jitter;
        reportAfter = reportAfter == null ? Duration.ofMinutes(5) : reportAfter;
        giveUpAfter = giveUpAfter == null ? Duration.ofHours(24) : giveUpAfter;
        new Backoff(initialInterval, multiplier, maxInterval, jitter);
        if (reportAfter.isNegative() || giveUpAfter.isNegative() || giveUpAfter.isZero()) {
            throw new IllegalArgumentException("provisioner.worker.orphan-mitigation: report-after >= 0, give-up-after > 0");
        }
    }

    Backoff backoff() {
        return new Backoff(initialInterval, multiplier, maxInterval, jitter);
    }
}
