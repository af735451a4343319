package io.provisioner.samplebroker;

import com.fasterxml.jackson.annotation.JsonInclude;

import org.springframework.http.HttpStatus;

import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * An answer of the broker: the status and body, a {@code Retry-After} value (or null), or a raw
 * {@link Reply} that replaces all of it.
 */
record BrokerAnswer(HttpStatus status, Object body, String retryAfter, Reply raw) {

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Body(String operation, String dashboardUrl) {
    }

    static BrokerAnswer of(HttpStatus status) {
        return new BrokerAnswer(status, new Body(null, null), null, null);
    }

    static BrokerAnswer of(HttpStatus status, String operation, String dashboardUrl) {
        return new BrokerAnswer(status, new Body(operation, dashboardUrl), null, null);
    }

    BrokerAnswer retryingAfter(String value) {
        return new BrokerAnswer(status, body, value, raw);
    }

    /** The configured raw reply instead of this answer, when there is one. */
    BrokerAnswer replacedBy(Reply reply) {
        return reply == null ? this : new BrokerAnswer(status, body, retryAfter, reply);
    }
}
