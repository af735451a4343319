package io.provisioner.gateway.serviceinstance;

import java.util.UUID;

/**
 * Where a request to change an instance came from, carried onto its public events as correlation ids.
 *
 * @param commandId the {@code id} of the Kafka command, or null for a REST request
 * @param requestIdentity an identity of the request, for logs and events
 */
public record Origin(String commandId, String requestIdentity) {

    /** A REST request: a fresh identity. */
    public static Origin rest() {
        return new Origin(null, UUID.randomUUID().toString());
    }

    /** A command from {@code service-instance.commands}. */
    public static Origin command(String commandId) {
        return new Origin(commandId, UUID.randomUUID().toString());
    }
}
