package io.provisioner.gateway.uaa;

import java.util.Map;
import java.util.Optional;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.ResponseEntity;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * UAA's password change ({@code cf passwd}): {@code PUT /Users/{userId}/password} with
 * {@code {"oldPassword", "password"}}, by the user (who must give the old password) or an admin. The
 * user's refresh tokens stop working (see {@link UserCredentials}).
 */
@RestController
@ConditionalOnProperty(name = "provisioner.token-issuer.enabled", havingValue = "true")
class PasswordController {

    private final JwtDecoder accessTokens;
    private final UserCredentials credentials;
    private final JsonMapper json;

    PasswordController(JwtDecoder accessTokens, UserCredentials credentials, JsonMapper json) {
        this.accessTokens = accessTokens;
        this.credentials = credentials;
        this.json = json;
    }

    @PutMapping("/Users/{userId}/password")
    ResponseEntity<Map<String, Object>> change(@PathVariable String userId, HttpServletRequest request)
            throws java.io.IOException {
        Jwt caller;
        try {
            caller = UaaAnswers.bearer(request, accessTokens);
        } catch (JwtException e) {
            return UaaAnswers.invalidBearer();
        }
        if (caller == null) {
            return UaaAnswers.unauthenticated();
        }
        boolean self = userId.equals(caller.getClaimAsString("user_id"));
        if (!self && !UaaAnswers.admin(caller)) {
            return UaaAnswers.accessDenied();
        }
        Optional<TokenIssuerSettings.User> user = credentials.userById(userId);
        if (user.isEmpty()) {
            return UaaAnswers.error(404, "scim_resource_not_found", "User " + userId + " does not exist");
        }
        JsonNode body;
        try {
            body = json.readTree(request.getInputStream());
        } catch (JacksonException e) {
            return UaaAnswers.error(400, "invalid_request", "The body is not JSON");
        }
        String oldPassword = body == null ? null : text(body, "oldPassword");
        String password = body == null ? null : text(body, "password");
        if (self && !credentials.matches(user.get(), oldPassword)) {
            return UaaAnswers.error(401, "unauthorized", "Old password is incorrect");
        }
        if (password == null || password.isEmpty()) {
            return UaaAnswers.error(422, "invalid_password", "Password must be at least 1 characters in length.");
        }
        if (credentials.matches(user.get(), password)) {
            return UaaAnswers.error(422, "invalid_password", "Your new password cannot be the same as the old password.");
        }
        credentials.change(user.get(), password);
        return ResponseEntity.ok(Map.of("status", "ok", "message", "password updated"));
    }

    private static String text(JsonNode body, String field) {
        JsonNode value = body.get(field);
        return value != null && value.isString() ? value.asString() : null;
    }
}
