package io.provisioner.samplebroker;

import com.fasterxml.jackson.annotation.JsonInclude;

import org.springframework.http.HttpStatus;

import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/** A successful OSB answer: the status and a body that is {@code {}} when no field is set. */
record BrokerAnswer(HttpStatus status, Body body) {

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Body(String operation, String dashboardUrl) {
    }

    static BrokerAnswer of(HttpStatus status) {
        return new BrokerAnswer(status, new Body(null, null));
    }

    static BrokerAnswer of(HttpStatus status, String operation, String dashboardUrl) {
        return new BrokerAnswer(status, new Body(operation, dashboardUrl));
    }
}
