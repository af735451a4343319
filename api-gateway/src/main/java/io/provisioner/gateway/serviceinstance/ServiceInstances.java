package io.provisioner.gateway.serviceinstance;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

import io.provisioner.gateway.api.CfError;
import io.provisioner.gateway.catalog.CatalogStore;
import io.provisioner.gateway.catalog.PlanTarget;
import io.provisioner.gateway.catalog.SpaceTarget;
import io.provisioner.gateway.outbox.OutboxWriter;
import io.provisioner.schemas.BrokerEndpoint;
import io.provisioner.schemas.EventEnvelope;
import io.provisioner.schemas.EventTypes;
import io.provisioner.schemas.OperationState;
import io.provisioner.schemas.OperationStatusChanged;
import io.provisioner.schemas.OperationType;
import io.provisioner.schemas.ProvisioningRequested;
import io.provisioner.schemas.Topics;

/**
 * Service instance operations. Accepting one means: the instance row and the outbox event are written
 * in one transaction, and only then is the caller answered (durable before acknowledged).
 */
@Service
public class ServiceInstances {

    static final int MAX_NAME_LENGTH = 255;
    static final int MAX_TAGS_LENGTH = 2048;
    static final String SOURCE = "/provisioner/api-gateway";

    private final CatalogStore catalog;
    private final ServiceInstanceStore store;
    private final OutboxWriter outbox;
    private final TransactionTemplate transactions;
    private final JsonMapper json;
    private final Clock clock;
    private final MeterRegistry meters;

    ServiceInstances(CatalogStore catalog, ServiceInstanceStore store, OutboxWriter outbox,
            TransactionTemplate transactions, JsonMapper json, Clock clock, MeterRegistry meters) {
        this.catalog = catalog;
        this.store = store;
        this.outbox = outbox;
        this.transactions = transactions;
        this.json = json;
        this.clock = clock;
        this.meters = meters;
    }

    ServiceInstanceRecord create(NewServiceInstance request, String userId) {
        // Cloud Controller's order: plan, space, then the request's own validity.
        PlanTarget plan = catalog.planTarget(request.planGuid())
                .orElseThrow(() -> CfError.SERVICE_INSTANCE_INVALID.exception(
                        "The service instance is invalid: not a valid service plan"));
        SpaceTarget space = catalog.spaceTarget(request.spaceGuid())
                .orElseThrow(() -> CfError.SERVICE_INSTANCE_INVALID.exception(
                        "The service instance is invalid: not a valid space"));
        validate(request);

        OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
        String guid = UUID.randomUUID().toString();
        String operationId = UUID.randomUUID().toString();
        ServiceInstanceRecord record = new ServiceInstanceRecord(guid, request.name(), space.guid(), plan.planGuid(),
                plan.serviceGuid(), request.parameters() == null ? null : json.writeValueAsString(request.parameters()),
                json.writeValueAsString(request.tags()), null, null, operationId, OperationType.CREATE,
                OperationState.IN_PROGRESS, "", now, now, now, null);
        ProvisioningRequested event = new ProvisioningRequested(operationId, OperationType.CREATE, guid,
                request.name(), plan.serviceId(), plan.planId(), null, space.organizationGuid(),
                space.organizationName(), space.guid(), space.name(), request.parameters(), null,
                new BrokerEndpoint(plan.broker().guid(), plan.broker().name(), plan.broker().url(),
                        plan.broker().username(), plan.broker().sealedPassword()),
                plan.maximumPollingDuration(), userId, now.toInstant());
        try {
            transactions.executeWithoutResult(tx -> {
                store.insert(record, 0);
                outbox.append(Topics.REQUESTS,
                        EventEnvelope.of(EventTypes.PROVISIONING_REQUESTED, SOURCE, now.toInstant(), guid, event));
            });
        } catch (DuplicateKeyException e) {
            throw CfError.SERVICE_INSTANCE_NAME_TAKEN.exception("The service instance name is taken: " + request.name());
        }
        meters.counter("provisioner.operations.started", "type", "create").increment();
        return record;
    }

    private static void validate(NewServiceInstance request) {
        if (request.name().isBlank()) {
            throw CfError.SERVICE_INSTANCE_NAME_EMPTY.exception("The service instance name is missing");
        }
        if (request.name().length() > MAX_NAME_LENGTH) {
            throw CfError.SERVICE_INSTANCE_NAME_TOO_LONG.exception(
                    "The service instance name is too long (maximum " + MAX_NAME_LENGTH + " characters)");
        }
        if (String.join("", request.tags()).length() > MAX_TAGS_LENGTH) {
            throw CfError.SERVICE_INSTANCE_TAGS_TOO_LONG.exception(
                    "Combined length of tags for service instance exceeds " + MAX_TAGS_LENGTH + " characters");
        }
    }

    Optional<ServiceInstanceRecord> find(String guid) {
        return store.find(guid);
    }

    /** Applies a worker's status event; replays, stale operations and old steps change nothing. */
    public boolean applyStatus(OperationStatusChanged event) {
        OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
        boolean applied = Boolean.TRUE.equals(transactions.execute(tx -> store.apply(event, now)));
        if (applied && event.state().terminal()) {
            meters.counter("provisioner.operations.finished", "type", event.operationType().wire(),
                    "state", event.state().wire()).increment();
        }
        return applied;
    }
}
