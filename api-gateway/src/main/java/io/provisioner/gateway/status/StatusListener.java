package io.provisioner.gateway.status;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

import io.provisioner.gateway.serviceinstance.ServiceInstances;
import io.provisioner.gateway.servicekey.ServiceKeys;
import io.provisioner.schemas.BindingStatusChanged;
import io.provisioner.schemas.EventCodec;
import io.provisioner.schemas.EventEnvelope;
import io.provisioner.schemas.EventTypes;
import io.provisioner.schemas.OperationStatusChanged;
import io.provisioner.schemas.Topics;

/** Applies the workers' status events to the record store. */
@Component
class StatusListener {

    private static final Logger log = LoggerFactory.getLogger(StatusListener.class);

    private final ServiceInstances instances;
    private final ServiceKeys keys;
    private final EventCodec codec;

    StatusListener(ServiceInstances instances, ServiceKeys keys, EventCodec codec) {
        this.instances = instances;
        this.keys = keys;
        this.codec = codec;
    }

    @KafkaListener(id = "gateway-status", topics = Topics.STATUS, groupId = "${provisioner.status.group-id:provisioner-gateway}")
    void onStatus(ConsumerRecord<String, byte[]> record) {
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
