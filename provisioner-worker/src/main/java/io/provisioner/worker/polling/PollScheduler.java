package io.provisioner.worker.polling;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.CompletableFuture;

import io.provisioner.schemas.EventCodec;
import io.provisioner.schemas.EventEnvelope;
import io.provisioner.schemas.EventTypes;
import io.provisioner.schemas.PollScheduled;
import io.provisioner.schemas.ProvisioningRequested;
import io.provisioner.schemas.Topics;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/**
 * Puts polls on the delay tier topics. A record waits on its tier until its timestamp plus the tier's
 * delay; the timestamp is set here from the worker's clock, so waiting never ends before the due time
 * unless the due time is closer than the shortest tier.
 */
@Component
public class PollScheduler {

    static final String SOURCE = "/provisioner/worker";

    private final KafkaTemplate<String, byte[]> kafka;
    private final EventCodec codec;
    private final PollPolicy policy;
    private final Clock clock;

    PollScheduler(KafkaTemplate<String, byte[]> kafka, EventCodec codec, PollPolicy policy, Clock clock) {
        this.kafka = kafka;
        this.codec = codec;
        this.policy = policy;
        this.clock = clock;
    }

    /**
     * The first poll of an operation the broker accepted (202) just now.
     *
     * @param retryAfter the broker's {@code Retry-After} header, or null
     */
    public CompletableFuture<?> first(ProvisioningRequested request, String brokerOperation, String dashboardUrl,
            String retryAfter) {
        Instant startedAt = now();
        Instant due = policy.nextDue(startedAt, request.maximumPollingDurationSeconds(), retryAfter);
        return schedule(new PollScheduled(request, brokerOperation, dashboardUrl, startedAt, due, 0));
    }

    CompletableFuture<?> next(PollScheduled previous, String retryAfter) {
        Instant due = policy.nextDue(previous.startedAt(), previous.request().maximumPollingDurationSeconds(), retryAfter);
        return schedule(new PollScheduled(previous.request(), previous.brokerOperation(), previous.dashboardUrl(),
                previous.startedAt(), due, previous.attempt() + 1));
    }

    /** Sends the poll to the longest tier that does not overshoot its due time (or the shortest). */
    CompletableFuture<?> schedule(PollScheduled poll) {
        Instant now = now();
        Duration tier = Topics.pollTier(Duration.between(now, poll.dueAt()));
        String instance = poll.request().instanceGuid();
        EventEnvelope<PollScheduled> envelope = EventEnvelope.of(EventTypes.POLL_SCHEDULED, SOURCE, now, instance, poll);
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(Topics.pollTopic(tier), null, now.toEpochMilli(),
                instance, codec.write(envelope));
        return kafka.send(record);
    }

    /** Millisecond precision, as record timestamps have, so a hop never lands before its due time. */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
