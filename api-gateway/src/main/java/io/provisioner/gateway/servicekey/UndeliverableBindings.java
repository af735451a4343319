package io.provisioner.gateway.servicekey;

import java.nio.charset.StandardCharsets;
import java.time.Clock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import io.provisioner.gateway.outbox.OutboxRowQuarantined;
import io.provisioner.schemas.BindingStatusChanged;
import io.provisioner.schemas.BrokerText;
import io.provisioner.schemas.EventCodec;
import io.provisioner.schemas.EventTypes;
import io.provisioner.schemas.OperationState;
import io.provisioner.schemas.ProvisioningRequested;
import io.provisioner.schemas.Topics;

/**
 * A bind or unbind whose request Kafka refused for good can never reach a worker: its key operation fails
 * at once, through the same status path as a worker's report, in the relay's transaction.
 */
@Component
class UndeliverableBindings {

    private static final Logger log = LoggerFactory.getLogger(UndeliverableBindings.class);

    private final ServiceKeys keys;
    private final EventCodec codec;
    private final Clock clock;

    UndeliverableBindings(ServiceKeys keys, EventCodec codec, Clock clock) {
        this.keys = keys;
        this.codec = codec;
        this.clock = clock;
    }

    @EventListener
    void onQuarantined(OutboxRowQuarantined row) {
        byte[] payload = row.payload().getBytes(StandardCharsets.UTF_8);
        if (!Topics.REQUESTS.equals(row.topic()) || !EventTypes.BINDING_REQUESTED.equals(codec.typeOf(payload))) {
            return;
        }
        ProvisioningRequested request = codec.readBindingRequested(payload).data();
        String description = BrokerText.bounded("The " + (request.operationType().wire().equals("create") ? "bind"
                : "unbind") + " could not be passed on to the service broker: the platform's message queue refused "
                + "its request for good (" + row.reason() + "). Nothing was sent to the broker.");
        boolean failed = keys.applyStatus(new BindingStatusChanged(request.operationId(), request.operationType(),
                request.instanceGuid(), request.binding().bindingGuid(), OperationState.FAILED, description, null,
                Long.MAX_VALUE, null, clock.instant(), null, null));
        log.warn("operation {} on service key {} {} after its request was quarantined", request.operationId(),
                request.binding().bindingGuid(), failed ? "failed" : "was already over");
    }
}
