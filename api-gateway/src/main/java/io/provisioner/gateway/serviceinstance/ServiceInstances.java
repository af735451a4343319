package io.provisioner.gateway.serviceinstance;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

import io.provisioner.gateway.api.CfError;
import io.provisioner.gateway.api.CfException;
import io.provisioner.gateway.catalog.CatalogStore;
import io.provisioner.gateway.catalog.PlanAccess;
import io.provisioner.gateway.catalog.PlanTarget;
import io.provisioner.gateway.catalog.SpaceTarget;
import io.provisioner.gateway.outbox.OutboxWriter;
import io.provisioner.gateway.security.Caller;
import io.provisioner.gateway.security.Permissions;
import io.provisioner.gateway.servicekey.ServiceKeys;
import io.provisioner.schemas.BrokerEndpoint;
import io.provisioner.schemas.EventEnvelope;
import io.provisioner.schemas.EventTypes;
import io.provisioner.schemas.OperationState;
import io.provisioner.schemas.OperationStatusChanged;
import io.provisioner.schemas.OperationType;
import io.provisioner.schemas.ProvisioningRequested;
import io.provisioner.schemas.SecretSealer;
import io.provisioner.schemas.Topics;

/**
 * Service instance operations. Accepting one means: the instance row and the outbox event are written
 * in one transaction, and only then is the caller answered (durable before acknowledged). One
 * operation at a time per instance, decided under a row lock.
 */
@Service
public class ServiceInstances {

    static final int MAX_NAME_LENGTH = 255;
    static final int MAX_TAGS_LENGTH = 2048;
    /** Cloud Controller bounds only the joined length, so 200,000 empty tags would pass: bound the count too. */
    static final int MAX_TAGS = 64;
    static final int MAX_TAG_LENGTH = 255;
    static final String SOURCE = OutboxWriter.SOURCE;
    /** Semantic Versioning 2.0.0, the expression semver.org gives (Cloud Controller checks the same). */
    private static final java.util.regex.Pattern SEMVER = java.util.regex.Pattern.compile(
            "^(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)"
            + "(?:-((?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\\.(?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
            + "(?:\\+([0-9a-zA-Z-]+(?:\\.[0-9a-zA-Z-]+)*))?$");

    private final CatalogStore catalog;
    private final ServiceInstanceStore store;
    private final OutboxWriter outbox;
    private final TransactionTemplate transactions;
    private final JsonMapper json;
    private final Clock clock;
    private final Permissions permissions;
    private final SecretSealer sealer;
    private final PlanAccess planAccess;
    private final java.time.Duration defaultDeadline;
    private final ServiceKeys keys;
    private final OperationMeters operationMeters;
    private final InstanceEvents events;

    ServiceInstances(CatalogStore catalog, ServiceInstanceStore store, OutboxWriter outbox,
            TransactionTemplate transactions, JsonMapper json, Clock clock, MeterRegistry meters,
            Permissions permissions, SecretSealer sealer, ServiceKeys keys, PlanAccess planAccess,
            OperationMeters operationMeters, InstanceEvents events,
            @org.springframework.beans.factory.annotation.Value("${provisioner.operations.default-deadline:24h}")
            java.time.Duration defaultDeadline) {
        this.sealer = sealer;
        this.keys = keys;
        this.planAccess = planAccess;
        this.operationMeters = operationMeters;
        this.events = events;
        this.defaultDeadline = defaultDeadline;
        this.permissions = permissions;
        io.micrometer.core.instrument.Gauge.builder("provisioner.operations.in.flight", store,
                ServiceInstanceStore::inFlightForMetrics).description("Operations in progress").register(meters);
        this.catalog = catalog;
        this.store = store;
        this.outbox = outbox;
        this.transactions = transactions;
        this.json = json;
        this.clock = clock;
    }

    /** The outcome of an update: whether the broker is involved (202) or it was applied at once (201). */
    public record Updated(ServiceInstanceRecord instance, boolean async) {
    }

    /**
     * Creates an instance: the one use case behind {@code POST /v2/service_instances} and the {@code create}
     * command, so both follow the same rules in the same transaction.
     *
     * @param requestedGuid the guid the caller wants (commands may name one), or null to choose one
     */
    public ServiceInstanceRecord create(NewServiceInstance request, String requestedGuid, boolean acceptsIncomplete,
            Caller caller, Origin origin) {
        // Cloud Controller's order: plan, space, then the request's own validity.
        PlanTarget plan = catalog.planTarget(request.planGuid()).filter(PlanTarget::active)
                .orElseThrow(() -> CfError.SERVICE_INSTANCE_INVALID.exception(
                        "The service instance is invalid: not a valid service plan"));
        SpaceTarget space = catalog.spaceTarget(request.spaceGuid())
                .orElseThrow(() -> CfError.SERVICE_INSTANCE_INVALID.exception(
                        "The service instance is invalid: not a valid space"));
        permissions.requireSpaceDeveloper(caller, space.guid());
        planAccess.requireUsable(caller, plan.planGuid(), space.organizationGuid());
        String userId = caller.userId();
        validateName(request.name());
        validateTags(request.tags());
        requireAsync(acceptsIncomplete);

        OffsetDateTime now = now();
        String guid = requestedGuid == null ? UUID.randomUUID().toString() : validGuid(requestedGuid);
        String operationId = UUID.randomUUID().toString();
        ServiceInstanceRecord record = new ServiceInstanceRecord(guid, request.name(), space.guid(), plan.planGuid(),
                plan.serviceGuid(), json.writeValueAsString(request.tags()), null, plan.maintenanceInfo(), operationId,
                OperationType.CREATE, OperationState.IN_PROGRESS, "", now, now, now, null);
        try {
            transactions.executeWithoutResult(tx -> {
                if (requestedGuid != null && store.find(guid).isPresent()) {
                    throw CfError.SERVICE_INSTANCE_INVALID.exception(
                            "The service instance is invalid: the guid " + guid + " is taken");
                }
                store.insert(record, deadline(plan, now));
                publish(operationId, OperationType.CREATE, guid, request.name(), plan, null, space,
                        seal(request.parameters()), maintenance(plan.maintenanceInfo()), userId, now);
                if (requestedGuid == null) {
                    events.createdUnderNewGuid(record, origin, userId, now);
                } else {
                    events.started(record, origin, userId, now);
                }
            });
        } catch (DuplicateKeyException e) {
            throw nameTaken(request.name());
        }
        operationMeters.started(OperationType.CREATE, plan.planGuid());
        return record;
    }

    /** Updates an instance: the one use case behind {@code PUT /v2/service_instances/:guid} and the {@code update} command. */
    public Updated update(String guid, InstanceChange change, boolean acceptsIncomplete, Caller caller, Origin origin) {
        String userId = caller.userId();
        try {
            Updated updated = transactions.execute(tx -> {
                ServiceInstanceRecord current = store.lock(guid).orElseThrow(() -> notFound(guid));
                requireDeveloper(caller, current);
                requireNoOperation(current);
                if (change.spaceGuid() != null && !change.spaceGuid().equals(current.spaceGuid())) {
                    throw CfError.SERVICE_INSTANCE_SPACE_CHANGE_NOT_ALLOWED.exception(
                            "Cannot update space for service instance.");
                }
                boolean planChange = change.planGuid() != null && !change.planGuid().equals(current.planGuid());
                if (planChange && change.maintenanceInfo() != null) {
                    throw CfError.MAINTENANCE_INFO_NOT_UPDATABLE_WHEN_CHANGING_PLAN.exception(
                            "maintenance_info should not be changed when switching to different plan.");
                }
                PlanTarget currentPlan = catalog.planTarget(current.planGuid()).orElseThrow();
                PlanTarget newPlan = null;
                if (planChange) {
                    newPlan = catalog.planTarget(change.planGuid()).filter(PlanTarget::active)
                            .orElseThrow(() -> CfError.SERVICE_INSTANCE_INVALID.exception(
                                    "The service instance is invalid: not a valid service plan"));
                    planAccess.requireUsable(caller, newPlan.planGuid(),
                            catalog.spaceTarget(current.spaceGuid()).orElseThrow().organizationGuid());
                    if (!newPlan.serviceGuid().equals(currentPlan.serviceGuid())) {
                        throw CfError.INVALID_RELATION.exception(
                                "The service plan must belong to the service of the service instance");
                    }
                    if (!currentPlan.planUpdateable()) {
                        throw CfError.SERVICE_PLAN_NOT_UPDATEABLE.exception(
                                "The service does not support changing plans.");
                    }
                }
                String name = change.name() == null ? current.name() : change.name();
                validateName(name);
                List<String> tags = change.tags() == null ? null : change.tags();
                if (tags != null) {
                    validateTags(tags);
                }
                String currentVersion = version(current.maintenanceInfo());
                if (change.maintenanceInfo() != null) {
                    checkMaintenanceInfo(change.maintenanceInfoVersion(), version(currentPlan.maintenanceInfo()),
                            currentVersion);
                }
                boolean maintenanceChanged = change.maintenanceInfo() != null
                        && !change.maintenanceInfoVersion().equals(currentVersion);
                Map<String, Object> newMaintenance = maintenanceChanged
                        ? Map.of("version", change.maintenanceInfoVersion()) : null;
                boolean needsBroker = change.parameters() != null || newPlan != null || maintenanceChanged;
                if (needsBroker) {
                    requireAsync(acceptsIncomplete);
                }
                OffsetDateTime now = now();
                String newTags = tags == null ? current.tags() : json.writeValueAsString(tags);
                boolean renamed = !name.equals(current.name()) || !newTags.equals(current.tags());
                if (renamed) {
                    store.rename(guid, name, newTags, now);
                }
                if (!needsBroker) {
                    ServiceInstanceRecord applied = store.find(guid).orElseThrow();
                    if (renamed) {
                        events.updated(applied, origin, userId, now);
                    }
                    return new Updated(applied, false);
                }
                String operationId = UUID.randomUUID().toString();
                PlanTarget target = newPlan == null ? currentPlan : newPlan;
                store.startOperation(guid, operationId, OperationType.UPDATE, newPlan == null ? null : newPlan.planGuid(),
                        maintenanceChanged ? json.writeValueAsString(newMaintenance) : null, now,
                        deadline(target, now));
                SpaceTarget space = catalog.spaceTarget(current.spaceGuid()).orElseThrow();
                publish(operationId, OperationType.UPDATE, guid, name, target, currentPlan.planId(), space,
                        seal(change.parameters()), maintenanceChanged ? newMaintenance
                                : maintenance(current.maintenanceInfo()), userId, now);
                ServiceInstanceRecord updating = store.find(guid).orElseThrow();
                events.started(updating, origin, userId, now);
                return new Updated(updating, true);
            });
            if (updated.async()) {
                operationMeters.started(OperationType.UPDATE, updated.instance().planGuid());
            }
            return updated;
        } catch (DuplicateKeyException e) {
            throw nameTaken(change.name());
        }
    }

    /**
     * Starts a delete at the broker; allowed while a create is in progress (it replaces it). An instance
     * with service keys is deleted only {@code recursive}ly: the keys are unbound first, and the deprovision
     * waits for them ({@link ServiceKeys}). The one use case behind {@code DELETE /v2/service_instances/:guid}
     * and the {@code delete} command.
     */
    public ServiceInstanceRecord delete(String guid, boolean acceptsIncomplete, boolean recursive, Caller caller,
            Origin origin) {
        String userId = caller.userId();
        ServiceInstanceRecord deleting = transactions.execute(tx -> {
            ServiceInstanceRecord current = store.lock(guid).orElseThrow(() -> notFound(guid));
            requireDeveloper(caller, current);
            if (current.operationState() == OperationState.IN_PROGRESS
                    && current.operationType() != OperationType.CREATE) {
                throw operationInProgress(guid);
            }
            requireAsync(acceptsIncomplete);
            boolean afterUnbind = keys.unbindBeforeDelete(guid, recursive, userId, origin.commandId(),
                    origin.requestIdentity());
            OffsetDateTime now = now();
            String operationId = UUID.randomUUID().toString();
            PlanTarget plan = catalog.planTarget(current.planGuid()).orElseThrow();
            store.startOperation(guid, operationId, OperationType.DELETE, null, null, now, deadline(plan, now));
            SpaceTarget space = catalog.spaceTarget(current.spaceGuid()).orElseThrow();
            EventEnvelope<ProvisioningRequested> request = requested(operationId, OperationType.DELETE, guid,
                    current.name(), plan, null, space, null, null, userId, now);
            if (afterUnbind) {
                keys.holdDelete(guid, operationId, request);
            } else {
                outbox.append(Topics.REQUESTS, request);
            }
            ServiceInstanceRecord started = store.find(guid).orElseThrow();
            events.started(started, origin, userId, now);
            return started;
        });
        operationMeters.started(OperationType.DELETE, deleting.planGuid());
        return deleting;
    }

    /** Removes the record without telling the broker (an operator's last resort). */
    void purge(String guid, Caller caller, Origin origin) {
        permissions.requireAdmin(caller);
        transactions.executeWithoutResult(tx -> {
            ServiceInstanceRecord current = store.lock(guid).orElseThrow(() -> notFound(guid));
            store.purge(guid);
            events.deleted(current, origin.requestIdentity(), caller.userId(), now());
        });
    }

    /**
     * Answers a command the use cases refused, inside the caller's transaction: a {@code rejected} event with
     * the Cloud Controller error, showing the instance as it is (if there is one). Nothing else changes.
     */
    public void reject(String guid, String commandId, Caller caller, CfException refusal) {
        ServiceInstanceRecord current = guid == null ? null : store.find(guid).orElse(null);
        events.rejected(guid, current, commandId, caller == null ? null : caller.userId(), refusal.error(),
                refusal.getMessage(), now());
    }

    Optional<ServiceInstanceRecord> find(String guid) {
        return store.find(guid);
    }

    /** The instance, if it exists (404) and the caller may see it (403). */
    ServiceInstanceRecord get(String guid, Caller caller) {
        ServiceInstanceRecord instance = store.find(guid).orElseThrow(() -> notFound(guid));
        permissions.requireSpaceReader(caller, instance.spaceGuid());
        return instance;
    }

    /** A caller who cannot even see the instance learns only that (403), not that it may not change it. */
    private void requireDeveloper(Caller caller, ServiceInstanceRecord instance) {
        permissions.requireSpaceReader(caller, instance.spaceGuid());
        permissions.requireSpaceDeveloper(caller, instance.spaceGuid());
    }

    /**
     * Fails an operation whose events never came, if it is still the current one and in progress. A
     * create also gets orphan mitigation: a delete sent to the broker under an operation of its own,
     * so its outcome does not touch the record (the failed create stays visible, as in Cloud Controller).
     */
    public boolean failLostOperation(String guid, String operationId, java.time.Duration grace) {
        Boolean failed = transactions.execute(tx -> {
            ServiceInstanceRecord current = store.lock(guid).orElse(null);
            if (current == null || !current.operationId().equals(operationId)
                    || current.operationState() != OperationState.IN_PROGRESS) {
                return false;
            }
            OffsetDateTime now = now();
            boolean create = current.operationType() == OperationType.CREATE;
            String description = "The " + current.operationType().wire() + " did not finish: no word came from the "
                    + "broker within the operation's deadline and a grace period of " + grace.toMinutes()
                    + " minutes, so the platform gave up on it."
                    + (create ? " The platform has asked the broker to delete anything it may have created." : "");
            store.failLost(guid, operationId, description, now);
            events.ended(store.find(guid).orElseThrow(), null, now);
            if (create) {
                PlanTarget plan = catalog.planTarget(current.planGuid()).orElseThrow();
                SpaceTarget space = catalog.spaceTarget(current.spaceGuid()).orElseThrow();
                publish(UUID.randomUUID().toString(), OperationType.DELETE, guid, current.name(), plan, null, space,
                        null, null, null, now);
            }
            return true;
        });
        return Boolean.TRUE.equals(failed);
    }

    /**
     * A failed create, as the worker needs it to clean up at the broker (orphan mitigation), and what its
     * failure said.
     */
    public record FailedCreate(ProvisioningRequested request, String description) {
    }

    /**
     * The instance's failed create {@code operationId}, if that is still its last operation; locks the row
     * for the caller's transaction, so no delete can start meanwhile. The request is the platform's own
     * (no originating user) and carries the create's request time, so the worker orders it before any
     * later operation of the instance.
     */
    public Optional<FailedCreate> failedCreate(String guid, String operationId) {
        ServiceInstanceRecord current = store.lock(guid).orElse(null);
        if (current == null || !current.operationId().equals(operationId)
                || current.operationType() != OperationType.CREATE || current.operationState() != OperationState.FAILED) {
            return Optional.empty();
        }
        PlanTarget plan = catalog.planTarget(current.planGuid()).orElseThrow();
        SpaceTarget space = catalog.spaceTarget(current.spaceGuid()).orElseThrow();
        ProvisioningRequested request = new ProvisioningRequested(operationId, OperationType.CREATE, guid, current.name(),
                plan.serviceId(), plan.planId(), null, space.organizationGuid(), space.organizationName(), space.guid(),
                space.name(), null, null, new BrokerEndpoint(plan.broker().guid(), plan.broker().name(),
                        plan.broker().url(), plan.broker().username(), plan.broker().sealedPassword()),
                plan.maximumPollingDuration(), null, current.operationCreatedAt().toInstant());
        return Optional.of(new FailedCreate(request, current.operationDescription()));
    }

    /** Applies a worker's status event; replays, stale operations and old steps change nothing. */
    public boolean applyStatus(OperationStatusChanged event) {
        OffsetDateTime now = now();
        ServiceInstanceStore.OperationStart start = event.state().terminal()
                ? store.operationStart(event.instanceGuid(), event.operationId()).orElse(null) : null;
        OffsetDateTime started = start == null ? null : start.at();
        OperationMeters.Labels labels = start == null ? null : operationMeters.ofPlan(start.planGuid());
        boolean applied = Boolean.TRUE.equals(transactions.execute(tx -> applyStatus(event, now)));
        if (applied) {
            operationMeters.applied(event, labels == null ? OperationMeters.Labels.UNKNOWN : labels, started, now);
        } else {
            operationMeters.ignored(event);
        }
        return applied;
    }

    /**
     * One status event applied to the record, with the public event it makes (an operation's end), inside
     * the caller's transaction. Returns whether anything changed.
     */
    public boolean applyStatus(OperationStatusChanged event, OffsetDateTime now) {
        boolean deletes = event.state() == OperationState.SUCCEEDED && event.operationType() == OperationType.DELETE;
        ServiceInstanceRecord before = deletes ? store.find(event.instanceGuid()).orElse(null) : null;
        boolean applied = store.apply(event, now);
        if (applied && event.state().terminal()) {
            if (deletes && before != null) {
                events.deleted(before, event.requestIdentity(), null, now);
            } else if (!deletes) {
                events.ended(store.find(event.instanceGuid()).orElseThrow(), event.requestIdentity(), now);
            }
        }
        return applied;
    }

    private void publish(String operationId, OperationType type, String guid, String name, PlanTarget plan,
            String previousPlanId, SpaceTarget space, String sealedParameters,
            Map<String, Object> maintenanceInfo, String userId, OffsetDateTime now) {
        outbox.append(Topics.REQUESTS, requested(operationId, type, guid, name, plan, previousPlanId, space,
                sealedParameters, maintenanceInfo, userId, now));
    }

    private static EventEnvelope<ProvisioningRequested> requested(String operationId, OperationType type, String guid,
            String name, PlanTarget plan, String previousPlanId, SpaceTarget space, String sealedParameters,
            Map<String, Object> maintenanceInfo, String userId, OffsetDateTime now) {
        ProvisioningRequested event = new ProvisioningRequested(operationId, type, guid, name, plan.serviceId(),
                plan.planId(), previousPlanId, space.organizationGuid(), space.organizationName(), space.guid(),
                space.name(), sealedParameters, maintenanceInfo,
                new BrokerEndpoint(plan.broker().guid(), plan.broker().name(), plan.broker().url(),
                        plan.broker().username(), plan.broker().sealedPassword()),
                plan.maximumPollingDuration(), userId, now.toInstant());
        return EventEnvelope.of(EventTypes.PROVISIONING_REQUESTED, SOURCE, now.toInstant(), guid, event);
    }

    /**
     * Parameters are secrets (callers put passwords and tokens there): the request event carries them
     * sealed with the platform key, as the caller wrote them, and the gateway keeps no copy.
     */
    private String seal(String parameters) {
        return parameters == null ? null : sealer.seal(parameters);
    }

    /**
     * Cloud Controller's checks of a maintenance_info update: the plan must offer one, the version must
     * be semantic, and it must be the plan's version or the instance's own (which changes nothing).
     */
    private static void checkMaintenanceInfo(String requested, String planVersion, String currentVersion) {
        if (planVersion == null) {
            throw CfError.MAINTENANCE_INFO_NOT_SUPPORTED.exception(
                    "The service broker does not support upgrades for service instances created from this plan.");
        }
        if (requested == null || requested.length() > 256 || !SEMVER.matcher(requested).matches()) {
            throw CfError.MAINTENANCE_INFO_NOT_SEMVER.exception("maintenance_info.version should be a semantic version.");
        }
        if (!requested.equals(planVersion) && !requested.equals(currentVersion)) {
            throw CfError.MAINTENANCE_INFO_CONFLICT.exception("maintenance_info.version requested is invalid. Please "
                    + "ensure that the catalog is up to date and you are providing a version supported by this "
                    + "service plan.");
        }
    }

    /** The version of a stored maintenance_info, or null. */
    private String version(String storedMaintenanceInfo) {
        Map<String, Object> info = maintenance(storedMaintenanceInfo);
        return info != null && info.get("version") instanceof String version ? version : null;
    }

    /** The plan's maximum_polling_duration, else the default the worker also applies. */
    private OffsetDateTime deadline(PlanTarget plan, OffsetDateTime now) {
        return plan.maximumPollingDuration() == null ? now.plus(defaultDeadline)
                : now.plusSeconds(plan.maximumPollingDuration());
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> maintenance(String stored) {
        return stored == null ? null : json.readValue(stored, Map.class);
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    }

    private static void requireNoOperation(ServiceInstanceRecord current) {
        if (current.operationState() == OperationState.IN_PROGRESS) {
            throw operationInProgress(current.guid());
        }
    }

    private static void requireAsync(boolean acceptsIncomplete) {
        if (!acceptsIncomplete) {
            throw CfError.ASYNC_REQUIRED.exception(
                    "This service plan requires client support for asynchronous service operations.");
        }
    }

    /** A guid a command asks for: it names a URL and a key, so letters, digits and dashes, at most 36. */
    private static String validGuid(String guid) {
        if (!guid.matches("[A-Za-z0-9-]{1,36}")) {
            throw CfError.SERVICE_INSTANCE_INVALID.exception("The service instance is invalid: a guid is 1 to 36 "
                    + "letters, digits and dashes");
        }
        return guid;
    }

    private static void validateName(String name) {
        if (name.isBlank()) {
            throw CfError.SERVICE_INSTANCE_NAME_EMPTY.exception("Service instance name is required.");
        }
        if (name.length() > MAX_NAME_LENGTH) {
            throw CfError.SERVICE_INSTANCE_NAME_TOO_LONG.exception(
                    "You have requested an invalid service instance name. Names are limited to 255 characters.");
        }
    }

    /** Cloud Controller's joined-length rule first (its wording), then the count and the length of each tag. */
    private static void validateTags(List<String> tags) {
        if (String.join("", tags).length() > MAX_TAGS_LENGTH) {
            throw CfError.SERVICE_INSTANCE_TAGS_TOO_LONG.exception(
                    "Combined length of tags for service instance must be 2048 characters or less.");
        }
        if (tags.size() > MAX_TAGS) {
            throw CfError.SERVICE_INSTANCE_TAGS_TOO_LONG.exception(
                    "A service instance may have at most " + MAX_TAGS + " tags.");
        }
        if (tags.stream().anyMatch(tag -> tag.length() > MAX_TAG_LENGTH)) {
            throw CfError.SERVICE_INSTANCE_TAGS_TOO_LONG.exception(
                    "Each tag of a service instance must be " + MAX_TAG_LENGTH + " characters or less.");
        }
    }

    private static RuntimeException notFound(String guid) {
        return CfError.SERVICE_INSTANCE_NOT_FOUND.exception("The service instance could not be found: " + guid);
    }

    private static RuntimeException operationInProgress(String guid) {
        return CfError.OPERATION_IN_PROGRESS.exception("An operation for service instance " + guid + " is in progress.");
    }

    private static RuntimeException nameTaken(String name) {
        return CfError.SERVICE_INSTANCE_NAME_TAKEN.exception("The service instance name is taken: " + name);
    }
}
