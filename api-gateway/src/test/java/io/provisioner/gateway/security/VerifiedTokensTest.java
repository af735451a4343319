package io.provisioner.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;

/** A kept token skips its signature check, never its time window or a revocation. */
class VerifiedTokensTest {

    private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

    private final RSAPublicKey publicKey;
    private final NimbusJwtEncoder encoder;
    private final AtomicInteger signatureChecks = new AtomicInteger();
    private final Set<String> revoked = new HashSet<>();
    private final VerifiedTokens tokens;

    VerifiedTokensTest() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        var pair = generator.generateKeyPair();
        publicKey = (RSAPublicKey) pair.getPublic();
        RSAKey key = new RSAKey.Builder(publicKey).privateKey((RSAPrivateKey) pair.getPrivate()).keyID("k").build();
        encoder = new NimbusJwtEncoder(new ImmutableJWKSet<>(new JWKSet(key)));
        NimbusJwtDecoder nimbus = NimbusJwtDecoder.withPublicKey(publicKey).build();
        nimbus.setJwtValidator(jwt -> OAuth2TokenValidatorResult.success());
        JwtDecoder counting = token -> {
            signatureChecks.incrementAndGet();
            return nimbus.decode(token);
        };
        tokens = new VerifiedTokens(counting, jwt -> revoked.contains(jwt.getId())
                ? OAuth2TokenValidatorResult.failure(new OAuth2Error("invalid_token", "revoked", null))
                : OAuth2TokenValidatorResult.success(), 100, Duration.ofMinutes(10));
    }

    @Test
    void theSameTokenIsCheckedBySignatureOnce() {
        String token = token("grant-1", NOW.plusSeconds(600));
        JwtDecoder decoder = tokens.atRequestTime(Clock.fixed(NOW, ZoneOffset.UTC));
        assertThat(decoder.decode(token).getSubject()).isEqualTo("user-1");
        assertThat(decoder.decode(token).getSubject()).isEqualTo("user-1");
        assertThat(signatureChecks).hasValue(1);
    }

    @Test
    void aKeptTokenStillExpires() {
        String token = token("grant-2", NOW.plusSeconds(600));
        tokens.atRequestTime(Clock.fixed(NOW, ZoneOffset.UTC)).decode(token);
        JwtDecoder later = tokens.atRequestTime(Clock.fixed(NOW.plusSeconds(600 + 61), ZoneOffset.UTC));
        assertThatThrownBy(() -> later.decode(token)).isInstanceOf(BadJwtException.class).hasMessageContaining("expired");
        assertThat(tokens.validAt(token, NOW.plusSeconds(30)).getId()).as("a command appended in time").isEqualTo("grant-2");
    }

    @Test
    void aKeptTokenIsRefusedOnceItsGrantIsRevoked() {
        String token = token("grant-3", NOW.plusSeconds(600));
        JwtDecoder decoder = tokens.atRequestTime(Clock.fixed(NOW, ZoneOffset.UTC));
        decoder.decode(token);
        revoked.add("grant-3");
        assertThatThrownBy(() -> decoder.decode(token)).isInstanceOf(BadJwtException.class).hasMessageContaining("revoked");
        assertThatThrownBy(() -> tokens.validAt(token, NOW)).isInstanceOf(BadJwtException.class);
    }

    @Test
    void aTokenDifferingFromAKeptOneIsCheckedAfreshAndBadOnesAreNotKept() {
        String token = token("grant-4", NOW.plusSeconds(600));
        JwtDecoder decoder = tokens.atRequestTime(Clock.fixed(NOW, ZoneOffset.UTC));
        decoder.decode(token);
        int last = token.length() - 2;
        String tampered = token.substring(0, last) + (token.charAt(last) == 'A' ? 'B' : 'A') + token.substring(last + 1);
        assertThatThrownBy(() -> decoder.decode(tampered)).isInstanceOf(BadJwtException.class);
        assertThatThrownBy(() -> decoder.decode(tampered)).isInstanceOf(BadJwtException.class);
        assertThat(signatureChecks).as("the good token once, the tampered one at each try").hasValue(3);
    }

    private String token(String id, Instant expiresAt) {
        JwtClaimsSet claims = JwtClaimsSet.builder().subject("user-1").id(id).issuedAt(NOW.minusSeconds(5))
                .expiresAt(expiresAt).build();
        return encoder.encode(JwtEncoderParameters.from(JwsHeader.with(SignatureAlgorithm.RS256).keyId("k").build(),
                claims)).getTokenValue();
    }
}
