package io.provisioner.gateway.uaa;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.ResponseEntity;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * The UAA endpoints a Cloud Foundry v2 client uses to log in ({@code /login}, {@code /oauth/token},
 * {@code /token_keys}, {@code /oauth/token/revoke/{jti}}), answering in UAA's shapes. Every grant
 * authenticates its client; failed logins are throttled per user and per address ({@link LoginThrottle});
 * every grant is recorded so that its owner or an admin can revoke it ({@link IssuedTokens}). Local run and
 * tests only.
 */
@RestController
@ConditionalOnProperty(name = "provisioner.token-issuer.enabled", havingValue = "true")
class TokenIssuerController {

    /** UAA's public client of the cf CLI: empty secret, password and refresh grants. */
    static final String CF_CLIENT = "cf";

    private final TokenIssuerSettings settings;
    private final TokenMint mint;
    private final SigningKey key;
    private final JwtDecoder refreshes;
    private final JwtDecoder accessTokens;
    private final IssuedTokens issued;
    private final UserCredentials credentials;
    private final LoginThrottle throttle;

    TokenIssuerController(TokenIssuerSettings settings, TokenMint mint, SigningKey key,
            @Value("${provisioner.security.issuer}") String issuer, JwtDecoder accessTokens, IssuedTokens issued,
            UserCredentials credentials, LoginThrottle throttle) {
        this.settings = settings;
        this.mint = mint;
        this.key = key;
        this.accessTokens = accessTokens;
        this.issued = issued;
        this.credentials = credentials;
        this.throttle = throttle;
        // Refresh tokens are checked here with the issuer's own key (signature, expiry, issuer); the API's
        // decoder refuses them on purpose.
        NimbusJwtDecoder refreshes = NimbusJwtDecoder.withPublicKey(key.publicKey()).build();
        refreshes.setJwtValidator(JwtValidators.createDefaultWithIssuer(issuer));
        this.refreshes = refreshes;
    }

    @GetMapping("/login")
    Map<String, Object> login() {
        String base = ServletUriComponentsBuilder.fromCurrentContextPath().build().toUriString();
        Map<String, Object> login = new LinkedHashMap<>();
        login.put("app", Map.of("version", "4.30.0"));
        login.put("links", Map.of("uaa", base, "login", base));
        login.put("zone_name", "uaa");
        login.put("prompts", Map.of("username", List.of("text", "Email"), "password", List.of("password", "Password")));
        return login;
    }

    @GetMapping("/token_keys")
    Map<String, Object> tokenKeys() {
        Map<String, Object> jwk = new LinkedHashMap<>();
        jwk.put("kty", "RSA");
        jwk.put("e", base64Url(key.publicKey().getPublicExponent()));
        jwk.put("use", "sig");
        jwk.put("kid", SigningKey.KEY_ID);
        jwk.put("alg", "RS256");
        jwk.put("value", key.publicPem());
        jwk.put("n", base64Url(key.publicKey().getModulus()));
        return Map.of("keys", List.of(jwk));
    }

    /**
     * Revokes a grant (its access and refresh token) by either token's jti: the caller must present a
     * valid access token of the grant's owner, or an admin's.
     */
    @DeleteMapping("/oauth/token/revoke/{jti}")
    ResponseEntity<Map<String, Object>> revoke(@PathVariable String jti, HttpServletRequest request) {
        Jwt caller;
        try {
            caller = UaaAnswers.bearer(request, accessTokens);
        } catch (JwtException e) {
            return UaaAnswers.invalidBearer();
        }
        if (caller == null) {
            return UaaAnswers.unauthenticated();
        }
        Optional<String> owner = issued.owner(jti);
        if (owner.isEmpty()) {
            return UaaAnswers.error(404, "not_found", "Token not found");
        }
        if (!UaaAnswers.admin(caller) && !owner.get().equals(UaaAnswers.callerId(caller))) {
            return UaaAnswers.accessDenied();
        }
        issued.revoke(jti);
        return ResponseEntity.ok().build();
    }

    @PostMapping("/oauth/token")
    ResponseEntity<Map<String, Object>> token(HttpServletRequest request) {
        String[] client = clientCredentials(request);
        String grant = String.valueOf(request.getParameter("grant_type"));
        String address = request.getRemoteAddr();
        return switch (grant) {
            case "password" -> password(client, request.getParameter("username"), request.getParameter("password"), address);
            case "client_credentials" -> clientCredentials(client, address);
            case "refresh_token" -> refresh(client, request.getParameter("refresh_token"), address);
            default -> ResponseEntity.badRequest().body(Map.of("error", "unsupported_grant_type",
                    "error_description", "Unsupported grant type: " + grant));
        };
    }

    private ResponseEntity<Map<String, Object>> password(String[] client, String username, String password,
            String address) {
        Optional<TokenIssuerSettings.User> user = credentials.user(username);
        String known = user.map(TokenIssuerSettings.User::username).orElse(null);
        if (throttle.locked(known, address)) {
            return UaaAnswers.locked();
        }
        if (!CF_CLIENT.equals(client[0]) || !client[1].isEmpty()) {
            throttle.failed(null, address);
            return UaaAnswers.badCredentials();
        }
        if (user.isEmpty() || !credentials.matches(user.get(), password)) {
            throttle.failed(known, address);
            return UaaAnswers.badCredentials();
        }
        throttle.succeeded(known);
        return answer(user.get(), CF_CLIENT, "password");
    }

    private ResponseEntity<Map<String, Object>> clientCredentials(String[] client, String address) {
        if (throttle.locked(null, address)) {
            return UaaAnswers.locked();
        }
        Optional<TokenIssuerSettings.Client> known = authenticatedClient(client);
        if (known.isEmpty()) {
            throttle.failed(null, address);
            return UaaAnswers.badCredentials();
        }
        TokenMint.Minted minted = mint.forClient(known.get());
        issued.issued(minted.jti(), known.get().clientId(), minted.expiresAt());
        return answer(minted);
    }

    /** UAA authenticates the client on the refresh grant as on any other, then checks the token is its own. */
    private ResponseEntity<Map<String, Object>> refresh(String[] client, String refreshToken, String address) {
        if (throttle.locked(null, address)) {
            return UaaAnswers.locked();
        }
        boolean cf = CF_CLIENT.equals(client[0]) && client[1].isEmpty();
        if (!cf && authenticatedClient(client).isEmpty()) {
            throttle.failed(null, address);
            return UaaAnswers.badCredentials();
        }
        try {
            Jwt refresh = refreshes.decode(String.valueOf(refreshToken));
            if (!refresh.getId().endsWith("-r") || !client[0].equals(refresh.getClaimAsString("client_id"))
                    || issued.revoked(refresh.getId())) {
                return invalidToken();
            }
            Optional<TokenIssuerSettings.User> user = credentials.user(refresh.getClaimAsString("user_name"))
                    .filter(u -> credentials.revocationSignature(u, client[0]).equals(refresh.getClaimAsString("rev_sig")));
            return user.map(u -> answer(u, client[0], "refresh_token")).orElseGet(TokenIssuerController::invalidToken);
        } catch (JwtException e) {
            return invalidToken();
        }
    }

    private Optional<TokenIssuerSettings.Client> authenticatedClient(String[] client) {
        return settings.clients().stream()
                .filter(c -> c.clientId().equals(client[0]) && c.clientSecret() != null
                        && MessageDigest.isEqual(c.clientSecret().getBytes(StandardCharsets.UTF_8),
                                client[1].getBytes(StandardCharsets.UTF_8)))
                .findFirst();
    }

    private ResponseEntity<Map<String, Object>> answer(TokenIssuerSettings.User user, String clientId, String grantType) {
        TokenMint.Minted minted = mint.forUser(user, clientId, grantType, credentials.revocationSignature(user, clientId));
        issued.issued(minted.jti(), user.id(), minted.expiresAt());
        return answer(minted);
    }

    /** The client from HTTP Basic, or from the form's client_id and client_secret. */
    private static String[] clientCredentials(HttpServletRequest request) {
        String header = request.getHeader("Authorization");
        if (header != null && header.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                String decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
                int colon = decoded.indexOf(':');
                if (colon >= 0) {
                    return new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)};
                }
            } catch (IllegalArgumentException e) {
                return new String[] {"", "?"};
            }
        }
        String id = request.getParameter("client_id");
        String secret = request.getParameter("client_secret");
        return new String[] {id == null ? "" : id, secret == null ? "" : secret};
    }

    private static ResponseEntity<Map<String, Object>> answer(TokenMint.Minted minted) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("access_token", minted.accessToken());
        body.put("token_type", "bearer");
        if (minted.refreshToken() != null) {
            body.put("refresh_token", minted.refreshToken());
        }
        body.put("expires_in", minted.expiresIn());
        body.put("scope", String.join(" ", minted.scopes()));
        body.put("jti", minted.jti());
        return ResponseEntity.ok().header("Cache-Control", "no-store").body(body);
    }

    private static ResponseEntity<Map<String, Object>> invalidToken() {
        return ResponseEntity.status(401).body(Map.of("error", "invalid_token",
                "error_description", "The refresh token is invalid or expired"));
    }

    private static String base64Url(BigInteger value) {
        byte[] bytes = value.toByteArray();
        int start = bytes.length > 1 && bytes[0] == 0 ? 1 : 0;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOfRange(bytes, start, bytes.length));
    }
}
