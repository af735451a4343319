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
    /** Public: an operation was accepted (create, update or delete). */
    public static final String SERVICE_INSTANCE_STARTED = "io.provisioner.service-instance.started.v1";
    /** Public: an operation ended well (a delete's end is {@link #SERVICE_INSTANCE_DELETED}). */
    public static final String SERVICE_INSTANCE_SUCCEEDED = "io.provisioner.service-instance.succeeded.v1";
    /** Public: an operation ended badly, with the broker's or the platform's description. */
    public static final String SERVICE_INSTANCE_FAILED = "io.provisioner.service-instance.failed.v1";
    /** Public: the instance is gone (its delete succeeded, or an operator purged it). */
    public static final String SERVICE_INSTANCE_DELETED = "io.provisioner.service-instance.deleted.v1";
    /** Public: a name or tags change, applied at once without the broker. */
    public static final String SERVICE_INSTANCE_UPDATED = "io.provisioner.service-instance.updated.v1";
    /** Public: a command was refused, with the Cloud Controller error a REST caller would have got. */
    public static final String SERVICE_INSTANCE_REJECTED = "io.provisioner.service-instance.rejected.v1";

    /** Public: a service key's create (bind) or delete (unbind) was accepted. */
    public static final String SERVICE_KEY_STARTED = "io.provisioner.service-key.started.v1";
    /** Public: a service key's create ended well: its credentials are ready (read them over REST). */
    public static final String SERVICE_KEY_SUCCEEDED = "io.provisioner.service-key.succeeded.v1";
    /** Public: a service key's create or delete ended badly, with the description. */
    public static final String SERVICE_KEY_FAILED = "io.provisioner.service-key.failed.v1";
    /** Public: the service key is gone (its unbind succeeded). */
    public static final String SERVICE_KEY_DELETED = "io.provisioner.service-key.deleted.v1";
    /** Public: a service key command was refused, with the Cloud Controller error. */
    public static final String SERVICE_KEY_REJECTED = "io.provisioner.service-key.rejected.v1";

    /** Commands other systems send on {@code service-instance.commands}. */
    public static final String COMMAND_CREATE = "io.provisioner.service-instance.create.v1";
    public static final String COMMAND_UPDATE = "io.provisioner.service-instance.update.v1";
    public static final String COMMAND_DELETE = "io.provisioner.service-instance.delete.v1";
    public static final String COMMAND_CREATE_KEY = "io.provisioner.service-key.create.v1";
    public static final String COMMAND_DELETE_KEY = "io.provisioner.service-key.delete.v1";

    /** Every public event type, in the order an instance's life goes. */
    public static final java.util.List<String> SERVICE_INSTANCE_EVENTS = java.util.List.of(SERVICE_INSTANCE_STARTED,
            SERVICE_INSTANCE_UPDATED, SERVICE_INSTANCE_SUCCEEDED, SERVICE_INSTANCE_FAILED, SERVICE_INSTANCE_DELETED,
            SERVICE_INSTANCE_REJECTED);

    /** Every public event type about service keys, on the same topic, keyed by the key's instance. */
    public static final java.util.List<String> SERVICE_KEY_EVENTS = java.util.List.of(SERVICE_KEY_STARTED,
            SERVICE_KEY_SUCCEEDED, SERVICE_KEY_FAILED, SERVICE_KEY_DELETED, SERVICE_KEY_REJECTED);

    /** Every command type. */
    public static final java.util.List<String> COMMANDS = java.util.List.of(COMMAND_CREATE, COMMAND_UPDATE, COMMAND_DELETE,
            COMMAND_CREATE_KEY, COMMAND_DELETE_KEY);

    /** The commands about service keys (their subject is the key, not the instance). */
    public static final java.util.List<String> KEY_COMMANDS = java.util.List.of(COMMAND_CREATE_KEY, COMMAND_DELETE_KEY);

    private EventTypes() {
    }
}
