package io.provisioner.worker.operation;

import java.time.Clock;
import java.util.concurrent.CompletableFuture;

import io.provisioner.schemas.EventCodec;
import io.provisioner.schemas.EventEnvelope;
import io.provisioner.schemas.EventTypes;
import io.provisioner.schemas.OrphanMitigationChanged;
import io.provisioner.schemas.Topics;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/**
 * Reports how orphan-mitigation jobs move on {@link Topics#ORPHAN_MITIGATIONS}, keyed by instance guid, so
 * the gateway can show operators what is pending and what was abandoned.
 */
@Component
class OrphanMitigationEvents {

    static final String SOURCE = "/provisioner/worker";

    private final KafkaTemplate<String, byte[]> kafka;
    private final EventCodec codec;
    private final Clock clock;

    OrphanMitigationEvents(KafkaTemplate<String, byte[]> kafka, EventCodec codec, Clock clock) {
        this.kafka = kafka;
        this.codec = codec;
        this.clock = clock;
    }

    CompletableFuture<?> publish(OrphanMitigationChanged change) {
        EventEnvelope<OrphanMitigationChanged> envelope = EventEnvelope.of(EventTypes.ORPHAN_MITIGATION_CHANGED, SOURCE,
                clock.instant(), change.instanceGuid(), change);
        return kafka.send(new ProducerRecord<>(Topics.ORPHAN_MITIGATIONS, change.instanceGuid(), codec.write(envelope)));
    }
}
