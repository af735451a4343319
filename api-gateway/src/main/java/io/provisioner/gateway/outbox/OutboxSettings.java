package io.provisioner.gateway.outbox;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import io.provisioner.schemas.RecordLimits;

/**
 * @param batchSize rows published per round trip
 * @param idlePoll how often the relay looks for rows when nobody woke it (another gateway's rows, a restart)
 * @param sendTimeout how long a batch may wait for Kafka's acknowledgements
 * @param retryBackoff how long the relay rests after Kafka refused a batch
 * @param maxEventBytes the largest serialized event accepted into the outbox; a request whose event is
 *                      larger is refused (413) and nothing is stored. At most {@link RecordLimits#MAX_EVENT_BYTES},
 *                      which leaves a margin below the topics' {@code max.message.bytes}
 * @param stallAfter how long the relay may fail without progress before health reports it DOWN
 */
@ConfigurationProperties("provisioner.outbox")
record OutboxSettings(
        @DefaultValue("500") int batchSize,
        @DefaultValue("500ms") Duration idlePoll,
        @DefaultValue("30s") Duration sendTimeout,
        @DefaultValue("2s") Duration retryBackoff,
        @DefaultValue("" + RecordLimits.MAX_EVENT_BYTES) int maxEventBytes,
        @DefaultValue("1m") Duration stallAfter) {

    OutboxSettings {
        if (maxEventBytes < 1 || maxEventBytes > RecordLimits.MAX_EVENT_BYTES) {
            throw new IllegalArgumentException("provisioner.outbox.max-event-bytes must be 1 to "
                    + RecordLimits.MAX_EVENT_BYTES + " (the record limit less its margin), was " + maxEventBytes);
        }
    }
}
