package io.provisioner.schemas;

import java.time.Instant;

import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * An orphan-mitigation job moved: it began, a DELETE failed, it succeeded, was abandoned or superseded.
 * The job is the platform's own clean-up after a failed create; it never changes that create's operation.
 * Topic {@code provisioning.orphan-mitigations}, key = instance guid.
 *
 * @param operationId the failed create's operation id
 * @param attempts DELETEs sent so far by this run of the job
 * @param lastError the broker's last answer that was not a success, or null
 * @param startedAt when this run of the job began
 * @param giveUpAt when this run gives up
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record OrphanMitigationChanged(
        String instanceGuid,
        String operationId,
        String brokerGuid,
        String brokerName,
        OrphanMitigationState state,
        int attempts,
        String lastError,
        Instant startedAt,
        Instant giveUpAt,
        Instant occurredAt) {
}
