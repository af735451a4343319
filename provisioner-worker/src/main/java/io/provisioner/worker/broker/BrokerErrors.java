package io.provisioner.worker.broker;

/**
 * Turns a broker's failing answer into a description a person can act on: the broker's own words
 * first, then where they came from and how often it was tried. Built here only, so every failure reads
 * the same way.
 */
public final class BrokerErrors {

    private static final int QUOTE_LIMIT = 200;

    private BrokerErrors() {
    }

    /**
     * E.g. {@code Service broker error: plan is full (HTTP 500 from PUT /v2/service_instances/1, error "X")}.
     */
    public static String describe(BrokerAnswer answer, OsbCall call) {
        return "Service broker error: " + said(answer, call) + " (" + where(answer, call) + ")";
    }

    /** 409 on a provision: OSB's "exists with other attributes". */
    public static String conflict(BrokerAnswer answer, OsbCall call) {
        return "The service broker already has " + (call.endpoint() == OsbEndpoint.BIND ? "a binding" : "an instance")
                + " with this id, with different attributes (409 Conflict), "
                + "so it did not create one: " + said(answer, call) + " (" + where(answer, call) + ")";
    }

    /** 422 AsyncRequired, although the platform always sends {@code accepts_incomplete=true}. */
    public static String asyncRequired(BrokerAnswer answer, OsbCall call) {
        return "The service broker demands an asynchronous operation (422 AsyncRequired) although the platform "
                + "offered one (accepts_incomplete=true); the broker is at fault: " + said(answer, call) + " ("
                + where(answer, call) + ")";
    }

    /** 422 MaintenanceInfoConflict: the platform's catalog of the broker is older than the broker. */
    public static String maintenanceInfoConflict(BrokerAnswer answer, OsbCall call) {
        return "The service broker's maintenance_info for this plan differs from the platform's catalog (422 "
                + "MaintenanceInfoConflict); update the broker's catalog in the platform, then try again: "
                + said(answer, call) + " (" + where(answer, call) + ")";
    }

    /** 422 ConcurrencyError: the broker works on another operation of the instance. */
    public static String concurrency(BrokerAnswer answer, OsbCall call) {
        return "The service broker is busy with another operation on this instance (422 ConcurrencyError): "
                + said(answer, call) + " (" + where(answer, call) + ")";
    }

    /** A success status whose body OSB does not allow (not a JSON object, or wrong field types). */
    public static String malformed(BrokerAnswer answer, OsbCall call) {
        String body = answer.body().isBlank() ? "an empty body"
                : call.endpoint().answersWithCredentials() ? "a body that is not valid (not quoted: it may hold credentials)"
                : "the body \"" + quote(answer.body()) + "\"";
        return "The service broker's answer is not valid OSB: HTTP " + answer.status() + " with " + body + " ("
                + where(answer, call) + ")";
    }

    /** A 2xx status OSB does not define for this call. */
    public static String unexpected(BrokerAnswer answer, OsbCall call) {
        return "The service broker answered HTTP " + answer.status() + ", which OSB does not define for this call ("
                + where(answer, call) + ")";
    }

    /** Why the broker could not be asked at all, e.g. after connection errors or with an open circuit. */
    public static String describe(BrokerUnreachable failure) {
        return (failure.timedOut() ? "The service broker did not answer in time: "
                : "The service broker could not be reached: ") + failure.getMessage();
    }

    private static String said(BrokerAnswer answer, OsbCall call) {
        if (answer.objectBody()) {
            String description = answer.field("description");
            return description != null && !description.isBlank() ? description : "the broker gave no description";
        }
        if (answer.body().isBlank()) {
            return "an empty answer";
        }
        if (call.endpoint().answersWithCredentials()) {
            return "an answer that is not JSON";
        }
        return "an answer that is not JSON: \"" + quote(answer.body()) + "\"";
    }

    private static String where(BrokerAnswer answer, OsbCall call) {
        StringBuilder where = new StringBuilder("HTTP ").append(answer.status()).append(" from ").append(call.describe());
        String error = answer.objectBody() ? answer.error() : null;
        if (error != null) {
            where.append(", error \"").append(error).append('"');
        }
        if (answer.attempts() > 1) {
            where.append(", after ").append(answer.attempts()).append(" attempts");
        }
        return where.toString();
    }

    private static String quote(String body) {
        String text = body.strip();
        return text.length() <= QUOTE_LIMIT ? text : text.substring(0, QUOTE_LIMIT) + "…";
    }
}
