package io.provisioner.worker.request;

import io.provisioner.schemas.OperationState;
import io.provisioner.schemas.ProvisioningRequested;
import io.provisioner.worker.broker.BrokerErrors;
import io.provisioner.worker.broker.BrokerUnreachable;

import org.springframework.stereotype.Component;

/** Today's policy: the operation fails, saying what was attempted and how often. */
@Component
class FailWhenUnreachable implements UnreachableBroker {

    @Override
    public RequestOutcome decide(ProvisioningRequested request, BrokerUnreachable failure) {
        return new RequestOutcome.Finished(OperationState.FAILED, BrokerErrors.describe(failure), null);
    }
}
