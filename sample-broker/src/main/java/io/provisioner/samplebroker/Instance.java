package io.provisioner.samplebroker;

import java.time.Instant;
import java.util.Map;

import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * A service instance as stored (in memory and, when persistent, as one JSON file). The fields hold
 * the state before the last operation; {@link #settled} applies a finished update on read.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
record Instance(String id, String serviceId, String planId, String organizationGuid, String spaceGuid,
        Map<String, Object> context, Map<String, Object> parameters, Map<String, Object> maintenanceInfo,
        String dashboardUrl, Operation operation) {

    /** This instance as it is at {@code now}: a succeeded update has taken effect. Idempotent. */
    Instance settled(Instant now) {
        Operation.Target target = operation.target();
        if (operation.kind() == Operation.Kind.UPDATE && target != null
                && operation.stateAt(now) == Operation.State.SUCCEEDED) {
            return new Instance(id, serviceId, target.planId(), organizationGuid, spaceGuid, context,
                    target.parameters(), target.maintenanceInfo(), dashboardUrl, operation);
        }
        return this;
    }

    /** Deprovisioned: a deprovision never fails, so only its delay matters. */
    boolean goneAt(Instant now) {
        return operation.kind() == Operation.Kind.DEPROVISION
                && operation.stateAt(now) != Operation.State.IN_PROGRESS;
    }

    boolean busyAt(Instant now) {
        return operation.stateAt(now) == Operation.State.IN_PROGRESS;
    }

    Instance with(Operation next) {
        return new Instance(id, serviceId, planId, organizationGuid, spaceGuid, context, parameters,
                maintenanceInfo, dashboardUrl, next);
    }
}
