package io.provisioner.schemas;

import com.fasterxml.jackson.annotation.JsonValue;

/** The state of an operation. {@code "in progress"} (with a space) is the wire format of CC and OSB alike. */
public enum OperationState {
    IN_PROGRESS("in progress"), SUCCEEDED("succeeded"), FAILED("failed");

    private final String wire;

    OperationState(String wire) {
        this.wire = wire;
    }

    @JsonValue
    public String wire() {
        return wire;
    }

    public boolean terminal() {
        return this != IN_PROGRESS;
    }

    public static OperationState fromWire(String wire) {
        for (OperationState state : values()) {
            if (state.wire.equals(wire)) {
                return state;
            }
        }
        throw new IllegalArgumentException("unknown operation state: " + wire);
    }
}
