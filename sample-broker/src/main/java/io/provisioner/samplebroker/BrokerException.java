package io.provisioner.samplebroker;

import org.springframework.http.HttpStatus;

/**
 * An OSB error answer. A null {@code error} means the spec wants an empty {@code {}} body
 * (409 Conflict, 410 Gone).
 */
class BrokerException extends RuntimeException {

    private final HttpStatus status;
    private final String error;

    BrokerException(HttpStatus status, String error, String description) {
        super(description, null, false, false); // control flow, not a failure: no stack trace needed
        this.status = status;
        this.error = error;
    }

    static BrokerException badRequest(String description) {
        return new BrokerException(HttpStatus.BAD_REQUEST, "BadRequest", description);
    }

    static BrokerException emptyBody(HttpStatus status) {
        return new BrokerException(status, null, null);
    }

    HttpStatus status() {
        return status;
    }

    /** The response body: {@code {"error","description"}} or {@code {}}. */
    Object body() {
        return error == null ? java.util.Map.of() : new ErrorBody(error, getMessage());
    }
}
