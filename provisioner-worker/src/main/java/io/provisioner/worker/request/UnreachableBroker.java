package io.provisioner.worker.request;

import io.provisioner.schemas.ProvisioningRequested;
import io.provisioner.worker.broker.BrokerUnreachable;

/**
 * What becomes of an operation whose broker gave no answer, even after the in-place retries (or whose
 * circuit is open). This is the seam for delaying such work durably (DESIGN §6: "an open circuit
 * delays the work durably"): an implementation that re-queues the request and reports no final state
 * replaces {@link FailWhenUnreachable} without touching the rest of the request flow.
 */
interface UnreachableBroker {

    RequestOutcome decide(ProvisioningRequested request, BrokerUnreachable failure);
}
