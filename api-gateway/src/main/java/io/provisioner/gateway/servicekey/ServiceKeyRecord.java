package io.provisioner.gateway.servicekey;

import java.time.OffsetDateTime;

import io.provisioner.schemas.OperationState;
import io.provisioner.schemas.OperationType;

/**
 * A service key row, with the space of its instance (who may see it).
 *
 * @param sealedCredentials the broker's credentials, sealed with the platform key; null until bound
 */
record ServiceKeyRecord(String guid, String name, String instanceGuid, String spaceGuid, String sealedCredentials,
        String operationId, OperationType operationType, OperationState operationState, String operationDescription,
        OffsetDateTime operationCreatedAt, OffsetDateTime operationUpdatedAt, OffsetDateTime createdAt,
        OffsetDateTime updatedAt) {

    @Override
    public String toString() {
        return "ServiceKeyRecord[guid=" + guid + ", name=" + name + ", instanceGuid=" + instanceGuid + ", operation="
                + operationType + " " + operationState + "]";
    }
}
