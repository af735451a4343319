package io.provisioner.worker.broker;

/**
 * Turns a broker's failing answer into a description a person can act on: the broker's own words
 * first, then where they came from. Built here only, so every failure reads the same way.
 */
public final class BrokerErrors {

    private static final int QUOTE_LIMIT = 200;

    private BrokerErrors() {
    }

    /**
     * E.g. {@code Service broker error: plan is full (HTTP 500 from PUT /v2/service_instances/1, error "X")}.
     */
    public static String describe(BrokerAnswer answer, OsbCall call) {
        StringBuilder where = new StringBuilder("HTTP ").append(answer.status()).append(" from ").append(call.describe());
        String said;
        if (answer.json() != null && answer.json().isObject()) {
            String description = answer.field("description");
            String error = answer.field("error");
            said = description != null && !description.isBlank() ? description : "the broker gave no description";
            if (error != null) {
                where.append(", error \"").append(error).append('"');
            }
        } else if (answer.body().isBlank()) {
            said = "an empty answer";
        } else {
            said = "an answer that is not JSON: \"" + quote(answer.body()) + "\"";
        }
        if (answer.attempts() > 1) {
            where.append(", after ").append(answer.attempts()).append(" attempts");
        }
        return "Service broker error: " + said + " (" + where + ")";
    }

    /** Why the broker could not be asked at all, e.g. after connection errors or with an open circuit. */
    public static String describe(BrokerUnreachable failure) {
        return "The service broker could not be reached: " + failure.getMessage();
    }

    private static String quote(String body) {
        String text = body.strip();
        return text.length() <= QUOTE_LIMIT ? text : text.substring(0, QUOTE_LIMIT) + "…";
    }
}
