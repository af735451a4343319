package io.provisioner.gateway.uaa;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

/**
 * The issuer's users: those configured, and those made over SCIM (kept in the database). Their passwords:
 * the configured one until a user changes it, then a BCrypt hash in the database (a SCIM user has only that). A refresh token carries a signature over the user's current password ({@code rev_sig}, as
 * UAA does), so a password change, here or in the configuration, ends every refresh token issued before.
 */
class UserCredentials {

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

    /** What a user made over SCIM may do, as UAA's default groups give a new user. */
    static final List<String> NEW_USER_SCOPES = List.of("cloud_controller.read", "cloud_controller.write", "openid",
            "password.write", "uaa.user");

    Optional<TokenIssuerSettings.User> user(String username) {
        return settings.users().stream().filter(u -> u.username().equals(username)).findFirst()
                .or(() -> stored("username = ?", username));
    }

    Optional<TokenIssuerSettings.User> userById(String userId) {
        return settings.users().stream().filter(u -> u.id().equals(userId)).findFirst()
                .or(() -> stored("id = ?", userId));
    }

    /** Every user: the configured ones, then those made over SCIM. */
    List<TokenIssuerSettings.User> all() {
        List<TokenIssuerSettings.User> users = new ArrayList<>(settings.users());
        users.addAll(jdbc.sql("SELECT id, username, email FROM scim_users ORDER BY created_at, id").query(USER).list());
        return users;
    }

    boolean configured(TokenIssuerSettings.User user) {
        return settings.users().stream().anyMatch(u -> u.id().equals(user.id()));
    }

    /**
     * A user made over SCIM ({@code cf create-user}): kept in the database with a BCrypt hash of the
     * password, never the password itself.
     *
     * @return the new user, or empty when the name is taken
     */
    @Transactional
    Optional<TokenIssuerSettings.User> create(String username, String password, String email) {
        if (user(username).isPresent()) {
            return Optional.empty();
        }
        String id = UUID.randomUUID().toString();
        try {
            jdbc.sql("INSERT INTO scim_users (id, username, email, created_at) VALUES (?, ?, ?, ?)")
                    .params(id, username, email, OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC)).update();
        } catch (DuplicateKeyException e) {
            return Optional.empty();
        }
        TokenIssuerSettings.User user = new TokenIssuerSettings.User(username, null, id, email, NEW_USER_SCOPES);
        change(user, password);
        return Optional.of(user);
    }

    /** Deletes a user made over SCIM; its password hash goes with it, so its refresh tokens stop working. */
    @Transactional
    void delete(TokenIssuerSettings.User user) {
        jdbc.sql("DELETE FROM user_passwords WHERE user_id = ?").param(user.id()).update();
        jdbc.sql("DELETE FROM scim_users WHERE id = ?").param(user.id()).update();
    }

    private static final org.springframework.jdbc.core.RowMapper<TokenIssuerSettings.User> USER = (rs, n) ->
            new TokenIssuerSettings.User(rs.getString("username"), null, rs.getString("id"), rs.getString("email"),
                    NEW_USER_SCOPES);

    private Optional<TokenIssuerSettings.User> stored(String condition, String value) {
        return jdbc.sql("SELECT id, username, email FROM scim_users WHERE " + condition).param(value).query(USER)
                .optional();
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
