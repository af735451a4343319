package io.provisioner.worker.status;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.provisioner.schemas.BindingStatusChanged;
import io.provisioner.schemas.EventCodec;
import io.provisioner.schemas.EventEnvelope;
import io.provisioner.schemas.EventTypes;
import io.provisioner.schemas.OperationState;
import io.provisioner.schemas.OperationStatusChanged;
import io.provisioner.schemas.ProvisioningRequested;
import io.provisioner.schemas.SecretSealer;
import io.provisioner.schemas.Topics;
import io.provisioner.worker.broker.BrokerNames;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/**
 * Reports an operation's state changes on {@link Topics#STATUS}, keyed by instance guid. The caller
 * waits for the returned send before it commits what caused the change.
 */
@Component
public class StatusPublisher {

    static final String SOURCE = "/provisioner/worker";

    private static final Logger log = LoggerFactory.getLogger(StatusPublisher.class);

    private final KafkaTemplate<String, byte[]> kafka;
    private final EventCodec codec;
    private final SecretSealer sealer;
    private final MeterRegistry meters;
    private final Clock clock;

    StatusPublisher(KafkaTemplate<String, byte[]> kafka, EventCodec codec, SecretSealer sealer, MeterRegistry meters,
            Clock clock) {
        this.kafka = kafka;
        this.codec = codec;
        this.sealer = sealer;
        this.meters = meters;
        this.clock = clock;
    }

    /**
     * @param change what changed; {@code sequence} orders the events of one operation for the gateway
     */
    public CompletableFuture<?> publish(ProvisioningRequested request, StatusChange change) {
        Instant now = clock.instant();
        EventEnvelope<?> envelope = request.aboutBinding() ? bindingEvent(request, change, now)
                : EventEnvelope.of(EventTypes.OPERATION_STATUS_CHANGED, SOURCE, now, request.instanceGuid(),
                        new OperationStatusChanged(request.operationId(), request.operationType(),
                                request.instanceGuid(), change.state(), change.description(), change.dashboardUrl(),
                                change.brokerOperation(), change.sequence(), change.requestIdentity(), now,
                                change.deadline()));
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(Topics.STATUS, request.instanceGuid(),
                codec.write(envelope));
        log.info("{}{} is {} (status {}){}", request.aboutBinding() ? "binding " : "", request.operationType().wire(), change.state().wire(), change.sequence(),
                change.description() == null ? "" : ": " + change.description());
        return kafka.send(record).thenRun(() -> {
            if (change.state().terminal()) {
                finished(request, change.state());
            }
        });
    }

    /** A binding's change; its credentials leave the worker sealed with the platform key, never in clear. */
    private EventEnvelope<BindingStatusChanged> bindingEvent(ProvisioningRequested request, StatusChange change,
            Instant now) {
        String sealed = change.credentials() == null ? null : sealer.seal(change.credentials());
        return EventEnvelope.of(EventTypes.BINDING_STATUS_CHANGED, SOURCE, now, request.instanceGuid(),
                new BindingStatusChanged(request.operationId(), request.operationType(), request.instanceGuid(),
                        request.binding().bindingGuid(), change.state(), change.description(), change.brokerOperation(),
                        change.sequence(), change.requestIdentity(), now, change.deadline(), sealed));
    }

    private void finished(ProvisioningRequested request, OperationState state) {
        Counter.builder("provisioner.operations.finished")
                .description("Operations that reached a final state")
                .tag("type", request.operationType().wire())
                .tag("state", state.wire())
                .tag("broker", BrokerNames.label(request.broker()))
                .tag("plan_id", request.planId())
                .register(meters)
                .increment();
    }
}
