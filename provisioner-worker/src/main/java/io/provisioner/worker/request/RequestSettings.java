package io.provisioner.worker.request;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How {@code provisioning.requests} is consumed.
 *
 * @param concurrency consumer threads of one worker (beyond the topic's partition count they idle)
 * @param parallelism threads of one worker that handle the records of a poll side by side (records of
 *                    one instance stay in order); most of their time is spent waiting for brokers and Kafka
 * @param redeliveries how often a record whose handling threw is handled again before it goes to the
 *                     dead-letter topic (Kafka refusing a send, say; broker failures never throw)
 * @param redeliveryBackoff the wait before each of those
 * @param maxPollRecords records one consumer takes at a time, handled side by side and committed together:
 *                       the slowest broker call among them (with its in-place retries) bounds the poll, which
 *                       must stay well inside {@code maxPollInterval}
 * @param maxPollInterval how long a consumer may work on what it took before Kafka gives its partitions
 *                        to another worker
 * @param shutdownTimeout how long stopping waits for the poll in hand (its broker calls) to finish;
 *                        records not finished by then are not committed and are handled again elsewhere
 */
@ConfigurationProperties("provisioner.worker.requests")
record RequestSettings(Integer concurrency, Integer parallelism, Integer redeliveries, Duration redeliveryBackoff, Integer maxPollRecords,
        Duration maxPollInterval, Duration shutdownTimeout) {

    RequestSettings {
        concurrency = concurrency == null ? 2 : concurrency;
        parallelism = parallelism == null ? 32 : parallelism;
        redeliveries = redeliveries == null ? 2 : redeliveries;
        redeliveryBackoff = redeliveryBackoff == null ? Duration.ofMillis(500) : redeliveryBackoff;
        maxPollRecords = maxPollRecords == null ? 200 : maxPollRecords;
        maxPollInterval = maxPollInterval == null ? Duration.ofMinutes(10) : maxPollInterval;
        shutdownTimeout = shutdownTimeout == null ? Duration.ofSeconds(20) : shutdownTimeout;
        if (concurrency < 1 || parallelism < 1 || redeliveries < 0 || redeliveryBackoff.isNegative() || maxPollRecords < 1
                || maxPollInterval.isNegative() || maxPollInterval.isZero() || shutdownTimeout.isNegative()) {
            throw new IllegalArgumentException("provisioner.worker.requests: concurrency >= 1, parallelism >= 1, redeliveries >= 0, "
                    + "redelivery-backoff >= 0, max-poll-records >= 1, max-poll-interval > 0, shutdown-timeout >= 0");
        }
    }
}
