package io.provisioner.worker.polling;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.provisioner.schemas.EventCodec;
import io.provisioner.schemas.OperationState;
import io.provisioner.schemas.PollScheduled;
import io.provisioner.schemas.ProvisioningRequested;
import io.provisioner.schemas.Topics;
import io.provisioner.worker.OperationLogContext;
import io.provisioner.worker.broker.BrokerAnswer;
import io.provisioner.worker.broker.BrokerClient;
import io.provisioner.worker.broker.BrokerUnreachable;
import io.provisioner.worker.broker.OsbCall;
import io.provisioner.worker.broker.OsbCalls;
import io.provisioner.worker.messaging.KafkaSettings;
import io.provisioner.worker.messaging.Sends;
import io.provisioner.worker.status.StatusChange;
import io.provisioner.worker.status.StatusPublisher;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

import tools.jackson.core.JacksonException;

/**
 * Handles one due poll record: asks the broker for the operation's last state and publishes what
 * follows (a final status, an in-progress status, the next poll). Returns only when all of it is in
 * Kafka, so the record's offset may then be committed. Polling is idempotent: a record handled twice
 * (after a crash) asks the broker twice, and the gateway ignores the repeated status.
 */
@Component
class LastOperationPoller {

    private static final Logger log = LoggerFactory.getLogger(LastOperationPoller.class);

    private final EventCodec codec;
    private final BrokerClient broker;
    private final OsbCalls calls;
    private final StatusPublisher status;
    private final PollScheduler scheduler;
    private final PollPolicy policy;
    private final KafkaTemplate<String, byte[]> kafka;
    private final KafkaSettings kafkaSettings;
    private final Supplier<UUID> requestIdentities;
    private final MeterRegistry meters;
    private final Clock clock;

    LastOperationPoller(EventCodec codec, BrokerClient broker, OsbCalls calls, StatusPublisher status,
            PollScheduler scheduler, PollPolicy policy, KafkaTemplate<String, byte[]> kafka, KafkaSettings kafkaSettings,
            Supplier<UUID> requestIdentities, MeterRegistry meters, Clock clock) {
        this.codec = codec;
        this.broker = broker;
        this.calls = calls;
        this.status = status;
        this.scheduler = scheduler;
        this.policy = policy;
        this.kafka = kafka;
        this.kafkaSettings = kafkaSettings;
        this.requestIdentities = requestIdentities;
        this.meters = meters;
        this.clock = clock;
    }

    void handle(ConsumerRecord<String, byte[]> record) {
        PollScheduled poll;
        try {
            poll = codec.readPoll(record.value()).data();
            OsbCalls.checkComplete(poll.request());
            if (poll.startedAt() == null || poll.dueAt() == null) {
                throw new IllegalArgumentException("the poll has no started_at or due_at");
            }
        } catch (IllegalArgumentException | JacksonException e) {
            deadLetter(record, e);
            return;
        }
        if (poll.dueAt().isAfter(clock.instant())) {
            // A wait longer than a tier hops from tier to tier until it is due.
            Sends.await(List.of(scheduler.schedule(poll)), kafkaSettings.sendTimeout());
            count("rescheduled");
            return;
        }
        String requestIdentity = requestIdentities.get().toString();
        try (OperationLogContext context = OperationLogContext.open(poll.request(), requestIdentity)) {
            ask(poll, requestIdentity);
        } catch (IllegalArgumentException e) {
            // E.g. a sealed password this worker's key cannot open: keep the record for an operator.
            deadLetter(record, e);
        }
    }

    private void ask(PollScheduled poll, String requestIdentity) {
        ProvisioningRequested request = poll.request();
        OsbCall call = calls.lastOperation(request, poll.brokerOperation(), requestIdentity);
        PollOutcome outcome;
        String retryAfter = null;
        try {
            BrokerAnswer answer = broker.call(request.broker(), call);
            outcome = PollOutcome.of(request.operationType(), answer);
            retryAfter = answer.retryAfter();
        } catch (BrokerUnreachable e) {
            outcome = new PollOutcome.NoValidAnswer("unreachable", "no answer: " + e.getMessage());
        }
        if (outcome instanceof PollOutcome.NoValidAnswer) {
            log.warn("{} gave no valid answer, polling goes on: {}", call.describe(), outcome.summary());
        }

        long sequence = StatusChange.pollSequence(poll.attempt());
        List<CompletableFuture<?>> sends = new ArrayList<>();
        String tag = outcome.tag();
        if (outcome instanceof PollOutcome.Finished finished) {
            sends.add(status.publish(request, change(poll, finished.state(), finished.description(), sequence,
                    requestIdentity)));
        } else if (policy.expired(poll.startedAt(), request.maximumPollingDurationSeconds())) {
            String description = "The broker did not finish the " + request.operationType().wire() + " within "
                    + HumanDuration.of(policy.maximumDuration(request.maximumPollingDurationSeconds()))
                    + " (last answer: " + outcome.summary() + ")";
            sends.add(status.publish(request, change(poll, OperationState.FAILED, description, sequence, requestIdentity)));
            tag = "deadline";
        } else {
            if (outcome instanceof PollOutcome.StillRunning running && running.description() != null) {
                sends.add(status.publish(request, change(poll, OperationState.IN_PROGRESS, running.description(),
                        sequence, requestIdentity)));
            }
            sends.add(scheduler.next(poll, retryAfter));
        }
        Sends.await(sends, kafkaSettings.sendTimeout());
        count(tag);
    }

    private static StatusChange change(PollScheduled poll, OperationState state, String description, long sequence,
            String requestIdentity) {
        return new StatusChange(state, description, poll.dashboardUrl(), poll.brokerOperation(), sequence,
                requestIdentity);
    }

    /** An undecodable poll can never succeed: park it with the reason and move on. */
    private void deadLetter(ConsumerRecord<String, byte[]> record, Exception cause) {
        log.error("poll record {}-{}@{} cannot be handled, sending it to the dead-letter topic: {}", record.topic(),
                record.partition(), record.offset(), cause.getMessage());
        ProducerRecord<String, byte[]> dead = new ProducerRecord<>(record.topic() + Topics.DEAD_LETTER_SUFFIX,
                record.partition(), record.key(), record.value());
        dead.headers()
                .add("x-exception-message", bytes(String.valueOf(cause.getMessage())))
                .add("x-original-topic", bytes(record.topic()))
                .add("x-original-partition", bytes(Integer.toString(record.partition())))
                .add("x-original-offset", bytes(Long.toString(record.offset())));
        Sends.await(List.of(kafka.send(dead)), kafkaSettings.sendTimeout());
        count("dead_letter");
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private void count(String outcome) {
        Counter.builder("provisioner.polls")
                .description("Polls of last_operation, by what came of them")
                .tag("outcome", outcome)
                .register(meters)
                .increment();
    }
}
