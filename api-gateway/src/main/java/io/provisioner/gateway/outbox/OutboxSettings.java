package io.provisioner.gateway.outbox;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param batchSize rows published per round trip
 * @param idlePoll how often the relay looks for rows when nobody woke it (another gateway's rows, a restart)
 * @param sendTimeout how long a batch may wait for Kafka's acknowledgements
 * @param retryBackoff how long the relay rests after Kafka refused a batch
 */
@ConfigurationProperties("provisioner.outbox")
record OutboxSettings(
        @DefaultValue("500") int batchSize,
        @DefaultValue("500ms") Duration idlePoll,
        @DefaultValue("30s") Duration sendTimeout,
        @DefaultValue("2s") Duration retryBackoff) {
}
