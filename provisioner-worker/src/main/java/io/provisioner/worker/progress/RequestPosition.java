package io.provisioner.worker.progress;

/**
 * Where a request record sits on {@code provisioning.requests}. The requests of one instance share a
 * key, so a partition, and their offsets order them: a higher offset is a newer operation.
 */
public record RequestPosition(int partition, long offset) {
}
