package io.provisioner.gateway.status;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.common.TopicPartition;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.FixedBackOff;

import io.provisioner.schemas.Topics;

/**
 * A record that cannot be applied is retried a few times, then parked on {@code <topic>.dlt} with the
 * reason, source partition and offset in its headers, and the partition keeps flowing. Records that
 * cannot be decoded are not retried at all.
 */
@Configuration(proxyBeanMethods = false)
class DeadLetterConfiguration {

    @Bean
    DefaultErrorHandler kafkaErrorHandler(KafkaTemplate<String, byte[]> kafka, MeterRegistry meters) {
        DeadLetterPublishingRecoverer recoverer = new DeadLetterPublishingRecoverer(kafka, (record, e) -> {
            Counter.builder("provisioner.dead.letters").description("Records parked on a dead-letter topic")
                    .tag("topic", record.topic()).register(meters).increment();
            return new TopicPartition(record.topic() + Topics.DEAD_LETTER_SUFFIX, record.partition());
        });
        DefaultErrorHandler handler = new DefaultErrorHandler(recoverer, new FixedBackOff(500, 2));
        handler.addNotRetryableExceptions(IllegalArgumentException.class, tools.jackson.core.JacksonException.class);
        return handler;
    }
}
