package io.provisioner.gateway.status;

import java.time.Duration;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.common.TopicPartition;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.ExponentialBackOff;
import org.springframework.util.backoff.FixedBackOff;

import io.provisioner.schemas.Topics;

/**
 * A record that cannot be applied is retried a few times, then parked on {@code <topic>.dlt} with the
 * reason, source partition and offset in its headers, and the partition keeps flowing. Records that
 * cannot be decoded are not retried at all.
 *
 * <p>A record that failed because the database is away is not the record's fault: parking it would lose
 * the change it carries. It is tried again, with a growing pause of up to {@link #OUTAGE_MAX_PAUSE},
 * for as long as the outage lasts ({@link DatabaseOutage}); the partition waits, as nothing behind it
 * could be applied either.
 */
@Configuration(proxyBeanMethods = false)
class DeadLetterConfiguration {

    /** Tries of a record that fails for a reason of its own, after the first. */
    static final BackOff RECORD_FAULT = new FixedBackOff(500, 2);
    /** The longest pause between two tries while the database is away. */
    static final Duration OUTAGE_MAX_PAUSE = Duration.ofSeconds(5);

    @Bean
    DefaultErrorHandler kafkaErrorHandler(KafkaTemplate<String, byte[]> kafka, MeterRegistry meters) {
        DeadLetterPublishingRecoverer recoverer = new DeadLetterPublishingRecoverer(kafka, (record, e) -> {
            Counter.builder("provisioner.dead.letters").description("Records parked on a dead-letter topic")
                    .tag("topic", record.topic()).register(meters).increment();
            return new TopicPartition(record.topic() + Topics.DEAD_LETTER_SUFFIX, record.partition());
        });
        DefaultErrorHandler handler = new DefaultErrorHandler(recoverer, RECORD_FAULT);
        handler.setBackOffFunction((record, e) -> backOffFor(e));
        // The back-off changes with the kind of failure: a record that failed for its own reason after an
        // outage starts its count anew.
        handler.setResetStateOnExceptionChange(true);
        handler.addNotRetryableExceptions(IllegalArgumentException.class, tools.jackson.core.JacksonException.class);
        return handler;
    }

    /** How a record that failed with {@code failure} is tried again. */
    static BackOff backOffFor(Exception failure) {
        if (DatabaseOutage.causes(failure)) {
            ExponentialBackOff outage = new ExponentialBackOff(250, 2);
            outage.setMaxInterval(OUTAGE_MAX_PAUSE.toMillis());
            // No end: the change the record carries is applied once the database is back.
            return outage;
        }
        return RECORD_FAULT;
    }
}
