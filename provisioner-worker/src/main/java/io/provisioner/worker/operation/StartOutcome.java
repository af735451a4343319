package io.provisioner.worker.operation;

import io.provisioner.schemas.OperationState;
import io.provisioner.schemas.OperationType;
import io.provisioner.worker.broker.BrokerAnswer;
import io.provisioner.worker.broker.BrokerErrors;
import io.provisioner.worker.broker.BrokerUnreachable;
import io.provisioner.worker.broker.OsbCall;
import io.provisioner.worker.broker.OsbEndpoint;

/**
 * What the broker's answer to a provision, update or deprovision means for the operation: the whole
 * status-code decision, in one place, after OSB_CONTRACT.md and its orphan-mitigation table.
 */
sealed interface StartOutcome {

    /** The operation is over, one way or the other. */
    record Finished(OperationState state, String description, String dashboardUrl, String credentials)
            implements StartOutcome {

        Finished(OperationState state, String description, String dashboardUrl) {
            this(state, description, dashboardUrl, null);
        }

        @Override
        public String toString() {
            return "Finished[state=" + state + ", description=" + description + "]";
        }
    }

    /** The broker works on it asynchronously (202): poll {@code last_operation}. */
    record Accepted(String brokerOperation, String dashboardUrl, String retryAfter) implements StartOutcome {
    }

    /** A provision failed in a way that may have left an instance at the broker: orphan mitigation. */
    record Orphaned(String failure) implements StartOutcome {
    }

    /** The broker could not take the call now: send it again later, durably, until the give-up time. */
    record RetryLater(String reason, String retryAfter) implements StartOutcome {
    }

    static StartOutcome of(OperationType type, OsbCall call, BrokerAnswer answer) {
        int status = answer.status();
        if (status >= 200 && status < 300) {
            return switch (type) {
                case CREATE -> call.endpoint() == OsbEndpoint.BIND ? bound(call, answer) : provisioned(call, answer);
                case UPDATE -> updated(call, answer);
                case DELETE -> deprovisioned(call, answer);
            };
        }
        String described = BrokerErrors.describe(answer, call);
        if (status == 408 || status == 429) {
            return new RetryLater(described, answer.retryAfter());
        }
        if (status == 422) {
            String error = answer.objectBody() ? answer.error() : null;
            if ("ConcurrencyError".equals(error)) {
                return new RetryLater(BrokerErrors.concurrency(answer, call), answer.retryAfter());
            }
            if ("AsyncRequired".equals(error)) {
                return failed(BrokerErrors.asyncRequired(answer, call));
            }
            if ("MaintenanceInfoConflict".equals(error)) {
                return failed(BrokerErrors.maintenanceInfoConflict(answer, call));
            }
            return failed(described);
        }
        if (status >= 500) {
            return switch (type) {
                case CREATE -> new Orphaned(described);
                // OSB's orphan mitigation of a deprovision is to send it again until it succeeds.
                case DELETE -> new RetryLater(described, answer.retryAfter());
                case UPDATE -> failed(described);
            };
        }
        if (status == 410 && type == OperationType.DELETE) {
            return new Finished(OperationState.SUCCEEDED, null, null);
        }
        if (status == 409 && type == OperationType.CREATE) {
            return failed(BrokerErrors.conflict(answer, call));
        }
        return failed(described);
    }

    /** No answer at all: a provision that timed out may have created something; anything else is put off. */
    static StartOutcome of(OperationType type, BrokerUnreachable failure) {
        String description = BrokerErrors.describe(failure);
        return type == OperationType.CREATE && failure.timedOut() ? new Orphaned(description)
                : new RetryLater(description, null);
    }

    private static StartOutcome provisioned(OsbCall call, BrokerAnswer answer) {
        return switch (answer.status()) {
            case 200 -> answer.wellFormed() ? succeeded(answer.field("dashboard_url"))
                    : failed(BrokerErrors.malformed(answer, call) + "; after a 200 the platform does not delete the "
                            + "instance at the broker (OSB)");
            case 201 -> answer.wellFormed() ? succeeded(answer.field("dashboard_url"))
                    : new Orphaned(BrokerErrors.malformed(answer, call));
            case 202 -> answer.wellFormed() ? accepted(answer) : new Orphaned(BrokerErrors.malformed(answer, call));
            default -> new Orphaned(BrokerErrors.unexpected(answer, call));
        };
    }

    /** OSB's bind answers and the orphan-mitigation table for bindings, which reads as the provision's. */
    private static StartOutcome bound(OsbCall call, BrokerAnswer answer) {
        return switch (answer.status()) {
            case 200 -> answer.wellFormedBinding() ? boundWith(answer)
                    : failed(BrokerErrors.malformed(answer, call) + "; after a 200 the platform does not delete the "
                            + "binding at the broker (OSB)");
            case 201 -> answer.wellFormedBinding() ? boundWith(answer) : new Orphaned(BrokerErrors.malformed(answer, call));
            case 202 -> answer.wellFormed() ? accepted(answer) : new Orphaned(BrokerErrors.malformed(answer, call));
            default -> new Orphaned(BrokerErrors.unexpected(answer, call));
        };
    }

    private static StartOutcome boundWith(BrokerAnswer answer) {
        return new Finished(OperationState.SUCCEEDED, null, null, answer.credentials());
    }

    private static StartOutcome updated(OsbCall call, BrokerAnswer answer) {
        return switch (answer.status()) {
            case 200 -> answer.wellFormed() ? succeeded(answer.field("dashboard_url"))
                    : failed(BrokerErrors.malformed(answer, call));
            case 202 -> answer.wellFormed() ? accepted(answer) : failed(BrokerErrors.malformed(answer, call));
            default -> failed(BrokerErrors.unexpected(answer, call));
        };
    }

    private static StartOutcome deprovisioned(OsbCall call, BrokerAnswer answer) {
        if (answer.status() == 200) {
            // Gone is gone, whatever the body says.
            return new Finished(OperationState.SUCCEEDED, null, null);
        }
        if (answer.status() == 202 && answer.wellFormed()) {
            return accepted(answer);
        }
        // Any other answer leaves the instance in place (OSB): delete it again.
        return new RetryLater(answer.status() == 202 ? BrokerErrors.malformed(answer, call)
                : BrokerErrors.unexpected(answer, call), answer.retryAfter());
    }

    private static StartOutcome accepted(BrokerAnswer answer) {
        return new Accepted(answer.field("operation"), answer.field("dashboard_url"), answer.retryAfter());
    }

    private static StartOutcome succeeded(String dashboardUrl) {
        return new Finished(OperationState.SUCCEEDED, null, dashboardUrl);
    }

    private static StartOutcome failed(String description) {
        return new Finished(OperationState.FAILED, description, null);
    }
}
