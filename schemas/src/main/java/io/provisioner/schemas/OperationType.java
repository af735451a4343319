package io.provisioner.schemas;

import com.fasterxml.jackson.annotation.JsonValue;

/** The kind of an operation; the lower-case names are Cloud Controller's wire format. */
public enum OperationType {
    CREATE("create"), UPDATE("update"), DELETE("delete");

    private final String wire;

    OperationType(String wire) {
        this.wire = wire;
    }

    @JsonValue
    public String wire() {
        return wire;
    }

    public static OperationType fromWire(String wire) {
        for (OperationType type : values()) {
            if (type.wire.equals(wire)) {
                return type;
            }
        }
        throw new IllegalArgumentException("unknown operation type: " + wire);
    }
}
