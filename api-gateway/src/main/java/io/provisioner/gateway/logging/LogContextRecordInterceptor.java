package io.provisioner.gateway.logging;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.listener.RecordInterceptor;
import org.springframework.stereotype.Component;

/**
 * Every line the gateway writes while a record listener handles a record (an orphan-mitigation report,
 * say) names the operation the worker wrote it for ({@link RecordLogContext}). Boot applies this bean to
 * the listener containers; batch listeners open the context per record themselves.
 */
@Component
class LogContextRecordInterceptor implements RecordInterceptor<Object, Object> {

    @Override
    public ConsumerRecord<Object, Object> intercept(ConsumerRecord<Object, Object> record, Consumer<Object, Object> consumer) {
        RecordLogContext.open(record);
        return record;
    }

    @Override
    public void afterRecord(ConsumerRecord<Object, Object> record, Consumer<Object, Object> consumer) {
        RecordLogContext.clear();
    }
}
