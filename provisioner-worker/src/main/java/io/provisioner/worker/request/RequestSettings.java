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
 * @param maxPollRecords records one consumer takes at a time: each may hold a broker call with its in-place
 *                       retries, so few, to stay well inside {@code maxPollInterval}
 * @param maxPollInterval how long a consumer may work on what it took before Kafka gives its partitions
 *                        to another worker
 * @param shutdownTimeout how long stopping waits for the record in hand (its broker call) to finish;
 *                        a record not finished by then is not committed and is handled again elsewhere
 */
@ConfigurationProperties("provisioner.worker.requests")
record RequestSettings(Integer concurrency, Integer redeliveries, Duration redeliveryBackoff, Integer maxPollRecords,
        Duration maxPollInterval, Duration shutdownTimeout) {

    RequestSettings {
        concurrency = concurrency == null ? 2 : concurrency;
        redeliveries = redeliveries == null ? 2 : redeliveries;
        redeliveryBackoff = redeliveryBackoff == null ? Duration.ofMillis(500) : redeliveryBackoff;
        maxPollRecords = maxPollRecords == null ? 10 : maxPollRecords;
        maxPollInterval = maxPollInterval == null ? Duration.ofMinutes(10) : maxPollInterval;
        shutdownTimeout = shutdownTimeout == null ? Duration.ofSeconds(20) : shutdownTimeout;
        if (concurrency < 1 || redeliveries < 0 || redeliveryBackoff.isNegative() || maxPollRecords < 1
                || maxPollInterval.isNegative() || maxPollInterval.isZero() || shutdownTimeout.isNegative()) {
            throw new IllegalArgumentException("provisioner.worker.requests: concurrency >= 1, redeliveries >= 0, "
                    + "redelivery-backoff >= 0, max-poll-records >= 1, max-poll-interval > 0, shutdown-timeout >= 0");
        }
    }
}
