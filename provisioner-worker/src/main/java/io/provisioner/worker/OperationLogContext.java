package io.provisioner.worker;

import io.provisioner.schemas.LogContextHeaders;
import io.provisioner.schemas.ProvisioningRequested;

import org.slf4j.MDC;

/**
 * Puts the instance guid, operation id and request identity on every log line written while an
 * operation is handled (DESIGN §9), and takes them off again when closed.
 */
public final class OperationLogContext implements AutoCloseable {

    static final String INSTANCE_GUID = LogContextHeaders.INSTANCE_GUID;
    static final String OPERATION_ID = LogContextHeaders.OPERATION_ID;
    static final String REQUEST_IDENTITY = LogContextHeaders.REQUEST_IDENTITY;
    static final String BINDING_GUID = "binding_guid";

    private OperationLogContext() {
    }

    public static OperationLogContext open(ProvisioningRequested request, String requestIdentity) {
        MDC.put(INSTANCE_GUID, request.instanceGuid());
        MDC.put(OPERATION_ID, request.operationId());
        MDC.put(REQUEST_IDENTITY, requestIdentity);
        if (request.aboutBinding()) {
            MDC.put(BINDING_GUID, request.binding().bindingGuid());
        }
        return new OperationLogContext();
    }

    @Override
    public void close() {
        MDC.remove(INSTANCE_GUID);
        MDC.remove(OPERATION_ID);
        MDC.remove(REQUEST_IDENTITY);
        MDC.remove(BINDING_GUID);
    }
}
