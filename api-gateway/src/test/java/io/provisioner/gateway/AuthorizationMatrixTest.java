package io.provisioner.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;

import io.provisioner.gateway.uaa.SigningKey;
import io.provisioner.gateway.uaa.TokenIssuerSettings;
import io.provisioner.gateway.uaa.TokenMint;

/**
 * Every endpoint against every kind of caller: no token, broken tokens, each scope, and each role,
 * asserting the status and Cloud Controller's error code.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthorizationMatrixTest extends GatewayTestBase {

    private String org;
    private String space;
    private String otherSpace;
    private String instance;
    private String broker;
    private String plan;

    /** Who is calling: a user name of the test issuer, or a broken token. */
    enum Who { NONE, MALFORMED, BAD_SIGNATURE, EXPIRED, WRONG_AUDIENCE, WRONG_ISSUER, REFRESH_TOKEN, BASIC,
        NO_CC_SCOPE, READ_ONLY_ADMIN, GLOBAL_AUDITOR, ADMIN, SPACE_DEVELOPER, SPACE_AUDITOR, ORG_MANAGER, UNRELATED }

    /** What an endpoint needs. */
    enum Needs { PUBLIC, READ_ANY, READ_SPACE, WRITE_SPACE, ADMIN_WRITE, ADMIN_READ, ORG_MANAGER }

    record Endpoint(String method, String path, String body, Needs needs) {
        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    record Case(Who who, Endpoint endpoint, int status, String errorCode) {
        @Override
        public String toString() {
            return who + " " + endpoint + " -> " + status + (errorCode == null ? "" : " " + errorCode);
        }
    }

    @BeforeAll
    void aSpaceWithRoles() {
        org = send("POST", "/v2/organizations", json(Map.of("name", "authz-" + UUID.randomUUID()))).json()
                .at("/metadata/guid").asString();
        space = send("POST", "/v2/spaces", json(Map.of("name", "authz", "organization_guid", org))).json()
                .at("/metadata/guid").asString();
        otherSpace = send("POST", "/v2/spaces", json(Map.of("name", "other", "organization_guid", org))).json()
                .at("/metadata/guid").asString();
        plan = planGuid(CatalogBroker.SYNC_PLAN_ID);
        instance = send("POST", "/v2/service_instances?accepts_incomplete=true", json(Map.of("name", "authz-"
                + UUID.randomUUID(), "space_guid", space, "service_plan_guid", plan))).json().at("/metadata/guid").asString();
        broker = get("/v2/service_brokers?q=name:test-broker").json().at("/resources/0/metadata/guid").asString();
        assertThat(send("PUT", "/v2/spaces/" + space + "/developers/" + userId("developer"), null).status()).isEqualTo(201);
        assertThat(send("PUT", "/v2/spaces/" + space + "/auditors/" + userId("auditor"), null).status()).isEqualTo(201);
        assertThat(send("PUT", "/v2/organizations/" + org + "/managers/" + userId("manager"), null).status()).isEqualTo(201);
    }

    /** Endpoints whose success would change state answer an error after the auth check, so the matrix can repeat. */
    private List<Endpoint> endpoints() {
        String i = "/v2/service_instances/" + instance;
        return List.of(
                new Endpoint("GET", "/v2/info", null, Needs.PUBLIC),
                new Endpoint("GET", "/", null, Needs.PUBLIC),
                new Endpoint("GET", "/v2/config/feature_flags", null, Needs.READ_ANY),
                new Endpoint("GET", "/v2/services", null, Needs.READ_ANY),
                new Endpoint("GET", "/v2/service_plans", null, Needs.READ_ANY),
                new Endpoint("GET", "/v2/service_plans/" + plan, null, Needs.READ_ANY),
                new Endpoint("GET", "/v2/service_instances", null, Needs.READ_ANY),
                new Endpoint("GET", "/v2/spaces", null, Needs.READ_ANY),
                new Endpoint("GET", "/v2/organizations", null, Needs.READ_ANY),
                new Endpoint("GET", i, null, Needs.READ_SPACE),
                new Endpoint("GET", i + "/service_bindings", null, Needs.READ_SPACE),
                new Endpoint("GET", i + "/parameters", null, Needs.READ_SPACE),
                new Endpoint("GET", "/v2/spaces/" + space, null, Needs.READ_SPACE),
                new Endpoint("GET", "/v2/spaces/" + space + "/summary", null, Needs.READ_SPACE),
                new Endpoint("GET", "/v2/spaces/" + space + "/service_instances", null, Needs.READ_SPACE),
                new Endpoint("GET", "/v2/spaces/" + space + "/services", null, Needs.READ_SPACE),
                // Writes that pass the auth checks end in a validation error, so nothing changes between cases.
                new Endpoint("POST", "/v2/service_instances?accepts_incomplete=true", json(Map.of("name", "",
                        "space_guid", space, "service_plan_guid", plan)), Needs.WRITE_SPACE),
                new Endpoint("PUT", i + "?accepts_incomplete=true", json(Map.of("name", "")), Needs.WRITE_SPACE),
                new Endpoint("DELETE", i, null, Needs.WRITE_SPACE),
                new Endpoint("DELETE", "/v2/service_instances/" + UUID.randomUUID() + "?purge=true", null, Needs.ADMIN_WRITE),
                new Endpoint("POST", "/v2/organizations", json(Map.of("name", "")), Needs.ADMIN_WRITE),
                new Endpoint("POST", "/v2/spaces", json(Map.of("name", "", "organization_guid", org)), Needs.ADMIN_WRITE),
                new Endpoint("POST", "/v2/service_brokers", json(Map.of("name", "", "broker_url", "http://x",
                        "auth_username", "u", "auth_password", "p")), Needs.ADMIN_WRITE),
                new Endpoint("PUT", "/v2/service_brokers/" + broker, json(Map.of("name", "")), Needs.ADMIN_WRITE),
                new Endpoint("DELETE", "/v2/service_brokers/" + broker, null, Needs.ADMIN_WRITE),
                new Endpoint("GET", "/v2/service_brokers/" + broker, null, Needs.ADMIN_READ),
                new Endpoint("PUT", "/v2/spaces/" + otherSpace + "/auditors/" + userId("outsider"), null, Needs.ORG_MANAGER),
                new Endpoint("DELETE", "/v2/spaces/" + otherSpace + "/auditors/" + userId("outsider"), null, Needs.ORG_MANAGER),
                new Endpoint("PUT", "/v2/organizations/" + org + "/users/" + userId("outsider"), null, Needs.ORG_MANAGER));
    }

    /** What Cloud Controller answers this caller on an endpoint needing this. */
    private static Case expect(Who who, Endpoint e) {
        if (e.needs() == Needs.PUBLIC) {
            return new Case(who, e, 200, null);
        }
        switch (who) {
            case NONE, BASIC:
                return new Case(who, e, 401, "CF-NotAuthenticated");
            case MALFORMED, BAD_SIGNATURE, EXPIRED, WRONG_AUDIENCE, WRONG_ISSUER, REFRESH_TOKEN, NO_CC_SCOPE:
                return new Case(who, e, 401, "CF-InvalidAuthToken");
            default:
        }
        boolean write = !e.method().equals("GET");
        boolean canWrite = who == Who.ADMIN || who == Who.SPACE_DEVELOPER || who == Who.SPACE_AUDITOR
                || who == Who.ORG_MANAGER || who == Who.UNRELATED;
        if (write && !canWrite) {
            return new Case(who, e, 403, "CF-InsufficientScope");
        }
        boolean readsAll = who == Who.ADMIN || who == Who.READ_ONLY_ADMIN || who == Who.GLOBAL_AUDITOR;
        boolean allowed = switch (e.needs()) {
            case READ_ANY -> true;
            case READ_SPACE -> readsAll || who == Who.SPACE_DEVELOPER || who == Who.SPACE_AUDITOR || who == Who.ORG_MANAGER;
            case WRITE_SPACE -> who == Who.ADMIN || who == Who.SPACE_DEVELOPER;
            case ADMIN_WRITE -> who == Who.ADMIN;
            case ADMIN_READ -> readsAll;
            case ORG_MANAGER -> who == Who.ADMIN || who == Who.ORG_MANAGER;
            case PUBLIC -> true;
        };
        if (!allowed) {
            return new Case(who, e, 403, "CF-NotAuthorized");
        }
        return new Case(who, e, 0, null);
    }

    Stream<Case> cases() {
        List<Case> cases = new ArrayList<>();
        for (Endpoint endpoint : endpoints()) {
            for (Who who : Who.values()) {
                cases.add(expect(who, endpoint));
            }
        }
        return cases.stream();
    }

    private String authorization(Who who) {
        Instant now = Instant.now();
        return switch (who) {
            case NONE -> null;
            case BASIC -> "Basic YWRtaW46YWRtaW4=";
            case MALFORMED -> "bearer not-a-jwt";
            case BAD_SIGNATURE -> "bearer " + new TokenMint(SigningKey.load(null), ISSUER, java.time.Clock.systemUTC(),
                    issuerSettings).forUser(user("admin"), "cf", "password").accessToken();
            case EXPIRED -> "bearer " + mint.sign(claims(now.minusSeconds(7200), now.minusSeconds(120)).build());
            case WRONG_AUDIENCE -> "bearer " + mint.sign(claims(now, now.plusSeconds(600)).audience(List.of("cf", "uaa"))
                    .build());
            case WRONG_ISSUER -> "bearer " + mint.sign(claims(now, now.plusSeconds(600))
                    .issuer("https://uaa.elsewhere.example/oauth/token").build());
            case REFRESH_TOKEN -> "bearer " + mint.forUser(user("admin"), "cf", "password").refreshToken();
            case NO_CC_SCOPE -> "bearer " + token("noscope");
            case READ_ONLY_ADMIN -> "bearer " + token("readonly");
            case GLOBAL_AUDITOR -> "bearer " + token("globalauditor");
            case ADMIN -> "bearer " + token("admin");
            case SPACE_DEVELOPER -> "bearer " + token("developer");
            case SPACE_AUDITOR -> "bearer " + token("auditor");
            case ORG_MANAGER -> "bearer " + token("manager");
            case UNRELATED -> "bearer " + token("outsider");
        };
    }

    private TokenIssuerSettings.User user(String name) {
        return issuerSettings.users().stream().filter(u -> u.username().equals(name)).findFirst().orElseThrow();
    }

    private JwtClaimsSet.Builder claims(Instant issued, Instant expires) {
        return JwtClaimsSet.builder().id(UUID.randomUUID().toString()).subject(userId("admin"))
                .claim("user_id", userId("admin")).claim("user_name", "admin").claim("client_id", "cf")
                .claim("scope", List.of("cloud_controller.admin")).issuer(ISSUER).audience(List.of("cf", "cloud_controller"))
                .issuedAt(issued).expiresAt(expires);
    }

    @ParameterizedTest
    @MethodSource("cases")
    void everyCallerGetsWhatCloudControllerWouldAnswer(Case expected) {
        Endpoint e = expected.endpoint();
        Answer answer = sendWith(authorization(expected.who()), e.method(), e.path(), e.body(), "application/json");

        if (expected.status() == 0) {
            // Allowed: past the authentication and authorization checks, whatever the endpoint then answers.
            assertThat(answer.status()).as(answer.body()).isNotIn(401, 403);
            assertThat(answer.status()).as(answer.body()).isLessThan(500);
        } else {
            assertThat(answer.status()).as(answer.body()).isEqualTo(expected.status());
            if (expected.errorCode() != null) {
                assertThat(answer.errorCode()).isEqualTo(expected.errorCode());
            }
        }
    }

    @ParameterizedTest
    @MethodSource("listsByRole")
    void listsShowOnlyWhatTheCallerMaySee(String user, boolean seesTheInstance) {
        String body = sendAs(user, "GET", "/v2/service_instances?results-per-page=100&q=space_guid:" + space, null).body();
        assertThat(body.contains(instance)).isEqualTo(seesTheInstance);
        assertThat(sendAs(user, "GET", "/v2/spaces?q=organization_guid:" + org, null).body().contains(space))
                .isEqualTo(seesTheInstance);
    }

    Stream<Arguments> listsByRole() {
        return Stream.of(
                Arguments.of("admin", true),
                Arguments.of("readonly", true),
                Arguments.of("globalauditor", true),
                Arguments.of("developer", true),
                Arguments.of("auditor", true),
                Arguments.of("manager", true),
                Arguments.of("outsider", false));
    }

    @ParameterizedTest
    @MethodSource("listsByRole")
    void aSpaceDeveloperCreatesAndTheUserIsTheOriginatingIdentity(String user, boolean ignored) {
        if (!user.equals("developer")) {
            return;
        }
        Answer created = sendAs("developer", "POST", "/v2/service_instances?accepts_incomplete=true", json(Map.of(
                "name", "dev-" + UUID.randomUUID(), "space_guid", space, "service_plan_guid", plan)));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String guid = created.json().at("/metadata/guid").asString();
        String payload = jdbc.sql("SELECT payload FROM outbox WHERE message_key = ?").param(guid).query(String.class)
                .optional().orElse(null);
        if (payload != null) {
            assertThat(payload).contains("\"originating_user_id\":\"" + userId("developer") + "\"");
        }
        assertThat(sendAs("auditor", "DELETE", "/v2/service_instances/" + guid + "?accepts_incomplete=true", null)
                .errorCode()).isEqualTo("CF-NotAuthorized");
        assertThat(sendAs("outsider", "GET", "/v2/service_instances/" + guid, null).errorCode())
                .isEqualTo("CF-NotAuthorized");
        assertThat(sendAs("outsider", "GET", "/v2/service_instances/" + UUID.randomUUID(), null).errorCode())
                .isEqualTo("CF-ServiceInstanceNotFound");
    }
}
