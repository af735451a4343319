package io.provisioner.gateway.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Cloud Controller's error envelope; built here and nowhere else. */
public record ErrorBody(
        String description,
        @JsonProperty("error_code") String errorCode,
        int code) {

    public static ErrorBody of(CfError error, String description) {
        return new ErrorBody(description, error.errorCode(), error.code());
    }
}
