package io.provisioner.gateway.serviceinstance;

import java.time.OffsetDateTime;

import io.provisioner.schemas.OperationState;
import io.provisioner.schemas.OperationType;

/** A service instance row as stored, JSON columns still as text. */
record ServiceInstanceRecord(
        String guid,
        String name,
        String spaceGuid,
        String planGuid,
        String serviceGuid,
        String parameters,
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
