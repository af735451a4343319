package io.provisioner.worker.operation;

import io.provisioner.schemas.OrphanMitigationRequested;
import io.provisioner.worker.progress.RequestPosition;

import org.springframework.stereotype.Component;

/** The way in for orphan mitigation asked for on {@code provisioning.requests} (an operator's retry). */
@Component
public class OrphanMitigationRequests {

    private final OrphanMitigation orphans;

    OrphanMitigationRequests(OrphanMitigation orphans) {
        this.orphans = orphans;
    }

    /** Handles the request; returns when its results are in Kafka. */
    public void requested(OrphanMitigationRequested request, RequestPosition position) {
        orphans.requested(request, position);
    }
}
