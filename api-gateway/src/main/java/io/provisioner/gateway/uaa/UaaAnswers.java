package io.provisioner.gateway.uaa;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.ResponseEntity;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;

/** The issuer's answers in UAA's words ({@code error}, {@code error_description}), and its callers. */
final class UaaAnswers {

    /** Scopes that may revoke anyone's tokens or set anyone's password. */
    private static final List<String> ADMIN_SCOPES = List.of("uaa.admin", "tokens.revoke", "cloud_controller.admin");

    static final String LOCKED = "Your account has been locked because of too many failed attempts to login.";

    private UaaAnswers() {
    }

    static ResponseEntity<Map<String, Object>> error(int status, String error, String description) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("error_description", description);
        return ResponseEntity.status(status).header("Cache-Control", "no-store").body(body);
    }

    static ResponseEntity<Map<String, Object>> badCredentials() {
        return error(401, "unauthorized", "Bad credentials");
    }

    static ResponseEntity<Map<String, Object>> locked() {
        return error(401, "unauthorized", LOCKED);
    }

    static ResponseEntity<Map<String, Object>> unauthenticated() {
        return error(401, "unauthorized", "Full authentication is required to access this resource");
    }

    static ResponseEntity<Map<String, Object>> accessDenied() {
        return error(403, "access_denied", "Access is denied");
    }

    /**
     * The caller's access token (checked as the API checks it: signature, issuer, audience, expiry, not a
     * refresh token, not revoked), or null without a bearer token.
     *
     * @throws JwtException for a token that is there but not valid
     */
    static Jwt bearer(HttpServletRequest request, JwtDecoder decoder) {
        String header = request.getHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, "bearer ", 0, 7)) {
            return null;
        }
        return decoder.decode(header.substring(7).trim());
    }

    static ResponseEntity<Map<String, Object>> invalidBearer() {
        return error(401, "invalid_token", "The access token is invalid, expired or revoked");
    }

    /** A user's {@code user_id}, or a client token's {@code client_id}. */
    static String callerId(Jwt caller) {
        String user = caller.getClaimAsString("user_id");
        return user != null ? user : caller.getClaimAsString("client_id");
    }

    static boolean admin(Jwt caller) {
        List<String> scopes = caller.getClaimAsStringList("scope");
        return scopes != null && scopes.stream().anyMatch(ADMIN_SCOPES::contains);
    }
}
