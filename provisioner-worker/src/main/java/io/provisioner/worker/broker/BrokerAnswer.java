package io.provisioner.worker.broker;

import tools.jackson.databind.JsonNode;

/**
 * What a broker answered.
 *
 * @param body the body as text, empty when there was none
 * @param json the body parsed, or null when it is not JSON
 * @param retryAfter the {@code Retry-After} header as sent, or null
 * @param attempts how many times the call was sent before this answer came
 */
public record BrokerAnswer(int status, String body, JsonNode json, String retryAfter, int attempts) {

    /** OSB caps the {@code operation} a broker hands out at 10,000 characters. */
    static final int OPERATION_LIMIT = 10_000;

    /** Worth trying again in place: the broker is overloaded, timed out or failed inside (DESIGN §6). */
    public boolean transientFailure() {
        return status >= 500 || status == 429 || status == 408;
    }

    /** A string field of a JSON object body, or null when the body, or the field, is not there. */
    public String field(String name) {
        if (json == null || !json.isObject()) {
            return null;
        }
        JsonNode value = json.get(name);
        return value != null && value.isString() ? value.stringValue() : null;
    }

    /** The OSB error code ({@code error}) of an error body, or null. */
    public String error() {
        return field("error");
    }

    /** The body is a JSON object, as OSB wants every body to be ({@code {}} at least). */
    public boolean objectBody() {
        return json != null && json.isObject();
    }

    /**
     * The body is what OSB allows for this success: a JSON object whose {@code dashboard_url} (and, for
     * a 202, {@code operation}, at most 10,000 characters) are strings when present.
     */
    public boolean wellFormed() {
        if (!objectBody() || !stringOrAbsent("dashboard_url")) {
            return false;
        }
        if (status != 202) {
            return true;
        }
        String operation = field("operation");
        return stringOrAbsent("operation") && (operation == null || operation.length() <= OPERATION_LIMIT);
    }

    /**
     * The body is what OSB allows for a bind's 200 or 201, or a fetched binding: a JSON object whose
     * {@code credentials} is an object when present.
     */
    public boolean wellFormedBinding() {
        if (!objectBody()) {
            return false;
        }
        JsonNode credentials = json.get("credentials");
        return credentials == null || credentials.isNull() || credentials.isObject();
    }

    /** The {@code credentials} object as JSON text ({@code {}} when absent): a secret, to be sealed at once. */
    public String credentials() {
        JsonNode credentials = objectBody() ? json.get("credentials") : null;
        return credentials == null || !credentials.isObject() ? "{}" : credentials.toString();
    }

    @Override
    public String toString() {
        return "BrokerAnswer[status=" + status + ", attempts=" + attempts + "]";
    }

    private boolean stringOrAbsent(String name) {
        JsonNode value = json.get(name);
        return value == null || value.isNull() || value.isString();
    }

    BrokerAnswer afterAttempts(int count) {
        return new BrokerAnswer(status, body, json, retryAfter, count);
    }
}
