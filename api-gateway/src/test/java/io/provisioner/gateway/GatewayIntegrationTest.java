package io.provisioner.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.kafka.test.utils.KafkaTestUtils;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.provisioner.schemas.EventCodec;
import io.provisioner.schemas.EventEnvelope;
import io.provisioner.schemas.EventTypes;
import io.provisioner.schemas.OperationState;
import io.provisioner.schemas.OperationStatusChanged;
import io.provisioner.schemas.OperationType;
import io.provisioner.schemas.ProvisioningRequested;
import io.provisioner.schemas.SecretSealer;
import io.provisioner.schemas.Topics;

/**
 * The gateway against a real Kafka broker (in-process KRaft), a real database (H2, or PostgreSQL when
 * PROVISIONER_DB_URL is set) and a broker catalog over real HTTP. This test plays the worker's part
 * on the topics.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.config.name=gateway",
        "spring.kafka.bootstrap-servers=${spring.embedded.kafka.brokers}",
        "provisioner.gateway.secret-key=MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
        "provisioner.gateway.topic-partitions=2",
        "provisioner.catalog.seed.organization=test-org",
        "provisioner.catalog.seed.space=test-space",
        "provisioner.status.group-id=gateway-test"})
@EmbeddedKafka(partitions = 2)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatewayIntegrationTest {

    private static final CatalogBroker BROKER = CatalogBroker.start();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @DynamicPropertySource
    static void broker(DynamicPropertyRegistry registry) {
        registry.add("provisioner.catalog.seed.brokers[0].name", () -> "test-broker");
        registry.add("provisioner.catalog.seed.brokers[0].url", BROKER::url);
        registry.add("provisioner.catalog.seed.brokers[0].username", () -> "user");
        registry.add("provisioner.catalog.seed.brokers[0].password", () -> "pass");
    }

    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    KafkaTemplate<String, byte[]> kafka;
    @Autowired
    EmbeddedKafkaBroker embeddedKafka;
    @Autowired
    SecretSealer sealer;

    private final HttpClient http = HttpClient.newHttpClient();
    private final EventCodec codec = new EventCodec();
    private Consumer<String, byte[]> requests;
    private String spaceGuid;
    private String asyncPlanGuid;

    @BeforeAll
    void findGuidsAndListen() throws Exception {
        for (JsonNode space : get("/v2/spaces?results-per-page=100").json().get("resources")) {
            if (space.at("/entity/name").asString().equals("test-space")) {
                spaceGuid = space.at("/metadata/guid").asString();
            }
        }
        for (JsonNode plan : get("/v2/service_plans?results-per-page=100").json().get("resources")) {
            if (plan.at("/entity/unique_id").asString().equals(CatalogBroker.ASYNC_PLAN_ID)) {
                asyncPlanGuid = plan.at("/metadata/guid").asString();
            }
        }
        Map<String, Object> props = KafkaTestUtils.consumerProps(embeddedKafka, "requests-" + UUID.randomUUID(), false);
        requests = new DefaultKafkaConsumerFactory<>(props, new StringDeserializer(), new ByteArrayDeserializer())
                .createConsumer();
        requests.subscribe(java.util.List.of(Topics.REQUESTS));
    }

    @AfterAll
    void close() {
        requests.close();
    }

    record Answer(int status, String body, HttpResponse<String> raw) {
        JsonNode json() {
            return JSON.readTree(body);
        }
    }

    private Answer send(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), response.body(), response);
    }

    private Answer get(String path) throws IOException, InterruptedException {
        return send("GET", path, null);
    }

    private Answer create(String name) throws IOException, InterruptedException {
        return send("POST", "/v2/service_instances?accepts_incomplete=true", JSON.writeValueAsString(Map.of(
                "name", name, "space_guid", spaceGuid, "service_plan_guid", asyncPlanGuid,
                "parameters", Map.of("size", "large"), "tags", new String[] {"a", "b"})));
    }

    private void status(String guid, String operationId, OperationState state, long sequence, String description) {
        OperationStatusChanged event = new OperationStatusChanged(operationId, OperationType.CREATE, guid, state,
                description, "https://dashboard.example.com/" + guid, null, sequence, "rid", Instant.now());
        kafka.send(Topics.STATUS, guid, codec.write(EventEnvelope.of(EventTypes.OPERATION_STATUS_CHANGED, "/test",
                Instant.now(), guid, event))).join();
    }

    private long count(String table) {
        return jdbc.sql("SELECT COUNT(*) FROM " + table).query(Long.class).single();
    }

    @Test
    void createAnswers201InProgressAndPublishesTheRequestWithASealedPassword() throws Exception {
        Answer answer = create("db-" + UUID.randomUUID());

        assertThat(answer.status()).isEqualTo(201);
        JsonNode body = answer.json();
        String guid = body.at("/metadata/guid").asString();
        assertThat(answer.raw().headers().firstValue("Location")).contains("/v2/service_instances/" + guid);
        assertThat(body.at("/metadata/url").asString()).isEqualTo("/v2/service_instances/" + guid);
        assertThat(body.at("/metadata/created_at").asString()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
        JsonNode entity = body.get("entity");
        assertThat(entity.at("/last_operation/type").asString()).isEqualTo("create");
        assertThat(entity.at("/last_operation/state").asString()).isEqualTo("in progress");
        assertThat(entity.get("space_guid").asString()).isEqualTo(spaceGuid);
        assertThat(entity.get("service_plan_guid").asString()).isEqualTo(asyncPlanGuid);
        assertThat(entity.get("type").asString()).isEqualTo("managed_service_instance");
        assertThat(entity.get("credentials").isObject()).isTrue();
        assertThat(entity.get("tags").toString()).isEqualTo("[\"a\",\"b\"]");
        assertThat(entity.get("service_bindings_url").asString()).isEqualTo("/v2/service_instances/" + guid + "/service_bindings");
        assertThat(entity.has("dashboard_url")).isTrue();

        ConsumerRecord<String, byte[]> record = await().atMost(Duration.ofSeconds(20)).until(() -> {
            for (ConsumerRecord<String, byte[]> r : KafkaTestUtils.getRecords(requests, Duration.ofMillis(200))) {
                if (guid.equals(r.key())) {
                    return r;
                }
            }
            return null;
        }, r -> r != null);
        ProvisioningRequested requested = codec.readRequested(record.value()).data();
        assertThat(requested.operationType()).isEqualTo(OperationType.CREATE);
        assertThat(requested.planId()).isEqualTo(CatalogBroker.ASYNC_PLAN_ID);
        assertThat(requested.serviceId()).isEqualTo(CatalogBroker.SERVICE_ID);
        assertThat(requested.spaceName()).isEqualTo("test-space");
        assertThat(requested.organizationName()).isEqualTo("test-org");
        assertThat(requested.parameters()).containsEntry("size", "large");
        assertThat(requested.maximumPollingDurationSeconds()).isEqualTo(600);
        assertThat(requested.broker().url()).isEqualTo(BROKER.url());
        assertThat(new String(record.value(), StandardCharsets.UTF_8)).doesNotContain("\"pass\"");
        assertThat(sealer.open(requested.broker().sealedPassword())).isEqualTo("pass");
        await().atMost(Duration.ofSeconds(10)).until(() -> count("outbox") == 0);
    }

    @Test
    void statusEventsMoveOnlyTheCurrentOperationAndOnlyForward() throws Exception {
        JsonNode created = create("db-" + UUID.randomUUID()).json();
        String guid = created.at("/metadata/guid").asString();
        String operationId = jdbc.sql("SELECT operation_id FROM service_instances WHERE guid = ?").param(guid)
                .query(String.class).single();

        status(guid, UUID.randomUUID().toString(), OperationState.FAILED, 9, "another operation's event");
        status(guid, operationId, OperationState.IN_PROGRESS, 1, "creating the database");
        await().atMost(Duration.ofSeconds(10)).until(() ->
                get("/v2/service_instances/" + guid).json().at("/entity/last_operation/description").asString()
                        .equals("creating the database"));
        status(guid, operationId, OperationState.SUCCEEDED, 3, "done");
        status(guid, operationId, OperationState.IN_PROGRESS, 2, "a late, older step");
        status(guid, operationId, OperationState.FAILED, 4, "after the end");
        status(guid, operationId, OperationState.IN_PROGRESS, 5, "marker");

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode entity = get("/v2/service_instances/" + guid).json().get("entity");
            assertThat(entity.at("/last_operation/state").asString()).isEqualTo("succeeded");
            assertThat(entity.at("/last_operation/description").asString()).isEqualTo("done");
            assertThat(entity.get("dashboard_url").asString()).isEqualTo("https://dashboard.example.com/" + guid);
            assertThat(entity.at("/last_operation/updated_at").asString()).isNotBlank();
        });
        // The marker comes after every ignored event on the same partition: once the gateway has read it,
        // nothing earlier can still change the record.
        await().atMost(Duration.ofSeconds(10)).until(() -> jdbc.sql(
                "SELECT COUNT(*) FROM service_instances WHERE guid = ? AND operation_state = 'succeeded'")
                .param(guid).query(Long.class).single() == 1);
    }

    @Test
    void aPoisonStatusRecordIsDeadLetteredAndTheNextOneStillApplies() throws Exception {
        String guid = create("db-" + UUID.randomUUID()).json().at("/metadata/guid").asString();
        String operationId = jdbc.sql("SELECT operation_id FROM service_instances WHERE guid = ?").param(guid)
                .query(String.class).single();
        Map<String, Object> props = KafkaTestUtils.consumerProps(embeddedKafka, "dlt-" + UUID.randomUUID(), false);
        try (Consumer<String, byte[]> dlt = new DefaultKafkaConsumerFactory<>(props, new StringDeserializer(),
                new ByteArrayDeserializer()).createConsumer()) {
            dlt.subscribe(java.util.List.of(Topics.STATUS + Topics.DEAD_LETTER_SUFFIX));

            kafka.send(new ProducerRecord<>(Topics.STATUS, guid, "{not json".getBytes(StandardCharsets.UTF_8))).join();
            status(guid, operationId, OperationState.SUCCEEDED, 1, "fine");

            ConsumerRecord<String, byte[]> dead = KafkaTestUtils.getSingleRecord(dlt,
                    Topics.STATUS + Topics.DEAD_LETTER_SUFFIX, Duration.ofSeconds(20));
            assertThat(new String(dead.value(), StandardCharsets.UTF_8)).isEqualTo("{not json");
            assertThat(dead.headers().lastHeader("kafka_dlt-exception-message")).isNotNull();
            assertThat(dead.headers().lastHeader("kafka_dlt-original-offset")).isNotNull();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> get("/v2/service_instances/" + guid).json()
                .at("/entity/last_operation/state").asString().equals("succeeded"));
    }

    Stream<Arguments> badCreates() {
        String ok = "\"space_guid\": \"%s\", \"service_plan_guid\": \"%s\"";
        return Stream.of(
                Arguments.of("", "{\"name\": \"x\", " + ok + "}", 400, "CF-AsyncRequired", 10001),
                Arguments.of("?accepts_incomplete=false", "{\"name\": \"x\", " + ok + "}", 400, "CF-AsyncRequired", 10001),
                Arguments.of("?accepts_incomplete=yes", "{\"name\": \"x\", " + ok + "}", 400, "CF-InvalidRequest", 10004),
                Arguments.of("?accepts_incomplete=true", "{", 400, "CF-MessageParseError", 1001),
                Arguments.of("?accepts_incomplete=true", "", 400, "CF-MessageParseError", 1001),
                Arguments.of("?accepts_incomplete=true", "[]", 400, "CF-MessageParseError", 1001),
                Arguments.of("?accepts_incomplete=true", "{" + ok + "}", 400, "CF-MessageParseError", 1001),
                Arguments.of("?accepts_incomplete=true", "{\"name\": 42, " + ok + "}", 400, "CF-MessageParseError", 1001),
                Arguments.of("?accepts_incomplete=true", "{\"name\": \"x\", \"parameters\": \"no\", " + ok + "}", 400,
                        "CF-MessageParseError", 1001),
                Arguments.of("?accepts_incomplete=true", "{\"name\": \"x\", \"tags\": [1], " + ok + "}", 400,
                        "CF-MessageParseError", 1001),
                Arguments.of("?accepts_incomplete=true", "{\"name\": \"x\", \"space_guid\": \"%s\", "
                        + "\"service_plan_guid\": \"nope\"}", 400, "CF-ServiceInstanceInvalid", 60003),
                Arguments.of("?accepts_incomplete=true", "{\"name\": \"x\", \"space_guid\": \"nope\", "
                        + "\"service_plan_guid\": \"%2$s\"}", 400, "CF-ServiceInstanceInvalid", 60003),
                Arguments.of("?accepts_incomplete=true", "{\"name\": \"  \", " + ok + "}", 400,
                        "CF-ServiceInstanceNameEmpty", 60001),
                Arguments.of("?accepts_incomplete=true", "{\"name\": \"" + "n".repeat(256) + "\", " + ok + "}", 400,
                        "CF-ServiceInstanceNameTooLong", 60009),
                Arguments.of("?accepts_incomplete=true", "{\"name\": \"x\", \"tags\": [\"" + "t".repeat(2049) + "\"], "
                        + ok + "}", 400, "CF-ServiceInstanceTagsTooLong", 60015));
    }

    @ParameterizedTest
    @MethodSource("badCreates")
    void badCreatesGetTheCloudControllerErrorAndLeaveNothingBehind(String query, String body, int status,
            String errorCode, int code) throws Exception {
        long instances = count("service_instances");
        long outbox = count("outbox");

        Answer answer = send("POST", "/v2/service_instances" + query, body.formatted(spaceGuid, asyncPlanGuid));

        assertThat(answer.status()).isEqualTo(status);
        assertThat(answer.json().get("error_code").asString()).isEqualTo(errorCode);
        assertThat(answer.json().get("code").asInt()).isEqualTo(code);
        assertThat(answer.json().get("description").asString()).isNotBlank();
        assertThat(count("service_instances")).isEqualTo(instances);
        assertThat(count("outbox")).isLessThanOrEqualTo(outbox);
    }

    @Test
    void aNameIsTakenOncePerSpace() throws Exception {
        String name = "db-" + UUID.randomUUID();
        assertThat(create(name).status()).isEqualTo(201);

        Answer again = create(name);

        assertThat(again.status()).isEqualTo(400);
        assertThat(again.json().get("error_code").asString()).isEqualTo("CF-ServiceInstanceNameTaken");
        assertThat(again.json().get("code").asInt()).isEqualTo(60002);
        assertThat(again.json().get("description").asString()).isEqualTo("The service instance name is taken: " + name);
    }

    @Test
    void unknownThingsAnswer404InTheEnvelope() throws Exception {
        Answer instance = get("/v2/service_instances/" + UUID.randomUUID());
        assertThat(instance.status()).isEqualTo(404);
        assertThat(instance.json().get("error_code").asString()).isEqualTo("CF-ServiceInstanceNotFound");
        assertThat(instance.json().get("code").asInt()).isEqualTo(60004);

        Answer route = get("/v2/no_such_thing");
        assertThat(route.status()).isEqualTo(404);
        assertThat(route.json().get("error_code").asString()).isEqualTo("CF-NotFound");
        assertThat(route.json().get("code").asInt()).isEqualTo(10000);
    }

    @Test
    void spacesAndPlansAreListedInTheCloudControllerEnvelope() throws Exception {
        JsonNode spaces = get("/v2/spaces?results-per-page=100").json();
        assertThat(spaces.get("total_results").asInt()).isPositive();
        assertThat(spaces.get("prev_url").isNull()).isTrue();
        assertThat(spaces.get("resources").valueStream().map(s -> s.at("/entity/name").asString()))
                .contains("test-space");

        JsonNode plans = get("/v2/service_plans?results-per-page=1").json();
        long total = plans.get("total_results").asLong();
        assertThat(total).isGreaterThanOrEqualTo(2);
        assertThat(plans.get("total_pages").asLong()).isEqualTo(total);
        assertThat(plans.get("resources")).hasSize(1);
        assertThat(plans.get("next_url").asString()).contains("page=2").contains("results-per-page=1");
        assertThat(plans.at("/resources/0/entity/service_guid").asString()).isNotBlank();
        assertThat(get("/v2/service_plans?results-per-page=1&page=2").json().get("prev_url").asString())
                .contains("page=1");

        Answer tooMany = get("/v2/service_plans?results-per-page=101");
        assertThat(tooMany.status()).isEqualTo(400);
        assertThat(tooMany.json().get("error_code").asString()).isEqualTo("CF-BadQueryParameter");
        assertThat(tooMany.json().get("code").asInt()).isEqualTo(10005);
    }

    @Test
    void healthAndMetricsAreExposed() throws Exception {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(get("/actuator/health/readiness").json().get("status").asString()).isEqualTo("UP"));
        assertThat(get("/actuator/health/liveness").status()).isEqualTo(200);
        assertThat(get("/actuator/prometheus").body()).contains("provisioner_outbox_backlog");
    }
}
