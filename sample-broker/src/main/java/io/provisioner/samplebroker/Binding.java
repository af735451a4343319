package io.provisioner.samplebroker;

import java.time.Instant;
import java.util.Map;

import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * A service binding as stored: its instance, the credentials the broker made for it, and its last
 * operation (a bind, then possibly an unbind).
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
record Binding(String id, String instanceId, String serviceId, String planId, Map<String, Object> parameters,
        Map<String, Object> credentials, Operation operation) {

    /** Unbound: an unbind never fails, so only its delay matters. */
    boolean goneAt(Instant now) {
        return operation.kind() == Operation.Kind.UNBIND && operation.stateAt(now) != Operation.State.IN_PROGRESS;
    }

    boolean busyAt(Instant now) {
        return operation.stateAt(now) == Operation.State.IN_PROGRESS;
    }

    Binding with(Operation next) {
        return new Binding(id, instanceId, serviceId, planId, parameters, credentials, next);
    }
}
