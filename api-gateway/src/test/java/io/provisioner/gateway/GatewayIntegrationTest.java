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

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
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

/** The create path end to end inside the gateway, with this test playing the worker's part on the topics. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatewayIntegrationTest extends GatewayTestBase {

    /** The gateway's status consumer group in the tests (provisioner.status.group-id in GatewayTestBase). */
    private static final String STATUS_GROUP = "gateway-test";

    @Autowired
    SecretSealer sealer;

    private final EventCodec codec = new EventCodec();
    private Consumer<String, byte[]> requests;
    private String spaceGuid;
    private String asyncPlanGuid;

    @BeforeAll
    void findGuidsAndListen() {
        spaceGuid = spaceGuid("test-space");
        asyncPlanGuid = planGuid(CatalogBroker.ASYNC_PLAN_ID);
        Map<String, Object> props = KafkaTestUtils.consumerProps(embeddedKafka, "requests-" + UUID.randomUUID(), false);
        requests = new DefaultKafkaConsumerFactory<>(props, new StringDeserializer(), new ByteArrayDeserializer())
                .createConsumer();
        requests.subscribe(java.util.List.of(Topics.REQUESTS));
    }

    @AfterAll
    void close() {
        requests.close();
    }

    private RecordMetadata status(String guid, String operationId, OperationState state, long sequence,
            String description) {
        return status(guid, operationId, OperationType.CREATE, state, sequence, description);
    }

    /**
     * Sends a marker after events that must be ignored, and waits until the gateway's status consumer has committed
     * past it: the marker shares their partition (same key), so every earlier event has been handled by then, and a
     * check made afterwards sees their effect, not a state that was already true before they were read.
     */
    private void sendMarkerAndAwaitConsumed(String guid, String operationId, long sequence) {
        RecordMetadata marker = status(guid, operationId, OperationState.IN_PROGRESS, sequence, "marker");
        TopicPartition partition = new TopicPartition(marker.topic(), marker.partition());
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                embeddedKafka.getBrokersAsString()))) {
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                OffsetAndMetadata committed = admin.listConsumerGroupOffsets(STATUS_GROUP).partitionsToOffsetAndMetadata()
                        .get().get(partition);
                return committed != null && committed.offset() > marker.offset();
            });
        }
    }

    /** The request the relay put on {@link Topics#REQUESTS} for {@code guid}. */
    private ConsumerRecord<String, byte[]> relayedRequest(String guid) {
        return await().atMost(Duration.ofSeconds(20)).until(() -> {
            for (ConsumerRecord<String, byte[]> r : KafkaTestUtils.getRecords(requests, Duration.ofMillis(200))) {
                if (guid.equals(r.key())) {
                    return r;
                }
            }
            return null;
        }, r -> r != null);
    }

    @Test
    void theRelayedRequestContinuesTheCallersTraceAlthoughTheOutboxSendsItLater() throws Exception {
        String trace = UUID.randomUUID().toString().replace("-", "");
        String callersSpan = "00f067aa0ba902b7";
        HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/v2/service_instances?accepts_incomplete=true"))
                .header("Authorization", "bearer " + token("admin"))
                .header("Content-Type", "application/json")
                .header("traceparent", "00-" + trace + "-" + callersSpan + "-01")
                .POST(HttpRequest.BodyPublishers.ofString(json(Map.of("name", newName(), "space_guid", spaceGuid,
                        "service_plan_guid", asyncPlanGuid))))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).isEqualTo(201);
        String guid = JSON.readTree(answer.body()).at("/metadata/guid").asString();

        Header traceparent = relayedRequest(guid).headers().lastHeader("traceparent");
        assertThat(traceparent).as("the relayed request's traceparent header").isNotNull();
        String[] parts = new String(traceparent.value(), StandardCharsets.UTF_8).split("-");
        // Same trace, a span of its own (the producer's, under the relay's, under the API call's).
        assertThat(parts[1]).isEqualTo(trace);
        assertThat(parts[2]).matches("[0-9a-f]{16}").isNotEqualTo(callersSpan);
    }

    @Test
    void createAnswers201InProgressAndPublishesTheRequestWithASealedPassword() {
        Answer answer = create(newName());

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

        ConsumerRecord<String, byte[]> record = relayedRequest(guid);
        ProvisioningRequested requested = codec.readRequested(record.value()).data();
        assertThat(requested.operationType()).isEqualTo(OperationType.CREATE);
        assertThat(requested.planId()).isEqualTo(CatalogBroker.ASYNC_PLAN_ID);
        assertThat(requested.serviceId()).isEqualTo(CatalogBroker.SERVICE_ID);
        assertThat(requested.spaceName()).isEqualTo("test-space");
        assertThat(requested.organizationName()).isEqualTo("test-org");
        assertThat(sealer.open(requested.sealedParameters())).isEqualTo("{\"size\":\"large\"}");
        assertThat(requested.maximumPollingDurationSeconds()).isEqualTo(600);
        assertThat(requested.broker().url()).isEqualTo(BROKER.url());
        assertThat(new String(record.value(), StandardCharsets.UTF_8)).doesNotContain("\"pass\"");
        assertThat(sealer.open(requested.broker().sealedPassword())).isEqualTo("pass");
        await().atMost(Duration.ofSeconds(10)).until(() -> count("outbox") == 0);
    }

    @Test
    void statusEventsMoveOnlyTheCurrentOperationAndOnlyForward() {
        JsonNode created = create(newName()).json();
        String guid = created.at("/metadata/guid").asString();
        String operationId = operationId(guid);

        status(guid, UUID.randomUUID().toString(), OperationState.FAILED, 9, "another operation's event");
        status(guid, operationId, OperationState.IN_PROGRESS, 1, "creating the database");
        await().atMost(Duration.ofSeconds(10)).until(() ->
                get("/v2/service_instances/" + guid).json().at("/entity/last_operation/description").asString()
                        .equals("creating the database"));
        status(guid, operationId, OperationState.SUCCEEDED, 3, "done");
        status(guid, operationId, OperationState.IN_PROGRESS, 2, "a late, older step");
        status(guid, operationId, OperationState.FAILED, 4, "after the end");
        sendMarkerAndAwaitConsumed(guid, operationId, 5);

        JsonNode entity = get("/v2/service_instances/" + guid).json().get("entity");
        assertThat(entity.at("/last_operation/state").asString()).isEqualTo("succeeded");
        assertThat(entity.at("/last_operation/description").asString()).isEqualTo("done");
        assertThat(entity.get("dashboard_url").asString()).isEqualTo("https://dashboard.example.com/" + guid);
        assertThat(entity.at("/last_operation/updated_at").asString()).isNotBlank();
        assertThat(get("/actuator/prometheus").body())
                .containsPattern("provisioner_operation_duration_seconds_bucket\\{[^}]*state=\"succeeded\",type=\"create\"");
    }

    @Test
    void aStepRerunAfterACrashThatFindsTheOperationFinishedStillEndsIt() {
        String guid = create(newName()).json().at("/metadata/guid").asString();
        String operationId = operationId(guid);

        status(guid, operationId, OperationState.IN_PROGRESS, 10, "polled: still working");
        status(guid, operationId, OperationState.SUCCEEDED, 10, "the same poll, run again: done");
        status(guid, operationId, OperationState.FAILED, 10, "a duplicate after the end");

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            var operation = get("/v2/service_instances/" + guid).json().at("/entity/last_operation");
            assertThat(operation.get("state").asString()).isEqualTo("succeeded");
            assertThat(operation.get("description").asString()).isEqualTo("the same poll, run again: done");
        });
        sendMarkerAndAwaitConsumed(guid, operationId, 11);
        var operation = get("/v2/service_instances/" + guid).json().at("/entity/last_operation");
        assertThat(operation.get("state").asString()).isEqualTo("succeeded");
        assertThat(operation.get("description").asString()).isEqualTo("the same poll, run again: done");
    }

    @Test
    void aPoisonStatusRecordIsDeadLetteredAndTheNextOneStillApplies() {
        String guid = create(newName()).json().at("/metadata/guid").asString();
        String operationId = operationId(guid);
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
            String errorCode, int code) {
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
    void aNameIsTakenOncePerSpace() {
        String name = newName();
        assertThat(create(name).status()).isEqualTo(201);

        Answer again = create(name);

        assertThat(again.status()).isEqualTo(400);
        assertThat(again.json().get("error_code").asString()).isEqualTo("CF-ServiceInstanceNameTaken");
        assertThat(again.json().get("code").asInt()).isEqualTo(60002);
        assertThat(again.json().get("description").asString()).isEqualTo("The service instance name is taken: " + name);
    }

    @Test
    void unknownThingsAnswer404InTheEnvelope() {
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
    void spacesAndPlansAreListedInTheCloudControllerEnvelope() {
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
    void healthAndMetricsAreExposed() {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(get("/actuator/health/readiness").json().get("status").asString()).isEqualTo("UP"));
        assertThat(get("/actuator/health/liveness").status()).isEqualTo(200);
        assertThat(get("/actuator/prometheus").body()).contains("provisioner_outbox_backlog")
                .contains("provisioner_operations_in_flight").contains("provisioner_outbox_oldest_unsent_age_seconds");
    }
}
