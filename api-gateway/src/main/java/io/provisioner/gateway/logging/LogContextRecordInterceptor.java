package io.provisioner.gateway.logging;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.slf4j.MDC;
import org.springframework.kafka.listener.RecordInterceptor;
import org.springframework.stereotype.Component;

import io.provisioner.schemas.LogContextHeaders;

/**
 * Every line the gateway writes while it handles a record (a status event, an orphan-mitigation report)
 * names the operation the worker wrote it for: the headers the worker put on the record become the log
 * context (MDC) for as long as the record is handled. A record without them is named by its key, the
 * instance guid. Boot applies this bean to the listener containers.
 */
@Component
class LogContextRecordInterceptor implements RecordInterceptor<Object, Object> {

    @Override
    public ConsumerRecord<Object, Object> intercept(ConsumerRecord<Object, Object> record, Consumer<Object, Object> consumer) {
        for (String name : LogContextHeaders.ALL) {
            Header header = record.headers().lastHeader(name);
            if (header != null && header.value() != null) {
                MDC.put(name, new String(header.value(), StandardCharsets.UTF_8));
            }
        }
        if (MDC.get(LogContextHeaders.INSTANCE_GUID) == null && record.key() instanceof String key) {
            MDC.put(LogContextHeaders.INSTANCE_GUID, key);
        }
        return record;
    }

    @Override
    public void afterRecord(ConsumerRecord<Object, Object> record, Consumer<Object, Object> consumer) {
        LogContextHeaders.ALL.forEach(MDC::remove);
    }
}
