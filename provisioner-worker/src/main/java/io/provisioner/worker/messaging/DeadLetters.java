package io.provisioner.worker.messaging;

import java.nio.charset.StandardCharsets;
import java.util.List;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.provisioner.schemas.Topics;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/**
 * Parks records that cannot be handled on {@code <topic>.dlt}, in the same partition, with the reason
 * and the source topic, partition and offset as plain-text headers. Every consumer of the worker uses
 * the same headers (the request listener's Spring error handler adds them beside its own
 * {@code kafka_dlt-*} ones), so an operator reads every dead-letter topic the same way.
 */
@Component
public class DeadLetters {

    public static final String EXCEPTION_MESSAGE = "x-exception-message";
    public static final String ORIGINAL_TOPIC = "x-original-topic";
    public static final String ORIGINAL_PARTITION = "x-original-partition";
    public static final String ORIGINAL_OFFSET = "x-original-offset";

    private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);

    private final KafkaTemplate<String, byte[]> kafka;
    private final KafkaSettings settings;
    private final MeterRegistry meters;

    DeadLetters(KafkaTemplate<String, byte[]> kafka, KafkaSettings settings, MeterRegistry meters) {
        this.kafka = kafka;
        this.settings = settings;
        this.meters = meters;
    }

    /** Parks the record and returns when Kafka has it; throws (so the record stays) when Kafka refuses. */
    public void park(ConsumerRecord<String, byte[]> record, Throwable cause) {
        log.error("record {}-{}@{} cannot be handled, sending it to the dead-letter topic: {}", record.topic(),
                record.partition(), record.offset(), cause.getMessage());
        ProducerRecord<String, byte[]> dead = new ProducerRecord<>(record.topic() + Topics.DEAD_LETTER_SUFFIX,
                record.partition(), record.key(), record.value(), headersFor(record, cause));
        Sends.await(List.of(kafka.send(dead)), settings.sendTimeout());
        counted(record.topic());
    }

    /** Counts a record parked by someone else (the request listener's error handler). */
    public void counted(String topic) {
        Counter.builder("provisioner.dead.letters")
                .description("Records parked on a dead-letter topic")
                .tag("topic", topic)
                .register(meters)
                .increment();
    }

    /** The record's own headers, then the reason and the source of the parked record, as text. */
    public static Headers headersFor(ConsumerRecord<?, ?> record, Throwable cause) {
        Headers headers = new RecordHeaders();
        record.headers().forEach(headers::add);
        reasonHeaders(record, cause).forEach(headers::add);
        return headers;
    }

    /** The reason and the source of a parked record, as text. */
    public static Headers reasonHeaders(ConsumerRecord<?, ?> record, Throwable cause) {
        Headers headers = new RecordHeaders();
        headers.add(EXCEPTION_MESSAGE, bytes(cause.getClass().getSimpleName() + ": " + cause.getMessage()));
        headers.add(ORIGINAL_TOPIC, bytes(record.topic()));
        headers.add(ORIGINAL_PARTITION, bytes(Integer.toString(record.partition())));
        headers.add(ORIGINAL_OFFSET, bytes(Long.toString(record.offset())));
        return headers;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
