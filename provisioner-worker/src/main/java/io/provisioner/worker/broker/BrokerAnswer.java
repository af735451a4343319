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

    BrokerAnswer afterAttempts(int count) {
        return new BrokerAnswer(status, body, json, retryAfter, count);
    }
}
