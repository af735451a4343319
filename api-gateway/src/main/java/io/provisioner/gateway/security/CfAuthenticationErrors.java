package io.provisioner.gateway.security;

import java.io.IOException;

import jakarta.servlet.http.HttpServletResponse;

import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import tools.jackson.databind.json.JsonMapper;

import io.provisioner.gateway.api.CfError;
import io.provisioner.gateway.api.ErrorBody;

/** Authentication and scope failures in Cloud Controller's words and envelope. */
final class CfAuthenticationErrors {

    private CfAuthenticationErrors() {
    }

    /** A token that was there but wrong is 1000; no bearer token at all is 10002. */
    static CfError forAuthentication(AuthenticationException e) {
        return e instanceof OAuth2AuthenticationException ? CfError.INVALID_AUTH_TOKEN : CfError.NOT_AUTHENTICATED;
    }

    static void write(HttpServletResponse response, JsonMapper json, CfError error) throws IOException {
        String description = description(error);
        response.setStatus(error.status().value());
        response.setContentType("application/json");
        response.getOutputStream().write(json.writeValueAsBytes(ErrorBody.of(error, description)));
    }

    /** Cloud Controller's words for an authentication or scope failure. */
    static String description(CfError error) {
        return switch (error) {
            case INVALID_AUTH_TOKEN -> "Invalid Auth Token";
            case NOT_AUTHENTICATED -> "Authentication error";
            case INSUFFICIENT_SCOPE -> "Your token lacks the necessary scopes to access this resource.";
            default -> "You are not authorized to perform the requested action";
        };
    }

    /** The same failure as an exception, for callers outside HTTP (Kafka commands). */
    static io.provisioner.gateway.api.CfException refusal(CfError error) {
        return error.exception(description(error));
    }
}
