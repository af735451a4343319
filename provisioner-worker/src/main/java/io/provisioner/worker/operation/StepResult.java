package io.provisioner.worker.operation;

import io.provisioner.schemas.OrphanMitigationChanged;
import io.provisioner.worker.polling.DueWork;
import io.provisioner.worker.status.StatusChange;

/**
 * What one step of an operation produced.
 *
 * @param status the state change to report, or null for none
 * @param next the step that carries the operation on, or null when nothing is left to do
 * @param outcome what came of the step, as a metric tag
 * @param orphanMitigation how an orphan-mitigation job moved in this step, or null
 */
record StepResult(StatusChange status, DueWork next, String outcome, OrphanMitigationChanged orphanMitigation) {

    StepResult(StatusChange status, DueWork next, String outcome) {
        this(status, next, outcome, null);
    }
}
