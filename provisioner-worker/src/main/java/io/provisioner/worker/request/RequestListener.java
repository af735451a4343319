package io.provisioner.worker.request;

import java.util.List;

import io.provisioner.schemas.EventCodec;
import io.provisioner.schemas.EventTypes;
import io.provisioner.schemas.Topics;
import io.provisioner.worker.operation.OperationStarter;
import io.provisioner.worker.operation.OrphanMitigationRequests;
import io.provisioner.worker.progress.RequestPosition;
import io.provisioner.worker.tracing.RecordSpans;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Takes operations off {@link Topics#REQUESTS}, and the requests for orphan mitigation that travel with them,
 * a poll's worth at a time: records of different instances in parallel, those of one instance in order
 * ({@link KeyOrderedBatch}). A record that cannot be decoded throws and is parked on the dead-letter
 * topic by the container's error handler ({@link RequestListenerConfiguration}).
 */
@Component
class RequestListener {

    static final String ID = "provisioning-requests";

    private final EventCodec codec;
    private final OperationStarter starter;
    private final OrphanMitigationRequests orphanMitigations;
    private final KeyOrderedBatch batch;
    private final RecordSpans spans;

    RequestListener(EventCodec codec, OperationStarter starter, OrphanMitigationRequests orphanMitigations,
            KeyOrderedBatch batch, RecordSpans spans) {
        this.codec = codec;
        this.starter = starter;
        this.orphanMitigations = orphanMitigations;
        this.batch = batch;
        this.spans = spans;
    }

    @KafkaListener(id = ID, idIsGroup = false, topics = Topics.REQUESTS, batch = "true")
    void onRequests(List<ConsumerRecord<String, byte[]>> records) {
        // Each record continues the trace of the request that sent it.
        batch.handle(records, record -> spans.handle(record, () -> onRequest(record)));
    }

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
