package io.provisioner.schemas;

import java.time.Instant;

import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * Someone asked for orphan mitigation of a failed create: an operator retrying a job that was abandoned,
 * or the gateway's reconciler failing a create whose events were lost. Topic {@code provisioning.requests}
 * (the worker's input), key = instance guid, so it stays in order with the instance's operations.
 *
 * @param request the failed create, as the worker needs it to reach the broker (a {@code create})
 * @param failure why the create failed, for logs and the job's events
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record OrphanMitigationRequested(ProvisioningRequested request, String failure, Instant requestedAt) {
}
