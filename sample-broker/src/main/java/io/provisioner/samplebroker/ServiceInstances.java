package io.provisioner.samplebroker;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonInclude;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

import io.provisioner.samplebroker.Operation.Kind;
import io.provisioner.samplebroker.Operation.State;
import io.provisioner.samplebroker.SampleBrokerProperties.Plan;
import io.provisioner.samplebroker.SampleBrokerProperties.Service;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * The OSB instance lifecycle. Nothing runs in the background: each answer is computed from the stored
 * operation and the clock, and every change is a read-decide-write step under the instance's lock.
 */
@Component
class ServiceInstances {

    private final InstanceStore store;
    private final SampleBrokerProperties.Catalog catalog;
    private final CallCounts counts;
    private final Clock clock;

    ServiceInstances(InstanceStore store, SampleBrokerProperties properties, CallCounts counts, Clock clock) {
        this.store = store;
        this.catalog = properties.catalog();
        this.counts = counts;
        this.clock = clock;
    }

    /**
     * What a locked step decided: an answer or a configured failure, and the behaviour that shapes how
     * it is sent. Sending (and being slow about it) happens outside the instance's lock.
     */
    record Decided(BrokerAnswer answer, BrokerException failure, Behaviour behaviour) {

        static Decided failing(Behaviour behaviour) {
            return new Decided(null, behaviour.requestFailure(), behaviour);
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record LastOperation(String state, String description) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record InstanceView(String serviceId, String planId, String dashboardUrl, Map<String, Object> parameters,
            Map<String, Object> maintenanceInfo) {
    }

    BrokerAnswer provision(String id, ProvisionRequest request, boolean acceptsIncomplete, String dashboardUrl) {
        Service service = service(required(request.serviceId(), "service_id"));
        Plan plan = plan(service, required(request.planId(), "plan_id"));
        required(request.organizationGuid(), "organization_guid");
        required(request.spaceGuid(), "space_guid");
        Map<String, Object> parameters = orEmpty(request.parameters());
        Behaviour behaviour = Behaviour.resolve(plan, parameters);
        if (behaviour.failStatus() != null && behaviour.failsCall(counts.next(id, "provision"))) {
            return send(Decided.failing(behaviour));
        }
        checkAsyncAllowed(behaviour, acceptsIncomplete);
        checkMaintenanceInfo(plan, request.maintenanceInfo());
        BrokerAnswer answer = store.locked(id, () -> {
            Instant now = clock.instant();
            Instance existing = current(id, now);
            if (existing != null) {
                return provisionAgain(existing, request, parameters, now);
            }
            boolean async = behaviour.mode().async();
            Operation operation = new Operation(behaviour.operationId("provision"), Kind.PROVISION, now,
                    async ? behaviour.delayMs() : 0, behaviour.mode() == Mode.FAIL ? behaviour.failDescription() : null,
                    null);
            store.put(new Instance(id, service.id(), plan.id(), request.organizationGuid(), request.spaceGuid(),
                    orEmpty(request.context()), parameters, request.maintenanceInfo(), dashboardUrl, operation));
            return async ? BrokerAnswer.of(HttpStatus.ACCEPTED, operation.id(), dashboardUrl)
                    : BrokerAnswer.of(HttpStatus.CREATED, null, dashboardUrl);
        });
        return send(new Decided(answer, null, behaviour));
    }

    /** The spec's idempotency rules for a PUT on an existing instance id. */
    private static BrokerAnswer provisionAgain(Instance existing, ProvisionRequest request,
            Map<String, Object> parameters, Instant now) {
        boolean identical = existing.serviceId().equals(request.serviceId())
                && existing.planId().equals(request.planId())
                && Objects.equals(existing.organizationGuid(), request.organizationGuid())
                && Objects.equals(existing.spaceGuid(), request.spaceGuid())
                && existing.parameters().equals(parameters);
        if (!identical) {
            throw BrokerException.emptyBody(HttpStatus.CONFLICT);
        }
        Operation last = existing.operation();
        if (last.kind() == Kind.PROVISION && last.stateAt(now) != State.SUCCEEDED) {
            // Still running (or failed): same operation, last_operation tells the outcome.
            return BrokerAnswer.of(HttpStatus.ACCEPTED, last.id(), existing.dashboardUrl());
        }
        if (existing.busyAt(now)) {
            throw concurrencyError(existing.id());
        }
        return BrokerAnswer.of(HttpStatus.OK, null, existing.dashboardUrl());
    }

    BrokerAnswer update(String id, UpdateRequest request, boolean acceptsIncomplete) {
        Service service = service(required(request.serviceId(), "service_id"));
        if (request.planId() != null) {
            plan(service, request.planId());
        }
        return send(store.locked(id, () -> {
            Instant now = clock.instant();
            Instance existing = current(id, now);
            if (existing == null) {
                throw BrokerException.badRequest("Service instance '" + id + "' does not exist.");
            }
            if (!existing.serviceId().equals(service.id())) {
                throw BrokerException.badRequest("Service instance '" + id + "' belongs to service '"
                        + existing.serviceId() + "', not '" + service.id() + "'.");
            }
            Plan plan = plan(service, request.planId() != null ? request.planId() : existing.planId());
            Operation.Target target = new Operation.Target(plan.id(),
                    request.parameters() != null ? request.parameters() : existing.parameters(),
                    request.maintenanceInfo() != null ? request.maintenanceInfo() : existing.maintenanceInfo());
            Behaviour behaviour = Behaviour.resolve(plan, target.parameters());
            if (behaviour.failStatus() != null && behaviour.failsCall(counts.next(id, "update"))) {
                return Decided.failing(behaviour);
            }
            checkAsyncAllowed(behaviour, acceptsIncomplete);
            checkMaintenanceInfo(plan, request.maintenanceInfo());
            Operation last = existing.operation();
            if (existing.busyAt(now)) {
                if (last.kind() == Kind.UPDATE && target.equals(last.target())) {
                    return new Decided(BrokerAnswer.of(HttpStatus.ACCEPTED, last.id(), null), null, behaviour);
                }
                throw concurrencyError(id);
            }
            if (last.kind() == Kind.PROVISION && last.stateAt(now) == State.FAILED) {
                throw BrokerException.badRequest("Service instance '" + id + "' failed to provision; delete it.");
            }
            boolean async = behaviour.mode().async();
            Operation operation = new Operation(behaviour.operationId("update"), Kind.UPDATE, now,
                    async ? behaviour.delayMs() : 0, behaviour.mode() == Mode.FAIL ? behaviour.failDescription() : null,
                    target);
            store.put(existing.with(operation));
            return new Decided(async ? BrokerAnswer.of(HttpStatus.ACCEPTED, operation.id(), null)
                    : BrokerAnswer.of(HttpStatus.OK), null, behaviour);
        }));
    }

    /**
     * Deprovisioning never fails unless told to (the {@code deprovision} override): a platform must always
     * be able to clean up, even after a failed provision.
     */
    BrokerAnswer deprovision(String id, boolean acceptsIncomplete) {
        return send(store.locked(id, () -> {
            Instant now = clock.instant();
            Instance existing = current(id, now);
            if (existing == null) {
                throw BrokerException.emptyBody(HttpStatus.GONE);
            }
            Behaviour behaviour = behaviourOf(existing).forDeprovision();
            if (behaviour.failStatus() != null && behaviour.failsCall(counts.next(id, "deprovision"))) {
                return Decided.failing(behaviour);
            }
            Operation last = existing.operation();
            if (last.kind() == Kind.DEPROVISION) {
                // still running, see current()
                return new Decided(BrokerAnswer.of(HttpStatus.ACCEPTED, last.id(), null), null, behaviour);
            }
            if (!behaviour.mode().async()) {
                store.put(existing.with(new Operation("deprovision", Kind.DEPROVISION, now, 0, null, null)));
                return new Decided(BrokerAnswer.of(HttpStatus.OK), null, behaviour);
            }
            checkAsyncAllowed(behaviour, acceptsIncomplete);
            Operation operation = new Operation(behaviour.operationId("deprovision"), Kind.DEPROVISION, now,
                    behaviour.delayMs(), null, null);
            store.put(existing.with(operation)); // replaces a provision still in progress: that stops it
            return new Decided(BrokerAnswer.of(HttpStatus.ACCEPTED, operation.id(), null), null, behaviour);
        }));
    }

    /**
     * The instance's last operation; we keep only the last one, so the {@code operation} parameter is not
     * checked. A {@code poll_script} answers the first polls instead.
     */
    BrokerAnswer lastOperation(String id) {
        Instance instance = store.get(id);
        if (instance == null) {
            throw new BrokerException(HttpStatus.NOT_FOUND, "NotFound", "Service instance '" + id + "' does not exist.");
        }
        boolean deprovisioning = instance.operation().kind() == Kind.DEPROVISION;
        Behaviour behaviour = deprovisioning ? behaviourOf(instance).forDeprovision() : behaviourOf(instance);
        Instant now = clock.instant();
        if (!behaviour.pollScript().isEmpty()) {
            int count = counts.next(id, deprovisioning ? "last_operation of deprovision" : "last_operation");
            if (count <= behaviour.pollScript().size()) {
                Reply scripted = behaviour.pollScript().get(count - 1);
                return BrokerAnswer.of(HttpStatus.OK).replacedBy(scripted.at(now));
            }
        }
        if (instance.goneAt(now)) {
            throw BrokerException.emptyBody(HttpStatus.GONE); // tells the platform the deprovision succeeded
        }
        State state = instance.operation().stateAt(now);
        BrokerAnswer answer = new BrokerAnswer(HttpStatus.OK,
                new LastOperation(state.wire, instance.operation().describe(state)), null, null);
        return state == State.IN_PROGRESS ? answer.retryingAfter(Reply.retryAfter(behaviour.retryAfter(), now)) : answer;
    }

    InstanceView fetch(String id) {
        Instant now = clock.instant();
        Instance instance = current(id, now);
        if (instance == null) {
            throw BrokerException.emptyBody(HttpStatus.NOT_FOUND);
        }
        Operation last = instance.operation();
        if (last.kind() == Kind.PROVISION && last.stateAt(now) != State.SUCCEEDED) {
            throw BrokerException.emptyBody(HttpStatus.NOT_FOUND); // spec: not there until provisioned
        }
        if (last.kind() == Kind.UPDATE && instance.busyAt(now)) {
            throw concurrencyError(id);
        }
        return new InstanceView(instance.serviceId(), instance.planId(), instance.dashboardUrl(),
                instance.parameters(), instance.maintenanceInfo());
    }

    /** True while the broker holds the instance (in whatever state), false once deprovisioned or never created. */
    boolean exists(String id) {
        return current(id, clock.instant()) != null;
    }

    /** The instance as it is now, or null if it never existed or is deprovisioned. */
    private Instance current(String id, Instant now) {
        Instance instance = store.get(id);
        return instance == null || instance.goneAt(now) ? null : instance.settled(now);
    }

    private Behaviour behaviourOf(Instance instance) {
        return catalog.service(instance.serviceId())
                .flatMap(s -> s.plan(instance.planId()))
                .map(plan -> Behaviour.resolve(plan, instance.parameters()))
                // the plan left the catalog since (restart with another configuration): just answer at once
                .orElse(Behaviour.plain(Mode.SYNC, 0, null));
    }

    /** Sends what a step decided the way its behaviour says (see {@link Behaviour#deliver}). */
    private BrokerAnswer send(Decided decided) {
        return decided.behaviour().deliver(decided.answer(), decided.failure(), clock);
    }

    Service service(String serviceId) {
        return catalog.service(serviceId)
                .orElseThrow(() -> BrokerException.badRequest("Unknown service_id '" + serviceId + "'."));
    }

    static Plan plan(Service service, String planId) {
        return service.plan(planId).orElseThrow(() -> BrokerException.badRequest(
                "Unknown plan_id '" + planId + "' for service '" + service.name() + "'."));
    }

    static String required(String value, String field) {
        if (value == null || value.isBlank()) {
            throw BrokerException.badRequest("Missing required field '" + field + "'.");
        }
        return value;
    }

    static void checkAsyncAllowed(Behaviour behaviour, boolean acceptsIncomplete) {
        if (behaviour.mode().async() && !acceptsIncomplete) {
            throw new BrokerException(HttpStatus.UNPROCESSABLE_CONTENT, "AsyncRequired",
                    "This service plan requires client support for asynchronous service operations.");
        }
    }

    private static void checkMaintenanceInfo(Plan plan, Map<String, Object> maintenanceInfo) {
        if (maintenanceInfo == null || plan.maintenanceInfoVersion() == null) {
            return;
        }
        Object version = maintenanceInfo.get("version");
        if (version != null && !plan.maintenanceInfoVersion().equals(version)) {
            throw new BrokerException(HttpStatus.UNPROCESSABLE_CONTENT, "MaintenanceInfoConflict",
                    "maintenance_info.version '" + version + "' does not match the plan's '"
                            + plan.maintenanceInfoVersion() + "'.");
        }
    }

    static BrokerException concurrencyError(String id) {
        return new BrokerException(HttpStatus.UNPROCESSABLE_CONTENT, "ConcurrencyError",
                "Another operation for service instance '" + id + "' is in progress.");
    }

    static Map<String, Object> orEmpty(Map<String, Object> map) {
        return map == null ? Map.of() : map;
    }
}
