package io.provisioner.worker.operation;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Orphan mitigation: the DELETE sent after a provision failed in a way that may have left an instance at
 * the broker (OSB_CONTRACT.md). A job of its own, after the create has already ended {@code failed}: it is
 * retried durably with a growing interval until the broker confirms, or the give-up time passes.
 *
 * @param initialInterval wait after the first failed DELETE
 * @param multiplier growth of the wait from DELETE to DELETE
 * @param maxInterval longest wait between DELETEs
 * @param jitter spread of each wait, 0 to 1
 * @param giveUpAfter how long the worker keeps trying to delete; then the job is abandoned (an operator
 *                    can retry it from the gateway's {@code /admin/orphan-mitigations})
 */
@ConfigurationProperties("provisioner.worker.orphan-mitigation")
record OrphanMitigationSettings(Duration initialInterval, Double multiplier, Duration maxInterval, Double jitter,
        Duration giveUpAfter) {

    OrphanMitigationSettings {
        initialInterval = initialInterval == null ? Duration.ofSeconds(1) : initialInterval;
        multiplier = multiplier == null ? 2.0 : multiplier;
        maxInterval = maxInterval == null ? Duration.ofMinutes(10) : maxInterval;
        jitter = jitter == null ? 0.2 : jitter;
        giveUpAfter = giveUpAfter == null ? Duration.ofHours(24) : giveUpAfter;
        new Backoff(initialInterval, multiplier, maxInterval, jitter);
        if (giveUpAfter.isNegative() || giveUpAfter.isZero()) {
            throw new IllegalArgumentException("provisioner.worker.orphan-mitigation: give-up-after must be positive");
        }
    }

    Backoff backoff() {
        return new Backoff(initialInterval, multiplier, maxInterval, jitter);
    }
}
