package io.provisioner.worker.polling;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.provisioner.worker.messaging.DeadLetters;
import io.provisioner.worker.messaging.KafkaSettings;
import io.provisioner.worker.messaging.Sends;
import io.provisioner.worker.tracing.RecordSpans;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.stereotype.Component;

import tools.jackson.core.JacksonException;

/**
 * Runs one record of a delay tier that is ready: a step due now goes to the {@link DueWorkHandler}; a step
 * due later hops to the tier that fits the remaining wait; a record that can never be handled is parked.
 *
 * <p>One step runs once at a time. Copies of a step can exist (a hop sent again after a crash or a lost
 * commit keeps the step's id), and copies are due at the same moment, so they tend to run side by side,
 * where the progress table cannot tell them apart yet: a copy that finds its step running is dropped.
 * The running one either finishes the step or fails and is tried again, so nothing is lost.
 */
@Component
class DueRecordRunner {

    private final PollScheduler scheduler;
    private final DueWorkHandler handler;
    private final DeadLetters deadLetters;
    private final KafkaSettings kafkaSettings;
    private final MeterRegistry meters;
    private final Clock clock;
    private final RecordSpans spans;
    private final Set<String> running = ConcurrentHashMap.newKeySet();

    DueRecordRunner(PollScheduler scheduler, DueWorkHandler handler, DeadLetters deadLetters, KafkaSettings kafkaSettings,
            MeterRegistry meters, Clock clock, RecordSpans spans) {
        this.spans = spans;
        this.scheduler = scheduler;
        this.handler = handler;
        this.deadLetters = deadLetters;
        this.kafkaSettings = kafkaSettings;
        this.meters = meters;
        this.clock = clock;
    }

    /** Returns when the record is done with; throws when it should be handled again. */
    void run(ConsumerRecord<String, byte[]> record) {
        // A step continues the trace of the operation that scheduled it.
        spans.handle(record, () -> runInSpan(record));
    }

    private void runInSpan(ConsumerRecord<String, byte[]> record) {
        DueWork work;
        try {
            work = scheduler.read(record);
        } catch (IllegalArgumentException | JacksonException e) {
            park(record, e);
            return;
        }
        if (work.poll().dueAt().isAfter(clock.instant())) {
            // A wait longer than a tier hops from tier to tier until it is due.
            Sends.await(List.of(scheduler.schedule(work)), kafkaSettings.sendTimeout());
            count("rescheduled");
            return;
        }
        String step = work.id() != null ? work.id() : record.topic() + "-" + record.partition() + "@" + record.offset();
        if (!running.add(step)) {
            count("duplicate");
            return;
        }
        try {
            handler.handle(work);
        } catch (IllegalArgumentException e) {
            // E.g. a sealed password this worker's key cannot open: no retry can help; keep it for an operator.
            park(record, e);
        } finally {
            running.remove(step);
        }
    }

    /** When the step a record holds is due, or null when the record cannot be read (it will be parked). */
    Instant dueAt(ConsumerRecord<String, byte[]> record) {
        try {
            return scheduler.read(record).poll().dueAt();
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Parks a record whose handling failed too often, or that can never be handled. */
    void park(ConsumerRecord<String, byte[]> record, Exception cause) {
        deadLetters.park(record, cause);
        count("dead_letter");
    }

    private void count(String outcome) {
        Counter.builder("provisioner.polls")
                .description("Scheduled steps (polls, retries, orphan mitigation), by what came of them")
                .tag("outcome", outcome)
                .register(meters)
                .increment();
    }
}
