package io.provisioner.gateway.logging;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.slf4j.MDC;

import io.provisioner.schemas.LogContextHeaders;

/**
 * The log context (MDC) of a record while it is handled: the operation the worker named in the record's
 * headers, or at least the instance guid its key holds. Batch listeners open one per record; record
 * listeners get it from {@link LogContextRecordInterceptor}.
 */
public final class RecordLogContext implements AutoCloseable {

    private RecordLogContext() {
    }

    /** Puts the record's operation into the log context until {@link #close()}. */
    public static RecordLogContext open(ConsumerRecord<?, ?> record) {
        for (String name : LogContextHeaders.ALL) {
            Header header = record.headers().lastHeader(name);
            if (header != null && header.value() != null) {
                MDC.put(name, new String(header.value(), StandardCharsets.UTF_8));
            }
        }
        if (MDC.get(LogContextHeaders.INSTANCE_GUID) == null && record.key() instanceof String key) {
            MDC.put(LogContextHeaders.INSTANCE_GUID, key);
        }
        return new RecordLogContext();
    }

    @Override
    public void close() {
        clear();
    }

    /** Takes the operation out of the log context. */
    static void clear() {
        LogContextHeaders.ALL.forEach(MDC::remove);
    }
}
