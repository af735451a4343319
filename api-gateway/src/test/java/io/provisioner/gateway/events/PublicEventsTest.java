package io.provisioner.gateway.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

import io.provisioner.gateway.CatalogBroker;
import io.provisioner.gateway.GatewayTestBase;
import io.provisioner.schemas.OperationState;
import io.provisioner.schemas.OperationType;
import io.provisioner.schemas.SecretSealer;
import io.provisioner.schemas.Topics;

/**
 * The public lifecycle on {@code service-instance.events}, driven over REST with the worker's status
 * events played by the test: one event per change, versions 1, 2, …, the instance as GET shows it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PublicEventsTest extends GatewayTestBase {

    private PublicEventLog log;
    @Autowired
    private SecretSealer sealer;

    @BeforeAll
    void listen() {
        log = new PublicEventLog(embeddedKafka.getBrokersAsString(), Topics.EVENTS);
    }

    @AfterAll
    void close() {
        log.close();
    }

    private List<JsonNode> awaitEvents(String guid, int count) {
        await().atMost(Duration.ofSeconds(15)).until(() -> log.of(guid).size() >= count);
        return log.of(guid);
    }

    @Test
    void everyChangeOfAnInstanceIsOnePublicEventWithTheNextVersion() {
        Answer created = create(newName());
        String guid = created.json().at("/metadata/guid").asString();
        String create = operationId(guid);

        JsonNode started = awaitEvents(guid, 1).get(0);
        assertThat(started.at("/data/version").asLong()).isEqualTo(1);
        assertThat(started.at("/data/instance")).as("the instance as the caller's answer shows it")
                .isEqualTo(created.json());
        assertThat(started.at("/data/operation/id").asString()).isEqualTo(create);
        assertThat(started.at("/data/originating_user_id").asString()).isEqualTo(userId("admin"));
        assertThat(started.at("/data/request_identity").asString()).isNotBlank();
        assertThat(started.at("/data/command_id").isNull()).isTrue();

        status(guid, create, OperationType.CREATE, OperationState.IN_PROGRESS, 1, "working");
        status(guid, create, OperationType.CREATE, OperationState.SUCCEEDED, 2, "done");
        JsonNode succeeded = awaitEvents(guid, 2).get(1);
        assertThat(succeeded.at("/data/instance")).isEqualTo(get("/v2/service_instances/" + guid).json());
        assertThat(succeeded.at("/data/request_identity").asString()).isEqualTo("rid");

        send("PUT", "/v2/service_instances/" + guid + "?accepts_incomplete=true", json(Map.of("parameters",
                Map.of("size", "huge"))));
        String update = operationId(guid);
        status(guid, update, OperationType.UPDATE, OperationState.FAILED, 1, "the broker said no");
        awaitEvents(guid, 4);
        send("PUT", "/v2/service_instances/" + guid, json(Map.of("name", "renamed-" + guid)));
        send("DELETE", "/v2/service_instances/" + guid + "?accepts_incomplete=true", null);
        String delete = operationId(guid);
        status(guid, delete, OperationType.DELETE, OperationState.SUCCEEDED, 1, null);

        List<JsonNode> events = awaitEvents(guid, 7);
        assertThat(events).extracting(PublicEventLog::shortType)
                .containsExactly("started", "succeeded", "started", "failed", "updated", "started", "deleted");
        assertThat(events).extracting(e -> e.at("/data/version").asLong()).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
        assertThat(events.get(3).at("/data/operation/description").asString()).isEqualTo("the broker said no");
        assertThat(events.get(4).at("/data/instance/entity/name").asString()).isEqualTo("renamed-" + guid);
        assertThat(events.get(6).at("/data/instance/entity/last_operation/state").asString()).isEqualTo("succeeded");
        assertThat(events.get(6).at("/data/operation/type").asString()).isEqualTo("delete");
        assertThat(get("/v2/service_instances/" + guid).status()).isEqualTo(404);
        assertThat(log.invalid()).isEmpty();
    }

    @Test
    void aRefusedRequestAndAReplayedStatusEmitNothing() {
        String name = newName();
        String guid = create(name).json().at("/metadata/guid").asString();
        String create = operationId(guid);
        status(guid, create, OperationType.CREATE, OperationState.SUCCEEDED, 1, null);
        status(guid, create, OperationType.CREATE, OperationState.SUCCEEDED, 1, null);
        assertThat(create(name).status()).as("name taken").isEqualTo(400);
        String marker = create(newName()).json().at("/metadata/guid").asString();
        awaitEvents(marker, 1);
        awaitEvents(guid, 2);

        assertThat(log.types(guid)).containsExactly("started", "succeeded");
        assertThat(log.invalid()).isEmpty();
    }

    @Test
    void aKeysLifeIsOnItsInstancesStreamInOrderAndNeverWithItsCredentials() {
        String instance = send("POST", "/v2/service_instances?accepts_incomplete=true", json(Map.of("name", newName(),
                "space_guid", spaceGuid("test-space"), "service_plan_guid", planGuid(CatalogBroker.FIXED_PLAN_ID))))
                .json().at("/metadata/guid").asString();
        status(instance, operationId(instance), OperationType.CREATE, OperationState.SUCCEEDED, 1, null);
        awaitEvents(instance, 2);
        String password = "pw-" + java.util.UUID.randomUUID();
        String sealed = sealer.seal("{\"username\": \"u\", \"password\": \"" + password + "\"}");

        Answer created = send("POST", "/v2/service_keys?accepts_incomplete=true", json(Map.of("name", "reporting",
                "service_instance_guid", instance, "parameters", Map.of("role", "ro"))));
        String key = created.json().at("/metadata/guid").asString();
        keyStatus(instance, key, keyOperationId(key), OperationType.CREATE, OperationState.SUCCEEDED, 1, null, sealed);
        JsonNode succeeded = awaitEvents(instance, 4).get(3);
        assertThat(get("/v2/service_keys/" + key).body()).as("the credentials are there, over REST").contains(password);
        String doomed = send("POST", "/v2/service_keys?accepts_incomplete=true", json(Map.of("name", "doomed",
                "service_instance_guid", instance))).json().at("/metadata/guid").asString();
        keyStatus(instance, doomed, keyOperationId(doomed), OperationType.CREATE, OperationState.FAILED, 1,
                "Service broker error: no more keys", null);
        awaitEvents(instance, 6);
        send("DELETE", "/v2/service_keys/" + key + "?accepts_incomplete=true", null);
        keyStatus(instance, key, keyOperationId(key), OperationType.DELETE, OperationState.SUCCEEDED, 1, null, null);
        awaitEvents(instance, 8);
        send("PUT", "/v2/service_instances/" + instance, json(Map.of("name", "renamed-" + instance)));

        List<JsonNode> events = awaitEvents(instance, 9);
        assertThat(events).extracting(e -> e.get("type").asString()).containsExactly(
                "io.provisioner.service-instance.started.v1", "io.provisioner.service-instance.succeeded.v1",
                "io.provisioner.service-key.started.v1", "io.provisioner.service-key.succeeded.v1",
                "io.provisioner.service-key.started.v1", "io.provisioner.service-key.failed.v1",
                "io.provisioner.service-key.started.v1", "io.provisioner.service-key.deleted.v1",
                "io.provisioner.service-instance.updated.v1");
        List<JsonNode> ofKey = events.stream().filter(e -> key.equals(e.at("/data/service_key_guid").asString())).toList();
        assertThat(ofKey).extracting(e -> e.at("/data/version").asLong()).containsExactly(1L, 2L, 3L, 4L);
        assertThat(ofKey).extracting(e -> e.at("/data/operation/type").asString())
                .containsExactly("create", "create", "delete", "delete");
        assertThat(events.get(8).at("/data/version").asLong()).as("a key's change is not a change of the instance")
                .isEqualTo(3);
        JsonNode started = events.get(2);
        assertThat(started.get("subject").asString()).isEqualTo(instance);
        assertThat(started.at("/data/originating_user_id").asString()).isEqualTo(userId("admin"));
        assertThat(started.at("/data/service_key/metadata/guid").asString()).isEqualTo(key);
        assertThat(started.at("/data/service_key/entity").has("credentials")).isFalse();
        JsonNode shown = get("/v2/service_keys/" + doomed).json();
        ((tools.jackson.databind.node.ObjectNode) shown.get("entity")).remove("credentials");
        assertThat(events.get(5).at("/data/service_key")).as("the key as GET shows it, less the credentials")
                .isEqualTo(shown);
        assertThat(events.get(5).at("/data/operation/description").asString())
                .isEqualTo("Service broker error: no more keys");
        assertThat(succeeded.at("/data/service_key/entity/last_operation/state").asString()).isEqualTo("succeeded");
        assertThat(log.records()).as("no record of the public stream carries the credentials, even sealed")
                .noneMatch(record -> record.contains(password) || record.contains(sealed));
        assertThat(log.records().stream().filter(record -> record.contains("io.provisioner.service-key.")))
                .as("a key event has no credentials field at all").isNotEmpty()
                .noneMatch(record -> record.contains("credentials"));
        assertThat(log.invalid()).isEmpty();
    }
}
