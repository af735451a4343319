package io.provisioner.worker.polling;

import java.util.Arrays;

/**
 * What a scheduled step does when it is due. Carried in the {@value #HEADER} header of the record, so
 * the record itself stays a valid {@code io.provisioner.poll.scheduled.v1}; a record without the header
 * (written before the header existed) is a poll.
 */
public enum WorkKind {
    /** Send the operation's provision, update or deprovision call again: it was put off. */
    START("start"),
    /** Poll {@code last_operation} of the operation. */
    POLL("poll"),
    /** Orphan mitigation: send (again) the DELETE of an instance whose provision failed. */
    ORPHAN_DELETE("orphan-delete"),
    /** Orphan mitigation: poll the DELETE the broker accepted. */
    ORPHAN_POLL("orphan-poll");

    public static final String HEADER = "provisioner-work";

    private final String wire;

    WorkKind(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    static WorkKind fromWire(String wire) {
        if (wire == null) {
            return POLL;
        }
        return Arrays.stream(values()).filter(kind -> kind.wire.equals(wire)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown kind of scheduled work: " + wire));
    }
}
