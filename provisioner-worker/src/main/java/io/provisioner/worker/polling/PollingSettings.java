package io.provisioner.worker.polling;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How asynchronous operations are polled (DESIGN §5).
 *
 * @param minInterval the shortest wait between two polls, and the wait before the first one
 * @param maxInterval the longest wait between two polls
 * @param ageFraction the wait as a share of the operation's age, so completion is noticed within about
 *                    that share of its duration
 * @param defaultMaximumDuration how long an operation may run when its plan sets no
 *                               {@code maximum_polling_duration}
 * @param threads polls executed at once by one worker
 * @param maxWait the longest one poll of the delay topics blocks when nothing is due
 * @param errorBackoff how long a partition rests after a poll record could not be handled (Kafka
 *                     refused a send, say) before that record is tried again
 * @param groupId the consumer group of the delay topics
 * @param redeliveries how often a step whose handling threw (Kafka refused a send, say) is tried again
 *                     before its record is parked on the tier's dead-letter topic
 * @param shutdownTimeout how long stopping waits for the steps in hand before it hands them back
 */
@ConfigurationProperties("provisioner.worker.polling")
record PollingSettings(
        Duration minInterval,
        Duration maxInterval,
        Double ageFraction,
        Duration defaultMaximumDuration,
        Integer threads,
        Duration maxWait,
        Duration errorBackoff,
        String groupId,
        Integer redeliveries,
        Duration shutdownTimeout) {

    PollingSettings {
        minInterval = minInterval == null ? Duration.ofSeconds(1) : minInterval;
        maxInterval = maxInterval == null ? Duration.ofSeconds(60) : maxInterval;
        ageFraction = ageFraction == null ? 0.1 : ageFraction;
        defaultMaximumDuration = defaultMaximumDuration == null ? Duration.ofHours(24) : defaultMaximumDuration;
        threads = threads == null ? 16 : threads;
        maxWait = maxWait == null ? Duration.ofMillis(500) : maxWait;
        errorBackoff = errorBackoff == null ? Duration.ofSeconds(1) : errorBackoff;
        groupId = groupId == null || groupId.isBlank() ? "provisioner-worker-polls" : groupId;
        redeliveries = redeliveries == null ? 3 : redeliveries;
        shutdownTimeout = shutdownTimeout == null ? Duration.ofSeconds(20) : shutdownTimeout;
        if (minInterval.isNegative() || minInterval.isZero() || maxInterval.compareTo(minInterval) < 0
                || ageFraction < 0 || defaultMaximumDuration.isNegative() || defaultMaximumDuration.isZero()
                || threads < 1 || maxWait.isNegative() || maxWait.isZero() || errorBackoff.isNegative()
                || redeliveries < 0 || shutdownTimeout.isNegative()) {
            throw new IllegalArgumentException("provisioner.worker.polling: need 0 < min-interval <= max-interval, "
                    + "age-fraction >= 0, default-maximum-duration > 0, threads >= 1, max-wait > 0, error-backoff >= 0, "
                    + "redeliveries >= 0, shutdown-timeout >= 0");
        }
    }
}
