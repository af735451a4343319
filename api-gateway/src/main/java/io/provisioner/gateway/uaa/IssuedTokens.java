package io.provisioner.gateway.uaa;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * The grants the local issuer answered and which of them are revoked. Revocations are kept in the
 * database and mirrored in memory, so checking a token on every API call costs a set lookup. The
 * mirror is loaded at start: a revocation reaches other gateway instances when they restart (the
 * local issuer is for the local run, a single gateway).
 */
public final class IssuedTokens {

    private static final Logger log = LoggerFactory.getLogger(IssuedTokens.class);
    private static final String REFRESH_SUFFIX = "-r";

    private final JdbcClient jdbc;
    private final Clock clock;
    private final Set<String> revoked = ConcurrentHashMap.newKeySet();

    IssuedTokens(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /**
     * Mirrors the revocations of every gateway (at start, then every {@code revocations-reload}) and
     * forgets expired grants. A database that is away only delays this.
     */
    @Scheduled(fixedDelayString = "${provisioner.token-issuer.revocations-reload:30s}")
    void reload() {
        try {
            OffsetDateTime now = OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
            jdbc.sql("DELETE FROM issued_tokens WHERE expires_at < ?").param(now).update();
            revoked.addAll(jdbc.sql("SELECT jti FROM issued_tokens WHERE revoked_at IS NOT NULL")
                    .query(String.class).list());
        } catch (DataAccessException e) {
            log.warn("cannot read token revocations now: {}", e.getMessage());
        }
    }

    /** The grant a token belongs to: a refresh token's jti is its access token's plus {@code -r}. */
    static String grant(String jti) {
        return jti != null && jti.endsWith(REFRESH_SUFFIX) ? jti.substring(0, jti.length() - REFRESH_SUFFIX.length()) : jti;
    }

    void issued(String jti, String ownerId, Instant expiresAt) {
        jdbc.sql("INSERT INTO issued_tokens (jti, owner_id, expires_at) VALUES (?, ?, ?)")
                .params(jti, ownerId, OffsetDateTime.ofInstant(expiresAt, ZoneOffset.UTC)).update();
    }

    /** Who a live token of this grant belongs to (a user id, or a client id for client tokens). */
    Optional<String> owner(String jti) {
        return jdbc.sql("SELECT owner_id FROM issued_tokens WHERE jti = ? AND expires_at > ?")
                .params(grant(jti), OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC))
                .query(String.class).optional();
    }

    void revoke(String jti) {
        String grant = grant(jti);
        jdbc.sql("UPDATE issued_tokens SET revoked_at = ? WHERE jti = ? AND revoked_at IS NULL")
                .params(OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC), grant).update();
        revoked.add(grant);
    }

    /** True when the token (access or refresh) belongs to a revoked grant. */
    public boolean revoked(String jti) {
        return jti != null && revoked.contains(grant(jti));
    }
}
