package io.provisioner.worker.request;

import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import io.provisioner.schemas.Topics;
import io.provisioner.worker.messaging.DeadLetters;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.kafka.autoconfigure.ConcurrentKafkaListenerContainerFactoryConfigurer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.FixedBackOff;

import tools.jackson.core.JacksonException;

/**
 * The request listener's container: its concurrency (consumer threads, and handler threads within a
 * poll), its shutdown, and the error policy for records
 * whose handling throws. Broker failures never throw (they become statuses or durable retries); what
 * throws is a record that cannot be decoded (parked at once) or Kafka refusing a send (handled again a
 * few times, then parked).
 */
@Configuration(proxyBeanMethods = false)
class RequestListenerConfiguration {

    private static final Logger log = LoggerFactory.getLogger(RequestListenerConfiguration.class);

    /** Replaces Boot's default factory, keeping everything Boot configures from {@code spring.kafka.listener}. */
    @Bean
    @SuppressWarnings({"unchecked", "rawtypes"})
    ConcurrentKafkaListenerContainerFactory<String, byte[]> kafkaListenerContainerFactory(
            ConcurrentKafkaListenerContainerFactoryConfigurer configurer, ConsumerFactory<String, byte[]> consumerFactory,
            KafkaTemplate<String, byte[]> kafka, DeadLetters deadLetters, RequestSettings settings) {
        ConcurrentKafkaListenerContainerFactory<String, byte[]> factory = new ConcurrentKafkaListenerContainerFactory<>();
        configurer.configure((ConcurrentKafkaListenerContainerFactory) factory, (ConsumerFactory) consumerFactory);
        factory.setConcurrency(settings.concurrency());
        factory.setBatchListener(true);
        // The offsets of a poll are committed once every record of it is handled (KeyOrderedBatch).
        factory.getContainerProperties().setAckMode(ContainerProperties.AckMode.BATCH);
        factory.setCommonErrorHandler(errorHandler(kafka, deadLetters, settings));
        Properties consumer = new Properties();
        consumer.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(settings.maxPollRecords()));
        consumer.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, Long.toString(settings.maxPollInterval().toMillis()));
        factory.getContainerProperties().setKafkaConsumerProperties(consumer);
        // On stop: finish the batch in hand (up to the timeout) and commit it.
        factory.getContainerProperties().setStopImmediate(true);
        factory.getContainerProperties().setShutdownTimeout(settings.shutdownTimeout().toMillis());
        return factory;
    }

    /** The threads that handle the records of a poll side by side, shared by the consumer threads. */
    @Bean(destroyMethod = "shutdown")
    ExecutorService requestHandlers(RequestSettings settings) {
        AtomicInteger count = new AtomicInteger();
        return Executors.newFixedThreadPool(settings.parallelism(), runnable -> {
            Thread thread = new Thread(runnable, "request-handler-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    @Bean
    KeyOrderedBatch keyOrderedBatch(ExecutorService requestHandlers) {
        return new KeyOrderedBatch(requestHandlers);
    }

    static DefaultErrorHandler errorHandler(KafkaTemplate<String, byte[]> kafka, DeadLetters deadLetters,
            RequestSettings settings) {
        // The dead-letter topic has as many partitions as its source, so the record keeps its partition.
        DeadLetterPublishingRecoverer recoverer = new DeadLetterPublishingRecoverer(kafka,
                (record, exception) -> new TopicPartition(record.topic() + Topics.DEAD_LETTER_SUFFIX, record.partition()));
        recoverer.setHeadersFunction((record, exception) -> DeadLetters.reasonHeaders(record,
                exception.getCause() != null ? exception.getCause() : exception));
        DefaultErrorHandler handler = new DefaultErrorHandler((record, exception) -> {
            log.error("request record {}-{}@{} cannot be handled, sending it to the dead-letter topic: {}",
                    record.topic(), record.partition(), record.offset(), exception.getMessage());
            recoverer.accept(record, exception);
            deadLetters.counted(record.topic());
        }, new FixedBackOff(settings.redeliveryBackoff().toMillis(), settings.redeliveries()));
        handler.addNotRetryableExceptions(IllegalArgumentException.class, JacksonException.class);
        return handler;
    }
}
