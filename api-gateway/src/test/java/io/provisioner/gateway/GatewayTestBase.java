package io.provisioner.gateway;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One Spring context for every gateway test: a real Kafka broker (in-process KRaft), a real database
 * (H2, or PostgreSQL when PROVISIONER_DB_URL is set) and a broker catalog over real HTTP.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.config.name=gateway",
        "spring.kafka.bootstrap-servers=${spring.embedded.kafka.brokers}",
        "provisioner.gateway.secret-key=MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
        "provisioner.gateway.topic-partitions=2",
        "provisioner.catalog.seed.organization=test-org",
        "provisioner.catalog.seed.space=test-space",
        "provisioner.status.group-id=gateway-test",
        "provisioner.token-issuer.enabled=true",
        "provisioner.security.issuer=" + GatewayTestBase.ISSUER,
        "provisioner.token-issuer.users[0].username=admin",
        "provisioner.token-issuer.users[0].password=admin-password",
        "provisioner.token-issuer.users[0].scopes=cloud_controller.admin,cloud_controller.read,cloud_controller.write,openid",
        "provisioner.token-issuer.users[1].username=developer",
        "provisioner.token-issuer.users[1].password=developer-password",
        "provisioner.token-issuer.users[1].scopes=cloud_controller.read,cloud_controller.write,openid",
        "provisioner.token-issuer.users[2].username=auditor",
        "provisioner.token-issuer.users[2].password=auditor-password",
        "provisioner.token-issuer.users[2].scopes=cloud_controller.read,cloud_controller.write,openid",
        "provisioner.token-issuer.users[3].username=manager",
        "provisioner.token-issuer.users[3].password=manager-password",
        "provisioner.token-issuer.users[3].scopes=cloud_controller.read,cloud_controller.write,openid",
        "provisioner.token-issuer.users[4].username=outsider",
        "provisioner.token-issuer.users[4].password=outsider-password",
        "provisioner.token-issuer.users[4].scopes=cloud_controller.read,cloud_controller.write,openid",
        "provisioner.token-issuer.users[5].username=readonly",
        "provisioner.token-issuer.users[5].password=readonly-password",
        "provisioner.token-issuer.users[5].scopes=cloud_controller.admin_read_only,openid",
        "provisioner.token-issuer.users[6].username=globalauditor",
        "provisioner.token-issuer.users[6].password=globalauditor-password",
        "provisioner.token-issuer.users[6].scopes=cloud_controller.global_auditor,openid",
        "provisioner.token-issuer.users[7].username=noscope",
        "provisioner.token-issuer.users[7].password=noscope-password",
        "provisioner.token-issuer.users[7].scopes=openid",
        "provisioner.token-issuer.users[8].username=passwd",
        "provisioner.token-issuer.users[8].password=passwd-password",
        "provisioner.token-issuer.users[8].scopes=cloud_controller.read,openid",
        "provisioner.token-issuer.users[9].username=lockme",
        "provisioner.token-issuer.users[9].password=lockme-password",
        "provisioner.token-issuer.users[9].scopes=cloud_controller.read,openid",
        "provisioner.token-issuer.clients[0].client-id=ops-robot",
        "provisioner.token-issuer.clients[0].client-secret=robot-secret",
        "provisioner.token-issuer.clients[0].authorities=cloud_controller.admin"})
@EmbeddedKafka(partitions = 2)
public abstract class GatewayTestBase {

    protected static final String ISSUER = "http://provisioner.test/oauth/token";

    protected static final CatalogBroker BROKER = CatalogBroker.start();
    protected static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @DynamicPropertySource
    static void broker(DynamicPropertyRegistry registry) {
        registry.add("provisioner.catalog.seed.brokers[0].name", () -> "test-broker");
        registry.add("provisioner.catalog.seed.brokers[0].url", BROKER::url);
        registry.add("provisioner.catalog.seed.brokers[0].username", () -> "user");
        registry.add("provisioner.catalog.seed.brokers[0].password", () -> "pass");
    }

    @LocalServerPort
    protected int port;
    @Autowired
    protected JdbcClient jdbc;
    @Autowired
    protected EmbeddedKafkaBroker embeddedKafka;
    @Autowired
    protected org.springframework.kafka.core.KafkaTemplate<String, byte[]> kafka;

    @Autowired
    protected io.provisioner.gateway.uaa.TokenMint mint;
    @Autowired
    protected io.provisioner.gateway.uaa.TokenIssuerSettings issuerSettings;

    private final java.util.Map<String, String> tokens = new java.util.concurrent.ConcurrentHashMap<>();

    /** An access token of a configured user, as the password grant gives it. */
    protected String token(String username) {
        return tokens.computeIfAbsent(username, name -> mint.forUser(issuerSettings.users().stream()
                .filter(u -> u.username().equals(name)).findFirst().orElseThrow(), "cf", "password").accessToken());
    }

    /** The user id inside a configured user's tokens. */
    protected String userId(String username) {
        return issuerSettings.users().stream().filter(u -> u.username().equals(username)).findFirst().orElseThrow().id();
    }

    private final io.provisioner.schemas.EventCodec codec = new io.provisioner.schemas.EventCodec();

    /** Plays the worker: reports a state of an operation on provisioning.status; returns where the record went. */
    protected org.apache.kafka.clients.producer.RecordMetadata status(String guid, String operationId,
            io.provisioner.schemas.OperationType type, io.provisioner.schemas.OperationState state, long sequence,
            String description) {
        var event = new io.provisioner.schemas.OperationStatusChanged(operationId, type, guid, state, description,
                "https://dashboard.example.com/" + guid, null, sequence, "rid", java.time.Instant.now());
        return kafka.send(io.provisioner.schemas.Topics.STATUS, guid, codec.write(io.provisioner.schemas.EventEnvelope.of(
                io.provisioner.schemas.EventTypes.OPERATION_STATUS_CHANGED, "/test", java.time.Instant.now(), guid,
                event))).join().getRecordMetadata();
    }

    /**
     * Plays the worker for a service key: reports a state of a bind ({@code CREATE}) or unbind ({@code DELETE})
     * on provisioning.status, with the credentials already sealed (or null).
     */
    protected void keyStatus(String instanceGuid, String keyGuid, String operationId,
            io.provisioner.schemas.OperationType type, io.provisioner.schemas.OperationState state, long sequence,
            String description, String sealedCredentials) {
        var event = new io.provisioner.schemas.BindingStatusChanged(operationId, type, instanceGuid, keyGuid, state,
                description, null, sequence, "rid", java.time.Instant.now(), null, sealedCredentials);
        kafka.send(io.provisioner.schemas.Topics.STATUS, instanceGuid, codec.write(io.provisioner.schemas.EventEnvelope.of(
                io.provisioner.schemas.EventTypes.BINDING_STATUS_CHANGED, "/test", java.time.Instant.now(), instanceGuid,
                event))).join();
    }

    protected String keyOperationId(String keyGuid) {
        return jdbc.sql("SELECT operation_id FROM service_keys WHERE guid = ?").param(keyGuid).query(String.class).single();
    }

    public record Answer(int status, String body, HttpResponse<String> raw) {
        public JsonNode json() {
            return JSON.readTree(body);
        }

        public String errorCode() {
            return json().get("error_code").asString();
        }

        public int code() {
            return json().get("code").asInt();
        }
    }

    /** A Cloud Controller error: the status, {@code error_code}, {@code code} and a description. */
    protected static void assertError(Answer answer, int status, String errorCode, int code) {
        org.assertj.core.api.Assertions.assertThat(answer.status()).as(answer.body()).isEqualTo(status);
        org.assertj.core.api.Assertions.assertThat(answer.errorCode()).as(answer.body()).isEqualTo(errorCode);
        org.assertj.core.api.Assertions.assertThat(answer.code()).isEqualTo(code);
        org.assertj.core.api.Assertions.assertThat(answer.json().get("description").asString()).isNotBlank();
    }

    /** Sends with a raw access token (e.g. one a user got from the password grant). */
    protected Answer sendWithToken(String accessToken, String method, String path, String body) {
        return sendWith("bearer " + accessToken, method, path, body, "application/json");
    }

    /** Logs in with the password grant, as the cf CLI does; the access token. */
    protected String accessToken(String username, String password) {
        Answer answer = sendWith("Basic Y2Y6", "POST", "/oauth/token", "grant_type=password&username="
                + java.net.URLEncoder.encode(username, StandardCharsets.UTF_8) + "&password="
                + java.net.URLEncoder.encode(password, StandardCharsets.UTF_8), "application/x-www-form-urlencoded");
        org.assertj.core.api.Assertions.assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        return answer.json().get("access_token").asString();
    }

    protected Answer send(String method, String path, String body) {
        return send(method, path, body, "application/json");
    }

    protected Answer send(String method, String path, String body, String contentType) {
        return sendWith("bearer " + token("admin"), method, path, body, contentType);
    }

    /** Sends as a given user (by name) or with no Authorization header at all (null). */
    protected Answer sendAs(String username, String method, String path, String body) {
        return sendWith(username == null ? null : "bearer " + token(username), method, path, body, "application/json");
    }

    protected Answer sendWith(String authorization, String method, String path, String body, String contentType) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.body(), response);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    protected Answer get(String path) {
        return send("GET", path, null);
    }

    protected String json(Object value) {
        return JSON.writeValueAsString(value);
    }

    protected long count(String table) {
        return jdbc.sql("SELECT COUNT(*) FROM " + table).query(Long.class).single();
    }

    protected String spaceGuid(String name) {
        return get("/v2/spaces?q=name:" + name).json().at("/resources/0/metadata/guid").asString();
    }

    protected String planGuid(String brokerPlanId) {
        return get("/v2/service_plans?q=unique_id:" + brokerPlanId).json().at("/resources/0/metadata/guid").asString();
    }

    /** Creates an instance on the async plan in test-space; returns the create answer. */
    protected Answer create(String name) {
        return send("POST", "/v2/service_instances?accepts_incomplete=true", json(Map.of(
                "name", name, "space_guid", spaceGuid("test-space"),
                "service_plan_guid", planGuid(CatalogBroker.ASYNC_PLAN_ID),
                "parameters", Map.of("size", "large"), "tags", new String[] {"a", "b"})));
    }

    protected String newName() {
        return "db-" + UUID.randomUUID();
    }

    protected String operationId(String guid) {
        return jdbc.sql("SELECT operation_id FROM service_instances WHERE guid = ?").param(guid)
                .query(String.class).single();
    }
}
