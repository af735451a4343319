package io.provisioner.gateway.uaa;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.ResponseEntity;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * The UAA endpoints a Cloud Foundry v2 client uses to log in ({@code /login}, {@code /oauth/token},
 * {@code /token_keys}), answering in UAA's shapes. Local run and tests only.
 */
@RestController
@ConditionalOnProperty(name = "provisioner.token-issuer.enabled", havingValue = "true")
class TokenIssuerController {

    /** UAA's public client of the cf CLI: empty secret, password and refresh grants. */
    static final String CF_CLIENT = "cf";

    private final TokenIssuerSettings settings;
    private final TokenMint mint;
    private final SigningKey key;
    private final JwtDecoder decoder;

    TokenIssuerController(TokenIssuerSettings settings, TokenMint mint, SigningKey key,
            @org.springframework.beans.factory.annotation.Value("${provisioner.security.issuer}") String issuer) {
        this.settings = settings;
        this.mint = mint;
        this.key = key;
        // Refresh tokens are checked here with the issuer's own key (signature, expiry, issuer); the API's
        // decoder refuses them on purpose.
        org.springframework.security.oauth2.jwt.NimbusJwtDecoder refreshes =
                org.springframework.security.oauth2.jwt.NimbusJwtDecoder.withPublicKey(key.publicKey()).build();
        refreshes.setJwtValidator(org.springframework.security.oauth2.jwt.JwtValidators.createDefaultWithIssuer(issuer));
        this.decoder = refreshes;
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

    @DeleteMapping("/oauth/token/revoke/{jti}")
    ResponseEntity<Void> revoke(@PathVariable String jti) {
        // Clients call this on logout; tokens here are short-lived and stateless, so there is nothing to forget.
        return ResponseEntity.ok().build();
    }

    @PostMapping("/oauth/token")
    ResponseEntity<Map<String, Object>> token(HttpServletRequest request) {
        String[] client = clientCredentials(request);
        String grant = String.valueOf(request.getParameter("grant_type"));
        return switch (grant) {
            case "password" -> password(client, request.getParameter("username"), request.getParameter("password"));
            case "client_credentials" -> clientCredentials(client);
            case "refresh_token" -> refresh(client, request.getParameter("refresh_token"));
            default -> ResponseEntity.badRequest().body(Map.of("error", "unsupported_grant_type",
                    "error_description", "Unsupported grant type: " + grant));
        };
    }

    private ResponseEntity<Map<String, Object>> password(String[] client, String username, String password) {
        if (!CF_CLIENT.equals(client[0]) || !client[1].isEmpty()) {
            return badCredentials();
        }
        Optional<TokenIssuerSettings.User> user = settings.users().stream()
                .filter(u -> u.username().equals(username) && u.password().equals(password)).findFirst();
        return user.map(u -> answer(mint.forUser(u, CF_CLIENT, "password"))).orElseGet(TokenIssuerController::badCredentials);
    }

    private ResponseEntity<Map<String, Object>> clientCredentials(String[] client) {
        return settings.clients().stream()
                .filter(c -> c.clientId().equals(client[0]) && c.clientSecret().equals(client[1])).findFirst()
                .map(c -> answer(mint.forClient(c))).orElseGet(TokenIssuerController::badCredentials);
    }

    private ResponseEntity<Map<String, Object>> refresh(String[] client, String refreshToken) {
        try {
            Jwt refresh = decoder.decode(String.valueOf(refreshToken));
            if (!refresh.getId().endsWith("-r") || !client[0].equals(refresh.getClaimAsString("client_id"))) {
                return invalidToken();
            }
            String username = refresh.getClaimAsString("user_name");
            return settings.users().stream().filter(u -> u.username().equals(username)).findFirst()
                    .map(u -> answer(mint.forUser(u, client[0], "refresh_token")))
                    .orElseGet(TokenIssuerController::invalidToken);
        } catch (JwtException e) {
            return invalidToken();
        }
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

    private static ResponseEntity<Map<String, Object>> badCredentials() {
        return ResponseEntity.status(401).body(Map.of("error", "unauthorized", "error_description", "Bad credentials"));
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
