package io.provisioner.gateway.uaa;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Optional;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

/**
 * The users' passwords: the configured one until a user changes it (then a BCrypt hash in the
 * database). A refresh token carries a signature over the user's current password ({@code rev_sig}, as
 * UAA does), so a password change, here or in the configuration, ends every refresh token issued before.
 */
final class UserCredentials {

    private final TokenIssuerSettings settings;
    private final JdbcClient jdbc;
    private final Clock clock;
    private final BCryptPasswordEncoder bcrypt = new BCryptPasswordEncoder();
    private final SecretKeySpec signatureKey;

    UserCredentials(TokenIssuerSettings settings, JdbcClient jdbc, Clock clock, SigningKey key) {
        this.settings = settings;
        this.jdbc = jdbc;
        this.clock = clock;
        try {
            // A key of its own, derived from the private key: the signature reveals nothing of the password.
            this.signatureKey = new SecretKeySpec(MessageDigest.getInstance("SHA-256")
                    .digest(key.privateKey().getEncoded()), "HmacSHA256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    Optional<TokenIssuerSettings.User> user(String username) {
        return settings.users().stream().filter(u -> u.username().equals(username)).findFirst();
    }

    Optional<TokenIssuerSettings.User> userById(String userId) {
        return settings.users().stream().filter(u -> u.id().equals(userId)).findFirst();
    }

    boolean matches(TokenIssuerSettings.User user, String password) {
        if (password == null) {
            return false;
        }
        Optional<String> changed = changedHash(user);
        if (changed.isPresent()) {
            return bcrypt.matches(password, changed.get());
        }
        return user.password() != null && MessageDigest.isEqual(user.password().getBytes(StandardCharsets.UTF_8),
                password.getBytes(StandardCharsets.UTF_8));
    }

    void change(TokenIssuerSettings.User user, String newPassword) {
        String hash = bcrypt.encode(newPassword);
        OffsetDateTime now = OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
        int updated = jdbc.sql("UPDATE user_passwords SET password_hash = ?, changed_at = ? WHERE user_id = ?")
                .params(hash, now, user.id()).update();
        if (updated == 0) {
            jdbc.sql("INSERT INTO user_passwords (user_id, password_hash, changed_at) VALUES (?, ?, ?)")
                    .params(user.id(), hash, now).update();
        }
    }

    /** UAA's {@code rev_sig}: changes when the user's password or the client changes. */
    String revocationSignature(TokenIssuerSettings.User user, String clientId) {
        String secret = changedHash(user).orElse(String.valueOf(user.password()));
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(signatureKey);
            byte[] signature = mac.doFinal((user.id() + '\0' + clientId + '\0' + secret).getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(signature);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private Optional<String> changedHash(TokenIssuerSettings.User user) {
        return jdbc.sql("SELECT password_hash FROM user_passwords WHERE user_id = ?").param(user.id())
                .query(String.class).optional();
    }
}
