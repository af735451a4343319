package io.provisioner.gateway.serviceinstance;

import java.time.OffsetDateTime;

import io.provisioner.schemas.OperationState;
import io.provisioner.schemas.OperationType;

/**
 * A service instance row as stored, JSON columns still as text. It has no parameters: they are secrets
 * the platform does not keep (Cloud Controller fetches them from the broker when asked).
 */
public record ServiceInstanceRecord(
        String guid,
        String name,
        String spaceGuid,
        String planGuid,
        String serviceGuid,
        String tags,
        String dashboardUrl,
        String maintenanceInfo,
        String operationId,
        OperationType operationType,
        OperationState operationState,
        String operationDescription,
        OffsetDateTime operationCreatedAt,
        OffsetDateTime operationUpdatedAt,
        OffsetDateTime createdAt,
        OffsetDateTime updatedAt) {
}
