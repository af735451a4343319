package io.provisioner.gateway.servicekey;

import io.provisioner.schemas.OperationState;
import io.provisioner.schemas.OperationType;

/** The service instance a key belongs to, as far as keys need it: where it lives and what it is doing. */
record InstanceOfKey(String guid, String name, String spaceGuid, String planGuid, String operationId,
        OperationType operationType, OperationState operationState, boolean bindable) {

    /** The instance exists at the broker: its create succeeded, or a later operation began after it. */
    boolean created() {
        return !(operationType == OperationType.CREATE && operationState != OperationState.SUCCEEDED);
    }
}
