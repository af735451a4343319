package io.provisioner.gateway.security;

import java.time.Instant;
import java.util.Locale;

import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.BadJwtException;

import io.provisioner.gateway.api.CfError;
import io.provisioner.gateway.api.CfException;

/**
 * The bearer token of a Kafka command, checked as the REST API checks a request's: signature by the
 * issuer's keys, issuer, audience, not a refresh token, not revoked, then the write scopes; the space
 * role is the use case's business, as for REST. One difference, on purpose: the token's time window is
 * judged at the moment the broker appended the command ({@code LogAppendTime}, which producers cannot
 * set), not when the gateway reads it, so a Kafka outage or a backlog turns no good command into a refusal.
 * Refusals are the REST answers: 10002 without a token, 1000 for a bad one, 10007 without a write scope.
 */
public final class CommandTokens {

    private final VerifiedTokens tokens;

    CommandTokens(VerifiedTokens tokens) {
        this.tokens = tokens;
    }

    /**
     * @param authorization the record's {@code authorization} header ({@code bearer <JWT>}), or null
     * @param judgedAt when the token must have been valid
     */
    public Caller writer(String authorization, Instant judgedAt) {
        if (authorization == null || !authorization.toLowerCase(Locale.ROOT).startsWith("bearer ")
                || authorization.substring(7).isBlank()) {
            throw CfAuthenticationErrors.refusal(CfError.NOT_AUTHENTICATED);
        }
        Jwt jwt;
        try {
            jwt = tokens.validAt(authorization.substring(7).trim(), judgedAt);
        } catch (BadJwtException e) {
            throw invalid();
        }
        // Any other JwtException (the issuer's keys cannot be fetched) says nothing about the token: it
        // propagates, and the command is tried again rather than refused.
        Caller caller = Callers.of(SecurityConfiguration.authentication(jwt));
        if (Caller.WRITE_SCOPES.stream().noneMatch(caller.scopes()::contains)) {
            throw CfAuthenticationErrors.refusal(CfError.INSUFFICIENT_SCOPE);
        }
        return caller;
    }

    private static CfException invalid() {
        return CfAuthenticationErrors.refusal(CfError.INVALID_AUTH_TOKEN);
    }
}
