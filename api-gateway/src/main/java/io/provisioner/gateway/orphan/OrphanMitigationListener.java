package io.provisioner.gateway.orphan;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

import io.provisioner.schemas.EventCodec;
import io.provisioner.schemas.OrphanMitigationChanged;
import io.provisioner.schemas.Topics;

/**
 * Keeps the gateway's table of orphan-mitigation jobs up to date from the worker's events. A record that
 * cannot be read is parked on {@code provisioning.orphan-mitigations.dlt} by the shared error handler.
 */
@Component
class OrphanMitigationListener {

    private static final Logger log = LoggerFactory.getLogger(OrphanMitigationListener.class);

    private final OrphanMitigationStore store;
    private final EventCodec codec;
    private final Clock clock;

    OrphanMitigationListener(OrphanMitigationStore store, EventCodec codec, Clock clock) {
        this.store = store;
        this.codec = codec;
        this.clock = clock;
    }

    @KafkaListener(id = "gateway-orphan-mitigations", topics = Topics.ORPHAN_MITIGATIONS,
            groupId = "${provisioner.orphan-mitigations.group-id:provisioner-gateway-orphan-mitigations}")
    void onChange(ConsumerRecord<String, byte[]> record) {
        OrphanMitigationChanged change = codec.readOrphanMitigationChanged(record.value()).data();
        boolean applied = store.apply(change, OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC));
        log.debug("orphan mitigation of instance {} is {} after {} attempt(s): {}", change.instanceGuid(),
                change.state().wire(), change.attempts(), applied ? "applied" : "ignored (older than what is known)");
    }
}
