package io.provisioner.gateway.command;

import java.time.Clock;
import java.time.Instant;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;
import org.springframework.boot.kafka.autoconfigure.ConcurrentKafkaListenerContainerFactoryConfigurer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.ExponentialBackOff;
import tools.jackson.databind.json.JsonMapper;

import io.provisioner.schemas.Topics;

/**
 * Reads {@code service-instance.commands}. A record that is not a command goes to
 * {@code service-instance.commands.dlt} at once, with the reason in its headers, and the partition flows on.
 * Any other failure (the database away) is retried, with a growing pause, until it passes: a good command
 * is never dropped, and the commands behind it wait their turn (per-instance order).
 */
@Configuration(proxyBeanMethods = false)
class CommandListener {

    private final InstanceCommands commands;
    private final JsonMapper json;
    private final Clock clock;

    CommandListener(InstanceCommands commands, JsonMapper json, Clock clock) {
        this.commands = commands;
        this.json = json;
        this.clock = clock;
    }

    @KafkaListener(id = "gateway-commands", topics = Topics.COMMANDS, containerFactory = "commandContainerFactory",
            groupId = "${provisioner.commands.group-id:provisioner-gateway-commands}")
    void onCommand(ConsumerRecord<String, byte[]> record) {
        commands.handle(Command.read(record, json), appendedAt(record));
    }

    /**
     * The broker's append time. A topic left at CreateTime (misconfigured) carries the producer's clock,
     * which a producer could set to any moment: then the token is judged now, as REST would.
     */
    private Instant appendedAt(ConsumerRecord<String, byte[]> record) {
        return record.timestampType() == TimestampType.LOG_APPEND_TIME ? Instant.ofEpochMilli(record.timestamp())
                : clock.instant();
    }

    @Bean
    static ConcurrentKafkaListenerContainerFactory<Object, Object> commandContainerFactory(
            ConcurrentKafkaListenerContainerFactoryConfigurer configurer, ConsumerFactory<Object, Object> consumers,
            KafkaTemplate<String, byte[]> kafka) {
        ConcurrentKafkaListenerContainerFactory<Object, Object> factory = new ConcurrentKafkaListenerContainerFactory<>();
        configurer.configure(factory, consumers);
        DeadLetterPublishingRecoverer recoverer = new DeadLetterPublishingRecoverer(kafka,
                (record, e) -> new TopicPartition(record.topic() + Topics.DEAD_LETTER_SUFFIX, record.partition()));
        ExponentialBackOff backOff = new ExponentialBackOff(500, 2);
        backOff.setMaxInterval(30_000);
        DefaultErrorHandler handler = new DefaultErrorHandler(recoverer, backOff);
        handler.addNotRetryableExceptions(Command.NotACommand.class, tools.jackson.core.JacksonException.class);
        factory.setCommonErrorHandler(handler);
        return factory;
    }
}
