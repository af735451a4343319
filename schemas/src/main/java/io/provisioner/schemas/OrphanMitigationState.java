package io.provisioner.schemas;

import com.fasterxml.jackson.annotation.JsonValue;

/** Where an orphan-mitigation job stands. */
public enum OrphanMitigationState {
    /** The platform keeps sending the DELETE (or polling it). */
    PENDING("pending"),
    /** The broker confirmed the DELETE (or answered 410 Gone): nothing is left there. */
    SUCCEEDED("succeeded"),
    /** The give-up time passed: something may be left at the broker; an operator may retry. */
    ABANDONED("abandoned"),
    /** A delete of the instance took the job's place (a user's delete: it deletes at the broker itself). */
    SUPERSEDED("superseded");

    private final String wire;

    OrphanMitigationState(String wire) {
        this.wire = wire;
    }

    @JsonValue
    public String wire() {
        return wire;
    }

    public boolean ended() {
        return this != PENDING;
    }

    public static OrphanMitigationState fromWire(String wire) {
        for (OrphanMitigationState state : values()) {
            if (state.wire.equals(wire)) {
                return state;
            }
        }
        throw new IllegalArgumentException("unknown orphan-mitigation state: " + wire);
    }
}
