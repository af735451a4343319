package io.provisioner.gateway.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

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
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.kafka.test.utils.KafkaTestUtils;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import tools.jackson.databind.JsonNode;

import io.provisioner.gateway.CatalogBroker;
import io.provisioner.gateway.GatewayTestBase;
import io.provisioner.schemas.EventTypes;
import io.provisioner.schemas.Topics;

/**
 * Commands on {@code service-instance.commands} sent by a real producer, answered on
 * {@code service-instance.events}: the same rules as REST, each command answered once, tokens judged at
 * the broker's append time, and records that are not commands parked on the dead-letter topic.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KafkaCommandsTest extends GatewayTestBase {

    private PublicEventLog log;
    @Autowired
    private KafkaListenerEndpointRegistry listeners;

    @BeforeAll
    void listen() {
        log = new PublicEventLog(embeddedKafka.getBrokersAsString(), Topics.EVENTS);
        String space = spaceGuid("test-space");
        // A space role needs the user in the organization first, as in Cloud Controller.
        String org = get("/v2/spaces/" + space).json().at("/entity/organization_guid").asString();
        assertThat(send("PUT", "/v2/organizations/" + org + "/users/" + userId("developer"), null).status())
                .isEqualTo(201);
        assertThat(send("PUT", "/v2/spaces/" + space + "/developers/" + userId("developer"), null).status())
                .isEqualTo(201);
    }

    @AfterAll
    void close() {
        log.close();
    }

    private Map<String, Object> createData(String name) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("name", name);
        data.put("space_guid", spaceGuid("test-space"));
        data.put("service_plan_guid", planGuid(CatalogBroker.ASYNC_PLAN_ID));
        data.put("parameters", Map.of("size", "small"));
        return data;
    }

    private String command(String id, String type, String guid, Object data) {
        Map<String, Object> envelope = new LinkedHashMap<>();
        envelope.put("specversion", "1.0");
        envelope.put("id", id);
        envelope.put("type", type);
        envelope.put("source", "/test/orders");
        envelope.put("time", Instant.now().toString());
        if (guid != null) {
            envelope.put("subject", guid);
        }
        envelope.put("datacontenttype", "application/json");
        envelope.put("data", data);
        return json(envelope);
    }

    private void produce(String guid, String value, String authorization) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(Topics.COMMANDS, guid,
                value.getBytes(StandardCharsets.UTF_8));
        if (authorization != null) {
            record.headers().add("authorization", authorization.getBytes(StandardCharsets.UTF_8));
        }
        kafka.send(record).join();
    }

    private String bearer(String user) {
        return "bearer " + token(user);
    }

    private List<JsonNode> awaitEvents(String guid, int count) {
        await().atMost(Duration.ofSeconds(20)).until(() -> log.of(guid).size() >= count);
        return log.of(guid);
    }

    private JwtClaimsSet.Builder adminClaims(Instant issued, Instant expires) {
        return JwtClaimsSet.builder().id(UUID.randomUUID().toString()).subject(userId("admin"))
                .claim("user_id", userId("admin")).claim("client_id", "cf")
                .claim("scope", List.of("cloud_controller.admin", "cloud_controller.write", "cloud_controller.read"))
                .issuer(ISSUER).issuedAt(issued).expiresAt(expires).audience(List.of("cf", "cloud_controller"));
    }

    @Test
    void aCreateCommandDeliveredTwiceMakesOneInstanceAndOneAnswer() {
        String guid = UUID.randomUUID().toString();
        String name = newName();
        String create = command("create-" + guid, EventTypes.COMMAND_CREATE, guid, createData(name));

        produce(guid, create, bearer("developer"));
        produce(guid, create, bearer("developer"));
        // Behind both on the same partition: once it is answered, both copies were read.
        produce(guid, command("marker-" + guid, EventTypes.COMMAND_DELETE, guid, Map.of()), null);

        List<JsonNode> events = awaitEvents(guid, 2);
        assertThat(events).extracting(PublicEventLog::shortType).containsExactly("started", "rejected");
        JsonNode started = events.get(0);
        assertThat(started.at("/data/command_id").asString()).isEqualTo("create-" + guid);
        assertThat(started.at("/data/version").asLong()).isEqualTo(1);
        assertThat(started.at("/data/originating_user_id").asString()).isEqualTo(userId("developer"));
        assertThat(started.at("/data/instance")).as("what GET shows").isEqualTo(get("/v2/service_instances/" + guid)
                .json());
        assertThat(jdbc.sql("SELECT COUNT(*) FROM service_instances WHERE name = ?").param(name).query(Long.class)
                .single()).isEqualTo(1);
        assertThat(log.invalid()).isEmpty();
    }

    @Test
    void aCreateWithoutAGuidGetsOneDerivedFromItsIdAndIsStillAnsweredOnce() {
        String id = "no-guid-" + UUID.randomUUID();
        String create = command(id, EventTypes.COMMAND_CREATE, null, createData(newName()));
        String derived = UUID.nameUUIDFromBytes(("/test/orders\n" + id).getBytes(StandardCharsets.UTF_8)).toString();

        produce(null, create, bearer("admin"));
        produce(null, create, bearer("admin"));

        await().atMost(Duration.ofSeconds(20)).until(() -> get("/v2/service_instances/" + derived).status() == 200);
        assertThat(awaitEvents(derived, 1).get(0).at("/data/command_id").asString()).isEqualTo(id);
        await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.sql(
                "SELECT COUNT(*) FROM processed_commands WHERE command_id = ?").param(id).query(Long.class).single() == 1);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "no token, CF-NotAuthenticated, 10002",
            "expired token, CF-InvalidAuthToken, 1000",
            "tampered token, CF-InvalidAuthToken, 1000",
            "token of another issuer, CF-InvalidAuthToken, 1000",
            "no write scope, CF-InsufficientScope, 10007",
            "no space role, CF-NotAuthorized, 10003",
            "no name, CF-MessageParseError, 1001",
            "name not a string, CF-MessageParseError, 1001",
            "unknown plan, CF-ServiceInstanceInvalid, 60003",
            "name too long, CF-ServiceInstanceNameTooLong, 60009"})
    void aRefusedCommandIsAnsweredWithTheRestErrorAndChangesNothing(String why, String errorCode, int code) {
        String guid = UUID.randomUUID().toString();
        Map<String, Object> data = createData(newName());
        Instant now = Instant.now();
        String authorization = bearer("developer");
        switch (why) {
            case "no token" -> authorization = null;
            case "expired token" -> authorization = "bearer " + mint.sign(adminClaims(now.minusSeconds(7200),
                    now.minusSeconds(120)).build());
            case "tampered token" -> {
                String[] parts = token("developer").split("\\.");
                String payload = new String(java.util.Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                        .replace("cloud_controller.read", "cloud_controller.admin");
                authorization = "bearer " + parts[0] + "." + java.util.Base64.getUrlEncoder().withoutPadding()
                        .encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
            }
            case "token of another issuer" -> authorization = "bearer " + mint.sign(adminClaims(now,
                    now.plusSeconds(600)).issuer("https://elsewhere.example.com/oauth/token").build());
            case "no write scope" -> authorization = bearer("readonly");
            case "no space role" -> authorization = bearer("outsider");
            case "no name" -> data.remove("name");
            case "name not a string" -> data.put("name", 42);
            case "unknown plan" -> data.put("service_plan_guid", "no-such-plan");
            case "name too long" -> data.put("name", "x".repeat(256));
            default -> throw new IllegalArgumentException(why);
        }

        produce(guid, command("refused-" + guid, EventTypes.COMMAND_CREATE, guid, data), authorization);

        JsonNode rejected = awaitEvents(guid, 1).get(0);
        assertThat(PublicEventLog.shortType(rejected)).isEqualTo("rejected");
        assertThat(rejected.at("/data/error/error_code").asString()).isEqualTo(errorCode);
        assertThat(rejected.at("/data/error/code").asInt()).isEqualTo(code);
        assertThat(rejected.at("/data/command_id").asString()).isEqualTo("refused-" + guid);
        assertThat(rejected.at("/data/version").isNull()).isTrue();
        assertThat(get("/v2/service_instances/" + guid).status()).isEqualTo(404);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM instance_events WHERE instance_guid = ?").param(guid)
                .query(Long.class).single()).isZero();
        assertThat(log.invalid()).isEmpty();
    }

    @Test
    void updateAndDeleteCommandsFollowTheSameRulesAsRest() {
        String guid = UUID.randomUUID().toString();
        produce(guid, command("c-" + guid, EventTypes.COMMAND_CREATE, guid, createData(newName())), bearer("admin"));
        awaitEvents(guid, 1);
        produce(guid, command("u-" + guid, EventTypes.COMMAND_UPDATE, guid, Map.of("parameters", Map.of("a", 1))),
                bearer("admin"));
        JsonNode busy = awaitEvents(guid, 2).get(1);
        assertThat(busy.at("/data/error/error_code").asString()).isEqualTo("CF-AsyncServiceInstanceOperationInProgress");
        assertThat(busy.at("/data/instance/metadata/guid").asString()).as("the instance as it is").isEqualTo(guid);

        status(guid, operationId(guid), io.provisioner.schemas.OperationType.CREATE,
                io.provisioner.schemas.OperationState.SUCCEEDED, 1, null);
        awaitEvents(guid, 3);
        produce(guid, command("u2-" + guid, EventTypes.COMMAND_UPDATE, guid, Map.of("parameters", Map.of("a", 1))),
                bearer("admin"));
        produce(guid, command("d-" + guid, EventTypes.COMMAND_DELETE, guid, Map.of()), bearer("outsider"));

        List<JsonNode> events = awaitEvents(guid, 5);
        assertThat(events).extracting(PublicEventLog::shortType)
                .containsExactly("started", "rejected", "succeeded", "started", "rejected");
        assertThat(events.get(3).at("/data/operation/type").asString()).isEqualTo("update");
        assertThat(events.get(3).at("/data/version").asLong()).isEqualTo(3);
        assertThat(events.get(4).at("/data/error/error_code").asString()).isEqualTo("CF-NotAuthorized");
        assertThat(log.invalid()).isEmpty();
    }

    @Test
    void aTokenValidWhenTheCommandWasAppendedIsHonouredAfterItExpired() {
        MessageListenerContainer container = listeners.getListenerContainer("gateway-commands");
        String guid = UUID.randomUUID().toString();
        Instant now = Instant.now();
        // Valid for three more seconds: expiry plus the 60 s clock skew that REST allows too.
        Instant expires = now.minusSeconds(57);
        String token = mint.sign(adminClaims(now.minusSeconds(600), expires).build());
        container.pause();
        try {
            await().atMost(Duration.ofSeconds(10)).until(container::isContainerPaused);
            produce(guid, command("late-" + guid, EventTypes.COMMAND_CREATE, guid, createData(newName())),
                    "bearer " + token);
            await().atMost(Duration.ofSeconds(10)).until(() -> Instant.now().isAfter(expires.plusSeconds(61)));
            assertThat(sendWith("bearer " + token, "GET", "/v2/service_instances/" + guid, null, null).status())
                    .as("REST refuses the token by now").isEqualTo(401);
        } finally {
            container.resume();
        }

        JsonNode answer = awaitEvents(guid, 1).get(0);
        assertThat(PublicEventLog.shortType(answer)).isEqualTo("started");
        assertThat(get("/v2/service_instances/" + guid).status()).isEqualTo(200);
    }

    @Test
    void aRecordThatIsNotACommandIsDeadLetteredAndTheNextCommandIsApplied() {
        String guid = UUID.randomUUID().toString();
        Map<String, Object> props = KafkaTestUtils.consumerProps(embeddedKafka, "dlt-" + UUID.randomUUID(), false);
        try (Consumer<String, byte[]> dlt = new DefaultKafkaConsumerFactory<>(props, new StringDeserializer(),
                new ByteArrayDeserializer()).createConsumer()) {
            dlt.subscribe(List.of(Topics.COMMANDS + Topics.DEAD_LETTER_SUFFIX));

            produce(guid, "{not json", bearer("admin"));
            produce(guid, command("x-" + guid, "io.provisioner.service-instance.explode.v1", guid, Map.of()),
                    bearer("admin"));
            produce(guid, command("c-" + guid, EventTypes.COMMAND_CREATE, guid, createData(newName())),
                    bearer("admin"));

            var dead = KafkaTestUtils.getRecords(dlt, Duration.ofSeconds(20), 2);
            List<ConsumerRecord<String, byte[]>> mine = new java.util.ArrayList<>();
            dead.records(Topics.COMMANDS + Topics.DEAD_LETTER_SUFFIX).forEach(r -> {
                if (guid.equals(r.key())) {
                    mine.add(r);
                }
            });
            assertThat(mine).hasSize(2);
            assertThat(new String(mine.get(0).value(), StandardCharsets.UTF_8)).isEqualTo("{not json");
            assertThat(new String(mine.get(1).headers().lastHeader("kafka_dlt-exception-message").value(),
                    StandardCharsets.UTF_8)).contains("type must be one of");
        }
        assertThat(PublicEventLog.shortType(awaitEvents(guid, 1).get(0))).isEqualTo("started");
    }

    @Test
    void keyCommandsCreateAndDeleteKeysByTheRestRulesAndAreAnsweredOnTheInstancesStream() {
        String instance = send("POST", "/v2/service_instances?accepts_incomplete=true", json(Map.of("name", newName(),
                "space_guid", spaceGuid("test-space"), "service_plan_guid", planGuid(CatalogBroker.FIXED_PLAN_ID))))
                .json().at("/metadata/guid").asString();
        status(instance, operationId(instance), io.provisioner.schemas.OperationType.CREATE,
                io.provisioner.schemas.OperationState.SUCCEEDED, 1, null);
        awaitEvents(instance, 2);
        String id = "key-" + instance;
        String create = command(id, EventTypes.COMMAND_CREATE_KEY, null, Map.of("name", "billing",
                "service_instance_guid", instance, "parameters", Map.of("role", "ro")));
        String key = UUID.nameUUIDFromBytes(("/test/orders\n" + id).getBytes(StandardCharsets.UTF_8)).toString();

        produce(instance, create, bearer("developer"));
        produce(instance, create, bearer("developer"));
        produce(instance, command("taken-" + instance, EventTypes.COMMAND_CREATE_KEY, null, Map.of("name", "billing",
                "service_instance_guid", instance)), bearer("developer"));

        List<JsonNode> events = awaitEvents(instance, 4);
        assertThat(events.subList(2, 4)).extracting(e -> e.get("type").asString())
                .containsExactly(EventTypes.SERVICE_KEY_STARTED, EventTypes.SERVICE_KEY_REJECTED);
        JsonNode started = events.get(2);
        assertThat(started.at("/data/command_id").asString()).isEqualTo(id);
        assertThat(started.at("/data/service_key_guid").asString()).as("derived from source and id").isEqualTo(key);
        assertThat(started.at("/data/originating_user_id").asString()).isEqualTo(userId("developer"));
        assertThat(get("/v2/service_keys/" + key).json().at("/entity/name").asString()).isEqualTo("billing");
        JsonNode taken = events.get(3);
        assertThat(taken.at("/data/error/error_code").asString()).isEqualTo("CF-ServiceKeyNameTaken");
        assertThat(taken.at("/data/error/code").asInt()).isEqualTo(360001);
        assertThat(taken.at("/data/command_id").asString()).isEqualTo("taken-" + instance);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM service_keys WHERE service_instance_guid = ?").param(instance)
                .query(Long.class).single()).as("one key, answered once").isEqualTo(1);

        keyStatus(instance, key, keyOperationId(key), io.provisioner.schemas.OperationType.CREATE,
                io.provisioner.schemas.OperationState.SUCCEEDED, 1, null, null);
        awaitEvents(instance, 5);
        String delete = command("unbind-" + instance, EventTypes.COMMAND_DELETE_KEY, key, Map.of());
        produce(instance, delete, bearer("outsider"));
        produce(instance, command("unbind-2-" + instance, EventTypes.COMMAND_DELETE_KEY, key, Map.of()), bearer("admin"));
        produce(instance, command("unbind-3-" + instance, EventTypes.COMMAND_DELETE_KEY, key, Map.of()), bearer("admin"));
        awaitEvents(instance, 8);
        keyStatus(instance, key, keyOperationId(key), io.provisioner.schemas.OperationType.DELETE,
                io.provisioner.schemas.OperationState.SUCCEEDED, 1, null, null);

        events = awaitEvents(instance, 9);
        assertThat(events.subList(4, 9)).extracting(PublicEventLog::shortType)
                .containsExactly("succeeded", "rejected", "started", "rejected", "deleted");
        assertThat(events.get(5).at("/data/error/error_code").asString()).isEqualTo("CF-NotAuthorized");
        assertThat(events.get(6).at("/data/operation/type").asString()).isEqualTo("delete");
        assertThat(events.get(6).at("/data/command_id").asString()).isEqualTo("unbind-2-" + instance);
        assertThat(events.get(7).at("/data/error/error_code").asString())
                .isEqualTo("CF-AsyncServiceBindingOperationInProgress");
        assertThat(get("/v2/service_keys/" + key).status()).isEqualTo(404);
        assertThat(log.invalid()).isEmpty();
    }

    @Test
    void aKeyCommandForAnInstanceThatCannotHaveKeysIsRejectedOnThatInstancesStream() {
        String unbindable = send("POST", "/v2/service_instances?accepts_incomplete=true", json(Map.of("name", newName(),
                "space_guid", spaceGuid("test-space"), "service_plan_guid", planGuid(CatalogBroker.SYNC_PLAN_ID))))
                .json().at("/metadata/guid").asString();
        String busy = send("POST", "/v2/service_instances?accepts_incomplete=true", json(Map.of("name", newName(),
                "space_guid", spaceGuid("test-space"), "service_plan_guid", planGuid(CatalogBroker.FIXED_PLAN_ID))))
                .json().at("/metadata/guid").asString();

        produce(unbindable, command("k-" + unbindable, EventTypes.COMMAND_CREATE_KEY, null, Map.of("name", "k",
                "service_instance_guid", unbindable)), bearer("admin"));
        produce(busy, command("k-" + busy, EventTypes.COMMAND_CREATE_KEY, null, Map.of("name", "k",
                "service_instance_guid", busy)), bearer("admin"));
        produce(busy, command("d-" + busy, EventTypes.COMMAND_DELETE_KEY, UUID.randomUUID().toString(), Map.of()),
                bearer("admin"));

        JsonNode notBindable = awaitEvents(unbindable, 2).get(1);
        assertThat(notBindable.get("type").asString()).isEqualTo(EventTypes.SERVICE_KEY_REJECTED);
        assertThat(notBindable.at("/data/error/code").asInt()).isEqualTo(90005);
        List<JsonNode> ofBusy = awaitEvents(busy, 3);
        assertThat(ofBusy.get(1).at("/data/error/code").asInt()).as("its create is under way").isEqualTo(60016);
        assertThat(ofBusy.get(2).at("/data/error/error_code").asString()).isEqualTo("CF-ServiceKeyNotFound");
        assertThat(ofBusy.get(2).at("/data/instance_guid").asString()).as("keyed by the record's key").isEqualTo(busy);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM service_keys WHERE service_instance_guid IN (?, ?)")
                .params(unbindable, busy).query(Long.class).single()).isZero();
        assertThat(log.invalid()).isEmpty();
    }
}
