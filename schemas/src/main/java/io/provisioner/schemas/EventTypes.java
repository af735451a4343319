package io.provisioner.schemas;

/** Versioned CloudEvents {@code type} values; a breaking change gets a new version suffix. */
public final class EventTypes {

    public static final String PROVISIONING_REQUESTED = "io.provisioner.provisioning.requested.v1";
    public static final String OPERATION_STATUS_CHANGED = "io.provisioner.operation.status-changed.v1";
    public static final String POLL_SCHEDULED = "io.provisioner.poll.scheduled.v1";
    public static final String ORPHAN_MITIGATION_REQUESTED = "io.provisioner.orphan-mitigation.requested.v1";
    public static final String ORPHAN_MITIGATION_CHANGED = "io.provisioner.orphan-mitigation.changed.v1";

    /** A {@link ProvisioningRequested} with a binding: bind ({@code create}) or unbind ({@code delete}). */
    public static final String BINDING_REQUESTED = "io.provisioner.binding.requested.v1";
    public static final String BINDING_STATUS_CHANGED = "io.provisioner.binding.status-changed.v1";

    private EventTypes() {
    }
}
