package io.provisioner.gateway.security;

import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.security.web.SecurityFilterChain;
import tools.jackson.databind.json.JsonMapper;

import io.provisioner.gateway.api.CfError;
import io.provisioner.gateway.uaa.IssuedTokens;
import io.provisioner.gateway.uaa.SigningKey;
import io.provisioner.gateway.uaa.TokenIssuerSettings;
import io.provisioner.gateway.uaa.TokenMint;

/**
 * Bearer JWTs as Cloud Controller checks them: RS256 signature by the issuer's keys, the issuer, the
 * {@code cloud_controller} audience, expiry; refresh tokens are refused. Reads need a read scope,
 * writes a write scope; roles are checked where the resource is known (see {@link Permissions}).
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

    private static final String[] READ_SCOPES = {scope(Caller.ADMIN), scope(Caller.ADMIN_READ_ONLY),
            scope(Caller.READ), scope(Caller.GLOBAL_AUDITOR)};
    private static final String[] WRITE_SCOPES = Caller.WRITE_SCOPES.stream().map(SecurityConfiguration::scope)
            .toArray(String[]::new);

    private static String scope(String name) {
        return "SCOPE_" + name;
    }

    @Bean
    @org.springframework.boot.autoconfigure.condition.ConditionalOnProperty(name = "provisioner.token-issuer.enabled", havingValue = "true")
    SigningKey tokenSigningKey(TokenIssuerSettings settings) {
        return SigningKey.load(settings.keyFile());
    }

    @Bean
    @org.springframework.boot.autoconfigure.condition.ConditionalOnProperty(name = "provisioner.token-issuer.enabled", havingValue = "true")
    TokenMint tokenMint(SigningKey key, SecuritySettings security, Clock clock, TokenIssuerSettings settings) {
        return new TokenMint(key, requireIssuer(security), clock, settings);
    }

    /**
     * Tokens checked once by signature and fixed claims, then kept (see {@link VerifiedTokens}): REST
     * requests and Kafka commands share them.
     */
    @Bean
    VerifiedTokens verifiedTokens(SecuritySettings security, TokenIssuerSettings issuer, ObjectProvider<SigningKey> key,
            ObjectProvider<IssuedTokens> issued) {
        NimbusJwtDecoder decoder = keysOf(security, issuer, key);
        decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(fixedChecks(security)));
        return new VerifiedTokens(decoder, revocations(issued.getIfAvailable()), security.verifiedTokensKept(),
                security.verifiedTokensKeptFor());
    }

    @Bean
    JwtDecoder jwtDecoder(VerifiedTokens tokens) {
        return tokens.atRequestTime(Clock.systemUTC());
    }

    /**
     * Tokens on commands: the same keys and checks as {@link #jwtDecoder}, but the expiry is judged at the
     * moment Kafka appended the command (see {@link CommandTokens}).
     */
    @Bean
    CommandTokens commandTokens(VerifiedTokens tokens) {
        return new CommandTokens(tokens);
    }

    /** What a token's text alone decides: issuer, audience, not a refresh token, an expiry. */
    private static List<OAuth2TokenValidator<Jwt>> fixedChecks(SecuritySettings security) {
        return List.of(
                new JwtIssuerValidator(requireIssuer(security)),
                required(jwt -> jwt.getAudience() != null && jwt.getAudience().contains(security.audience()),
                        "the token is not meant for " + security.audience()),
                required(jwt -> jwt.getId() == null || !jwt.getId().endsWith("-r"), "a refresh token is not an access token"),
                required(jwt -> jwt.getExpiresAt() != null, "the token has no expiry"));
    }

    /** A decoder that checks signatures with the issuer's keys (a UAA's /token_keys, or the local issuer's). */
    private static NimbusJwtDecoder keysOf(SecuritySettings security, TokenIssuerSettings issuer,
            ObjectProvider<SigningKey> key) {
        NimbusJwtDecoder decoder;
        if (!security.jwkSetUri().isBlank()) {
            decoder = NimbusJwtDecoder.withJwkSetUri(security.jwkSetUri()).build();
        } else if (issuer.enabled()) {
            decoder = NimbusJwtDecoder.withPublicKey(key.getObject().publicKey()).build();
        } else {
            throw new IllegalStateException("No token issuer to trust: set provisioner.security.jwk-set-uri to your "
                    + "UAA's /token_keys (and provisioner.security.issuer), or enable the local issuer with "
                    + "provisioner.token-issuer.enabled=true");
        }
        return decoder;
    }

    /** Tokens of the local issuer can be revoked; a real UAA's are checked by UAA. */
    private static OAuth2TokenValidator<Jwt> revocations(IssuedTokens issued) {
        return issued == null ? jwt -> OAuth2TokenValidatorResult.success()
                : required(jwt -> !issued.revoked(jwt.getId()), "the token has been revoked");
    }

    private static String requireIssuer(SecuritySettings security) {
        if (security.issuer() == null || security.issuer().isBlank()) {
            throw new IllegalStateException("provisioner.security.issuer is not set: the iss every token must carry");
        }
        return security.issuer();
    }

    private static OAuth2TokenValidator<Jwt> required(java.util.function.Predicate<Jwt> check, String reason) {
        OAuth2Error error = new OAuth2Error("invalid_token", reason, null);
        return jwt -> check.test(jwt) ? OAuth2TokenValidatorResult.success() : OAuth2TokenValidatorResult.failure(error);
    }

    @Bean
    SecurityFilterChain api(HttpSecurity http, JsonMapper json) throws Exception {
        http.csrf(csrf -> csrf.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .httpBasic(basic -> basic.disable())
                .formLogin(form -> form.disable())
                .logout(logout -> logout.disable())
                .requestCache(cache -> cache.disable())
                .authorizeHttpRequests(rules -> rules
                        .requestMatchers(HttpMethod.GET, "/v3").permitAll()
                        .requestMatchers("/", "/v2/info", "/login", "/oauth/token", "/oauth/token/revoke/**",
                                "/token_keys", "/actuator/**", "/error").permitAll()
                        .requestMatchers("/admin/**").hasAuthority(scope(Caller.ADMIN))
                        .requestMatchers(HttpMethod.GET, "/v2/**", "/v3/**").hasAnyAuthority(READ_SCOPES)
                        .requestMatchers("/v2/**", "/v3/**").hasAnyAuthority(WRITE_SCOPES)
                        .anyRequest().permitAll())
                .oauth2ResourceServer(server -> server
                        .bearerTokenResolver(SecurityConfiguration::bearerToken)
                        .jwt(jwt -> jwt.jwtAuthenticationConverter(SecurityConfiguration::authentication))
                        .authenticationEntryPoint((request, response, e) ->
                                CfAuthenticationErrors.write(response, json, CfAuthenticationErrors.forAuthentication(e)))
                        .accessDeniedHandler((request, response, e) ->
                                CfAuthenticationErrors.write(response, json, CfError.INSUFFICIENT_SCOPE)))
                .exceptionHandling(errors -> errors
                        .authenticationEntryPoint((request, response, e) ->
                                CfAuthenticationErrors.write(response, json, CfAuthenticationErrors.forAuthentication(e)))
                        .accessDeniedHandler((request, response, e) ->
                                CfAuthenticationErrors.write(response, json, CfError.INSUFFICIENT_SCOPE)));
        return http.build();
    }

    private static final Set<String> PUBLIC_PATHS = Set.of("/", "/v2/info", "/v3", "/login", "/oauth/token",
            "/token_keys");

    /**
     * Discovery and login answer whatever token a client still sends (it may be the expired one it is
     * replacing); the issuer's own endpoints ({@code /oauth/**}, {@code /Users/**}) check tokens themselves
     * and answer in UAA's shapes.
     */
    static String bearerToken(jakarta.servlet.http.HttpServletRequest request) {
        String path = request.getRequestURI();
        if (PUBLIC_PATHS.contains(path) || path.startsWith("/oauth/") || path.startsWith("/actuator/")
                || path.equals("/Users") || path.startsWith("/Users/")) {
            return null;
        }
        return BearerHeader.token(request.getHeader(org.springframework.http.HttpHeaders.AUTHORIZATION));
    }

    /**
     * Spring Security's own observations (one per filter, per authentication, per authorization decision)
     * cost more than the create they surround; the HTTP server observation of each request stays.
     */
    /** Spring Security's strict firewall, with the same header rule checked without a regular expression. */
    @Bean
    org.springframework.security.web.firewall.StrictHttpFirewall httpFirewall() {
        org.springframework.security.web.firewall.StrictHttpFirewall firewall =
                new org.springframework.security.web.firewall.StrictHttpFirewall();
        firewall.setAllowedHeaderNames(HeaderValues::allowed);
        firewall.setAllowedHeaderValues(HeaderValues::allowed);
        return firewall;
    }

    @Bean
    org.springframework.security.config.observation.SecurityObservationSettings securityObservations() {
        return org.springframework.security.config.observation.SecurityObservationSettings.noObservations();
    }

    /** The user is {@code user_id}, else {@code client_id}; authorities are the {@code scope} claim. */
    static JwtAuthenticationToken authentication(Jwt jwt) {
        Collection<String> scopes = jwt.getClaimAsStringList("scope");
        Set<GrantedAuthority> authorities = (scopes == null ? List.<String>of() : scopes).stream()
                .map(s -> new SimpleGrantedAuthority(scope(s))).collect(Collectors.toSet());
        String user = jwt.getClaimAsString("user_id");
        return new JwtAuthenticationToken(jwt, authorities, user != null ? user : jwt.getClaimAsString("client_id"));
    }
}
