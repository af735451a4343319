package io.provisioner.worker.operation;

import io.provisioner.schemas.OperationState;
import io.provisioner.schemas.OperationType;
import io.provisioner.worker.broker.BrokerAnswer;

/** What one {@code last_operation} answer means for the operation (OSB_CONTRACT.md, "Poll"). */
sealed interface PollOutcome {

    /** The metric tag of this outcome. */
    String tag();

    /** The answer as the deadline description quotes it. */
    String summary();

    /** The broker says the operation is over. */
    record Finished(OperationState state, String description, String tag, String summary) implements PollOutcome {
    }

    /** The broker is still working; it may say on what. */
    record StillRunning(String description) implements PollOutcome {

        @Override
        public String tag() {
            return "in_progress";
        }

        @Override
        public String summary() {
            return description == null ? "\"in progress\"" : "\"in progress\", \"" + description + "\"";
        }
    }

    /** No valid answer: polling goes on until one comes or the deadline passes. */
    record NoValidAnswer(String tag, String summary) implements PollOutcome {
    }

    static PollOutcome of(OperationType type, BrokerAnswer answer) {
        if (answer.status() == 410) {
            // Gone is success for a delete; for anything else it is not a valid answer (OSB).
            return type == OperationType.DELETE
                    ? new Finished(OperationState.SUCCEEDED, null, "gone", "HTTP 410")
                    : new NoValidAnswer("invalid", "HTTP 410, which is not valid for a " + type.wire());
        }
        if (answer.status() != 200) {
            return new NoValidAnswer("invalid", "HTTP " + answer.status());
        }
        if (answer.json() == null || !answer.json().isObject()) {
            return new NoValidAnswer("invalid", "HTTP 200 with a body that is not a JSON object");
        }
        String state = answer.field("state");
        String description = answer.field("description");
        if ("in progress".equals(state)) {
            return new StillRunning(description);
        }
        if ("succeeded".equals(state)) {
            return new Finished(OperationState.SUCCEEDED, description, "succeeded", "\"succeeded\"");
        }
        if ("failed".equals(state)) {
            String why = description != null && !description.isBlank() ? description
                    : "The service broker reported that the " + type.wire() + " failed";
            return new Finished(OperationState.FAILED, why, "failed", "\"failed\"");
        }
        return new NoValidAnswer("invalid", "HTTP 200 with an unknown state " + (state == null ? "(none)" : "\"" + state + "\""));
    }
}
