package io.provisioner.gateway.uaa;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;

/** Signs UAA-shaped JWTs: the claims Cloud Foundry clients and Cloud Controller read. */
public final class TokenMint {

    private final NimbusJwtEncoder encoder;
    private final String issuer;
    private final Clock clock;
    private final TokenIssuerSettings settings;

    public TokenMint(SigningKey key, String issuer, Clock clock, TokenIssuerSettings settings) {
        RSAKey jwk = new RSAKey.Builder(key.publicKey()).privateKey(key.privateKey()).keyID(SigningKey.KEY_ID).build();
        this.encoder = new NimbusJwtEncoder(new ImmutableJWKSet<>(new JWKSet(jwk)));
        this.issuer = issuer;
        this.clock = clock;
        this.settings = settings;
    }

    /** An access token and, for users, a refresh token. */
    public record Minted(String accessToken, String refreshToken, long expiresIn, List<String> scopes, String jti,
            Instant expiresAt) {
    }

    public Minted forUser(TokenIssuerSettings.User user, String clientId, String grantType) {
        return forUser(user, clientId, grantType, null);
    }

    /**
     * @param revocationSignature UAA's {@code rev_sig} for the refresh token: the refresh grant compares it
     *                            with the user's current one (see {@link UserCredentials})
     */
    public Minted forUser(TokenIssuerSettings.User user, String clientId, String grantType, String revocationSignature) {
        Instant now = clock.instant();
        String jti = UUID.randomUUID().toString().replace("-", "");
        List<String> scopes = user.scopes() == null ? List.of() : user.scopes();
        JwtClaimsSet.Builder access = common(jti, user.id(), scopes, clientId, grantType, now,
                settings.accessTokenValidity().toSeconds())
                .claim("user_id", user.id())
                .claim("user_name", user.username())
                .claim("origin", "uaa")
                .claim("email", user.email() == null ? user.username() + "@provisioner.local" : user.email())
                .claim("auth_time", now.getEpochSecond());
        JwtClaimsSet.Builder refresh = common(jti + "-r", user.id(), scopes, clientId, grantType, now,
                settings.refreshTokenValidity().toSeconds())
                .claim("user_id", user.id())
                .claim("user_name", user.username())
                .claim("origin", "uaa");
        if (revocationSignature != null) {
            refresh.claim("rev_sig", revocationSignature);
        }
        return new Minted(sign(access.build()), sign(refresh.build()), settings.accessTokenValidity().toSeconds() - 1,
                scopes, jti, now.plusSeconds(Math.max(settings.accessTokenValidity().toSeconds(),
                        settings.refreshTokenValidity().toSeconds())));
    }

    public Minted forClient(TokenIssuerSettings.Client client) {
        Instant now = clock.instant();
        String jti = UUID.randomUUID().toString().replace("-", "");
        List<String> authorities = client.authorities() == null ? List.of() : client.authorities();
        JwtClaimsSet claims = common(jti, client.clientId(), authorities, client.clientId(), "client_credentials", now,
                settings.accessTokenValidity().toSeconds())
                .claim("authorities", authorities)
                .build();
        return new Minted(sign(claims), null, settings.accessTokenValidity().toSeconds() - 1, authorities, jti,
                now.plusSeconds(settings.accessTokenValidity().toSeconds()));
    }

    private JwtClaimsSet.Builder common(String jti, String subject, List<String> scopes, String clientId,
            String grantType, Instant now, long validitySeconds) {
        return JwtClaimsSet.builder()
                .id(jti)
                .subject(subject)
                .claim("scope", scopes)
                .claim("client_id", clientId)
                .claim("cid", clientId)
                .claim("azp", clientId)
                .claim("grant_type", grantType)
                .claim("zid", "uaa")
                .issuer(issuer)
                .issuedAt(now)
                .expiresAt(now.plusSeconds(validitySeconds))
                .audience(audience(clientId, scopes));
    }

    /** UAA's audience: the client plus the prefix of every scope ({@code cloud_controller} for {@code cloud_controller.*}). */
    private static List<String> audience(String clientId, List<String> scopes) {
        Set<String> audience = new LinkedHashSet<>();
        audience.add(clientId);
        for (String scope : scopes) {
            int dot = scope.indexOf('.');
            if (dot > 0) {
                audience.add(scope.substring(0, dot));
            }
        }
        return new ArrayList<>(audience);
    }

    /** Signs any claims with the issuer's key (the tests use it for tokens that must fail). */
    public String sign(JwtClaimsSet claims) {
        JwsHeader header = JwsHeader.with(SignatureAlgorithm.RS256).keyId(SigningKey.KEY_ID).type("JWT")
                .jwkSetUrl(URI.create(issuer.replaceAll("/oauth/token$", "") + "/token_keys").toString())
                .build();
        return encoder.encode(JwtEncoderParameters.from(header, claims)).getTokenValue();
    }
}
