package io.provisioner.gateway.servicekey;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

import io.provisioner.gateway.api.CfError;
import io.provisioner.gateway.api.CfException;
import io.provisioner.gateway.catalog.CatalogStore;
import io.provisioner.gateway.catalog.PlanTarget;
import io.provisioner.gateway.catalog.SpaceTarget;
import io.provisioner.gateway.outbox.OutboxWriter;
import io.provisioner.gateway.security.Caller;
import io.provisioner.gateway.security.Permissions;
import io.provisioner.schemas.BindingStatusChanged;
import io.provisioner.schemas.BrokerEndpoint;
import io.provisioner.schemas.EventCodec;
import io.provisioner.schemas.EventEnvelope;
import io.provisioner.schemas.EventTypes;
import io.provisioner.schemas.OperationState;
import io.provisioner.schemas.OperationType;
import io.provisioner.schemas.ProvisioningRequested;
import io.provisioner.schemas.SecretSealer;
import io.provisioner.schemas.ServiceBindingTarget;
import io.provisioner.schemas.Topics;

/**
 * Service keys on the rails of instances: accepting a create or delete writes the key row and the
 * worker's request (a bind or unbind) to the outbox in one transaction; the worker's status events finish
 * the row, forward only. A key operation needs its instance created and idle; the instance row is locked
 * first, so no instance operation starts meanwhile.
 *
 * <p>It also serves the instance's delete: keys block it (Cloud Controller's {@code AssociationNotEmpty})
 * unless it is recursive, when the keys are unbound first and the deprovision waits until the last is gone.
 */
@Service
public class ServiceKeys {

    static final int MAX_NAME_LENGTH = 255;
    private static final String SOURCE = OutboxWriter.SOURCE;
    private static final Logger log = LoggerFactory.getLogger(ServiceKeys.class);

    private final ServiceKeyStore store;
    private final CatalogStore catalog;
    private final OutboxWriter outbox;
    private final TransactionTemplate transactions;
    private final Permissions permissions;
    private final SecretSealer sealer;
    private final EventCodec codec;
    private final KeyEvents events;
    private final MeterRegistry meters;
    private final Clock clock;
    private final Duration defaultDeadline;

    ServiceKeys(ServiceKeyStore store, CatalogStore catalog, OutboxWriter outbox, TransactionTemplate transactions,
            Permissions permissions, SecretSealer sealer, EventCodec codec, KeyEvents events, MeterRegistry meters,
            Clock clock,
            @Value("${provisioner.operations.default-deadline:24h}") Duration defaultDeadline) {
        this.store = store;
        this.catalog = catalog;
        this.outbox = outbox;
        this.transactions = transactions;
        this.permissions = permissions;
        this.sealer = sealer;
        this.codec = codec;
        this.events = events;
        this.meters = meters;
        this.clock = clock;
        this.defaultDeadline = defaultDeadline;
    }

    /**
     * Starts the bind of a new key: the one use case behind {@code POST /v2/service_keys} and the key
     * {@code create} command. Its {@code started} event is written in the same transaction.
     *
     * @param guid the key's guid (a command may choose it)
     * @param commandId the command's id, or null for a REST request
     */
    public ServiceKeyRecord create(NewServiceKey request, String guid, Caller caller, String commandId) {
        try {
            ServiceKeyRecord created = transactions.execute(tx -> {
                InstanceOfKey instance = store.lockInstance(request.instanceGuid())
                        .orElseThrow(() -> instanceNotFound(request.instanceGuid()));
                requireDeveloper(caller, instance.spaceGuid());
                validateName(request.name());
                if (!instance.bindable()) {
                    throw CfError.UNBINDABLE_SERVICE.exception("The service instance doesn't support binding.");
                }
                requireIdle(instance);
                if (!instance.created()) {
                    throw CfError.SERVICE_KEY_INVALID.exception("The service key is invalid: the service instance "
                            + instance.name() + " was never created (its create failed); delete it and create it again.");
                }
                if (store.find(guid).isPresent()) {
                    throw CfError.SERVICE_KEY_INVALID.exception("The service key is invalid: a service key with guid "
                            + guid + " exists already");
                }
                PlanTarget plan = catalog.planTarget(instance.planGuid()).orElseThrow();
                OffsetDateTime now = now();
                ServiceKeyRecord key = new ServiceKeyRecord(guid, request.name(),
                        instance.guid(), instance.spaceGuid(), null, UUID.randomUUID().toString(), OperationType.CREATE,
                        OperationState.IN_PROGRESS, "", now, now, now, now);
                store.insert(key, deadline(plan, now));
                publish(key, OperationType.CREATE, instance, plan,
                        request.parameters() == null ? null : sealer.seal(request.parameters()), caller.userId(), now);
                events.started(key, commandId, UUID.randomUUID().toString(), caller.userId(), now);
                return key;
            });
            meters.counter("provisioner.operations.started", "type", "bind").increment();
            return created;
        } catch (DuplicateKeyException e) {
            throw CfError.SERVICE_KEY_NAME_TAKEN.exception("The service key name is taken: " + request.name());
        }
    }

    /**
     * Starts the unbind; allowed while the key's create is under way (it replaces it, as for instances). The
     * use case behind {@code DELETE /v2/service_keys/:guid} and the key {@code delete} command.
     */
    public ServiceKeyRecord delete(String guid, Caller caller, String commandId) {
        ServiceKeyRecord deleting = transactions.execute(tx -> {
            ServiceKeyRecord seen = store.find(guid).orElseThrow(() -> keyNotFound(guid));
            // The instance first, as everywhere: a key's create locks its instance before it writes the key.
            InstanceOfKey instance = store.lockInstance(seen.instanceGuid()).orElseThrow(() -> keyNotFound(guid));
            ServiceKeyRecord key = store.lock(guid).orElseThrow(() -> keyNotFound(guid));
            requireDeveloper(caller, key.spaceGuid());
            if (key.operationType() == OperationType.DELETE && key.operationState() == OperationState.IN_PROGRESS) {
                throw CfError.BINDING_OPERATION_IN_PROGRESS.exception("An operation for the service key " + key.name()
                        + " of service instance " + instance.name() + " is in progress.");
            }
            requireIdle(instance);
            unbind(key, instance, caller.userId(), commandId, UUID.randomUUID().toString(), now());
            return store.find(guid).orElseThrow();
        });
        meters.counter("provisioner.operations.started", "type", "unbind").increment();
        return deleting;
    }

    /** The key, if it exists (404) and the caller may see it (403). */
    ServiceKeyRecord get(String guid, Caller caller) {
        ServiceKeyRecord key = store.find(guid).orElseThrow(() -> keyNotFound(guid));
        permissions.requireSpaceReader(caller, key.spaceGuid());
        return key;
    }

    /** The instance's space, if it exists (404) and the caller may see it (403). */
    String readableInstanceSpace(String instanceGuid, Caller caller) {
        String space = store.instanceSpace(instanceGuid).orElseThrow(() -> instanceNotFound(instanceGuid));
        permissions.requireSpaceReader(caller, space);
        return space;
    }

    /**
     * Called inside the instance's delete transaction, with its row locked: true when the deprovision must
     * wait for the keys to be unbound ({@link #holdDelete}).
     *
     * @throws io.provisioner.gateway.api.CfException 10006 {@code CF-AssociationNotEmpty} when the instance has
     *         keys and the delete is not recursive
     */
    public boolean unbindBeforeDelete(String instanceGuid, boolean recursive, String userId, String commandId,
            String requestIdentity) {
        List<ServiceKeyRecord> keys = store.ofInstance(instanceGuid);
        if (keys.isEmpty()) {
            return false;
        }
        if (!recursive) {
            throw CfError.ASSOCIATION_NOT_EMPTY.exception("Please delete the service_bindings, service_keys, and routes "
                    + "associations for your service_instances.");
        }
        InstanceOfKey instance = store.lockInstance(instanceGuid).orElseThrow();
        OffsetDateTime now = now();
        for (ServiceKeyRecord key : keys) {
            boolean unbinding = key.operationType() == OperationType.DELETE
                    && key.operationState() == OperationState.IN_PROGRESS;
            if (!unbinding) {
                unbind(store.lock(key.guid()).orElseThrow(), instance, userId, commandId, requestIdentity, now);
            }
        }
        log.info("instance {} is deleted recursively: its deprovision waits for {} service keys to be unbound",
                instanceGuid, keys.size());
        return true;
    }

    /** Keeps the instance's deprovision request until its last key is unbound (same transaction as the delete). */
    public void holdDelete(String instanceGuid, String operationId, EventEnvelope<ProvisioningRequested> request) {
        store.hold(instanceGuid, operationId, codec.writeString(request), now());
    }

    /** Applies a worker's status event of a key; replays, stale operations and old steps change nothing. */
    public boolean applyStatus(BindingStatusChanged event) {
        boolean applied = Boolean.TRUE.equals(transactions.execute(tx -> {
            OffsetDateTime now = now();
            ServiceKeyRecord before = store.lock(event.bindingGuid()).orElse(null);
            long version = events.version(event.bindingGuid());
            if (before == null || !store.apply(event, now)) {
                return false;
            }
            announce(event, before, version, now);
            if (event.operationType() == OperationType.DELETE && event.state().terminal()) {
                afterUnbind(event, before.name());
            }
            return true;
        }));
        if (applied && event.state().terminal()) {
            meters.counter("provisioner.operations.finished", "type",
                    event.operationType() == OperationType.CREATE ? "bind" : "unbind", "state", event.state().wire())
                    .increment();
        }
        return applied;
    }

    /**
     * Refuses a key command: a {@code rejected} event keyed by the key's instance when the key exists, else by
     * the instance the command named, else by the key's guid.
     */
    public void reject(String keyGuid, String namedInstance, String commandId, Caller caller, CfException refusal) {
        ServiceKeyRecord current = store.find(keyGuid).orElse(null);
        String instance = current != null ? current.instanceGuid() : namedInstance != null ? namedInstance : keyGuid;
        events.rejected(instance, keyGuid, current, commandId, caller == null ? null : caller.userId(),
                refusal.error(), refusal.getMessage(), now());
    }

    /** The public event of an applied status, when it ends the key's operation. */
    private void announce(BindingStatusChanged event, ServiceKeyRecord before, long version, OffsetDateTime now) {
        if (!event.state().terminal()) {
            return;
        }
        if (event.operationType() == OperationType.DELETE && event.state() == OperationState.SUCCEEDED) {
            events.deleted(before, version, event.requestIdentity(), now);
        } else {
            events.ended(store.find(event.bindingGuid()).orElseThrow(), event.requestIdentity(), now);
        }
    }

    /** A recursive delete goes on once the last key is gone, or fails with the first unbind that failed. */
    private void afterUnbind(BindingStatusChanged event, String keyName) {
        String instance = event.instanceGuid();
        if (!store.holds(instance)) {
            return;
        }
        if (event.state() == OperationState.FAILED) {
            store.release(instance).ifPresent(held -> store.failInstanceDelete(instance, held.operationId(),
                    "The service instance could not be deleted: its service key " + keyName
                            + " could not be deleted: " + event.description(), now()));
            return;
        }
        if (!store.ofInstance(instance).isEmpty()) {
            return;
        }
        store.release(instance).ifPresent(held -> {
            if (store.instanceOperationInProgress(instance, held.operationId())) {
                outbox.append(Topics.REQUESTS, codec.readRequested(held.payload().getBytes(StandardCharsets.UTF_8)));
                log.info("the service keys of instance {} are unbound: its deprovision goes to the broker", instance);
            }
        });
    }

    /**
     * Fails key operations still in progress past their deadline and grace period (their events were lost),
     * so none stays {@code in progress} for ever. Returns how many.
     */
    public int failLostOperations(Duration grace, int limit) {
        int failed = 0;
        for (ServiceKeyRecord key : store.overdue(now().minus(grace), limit)) {
            String description = "The " + (key.operationType() == OperationType.CREATE ? "bind" : "unbind")
                    + " did not finish: no word came from the broker within the operation's deadline and a grace "
                    + "period of " + grace.toMinutes() + " minutes, so the platform gave up on it.";
            applyStatus(new BindingStatusChanged(key.operationId(), key.operationType(), key.instanceGuid(), key.guid(),
                    OperationState.FAILED, description, null, Long.MAX_VALUE, null, clock.instant(), null, null));
            failed++;
        }
        return failed;
    }

    private void unbind(ServiceKeyRecord key, InstanceOfKey instance, String userId, String commandId,
            String requestIdentity, OffsetDateTime now) {
        PlanTarget plan = catalog.planTarget(instance.planGuid()).orElseThrow();
        String operationId = UUID.randomUUID().toString();
        store.startDelete(key.guid(), operationId, now, deadline(plan, now));
        ServiceKeyRecord unbinding = new ServiceKeyRecord(key.guid(), key.name(), key.instanceGuid(), key.spaceGuid(),
                null, operationId, OperationType.DELETE, OperationState.IN_PROGRESS, "", now, now, key.createdAt(), now);
        publish(unbinding, OperationType.DELETE, instance, plan, null, userId, now);
        events.started(unbinding, commandId, requestIdentity, userId, now);
    }

    private void publish(ServiceKeyRecord key, OperationType type, InstanceOfKey instance, PlanTarget plan,
            String sealedParameters, String userId, OffsetDateTime now) {
        SpaceTarget space = catalog.spaceTarget(instance.spaceGuid()).orElseThrow();
        ProvisioningRequested event = new ProvisioningRequested(key.operationId(), type, instance.guid(), instance.name(),
                plan.serviceId(), plan.planId(), null, space.organizationGuid(), space.organizationName(), space.guid(),
                space.name(), sealedParameters, null,
                new BrokerEndpoint(plan.broker().guid(), plan.broker().name(), plan.broker().url(),
                        plan.broker().username(), plan.broker().sealedPassword()),
                plan.maximumPollingDuration(), userId, now.toInstant(), new ServiceBindingTarget(key.guid(), key.name()));
        outbox.append(Topics.REQUESTS,
                EventEnvelope.of(EventTypes.BINDING_REQUESTED, SOURCE, now.toInstant(), instance.guid(), event));
    }

    private void requireDeveloper(Caller caller, String spaceGuid) {
        permissions.requireSpaceReader(caller, spaceGuid);
        permissions.requireSpaceDeveloper(caller, spaceGuid);
    }

    /** Cloud Controller refuses binding operations while the instance has an operation under way. */
    private static void requireIdle(InstanceOfKey instance) {
        if (instance.operationState() == OperationState.IN_PROGRESS) {
            throw CfError.OPERATION_IN_PROGRESS.exception("An operation for service instance " + instance.name()
                    + " is in progress.");
        }
    }

    private static void validateName(String name) {
        if (name.isBlank()) {
            throw CfError.SERVICE_KEY_INVALID.exception("The service key is invalid: name must not be empty");
        }
        if (name.length() > MAX_NAME_LENGTH) {
            throw CfError.SERVICE_KEY_INVALID.exception("The service key is invalid: name is limited to "
                    + MAX_NAME_LENGTH + " characters");
        }
    }

    private OffsetDateTime deadline(PlanTarget plan, OffsetDateTime now) {
        return plan.maximumPollingDuration() == null ? now.plus(defaultDeadline)
                : now.plusSeconds(plan.maximumPollingDuration());
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    }

    private static RuntimeException instanceNotFound(String guid) {
        return CfError.SERVICE_INSTANCE_NOT_FOUND.exception("The service instance could not be found: " + guid);
    }

    static RuntimeException keyNotFound(String guid) {
        return CfError.SERVICE_KEY_NOT_FOUND.exception("The service key could not be found: " + guid);
    }
}
