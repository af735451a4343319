package io.provisioner.gateway.uaa;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The part of UAA's SCIM API the cf CLI uses: find a user by name ({@code GET /Users?filter=userName eq
 * "bob"}), make one ({@code cf create-user}: {@code POST /Users}) and delete one ({@code DELETE
 * /Users/{id}}). For callers with {@code scim.read} (reads) or {@code scim.write}, or an admin scope.
 * Passwords are kept only as BCrypt hashes and never logged. Local run and tests only.
 */
@RestController
@ConditionalOnProperty(name = "provisioner.token-issuer.enabled", havingValue = "true")
class ScimUsersController {

    private static final List<String> SCHEMAS = List.of("urn:scim:schemas:core:1.0");
    /** One comparison of a filter: {@code attribute eq "value"}; UAA's attribute names are case-insensitive. */
    private static final Pattern COMPARISON = Pattern.compile("^\\s*(\\w+)\\s+eq\\s+\"([^\"]*)\"\\s*$",
            Pattern.CASE_INSENSITIVE);

    private final JwtDecoder accessTokens;
    private final UserCredentials credentials;
    private final JsonMapper json;

    ScimUsersController(JwtDecoder accessTokens, UserCredentials credentials, JsonMapper json) {
        this.accessTokens = accessTokens;
        this.credentials = credentials;
        this.json = json;
    }

    @GetMapping("/Users")
    ResponseEntity<Map<String, Object>> list(HttpServletRequest request) {
        Optional<ResponseEntity<Map<String, Object>>> refused = refuse(request, "scim.read");
        if (refused.isPresent()) {
            return refused.get();
        }
        Predicate<TokenIssuerSettings.User> filter;
        try {
            filter = filter(request.getParameter("filter"));
        } catch (IllegalArgumentException e) {
            return UaaAnswers.error(400, "invalid_filter", e.getMessage());
        }
        List<Map<String, Object>> users = credentials.all().stream().filter(filter).map(this::scim).toList();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("resources", users);
        body.put("startIndex", 1);
        body.put("itemsPerPage", users.size());
        body.put("totalResults", users.size());
        body.put("schemas", SCHEMAS);
        return ResponseEntity.ok(body);
    }

    @PostMapping("/Users")
    ResponseEntity<Map<String, Object>> create(HttpServletRequest request) throws java.io.IOException {
        Optional<ResponseEntity<Map<String, Object>>> refused = refuse(request, "scim.write");
        if (refused.isPresent()) {
            return refused.get();
        }
        JsonNode body;
        try {
            body = json.readTree(request.getInputStream());
        } catch (JacksonException e) {
            return UaaAnswers.error(400, "invalid_scim_resource", "The body is not a JSON object");
        }
        if (body == null || !body.isObject()) {
            return UaaAnswers.error(400, "invalid_scim_resource", "The body is not a JSON object");
        }
        String username = text(body.get("userName"));
        String password = text(body.get("password"));
        String origin = text(body.get("origin"));
        if (username == null || username.isBlank() || username.length() > 255) {
            return UaaAnswers.error(400, "invalid_scim_resource", "A username must be provided.");
        }
        if (password == null || password.isEmpty() || password.length() > 255) {
            return UaaAnswers.error(400, "invalid_password", "Password must be 1 to 255 characters in length.");
        }
        if (origin != null && !origin.isEmpty() && !origin.equals("uaa")) {
            return UaaAnswers.error(400, "invalid_scim_resource", "Only users of the origin 'uaa' can be made here.");
        }
        String email = text(body.path("emails").path(0).get("value"));
        Optional<TokenIssuerSettings.User> created = credentials.create(username, password,
                email == null || email.isBlank() ? username : email);
        if (created.isEmpty()) {
            return UaaAnswers.error(409, "scim_resource_already_exists", "Username already in use: " + username);
        }
        return ResponseEntity.status(201).body(scim(created.get()));
    }

    @DeleteMapping("/Users/{id}")
    ResponseEntity<Map<String, Object>> delete(@PathVariable String id, HttpServletRequest request) {
        Optional<ResponseEntity<Map<String, Object>>> refused = refuse(request, "scim.write");
        if (refused.isPresent()) {
            return refused.get();
        }
        Optional<TokenIssuerSettings.User> user = credentials.userById(id);
        if (user.isEmpty()) {
            return UaaAnswers.error(404, "scim_resource_not_found", "User " + id + " does not exist");
        }
        if (credentials.configured(user.get())) {
            return UaaAnswers.error(400, "invalid_request", "User " + id
                    + " is configured (provisioner.token-issuer.users); remove it from the configuration instead");
        }
        credentials.delete(user.get());
        return ResponseEntity.ok(scim(user.get()));
    }

    /** UAA's answer to a caller without a valid token or the scope, if it is one. */
    private Optional<ResponseEntity<Map<String, Object>>> refuse(HttpServletRequest request, String scope) {
        Jwt caller;
        try {
            caller = UaaAnswers.bearer(request, accessTokens);
        } catch (JwtException e) {
            return Optional.of(UaaAnswers.invalidBearer());
        }
        if (caller == null) {
            return Optional.of(UaaAnswers.unauthenticated());
        }
        List<String> scopes = caller.getClaimAsStringList("scope");
        boolean allowed = UaaAnswers.admin(caller) || (scopes != null && (scopes.contains(scope)
                || scope.equals("scim.read") && scopes.contains("scim.write")));
        return allowed ? Optional.empty() : Optional.of(UaaAnswers.error(403, "insufficient_scope",
                "Insufficient scope for this resource"));
    }

    /** UAA's filter, as far as clients use it here: comparisons with {@code eq}, joined by {@code and}. */
    static Predicate<TokenIssuerSettings.User> filter(String filter) {
        Predicate<TokenIssuerSettings.User> all = user -> true;
        if (filter == null || filter.isBlank()) {
            return all;
        }
        for (String part : filter.split("(?i)\\s+and\\s+")) {
            Matcher m = COMPARISON.matcher(part);
            if (!m.matches()) {
                throw new IllegalArgumentException("Invalid filter expression: [" + filter + "]");
            }
            String value = m.group(2);
            Predicate<TokenIssuerSettings.User> comparison = switch (m.group(1).toLowerCase(java.util.Locale.ROOT)) {
                case "username" -> user -> user.username().equalsIgnoreCase(value);
                case "id" -> user -> user.id().equals(value);
                case "origin" -> user -> value.equals("uaa");
                default -> throw new IllegalArgumentException("Invalid filter attribute: " + m.group(1));
            };
            all = all.and(comparison);
        }
        return all;
    }

    private Map<String, Object> scim(TokenIssuerSettings.User user) {
        Map<String, Object> scim = new LinkedHashMap<>();
        scim.put("id", user.id());
        scim.put("externalId", user.username());
        scim.put("meta", Map.of("version", 0));
        scim.put("userName", user.username());
        scim.put("name", Map.of());
        String email = user.email() == null ? user.username() + "@provisioner.local" : user.email();
        scim.put("emails", List.of(Map.of("value", email, "primary", true)));
        scim.put("groups", (user.scopes() == null ? List.<String>of() : user.scopes()).stream()
                .map(s -> Map.of("display", s, "type", "DIRECT")).toList());
        scim.put("approvals", List.of());
        scim.put("active", true);
        scim.put("verified", true);
        scim.put("origin", "uaa");
        scim.put("zoneId", "uaa");
        scim.put("schemas", SCHEMAS);
        return scim;
    }

    private static String text(JsonNode node) {
        return node != null && node.isString() ? node.asString() : null;
    }
}
