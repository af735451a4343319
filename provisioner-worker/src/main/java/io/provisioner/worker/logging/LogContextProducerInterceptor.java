package io.provisioner.worker.logging;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.apache.kafka.clients.producer.ProducerInterceptor;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.MDC;

import io.provisioner.schemas.LogContextHeaders;

/**
 * Copies the operation's log context (instance guid, operation id, request identity; see
 * {@code OperationLogContext}) from the sending thread onto every record the worker produces, so the
 * gateway's lines about a status event name the same operation and request as the worker's. Configured
 * on every producer through {@code spring.kafka.producer.properties.interceptor.classes}.
 */
public class LogContextProducerInterceptor implements ProducerInterceptor<Object, Object> {

    @Override
    public ProducerRecord<Object, Object> onSend(ProducerRecord<Object, Object> record) {
        for (String name : LogContextHeaders.ALL) {
            String value = MDC.get(name);
            if (value != null && record.headers().lastHeader(name) == null) {
                record.headers().add(name, value.getBytes(StandardCharsets.UTF_8));
            }
        }
        return record;
    }

    @Override
    public void onAcknowledgement(RecordMetadata metadata, Exception exception) {
    }

    @Override
    public void close() {
    }

    @Override
    public void configure(Map<String, ?> configs) {
    }
}
