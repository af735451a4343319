package io.provisioner.samplebroker;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
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
 * The OSB binding lifecycle, built like the instances': each answer is computed from the stored operation
 * and the clock, every change is a read-decide-write step under the binding's lock. A binding behaves as
 * its plan says, overridden by a {@code sample_broker} object in the bind parameters (the same keys as
 * for instances; {@code deprovision} there shapes the unbind).
 */
@Component
class ServiceBindings {

    private final BindingStore store;
    private final ServiceInstances instances;
    private final SampleBrokerProperties.Catalog catalog;
    private final CallCounts counts;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    ServiceBindings(BindingStore store, ServiceInstances instances, SampleBrokerProperties properties,
            CallCounts counts, Clock clock) {
        this.store = store;
        this.instances = instances;
        this.catalog = properties.catalog();
        this.counts = counts;
        this.clock = clock;
    }

    /** The body of bind answers and of a fetched binding; only what is set is sent. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record BindingBody(Map<String, Object> credentials, String operation, Map<String, Object> parameters) {
    }

    BrokerAnswer bind(String instanceId, String bindingId, BindRequest request, boolean acceptsIncomplete) {
        Service service = instances.service(ServiceInstances.required(request.serviceId(), "service_id"));
        Plan plan = ServiceInstances.plan(service, ServiceInstances.required(request.planId(), "plan_id"));
        if (!service.bindable()) {
            throw BrokerException.badRequest("Service '" + service.name() + "' is not bindable.");
        }
        if (!instances.exists(instanceId)) {
            throw BrokerException.badRequest("Service instance '" + instanceId + "' does not exist.");
        }
        Map<String, Object> parameters = ServiceInstances.orEmpty(request.parameters());
        Behaviour behaviour = Behaviour.resolve(plan, parameters);
        if (behaviour.failStatus() != null && behaviour.failsCall(counts.next(bindingId, "bind"))) {
            return behaviour.deliver(null, behaviour.requestFailure(), clock);
        }
        ServiceInstances.checkAsyncAllowed(behaviour, acceptsIncomplete);
        BrokerAnswer answer = store.locked(bindingId, () -> {
            Instant now = clock.instant();
            Binding existing = current(bindingId, now);
            if (existing != null) {
                return bindAgain(existing, instanceId, request, parameters, now);
            }
            boolean async = behaviour.mode().async();
            Operation operation = new Operation(behaviour.operationId("bind"), Kind.BIND, now,
                    async ? behaviour.delayMs() : 0, behaviour.mode() == Mode.FAIL ? behaviour.failDescription() : null,
                    null);
            Binding binding = new Binding(bindingId, instanceId, service.id(), plan.id(), parameters,
                    credentials(instanceId, bindingId), operation);
            store.put(binding);
            return async ? answer(HttpStatus.ACCEPTED, new BindingBody(null, operation.id(), null))
                    : answer(HttpStatus.CREATED, new BindingBody(binding.credentials(), null, null));
        });
        return behaviour.deliver(answer, null, clock);
    }

    /** The spec's idempotency rules for a PUT on an existing binding id. */
    private static BrokerAnswer bindAgain(Binding existing, String instanceId, BindRequest request,
            Map<String, Object> parameters, Instant now) {
        boolean identical = existing.instanceId().equals(instanceId) && existing.serviceId().equals(request.serviceId())
                && existing.planId().equals(request.planId()) && Objects.equals(existing.parameters(), parameters);
        if (!identical) {
            throw BrokerException.emptyBody(HttpStatus.CONFLICT);
        }
        Operation last = existing.operation();
        if (last.stateAt(now) != State.SUCCEEDED) {
            return answer(HttpStatus.ACCEPTED, new BindingBody(null, last.id(), null));
        }
        return answer(HttpStatus.OK, new BindingBody(existing.credentials(), null, null));
    }

    /** Unbinding never fails unless told to (the {@code deprovision} override), as deprovisioning. */
    BrokerAnswer unbind(String instanceId, String bindingId, boolean acceptsIncomplete) {
        ServiceInstances.Decided decided = store.locked(bindingId, () -> {
            Instant now = clock.instant();
            Binding existing = current(bindingId, now);
            if (existing == null || !existing.instanceId().equals(instanceId)) {
                throw BrokerException.emptyBody(HttpStatus.GONE);
            }
            Behaviour behaviour = behaviourOf(existing).forDeprovision();
            if (behaviour.failStatus() != null && behaviour.failsCall(counts.next(bindingId, "unbind"))) {
                return ServiceInstances.Decided.failing(behaviour);
            }
            Operation last = existing.operation();
            if (last.kind() == Kind.UNBIND) {
                return decided(answer(HttpStatus.ACCEPTED, new BindingBody(null, last.id(), null)), behaviour);
            }
            if (!behaviour.mode().async()) {
                store.put(existing.with(new Operation("unbind", Kind.UNBIND, now, 0, null, null)));
                return decided(BrokerAnswer.of(HttpStatus.OK), behaviour);
            }
            ServiceInstances.checkAsyncAllowed(behaviour, acceptsIncomplete);
            Operation operation = new Operation(behaviour.operationId("unbind"), Kind.UNBIND, now, behaviour.delayMs(),
                    null, null);
            store.put(existing.with(operation)); // replaces a bind still in progress: that stops it
            return decided(answer(HttpStatus.ACCEPTED, new BindingBody(null, operation.id(), null)), behaviour);
        });
        return decided.behaviour().deliver(decided.answer(), decided.failure(), clock);
    }

    private static ServiceInstances.Decided decided(BrokerAnswer answer, Behaviour behaviour) {
        return new ServiceInstances.Decided(answer, null, behaviour);
    }

    /** The binding's last operation; a {@code poll_script} answers the first polls instead. */
    BrokerAnswer lastOperation(String instanceId, String bindingId) {
        Binding binding = store.get(bindingId);
        if (binding == null || !binding.instanceId().equals(instanceId)) {
            throw new BrokerException(HttpStatus.NOT_FOUND, "NotFound", "Service binding '" + bindingId
                    + "' does not exist.");
        }
        boolean unbinding = binding.operation().kind() == Kind.UNBIND;
        Behaviour behaviour = unbinding ? behaviourOf(binding).forDeprovision() : behaviourOf(binding);
        Instant now = clock.instant();
        if (!behaviour.pollScript().isEmpty()) {
            int count = counts.next(bindingId, unbinding ? "last_operation of unbind" : "last_operation of bind");
            if (count <= behaviour.pollScript().size()) {
                return BrokerAnswer.of(HttpStatus.OK).replacedBy(behaviour.pollScript().get(count - 1).at(now));
            }
        }
        if (binding.goneAt(now)) {
            throw BrokerException.emptyBody(HttpStatus.GONE); // tells the platform the unbind succeeded
        }
        State state = binding.operation().stateAt(now);
        BrokerAnswer answer = new BrokerAnswer(HttpStatus.OK,
                new ServiceInstances.LastOperation(state.wire, binding.operation().describe(state)), null, null);
        return state == State.IN_PROGRESS ? answer.retryingAfter(Reply.retryAfter(behaviour.retryAfter(), now)) : answer;
    }

    /** OSB: a binding is fetchable once its bind succeeded; before that, and once unbound, 404. */
    BindingBody fetch(String instanceId, String bindingId) {
        Instant now = clock.instant();
        Binding binding = current(bindingId, now);
        if (binding == null || !binding.instanceId().equals(instanceId)
                || binding.operation().kind() != Kind.BIND || binding.operation().stateAt(now) != State.SUCCEEDED) {
            throw BrokerException.emptyBody(HttpStatus.NOT_FOUND);
        }
        return new BindingBody(binding.credentials(), null, binding.parameters());
    }

    /** True while the broker holds the binding (in whatever state), false once unbound or never made. */
    boolean exists(String bindingId) {
        return current(bindingId, clock.instant()) != null;
    }

    private Binding current(String bindingId, Instant now) {
        Binding binding = store.get(bindingId);
        return binding == null || binding.goneAt(now) ? null : binding;
    }

    private Behaviour behaviourOf(Binding binding) {
        return catalog.service(binding.serviceId())
                .flatMap(s -> s.plan(binding.planId()))
                .map(plan -> Behaviour.resolve(plan, binding.parameters()))
                .orElse(Behaviour.plain(Mode.SYNC, 0, null));
    }

    /** Fresh credentials per binding: a user and a random password for a database that exists only here. */
    private Map<String, Object> credentials(String instanceId, String bindingId) {
        byte[] secret = new byte[18];
        random.nextBytes(secret);
        String username = "u" + bindingId.replace("-", "").substring(0, Math.min(12, bindingId.replace("-", "").length()));
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        Map<String, Object> credentials = new LinkedHashMap<>();
        credentials.put("username", username);
        credentials.put("password", password);
        credentials.put("uri", "sample-db://" + username + ":" + password + "@sample-broker.invalid/" + instanceId);
        return credentials;
    }

    private static BrokerAnswer answer(HttpStatus status, BindingBody body) {
        return new BrokerAnswer(status, body, null, null);
    }
}
