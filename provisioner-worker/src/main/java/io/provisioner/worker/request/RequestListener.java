package io.provisioner.worker.request;

import io.provisioner.schemas.EventCodec;
import io.provisioner.schemas.EventTypes;
import io.provisioner.schemas.Topics;
import io.provisioner.worker.operation.OperationStarter;
import io.provisioner.worker.operation.OrphanMitigationRequests;
import io.provisioner.worker.progress.RequestPosition;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Takes operations off {@link Topics#REQUESTS}, and the requests for orphan mitigation that travel with them. A record that cannot be decoded throws and is parked on
 * the dead-letter topic by the container's error handler ({@link RequestListenerConfiguration}).
 */
@Component
class RequestListener {

    static final String ID = "provisioning-requests";

    private final EventCodec codec;
    private final OperationStarter starter;
    private final OrphanMitigationRequests orphanMitigations;

    RequestListener(EventCodec codec, OperationStarter starter, OrphanMitigationRequests orphanMitigations) {
        this.codec = codec;
        this.starter = starter;
        this.orphanMitigations = orphanMitigations;
    }

    @KafkaListener(id = ID, idIsGroup = false, topics = Topics.REQUESTS)
    void onRequest(ConsumerRecord<String, byte[]> record) {
        RequestPosition position = new RequestPosition(record.partition(), record.offset());
        if (EventTypes.ORPHAN_MITIGATION_REQUESTED.equals(codec.typeOf(record.value()))) {
            orphanMitigations.requested(codec.readOrphanMitigationRequested(record.value()).data(), position);
            return;
        }
        if (EventTypes.BINDING_REQUESTED.equals(codec.typeOf(record.value()))) {
            starter.start(codec.readBindingRequested(record.value()).data(), position);
            return;
        }
        starter.start(codec.readRequested(record.value()).data(), position);
    }
}
