-- The local token issuer's state (local run and tests; a real UAA keeps its own).
-- Every grant it answered, so that a token can be revoked by its owner or an admin: jti is the access
-- token's; the refresh token of the same grant has jti || '-r' and is revoked with it.
CREATE TABLE issued_tokens (
    jti        VARCHAR(64)  PRIMARY KEY,
    owner_id   VARCHAR(255) NOT NULL,
    expires_at TIMESTAMP WITH TIME ZONE NOT NULL,
    revoked_at TIMESTAMP WITH TIME ZONE
);
CREATE INDEX issued_tokens_expiry ON issued_tokens (expires_at);

-- Passwords users changed themselves (PUT /Users/{id}/password), BCrypt; the configured one applies until then.
CREATE TABLE user_passwords (
    user_id       VARCHAR(255) PRIMARY KEY,
    password_hash VARCHAR(100) NOT NULL,
    changed_at    TIMESTAMP WITH TIME ZONE NOT NULL
);
