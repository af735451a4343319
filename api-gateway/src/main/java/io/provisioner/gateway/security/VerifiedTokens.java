package io.provisioner.gateway.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.JwtValidationException;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * Tokens whose signature and fixed claims (issuer, audience, not a refresh token, an expiry) were checked
 * once, kept by their exact text. A caller sends the same token with every request until it expires (the
 * cf CLI does), and decoding it is the dearest step of a request: base64 in constant time, JSON, and an
 * RSA signature check. What changes with time is checked at every use, cached or not: the time window,
 * and whether the grant was revoked since.
 *
 * <p>The key is the whole token, signature included, so a token that differs from a checked one in a
 * single character is checked afresh. Failures are not kept: a bad token costs its check each time, as
 * before.
 */
final class VerifiedTokens {

    private final JwtDecoder signatureAndClaims;
    private final OAuth2TokenValidator<Jwt> revocation;
    private final Cache<String, Jwt> checked;

    /**
     * @param signatureAndClaims decodes and checks what a token's text alone decides
     * @param revocation checked at each use
     * @param size how many tokens to keep
     * @param keepFor how long a token is kept after its check (a rotated-out key stops being trusted after it)
     */
    VerifiedTokens(JwtDecoder signatureAndClaims, OAuth2TokenValidator<Jwt> revocation, long size, Duration keepFor) {
        this.signatureAndClaims = signatureAndClaims;
        this.revocation = revocation;
        this.checked = Caffeine.newBuilder().maximumSize(size).expireAfterWrite(keepFor).build();
    }

    /** The decoder of REST requests: the token must be valid now. */
    JwtDecoder atRequestTime(Clock clock) {
        OAuth2TokenValidator<Jwt> checks = windowAndRevocation(clock);
        return token -> verify(token, checks);
    }

    /** A token checked as at {@code moment} (a command's append time), revocation as of now. */
    Jwt validAt(String token, Instant moment) {
        return verify(token, windowAndRevocation(Clock.fixed(moment, ZoneOffset.UTC)));
    }

    private OAuth2TokenValidator<Jwt> windowAndRevocation(Clock clock) {
        JwtTimestampValidator window = new JwtTimestampValidator();
        window.setClock(clock);
        return new DelegatingOAuth2TokenValidator<>(List.of(window, revocation));
    }

    private Jwt verify(String token, OAuth2TokenValidator<Jwt> checks) {
        Jwt jwt = checked.get(token, signatureAndClaims::decode);
        OAuth2TokenValidatorResult result = checks.validate(jwt);
        if (result.hasErrors()) {
            throw new JwtValidationException(result.getErrors().iterator().next().getDescription(), result.getErrors());
        }
        return jwt;
    }
}
