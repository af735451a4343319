package io.provisioner.gateway.uaa;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The local UAA-compatible token issuer: for the local run and tests only; production trusts a real
 * UAA (or another OIDC issuer) instead.
 *
 * @param keyFile where the RSA signing key is kept (PEM); empty means a fresh key each start
 */
@ConfigurationProperties("provisioner.token-issuer")
public record TokenIssuerSettings(
        @DefaultValue("false") boolean enabled,
        Path keyFile,
        @DefaultValue("2h") Duration accessTokenValidity,
        @DefaultValue("30d") Duration refreshTokenValidity,
        @DefaultValue List<User> users,
        @DefaultValue List<Client> clients,
        @DefaultValue Lockout lockout) {

    /**
     * UAA's lockout policy for failed logins, per user and per caller address.
     *
     * @param userFailures failed logins of one user that lock it (UAA's default: 5)
     * @param addressFailures failed logins from one address that lock it
     * @param countFailuresWithin how far back failures count
     * @param lockoutPeriod how long a lock lasts after the last failure
     */
    public record Lockout(@DefaultValue("5") int userFailures, @DefaultValue("50") int addressFailures,
            @DefaultValue("1h") Duration countFailuresWithin, @DefaultValue("5m") Duration lockoutPeriod) {
    }

    /** A user who logs in with the password grant. */
    public record User(String username, String password, String userId, String email, List<String> scopes) {

        public String id() {
            return userId != null && !userId.isBlank() ? userId
                    : UUID.nameUUIDFromBytes(("user:" + username).getBytes(java.nio.charset.StandardCharsets.UTF_8))
                            .toString();
        }
    }

    /** A client that gets tokens of its own (client_credentials) with these authorities. */
    public record Client(String clientId, String clientSecret, List<String> authorities) {
    }
}
