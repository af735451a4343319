package io.provisioner.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.test.utils.KafkaTestUtils;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;

import io.provisioner.gateway.uaa.SigningKey;
import io.provisioner.gateway.uaa.TokenIssuerSettings;
import io.provisioner.gateway.uaa.TokenMint;
import io.provisioner.schemas.EventCodec;
import io.provisioner.schemas.ProvisioningRequested;
import io.provisioner.schemas.Topics;

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
    private String key;
    private String visibility;
    /** Whose roles the role endpoints change: no caller of the matrix, so no case changes another's outcome. */
    private final String roleTarget = UUID.randomUUID().toString();

    /** Who is calling: a user name of the test issuer, or a broken token. */
    enum Who { NONE, MALFORMED, BAD_SIGNATURE, EXPIRED, WRONG_AUDIENCE, WRONG_ISSUER, REFRESH_TOKEN, BASIC,
        NO_CC_SCOPE, WRITE_ONLY, READ_ONLY_ADMIN, GLOBAL_AUDITOR, ADMIN, SPACE_DEVELOPER, SPACE_AUDITOR, ORG_MANAGER,
        UNRELATED }

    /** What an endpoint needs; ADMIN_SCOPE: the operator endpoints under /admin, for the admin scope only. */
    enum Needs { PUBLIC, READ_ANY, READ_SPACE, WRITE_SPACE, ADMIN_WRITE, ADMIN_READ, ORG_MANAGER, ADMIN_SCOPE }

    /**
     * An endpoint, and what it answers a caller who passes its checks: {@code status} and, for an error,
     * {@code errorCode} (writes are built to fail validation after the checks, so the matrix can repeat).
     */
    record Endpoint(String method, String path, String body, Needs needs, int status, String errorCode) {

        Endpoint(String method, String path, String body, Needs needs) {
            this(method, path, body, needs, 200, null);
        }

        Endpoint answering(int allowedStatus, String allowedErrorCode) {
            return new Endpoint(method, path, body, needs, allowedStatus, allowedErrorCode);
        }

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
        // A key of the instance, as a finished bind leaves it (the instance's create stays in progress here).
        key = UUID.randomUUID().toString();
        jdbc.sql("""
                INSERT INTO service_keys (guid, name, service_instance_guid, operation_id, operation_type,
                  operation_state, operation_description, operation_sequence, operation_created_at, created_at)
                VALUES (?, 'authz-key', ?, ?, 'create', 'succeeded', '', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)""")
                .params(key, instance, UUID.randomUUID().toString()).update();
        visibility = send("POST", "/v2/service_plan_visibilities", json(Map.of("service_plan_guid", plan,
                "organization_guid", org))).json().at("/metadata/guid").asString();
        broker = get("/v2/service_brokers?q=name:test-broker").json().at("/resources/0/metadata/guid").asString();
        // A space role needs the user in the organization first, as in Cloud Controller.
        for (String member : List.of(userId("developer"), userId("auditor"), roleTarget)) {
            assertThat(send("PUT", "/v2/organizations/" + org + "/users/" + member, null).status()).isEqualTo(201);
        }
        assertThat(send("PUT", "/v2/spaces/" + space + "/developers/" + userId("developer"), null).status()).isEqualTo(201);
        assertThat(send("PUT", "/v2/spaces/" + space + "/auditors/" + userId("auditor"), null).status()).isEqualTo(201);
        assertThat(send("PUT", "/v2/organizations/" + org + "/managers/" + userId("manager"), null).status()).isEqualTo(201);
    }

    /** Endpoints whose success would change state answer an error after the auth check, so the matrix can repeat. */
    private List<Endpoint> endpoints() {
        String i = "/v2/service_instances/" + instance;
        String service = get("/v2/service_plans/" + plan).json().at("/entity/service_guid").asString();
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
                new Endpoint("GET", i + "/shared_to", null, Needs.READ_SPACE),
                new Endpoint("GET", i + "/shared_from", null, Needs.READ_SPACE).answering(204, null),
                new Endpoint("GET", i + "/service_keys", null, Needs.READ_SPACE),
                new Endpoint("GET", i + "/routes", null, Needs.READ_SPACE),
                new Endpoint("GET", "/v2/service_keys", null, Needs.READ_ANY),
                new Endpoint("GET", "/v2/service_keys/" + key, null, Needs.READ_SPACE),
                new Endpoint("GET", "/v2/service_plans/" + plan + "/service_instances", null, Needs.READ_ANY),
                new Endpoint("GET", "/v2/services/" + service, null, Needs.READ_ANY),
                new Endpoint("GET", "/v2/services/" + service + "/service_plans", null, Needs.READ_ANY),
                new Endpoint("GET", "/v2/service_brokers", null, Needs.READ_ANY),
                new Endpoint("GET", "/v2/organizations/" + org, null, Needs.READ_SPACE),
                new Endpoint("GET", "/v2/organizations/" + org + "/spaces", null, Needs.READ_SPACE),
                new Endpoint("GET", "/v2/spaces/" + space, null, Needs.READ_SPACE),
                new Endpoint("GET", "/v2/spaces/" + space + "/summary", null, Needs.READ_SPACE),
                new Endpoint("GET", "/v2/spaces/" + space + "/service_instances", null, Needs.READ_SPACE),
                new Endpoint("GET", "/v2/spaces/" + space + "/services", null, Needs.READ_SPACE),
                // Writes that pass the auth checks end in a validation error, so nothing changes between cases.
                new Endpoint("POST", "/v2/service_instances?accepts_incomplete=true", json(Map.of("name", "",
                        "space_guid", space, "service_plan_guid", plan)), Needs.WRITE_SPACE)
                        .answering(400, "CF-ServiceInstanceNameEmpty"),
                // The instance's create stays in progress (no worker here): an update is refused for that.
                new Endpoint("PUT", i + "?accepts_incomplete=true", json(Map.of("name", "")), Needs.WRITE_SPACE)
                        .answering(409, "CF-AsyncServiceInstanceOperationInProgress"),
                new Endpoint("DELETE", i, null, Needs.WRITE_SPACE).answering(400, "CF-AsyncRequired"),
                new Endpoint("POST", "/v2/service_keys", json(Map.of("name", "", "service_instance_guid", instance)),
                        Needs.WRITE_SPACE).answering(400, "CF-ServiceKeyInvalid"),
                // The key's instance has its create in progress: the unbind is refused for that.
                new Endpoint("DELETE", "/v2/service_keys/" + key, null, Needs.WRITE_SPACE)
                        .answering(409, "CF-AsyncServiceInstanceOperationInProgress"),
                new Endpoint("DELETE", "/v2/service_instances/" + UUID.randomUUID() + "?purge=true", null, Needs.ADMIN_WRITE)
                        .answering(404, "CF-ServiceInstanceNotFound"),
                new Endpoint("POST", "/v2/organizations", json(Map.of("name", "")), Needs.ADMIN_WRITE)
                        .answering(400, "CF-OrganizationInvalid"),
                new Endpoint("POST", "/v2/spaces", json(Map.of("name", "", "organization_guid", org)), Needs.ADMIN_WRITE)
                        .answering(400, "CF-SpaceInvalid"),
                new Endpoint("POST", "/v2/service_brokers", json(Map.of("name", "", "broker_url", "http://x",
                        "auth_username", "u", "auth_password", "p")), Needs.ADMIN_WRITE)
                        .answering(400, "CF-ServiceBrokerInvalid"),
                new Endpoint("PUT", "/v2/service_brokers/" + broker, json(Map.of("name", "")), Needs.ADMIN_WRITE)
                        .answering(400, "CF-ServiceBrokerInvalid"),
                new Endpoint("DELETE", "/v2/service_brokers/" + broker, null, Needs.ADMIN_WRITE)
                        .answering(400, "CF-ServiceBrokerNotRemovable"),
                new Endpoint("GET", "/v2/service_brokers/" + broker, null, Needs.ADMIN_READ),
                new Endpoint("PUT", "/v2/spaces/" + otherSpace + "/auditors/" + roleTarget, null, Needs.ORG_MANAGER)
                        .answering(201, null),
                new Endpoint("DELETE", "/v2/spaces/" + otherSpace + "/auditors/" + roleTarget, null, Needs.ORG_MANAGER)
                        .answering(204, null),
                new Endpoint("PUT", "/v2/organizations/" + org + "/users/" + roleTarget, null, Needs.ORG_MANAGER)
                        .answering(201, null),
                // Service access, users and roles (the cf CLI's admin commands), and the v3 reads.
                new Endpoint("GET", "/v2/service_bindings?q=service_instance_guid:" + instance, null, Needs.READ_ANY),
                new Endpoint("GET", "/v2/config/feature_flags/set_roles_by_username", null, Needs.READ_ANY),
                new Endpoint("GET", "/v2/service_plan_visibilities", null, Needs.READ_ANY),
                new Endpoint("GET", "/v2/service_plan_visibilities/" + visibility, null, Needs.READ_SPACE),
                new Endpoint("POST", "/v2/service_plan_visibilities", json(Map.of("service_plan_guid", plan)),
                        Needs.ADMIN_WRITE).answering(400, "CF-MessageParseError"),
                new Endpoint("DELETE", "/v2/service_plan_visibilities/" + UUID.randomUUID(), null, Needs.ADMIN_WRITE)
                        .answering(404, "CF-ServicePlanVisibilityNotFound"),
                new Endpoint("PUT", "/v2/service_plans/" + plan, json(Map.of("public", "yes")), Needs.ADMIN_WRITE)
                        .answering(400, "CF-MessageParseError"),
                new Endpoint("GET", "/v2/users", null, Needs.ADMIN_READ),
                new Endpoint("GET", "/v2/users/" + roleTarget, null, Needs.ADMIN_READ),
                new Endpoint("GET", "/v2/users/" + roleTarget + "/organizations", null, Needs.ADMIN_READ),
                new Endpoint("POST", "/v2/users", json(Map.of("guid", "")), Needs.ADMIN_WRITE)
                        .answering(400, "CF-MessageParseError"),
                new Endpoint("DELETE", "/v2/users/" + UUID.randomUUID(), null, Needs.ADMIN_WRITE)
                        .answering(404, "CF-UserNotFound"),
                new Endpoint("GET", "/v2/organizations/" + org + "/managers", null, Needs.READ_SPACE),
                new Endpoint("GET", "/v2/spaces/" + space + "/developers", null, Needs.READ_SPACE),
                new Endpoint("PUT", "/v2/organizations/" + org + "/auditors", json(Map.of("username", "nobody")),
                        Needs.ORG_MANAGER).answering(404, "CF-UserNotFound"),
                new Endpoint("DELETE", "/v2/spaces/" + otherSpace + "/auditors", json(Map.of("username", "nobody")),
                        Needs.ORG_MANAGER).answering(404, "CF-UserNotFound"),
                new Endpoint("GET", "/v3", null, Needs.PUBLIC),
                new Endpoint("GET", "/v3/organizations?names=x", null, Needs.READ_ANY),
                new Endpoint("GET", "/v3/spaces?organization_guids=" + org, null, Needs.READ_ANY),
                new Endpoint("GET", "/v3/isolation_segments", null, Needs.READ_ANY),
                // Operator endpoints: the admin scope alone; a bad query or body is refused after that check.
                new Endpoint("GET", "/admin/dead-letters?topic=provisioning.status.dlt&limit=0", null, Needs.ADMIN_SCOPE)
                        .answering(400, "CF-BadQueryParameter"),
                new Endpoint("POST", "/admin/dead-letters/replay", json(Map.of("topic", "provisioning.status.dlt",
                        "partition", -1, "offset", 0)), Needs.ADMIN_SCOPE).answering(400, "CF-MessageParseError"));
    }

    /** What Cloud Controller answers this caller on an endpoint needing this. */
    private static Case expect(Who who, Endpoint e) {
        if (e.needs() == Needs.PUBLIC) {
            return allowed(who, e);
        }
        switch (who) {
            case NONE, BASIC:
                return new Case(who, e, 401, "CF-NotAuthenticated");
            case MALFORMED, BAD_SIGNATURE, EXPIRED, WRONG_AUDIENCE, WRONG_ISSUER, REFRESH_TOKEN, NO_CC_SCOPE:
                return new Case(who, e, 401, "CF-InvalidAuthToken");
            default:
        }
        if (e.needs() == Needs.ADMIN_SCOPE) {
            return who == Who.ADMIN ? allowed(who, e) : new Case(who, e, 403, "CF-InsufficientScope");
        }
        boolean write = !e.method().equals("GET");
        if (!write && who == Who.WRITE_ONLY) {
            return new Case(who, e, 403, "CF-InsufficientScope");
        }
        boolean canWrite = who == Who.ADMIN || who == Who.SPACE_DEVELOPER || who == Who.SPACE_AUDITOR
                || who == Who.ORG_MANAGER || who == Who.UNRELATED || who == Who.WRITE_ONLY;
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
            case PUBLIC, ADMIN_SCOPE -> true;
        };
        if (!allowed) {
            return new Case(who, e, 403, "CF-NotAuthorized");
        }
        return allowed(who, e);
    }

    private static Case allowed(Who who, Endpoint e) {
        return new Case(who, e, e.status(), e.errorCode());
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
            // A token for Cloud Controller (audience and write scope) without any read scope.
            case WRITE_ONLY -> "bearer " + mint.sign(claims(now, now.plusSeconds(600)).subject(userId("outsider"))
                    .claim("user_id", userId("outsider")).claim("user_name", "outsider")
                    .claim("scope", List.of("cloud_controller.write", "openid")).build());
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

        assertThat(answer.status()).as(answer.body()).isEqualTo(expected.status());
        if (expected.errorCode() != null) {
            assertThat(answer.errorCode()).as(answer.body()).isEqualTo(expected.errorCode());
        } else if (expected.status() != 204) {
            assertThat(answer.json().has("error_code")).as(answer.body()).isFalse();
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

    @Test
    void aSpaceDeveloperCreatesAndTheUserIsTheOriginatingIdentity() {
        Answer created = sendAs("developer", "POST", "/v2/service_instances?accepts_incomplete=true", json(Map.of(
                "name", "dev-" + UUID.randomUUID(), "space_guid", space, "service_plan_guid", plan)));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String guid = created.json().at("/metadata/guid").asString();

        // The request event as the worker reads it from Kafka, whether or not the outbox row is already sent.
        Map<String, Object> props = KafkaTestUtils.consumerProps(embeddedKafka, "authz-" + UUID.randomUUID(), false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (Consumer<String, byte[]> consumer = new DefaultKafkaConsumerFactory<>(props, new StringDeserializer(),
                new ByteArrayDeserializer()).createConsumer()) {
            consumer.subscribe(List.of(Topics.REQUESTS));
            ConsumerRecord<String, byte[]> request = await().atMost(Duration.ofSeconds(20)).until(() -> {
                for (ConsumerRecord<String, byte[]> r : KafkaTestUtils.getRecords(consumer, Duration.ofMillis(200))) {
                    if (guid.equals(r.key())) {
                        return r;
                    }
                }
                return null;
            }, r -> r != null);
            ProvisioningRequested requested = new EventCodec().readRequested(request.value()).data();
            assertThat(requested.originatingUserId()).isEqualTo(userId("developer"));
        }
        assertThat(sendAs("auditor", "DELETE", "/v2/service_instances/" + guid + "?accepts_incomplete=true", null)
                .errorCode()).isEqualTo("CF-NotAuthorized");
        assertThat(sendAs("outsider", "GET", "/v2/service_instances/" + guid, null).errorCode())
                .isEqualTo("CF-NotAuthorized");
        assertThat(sendAs("outsider", "GET", "/v2/service_instances/" + UUID.randomUUID(), null).errorCode())
                .isEqualTo("CF-ServiceInstanceNotFound");
    }
}
