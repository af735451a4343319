package io.provisioner.samplebroker;

import java.time.Instant;
import java.util.Map;

import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * The last operation on an instance or a binding. Its state is a pure function of the start time, the delay and
 * the clock, so nothing has to run in the background and a persisted operation resumes after a restart.
 *
 * @param failure null when the operation succeeds, else the description it fails with
 * @param target  for updates: the plan/parameters the instance takes once the update succeeds
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
record Operation(String id, Kind kind, Instant startedAt, long delayMs, String failure, Target target) {

    enum Kind { PROVISION, UPDATE, DEPROVISION, BIND, UNBIND }

    enum State {
        IN_PROGRESS("in progress"), SUCCEEDED("succeeded"), FAILED("failed");

        final String wire;

        State(String wire) {
            this.wire = wire;
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Target(String planId, Map<String, Object> parameters, Map<String, Object> maintenanceInfo) {
    }

    State stateAt(Instant now) {
        if (now.isBefore(startedAt.plusMillis(delayMs))) {
            return State.IN_PROGRESS;
        }
        return failure == null ? State.SUCCEEDED : State.FAILED;
    }

    String describe(State state) {
        if (state == State.FAILED) {
            return failure;
        }
        boolean done = state == State.SUCCEEDED;
        return switch (kind) {
            case PROVISION -> done ? "The instance is provisioned." : "Provisioning the instance.";
            case UPDATE -> done ? "The instance is updated." : "Updating the instance.";
            case DEPROVISION -> done ? "The instance is deprovisioned." : "Deprovisioning the instance.";
            case BIND -> done ? "The binding is created." : "Creating the binding.";
            case UNBIND -> done ? "The binding is deleted." : "Deleting the binding.";
        };
    }
}
