package io.provisioner.worker.request;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How {@code provisioning.requests} is consumed.
 *
 * @param concurrency consumer threads of one worker (beyond the topic's partition count they idle)
 * @param redeliveries how often a record whose handling threw is handled again before it goes to the
 *                     dead-letter topic (Kafka refusing a send, say; broker failures never throw)
 * @param redeliveryBackoff the wait before each of those
 */
@ConfigurationProperties("provisioner.worker.requests")
record RequestSettings(Integer concurrency, Integer redeliveries, Duration redeliveryBackoff) {

    RequestSettings {
        concurrency = concurrency == null ? 2 : concurrency;
        redeliveries = redeliveries == null ? 2 : redeliveries;
        redeliveryBackoff = redeliveryBackoff == null ? Duration.ofMillis(500) : redeliveryBackoff;
        if (concurrency < 1 || redeliveries < 0 || redeliveryBackoff.isNegative()) {
            throw new IllegalArgumentException("provisioner.worker.requests: concurrency >= 1, redeliveries >= 0, "
                    + "redelivery-backoff >= 0");
        }
    }
}
