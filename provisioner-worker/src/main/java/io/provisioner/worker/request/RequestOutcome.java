package io.provisioner.worker.request;

import io.provisioner.schemas.OperationState;
import io.provisioner.schemas.OperationType;
import io.provisioner.worker.broker.BrokerAnswer;
import io.provisioner.worker.broker.BrokerErrors;
import io.provisioner.worker.broker.OsbCall;

/** What the broker's answer to a provision, update or deprovision means for the operation. */
sealed interface RequestOutcome {

    /** The operation is over, one way or the other. */
    record Finished(OperationState state, String description, String dashboardUrl) implements RequestOutcome {
    }

    /** The broker works on it asynchronously (202): poll {@code last_operation}. */
    record Accepted(String brokerOperation, String dashboardUrl, String retryAfter) implements RequestOutcome {
    }

    /**
     * The status-code decision, in one place: 200/201 finish a create or update, 200/410 a delete, 202
     * starts polling, anything else fails with the broker's own words.
     */
    static RequestOutcome of(OperationType type, OsbCall call, BrokerAnswer answer) {
        int status = answer.status();
        if (status == 202) {
            return new Accepted(answer.field("operation"), answer.field("dashboard_url"), answer.retryAfter());
        }
        boolean done = switch (type) {
            case CREATE, UPDATE -> status == 200 || status == 201;
            case DELETE -> status == 200 || status == 410;
        };
        if (done) {
            return new Finished(OperationState.SUCCEEDED, null,
                    type == OperationType.DELETE ? null : answer.field("dashboard_url"));
        }
        return new Finished(OperationState.FAILED, BrokerErrors.describe(answer, call), null);
    }
}
