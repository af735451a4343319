package io.provisioner.gateway.status;

import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import io.provisioner.gateway.logging.RecordLogContext;
import io.provisioner.gateway.serviceinstance.ServiceInstances;
import io.provisioner.gateway.servicekey.ServiceKeys;
import io.provisioner.schemas.BindingStatusChanged;
import io.provisioner.schemas.EventCodec;
import io.provisioner.schemas.EventEnvelope;
import io.provisioner.schemas.EventTypes;
import io.provisioner.schemas.OperationStatusChanged;
import io.provisioner.schemas.Topics;

/**
 * Applies the workers' status events to the record store, a poll's worth in one transaction: each
 * event is still applied on its own terms (forward only, per operation, in offset order), but the
 * batch pays for one commit instead of one per event. When the batch fails, its events are applied
 * again one transaction each, so the one that cannot be applied is named to the error handler, which
 * commits what came before it and retries or parks it ({@link DeadLetterConfiguration}).
 */
@Component
class StatusListener {

    private static final Logger log = LoggerFactory.getLogger(StatusListener.class);

    private final ServiceInstances instances;
    private final ServiceKeys keys;
    private final EventCodec codec;
    private final TransactionTemplate transactions;

    StatusListener(ServiceInstances instances, ServiceKeys keys, EventCodec codec, TransactionTemplate transactions) {
        this.instances = instances;
        this.keys = keys;
        this.codec = codec;
        this.transactions = transactions;
    }

    @KafkaListener(id = "gateway-status", topics = Topics.STATUS, groupId = "${provisioner.status.group-id:provisioner-gateway}",
            batch = "true")
    void onStatuses(List<ConsumerRecord<String, byte[]>> records) {
        try {
            transactions.executeWithoutResult(tx -> records.forEach(this::onStatus));
        } catch (RuntimeException batchFailed) {
            log.debug("a batch of {} status events failed ({}); applying them one by one", records.size(),
                    batchFailed.getMessage());
            for (ConsumerRecord<String, byte[]> record : records) {
                try {
                    onStatus(record);
                } catch (RuntimeException e) {
                    throw new BatchListenerFailedException(e.getMessage(), e, record);
                }
            }
        }
    }

    void onStatus(ConsumerRecord<String, byte[]> record) {
        try (RecordLogContext context = RecordLogContext.open(record)) {
            apply(record);
        }
    }

    private void apply(ConsumerRecord<String, byte[]> record) {
        if (EventTypes.BINDING_STATUS_CHANGED.equals(codec.typeOf(record.value()))) {
            BindingStatusChanged binding = codec.readBindingStatus(record.value()).data();
            boolean applied = keys.applyStatus(binding);
            log.debug("status {} of operation {} on service key {} (sequence {}): {}", binding.state().wire(),
                    binding.operationId(), binding.bindingGuid(), binding.sequence(), applied ? "applied" : "ignored");
            return;
        }
        EventEnvelope<OperationStatusChanged> event = codec.readStatus(record.value());
        OperationStatusChanged status = event.data();
        boolean applied = instances.applyStatus(status);
        log.debug("status {} of operation {} on instance {} (sequence {}): {}", status.state().wire(),
                status.operationId(), status.instanceGuid(), status.sequence(), applied ? "applied" : "ignored");
    }
}
