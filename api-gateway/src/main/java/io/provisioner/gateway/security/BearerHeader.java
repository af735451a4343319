package io.provisioner.gateway.security;

import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.server.resource.BearerTokenErrors;

/**
 * The token of an {@code Authorization: bearer <token>} header, by RFC 6750's grammar
 * ({@code b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="}), as Spring Security's
 * {@code DefaultBearerTokenResolver} reads it, without its case-insensitive regular expression, which ran
 * over every character of every request's kilobyte-long token.
 */
final class BearerHeader {

    private static final String SCHEME = "bearer";

    private BearerHeader() {
    }

    /**
     * @return the token, or null when the header is absent or of another scheme
     * @throws OAuth2AuthenticationException {@code invalid_token} when it is a bearer header but malformed
     */
    static String token(String header) {
        if (header == null || !header.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            return null;
        }
        int start = SCHEME.length() + 1;
        if (header.length() <= start || header.charAt(SCHEME.length()) != ' ' || !wellFormed(header, start)) {
            throw new OAuth2AuthenticationException(BearerTokenErrors.invalidToken("Bearer token is malformed"));
        }
        return header.substring(start);
    }

    private static boolean wellFormed(String header, int start) {
        int end = header.length();
        while (end > start && header.charAt(end - 1) == '=') {
            end--;
        }
        if (end == start) {
            return false;
        }
        for (int i = start; i < end; i++) {
            char c = header.charAt(i);
            boolean allowed = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-'
                    || c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
            if (!allowed) {
                return false;
            }
        }
        return true;
    }
}
