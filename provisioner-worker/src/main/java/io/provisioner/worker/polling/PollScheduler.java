package io.provisioner.worker.polling;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.CompletableFuture;

import io.provisioner.schemas.EventCodec;
import io.provisioner.schemas.EventEnvelope;
import io.provisioner.schemas.EventTypes;
import io.provisioner.schemas.PollScheduled;
import io.provisioner.schemas.Topics;
import io.provisioner.worker.broker.OsbCalls;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/**
 * Puts scheduled steps on the delay tier topics and reads them back. A record waits on its tier until
 * its timestamp plus the tier's delay; the timestamp is set here from the worker's clock, so waiting
 * never ends before the due time unless the due time is closer than the shortest tier. The value is a
 * plain {@code io.provisioner.poll.scheduled.v1} event; the kind of step and its few extra facts travel
 * in headers ({@link WorkKind#HEADER} and the ones below), so the shared schema needs no change.
 */
@Component
public class PollScheduler {

    static final String SOURCE = "/provisioner/worker";
    static final String FAILURE_HEADER = "provisioner-failure";
    static final String PHASE_ATTEMPTS_HEADER = "provisioner-phase-attempts";
    static final String REPORTED_HEADER = "provisioner-reported";

    private final KafkaTemplate<String, byte[]> kafka;
    private final EventCodec codec;
    private final Clock clock;

    PollScheduler(KafkaTemplate<String, byte[]> kafka, EventCodec codec, Clock clock) {
        this.kafka = kafka;
        this.codec = codec;
        this.clock = clock;
    }

    /** Sends the step to the longest tier that does not overshoot its due time (or the shortest). */
    public CompletableFuture<?> schedule(DueWork work) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        Duration tier = Topics.pollTier(Duration.between(now, work.poll().dueAt()));
        String instance = work.request().instanceGuid();
        // The envelope keeps the step's id and time when it hops tiers: they identify the step.
        EventEnvelope<PollScheduled> envelope = new EventEnvelope<>(EventEnvelope.SPEC_VERSION, work.id(),
                EventTypes.POLL_SCHEDULED, SOURCE, work.scheduledAt(), instance, EventEnvelope.CONTENT_TYPE, work.poll());
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(Topics.pollTopic(tier), null, now.toEpochMilli(),
                instance, codec.write(envelope), headers(work));
        return kafka.send(record);
    }

    private static Headers headers(DueWork work) {
        Headers headers = new RecordHeaders();
        headers.add(WorkKind.HEADER, bytes(work.kind().wire()));
        if (work.failure() != null) {
            headers.add(FAILURE_HEADER, bytes(work.failure()));
        }
        headers.add(PHASE_ATTEMPTS_HEADER, bytes(Integer.toString(work.phaseAttempts())));
        if (work.reported()) {
            headers.add(REPORTED_HEADER, bytes("true"));
        }
        return headers;
    }

    /**
     * The step a record holds.
     *
     * @throws IllegalArgumentException (or a Jackson exception) when the record can never be handled
     */
    DueWork read(ConsumerRecord<String, byte[]> record) {
        EventEnvelope<PollScheduled> envelope = codec.readPoll(record.value());
        PollScheduled poll = envelope.data();
        OsbCalls.checkComplete(poll.request());
        if (poll.startedAt() == null || poll.dueAt() == null) {
            throw new IllegalArgumentException("the poll has no started_at or due_at");
        }
        String attempts = text(record.headers(), PHASE_ATTEMPTS_HEADER);
        try {
            return new DueWork(WorkKind.fromWire(text(record.headers(), WorkKind.HEADER)), poll,
                    text(record.headers(), FAILURE_HEADER), attempts == null ? 0 : Integer.parseInt(attempts),
                    "true".equals(text(record.headers(), REPORTED_HEADER)), envelope.id(),
                    envelope.time() != null ? envelope.time() : Instant.ofEpochMilli(record.timestamp()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("the " + PHASE_ATTEMPTS_HEADER + " header is not a number: " + attempts, e);
        }
    }

    private static String text(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
