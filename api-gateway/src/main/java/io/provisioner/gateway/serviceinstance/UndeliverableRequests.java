package io.provisioner.gateway.serviceinstance;

import java.nio.charset.StandardCharsets;
import java.time.Clock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import io.provisioner.gateway.outbox.OutboxRowQuarantined;
import io.provisioner.schemas.BrokerText;
import io.provisioner.schemas.EventCodec;
import io.provisioner.schemas.EventEnvelope;
import io.provisioner.schemas.EventTypes;
import io.provisioner.schemas.OperationState;
import io.provisioner.schemas.OperationStatusChanged;
import io.provisioner.schemas.ProvisioningRequested;
import io.provisioner.schemas.Topics;

/**
 * An operation whose request Kafka refused for good can never reach a worker: it fails at once, through
 * the same status path as a worker's report (so metrics and the record read as for any failure), in the
 * relay's transaction that quarantines the row.
 */
@Component
class UndeliverableRequests {

    private static final Logger log = LoggerFactory.getLogger(UndeliverableRequests.class);

    private final ServiceInstances instances;
    private final EventCodec codec;
    private final Clock clock;

    UndeliverableRequests(ServiceInstances instances, EventCodec codec, Clock clock) {
        this.instances = instances;
        this.codec = codec;
        this.clock = clock;
    }

    @EventListener
    void onQuarantined(OutboxRowQuarantined row) {
        if (!Topics.REQUESTS.equals(row.topic()) || EventTypes.BINDING_REQUESTED.equals(
                codec.typeOf(row.payload().getBytes(StandardCharsets.UTF_8)))) {
            return; // a service key's request: ServiceKeys fails its operation
        }
        ProvisioningRequested request;
        try {
            EventEnvelope<ProvisioningRequested> event = codec.readRequested(row.payload().getBytes(StandardCharsets.UTF_8));
            request = event.data();
        } catch (RuntimeException e) {
            log.error("quarantined outbox row {} is not a readable request; instance {} needs an operator", row.id(),
                    row.key());
            return;
        }
        String description = BrokerText.bounded("The " + request.operationType().wire() + " could not be passed on "
                + "to the service broker: the platform's message queue refused its request for good ("
                + row.reason() + "). Nothing was sent to the broker; try again with smaller parameters.");
        // The highest sequence: nothing can come after it, as no worker ever saw the request.
        boolean failed = instances.applyStatus(new OperationStatusChanged(request.operationId(),
                request.operationType(), request.instanceGuid(), OperationState.FAILED, description, null, null,
                Long.MAX_VALUE, null, clock.instant()));
        log.warn("operation {} on instance {} {} after its request was quarantined", request.operationId(),
                request.instanceGuid(), failed ? "failed" : "was already over");
    }
}
