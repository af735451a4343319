package io.provisioner.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.test.utils.KafkaTestUtils;
import tools.jackson.databind.JsonNode;

import io.provisioner.schemas.EventCodec;
import io.provisioner.schemas.EventTypes;
import io.provisioner.schemas.OperationState;
import io.provisioner.schemas.OperationType;
import io.provisioner.schemas.ProvisioningRequested;
import io.provisioner.schemas.SecretSealer;
import io.provisioner.schemas.Topics;

/**
 * {@code /v2/service_keys} against Cloud Controller's contract: every endpoint, every error, the
 * credentials' visibility by role, the instance's delete with keys, with this test playing the worker.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(OutputCaptureExtension.class)
class ServiceKeysTest extends GatewayTestBase {

    private static final Duration PATIENCE = Duration.ofSeconds(15);

    @Autowired
    SecretSealer sealer;

    private final EventCodec codec = new EventCodec();
    private String space;
    private String bindablePlan;

    @BeforeAll
    void aSpaceWithADeveloperAndAnAuditor() {
        String org = send("POST", "/v2/organizations", json(Map.of("name", "keys-" + UUID.randomUUID()))).json()
                .at("/metadata/guid").asString();
        space = send("POST", "/v2/spaces", json(Map.of("name", "keys", "organization_guid", org))).json()
                .at("/metadata/guid").asString();
        // A space role needs the user in the organization first, as in Cloud Controller.
        for (String member : List.of(userId("developer"), userId("auditor"))) {
            assertThat(send("PUT", "/v2/organizations/" + org + "/users/" + member, null).status()).isEqualTo(201);
        }
        assertThat(send("PUT", "/v2/spaces/" + space + "/developers/" + userId("developer"), null).status()).isEqualTo(201);
        assertThat(send("PUT", "/v2/spaces/" + space + "/auditors/" + userId("auditor"), null).status()).isEqualTo(201);
        bindablePlan = planGuid(CatalogBroker.FIXED_PLAN_ID);
    }

    /** An instance of the bindable service whose create the worker reported done. */
    private String createdInstance() {
        String guid = instanceInProgress(bindablePlan);
        status(guid, operationId(guid), OperationType.CREATE, OperationState.SUCCEEDED, 1, null);
        await().atMost(PATIENCE).until(() -> get("/v2/service_instances/" + guid).json()
                .at("/entity/last_operation/state").asString().equals("succeeded"));
        return guid;
    }

    private String instanceInProgress(String plan) {
        Answer created = send("POST", "/v2/service_instances?accepts_incomplete=true", json(Map.of("name", newName(),
                "space_guid", space, "service_plan_guid", plan)));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.json().at("/metadata/guid").asString();
    }

    private Answer createKey(String user, String instance, String name, String query) {
        return sendAs(user, "POST", "/v2/service_keys" + query, json(Map.of("name", name,
                "service_instance_guid", instance, "parameters", Map.of("role", "read-only"))));
    }

    /** A key whose bind the worker reported succeeded with these credentials. */
    private String boundKey(String instance, String name, String credentials) {
        String key = createKey("developer", instance, name, "?accepts_incomplete=true").json().at("/metadata/guid")
                .asString();
        keyStatus(instance, key, keyOperationId(key), OperationType.CREATE, OperationState.SUCCEEDED, 1, null,
                sealer.seal(credentials));
        await().atMost(PATIENCE).until(() -> get("/v2/service_keys/" + key).json().at("/entity/last_operation/state")
                .asString().equals("succeeded"));
        return key;
    }

    @Test
    void aKeyIsCreatedAsynchronouslyShowsItsCredentialsOnceBoundAndIsDeleted() {
        String instance = createdInstance();
        String name = "key-" + UUID.randomUUID();

        Answer created = createKey("developer", instance, name, "?accepts_incomplete=true");

        assertThat(created.status()).as(created.body()).isEqualTo(202);
        String key = created.json().at("/metadata/guid").asString();
        assertThat(created.raw().headers().firstValue("Location")).hasValue("/v2/service_keys/" + key);
        assertThat(created.json().at("/metadata/url").asString()).isEqualTo("/v2/service_keys/" + key);
        JsonNode entity = created.json().get("entity");
        assertThat(entity.get("name").asString()).isEqualTo(name);
        assertThat(entity.get("service_instance_guid").asString()).isEqualTo(instance);
        assertThat(entity.get("service_instance_url").asString()).isEqualTo("/v2/service_instances/" + instance);
        assertThat(entity.get("service_key_parameters_url").asString()).isEqualTo("/v2/service_keys/" + key + "/parameters");
        assertThat(entity.get("credentials").isEmpty()).as("not bound yet").isTrue();
        assertThat(entity.at("/last_operation/type").asString()).isEqualTo("create");
        assertThat(entity.at("/last_operation/state").asString()).isEqualTo("in progress");

        ProvisioningRequested bind = requestOf(instance, key, OperationType.CREATE);
        assertThat(bind.binding().bindingName()).isEqualTo(name);
        assertThat(bind.originatingUserId()).isEqualTo(userId("developer"));
        assertThat(bind.serviceId()).isEqualTo("svc-2");
        assertThat(sealer.open(bind.sealedParameters())).isEqualTo("{\"role\":\"read-only\"}");

        keyStatus(instance, key, bind.operationId(), OperationType.CREATE, OperationState.IN_PROGRESS, 1,
                "binding", null);
        keyStatus(instance, key, bind.operationId(), OperationType.CREATE, OperationState.SUCCEEDED, 3, null,
                sealer.seal("{\"username\": \"u1\", \"password\": \"pw-1\"}"));
        await().atMost(PATIENCE).until(() -> get("/v2/service_keys/" + key).json().at("/entity/last_operation/state")
                .asString().equals("succeeded"));
        keyStatus(instance, key, bind.operationId(), OperationType.CREATE, OperationState.FAILED, 2, "late", null);

        Answer fetched = sendAs("developer", "GET", "/v2/service_keys/" + key, null);
        assertThat(fetched.json().at("/entity/credentials/password").asString()).isEqualTo("pw-1");
        assertThat(fetched.json().at("/entity/last_operation/state").asString()).as("forward only").isEqualTo("succeeded");
        assertThat(get("/v2/service_keys?q=name:" + name).json().at("/resources/0/metadata/guid").asString()).isEqualTo(key);
        Answer ofInstance = get("/v2/service_keys?q=service_instance_guid:" + instance + "&q=name:" + name);
        assertThat(ofInstance.json().get("total_results").asInt()).isEqualTo(1);
        assertThat(get("/v2/service_instances/" + instance + "/service_keys").json().at("/resources/0/entity/name")
                .asString()).isEqualTo(name);

        Answer deleting = sendAs("developer", "DELETE", "/v2/service_keys/" + key + "?accepts_incomplete=true", null);
        assertThat(deleting.status()).as(deleting.body()).isEqualTo(202);
        assertThat(deleting.json().at("/entity/last_operation/type").asString()).isEqualTo("delete");
        assertError(sendAs("developer", "DELETE", "/v2/service_keys/" + key, null), 409,
                "CF-AsyncServiceBindingOperationInProgress", 90008);
        ProvisioningRequested unbind = requestOf(instance, key, OperationType.DELETE);
        keyStatus(instance, key, unbind.operationId(), OperationType.DELETE, OperationState.SUCCEEDED, 1, null, null);
        await().atMost(PATIENCE).until(() -> get("/v2/service_keys/" + key).status() == 404);
        assertError(get("/v2/service_keys/" + key), 404, "CF-ServiceKeyNotFound", 360003);
    }

    @Test
    void withoutAcceptsIncompleteTheCreateAnswers201AsTheCfCliExpects() {
        String instance = createdInstance();

        Answer created = createKey("developer", instance, "cli-key", "");

        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.json().at("/entity/last_operation/state").asString()).isEqualTo("in progress");
    }

    @Test
    void everyRefusalIsCloudControllersError() {
        String instance = createdInstance();
        String unknown = UUID.randomUUID().toString();
        createKey("developer", instance, "taken", "");

        assertError(createKey("developer", instance, "taken", ""), 400, "CF-ServiceKeyNameTaken", 360001);
        assertError(createKey("developer", unknown, "k", ""), 404, "CF-ServiceInstanceNotFound", 60004);
        assertError(createKey("developer", instanceInProgress(planGuid(CatalogBroker.SYNC_PLAN_ID)), "k", ""), 400,
                "CF-UnbindableService", 90005);
        assertError(createKey("developer", instanceInProgress(bindablePlan), "k", ""), 409,
                "CF-AsyncServiceInstanceOperationInProgress", 60016);
        String failed = instanceInProgress(bindablePlan);
        status(failed, operationId(failed), OperationType.CREATE, OperationState.FAILED, 1, "broken");
        await().atMost(PATIENCE).until(() -> get("/v2/service_instances/" + failed).json()
                .at("/entity/last_operation/state").asString().equals("failed"));
        assertError(createKey("developer", failed, "k", ""), 400, "CF-ServiceKeyInvalid", 360002);
        assertError(createKey("developer", instance, " ", ""), 400, "CF-ServiceKeyInvalid", 360002);
        assertError(createKey("developer", instance, "x".repeat(256), ""), 400, "CF-ServiceKeyInvalid", 360002);
        assertError(sendAs("developer", "POST", "/v2/service_keys", json(Map.of("name", "no-instance"))), 400,
                "CF-MessageParseError", 1001);
        assertError(sendAs("developer", "POST", "/v2/service_keys", "{"), 400, "CF-MessageParseError", 1001);
        assertError(createKey("developer", instance, "k", "?accepts_incomplete=maybe"), 400, "CF-InvalidRequest", 10004);
        assertError(createKey("auditor", instance, "k", ""), 403, "CF-NotAuthorized", 10003);
        assertError(createKey("outsider", instance, "k", ""), 403, "CF-NotAuthorized", 10003);
        assertError(get("/v2/service_keys/" + unknown), 404, "CF-ServiceKeyNotFound", 360003);
        assertError(send("DELETE", "/v2/service_keys/" + unknown, null), 404, "CF-ServiceKeyNotFound", 360003);
        assertError(get("/v2/service_keys?q=colour:red"), 400, "CF-BadQueryParameter", 10005);
        assertError(get("/v2/service_instances/" + unknown + "/service_keys"), 404, "CF-ServiceInstanceNotFound", 60004);
    }

    @Test
    void credentialsGoToDevelopersAndAdminsOnlyAndAreKeptNowhereInClear(CapturedOutput output) {
        String instance = createdInstance();
        String password = "pw-" + UUID.randomUUID();
        String key = boundKey(instance, "visible", "{\"password\": \"" + password + "\"}");

        assertThat(sendAs("developer", "GET", "/v2/service_keys/" + key, null).json()
                .at("/entity/credentials/password").asString()).isEqualTo(password);
        assertThat(sendAs("admin", "GET", "/v2/service_keys/" + key, null).body()).contains(password);
        for (String reader : List.of("auditor", "readonly", "globalauditor")) {
            Answer one = sendAs(reader, "GET", "/v2/service_keys/" + key, null);
            Answer list = sendAs(reader, "GET", "/v2/service_keys?q=service_instance_guid:" + instance, null);
            Answer relation = sendAs(reader, "GET", "/v2/service_instances/" + instance + "/service_keys", null);
            for (Answer answer : List.of(one, list, relation)) {
                assertThat(answer.status()).as(reader + ": " + answer.body()).isEqualTo(200);
                assertThat(answer.body()).as(reader).doesNotContain(password).contains("[PRIVATE DATA HIDDEN]");
            }
            assertThat(one.json().at("/entity/credentials/redacted_message").asString()).isEqualTo("[PRIVATE DATA HIDDEN]");
        }
        assertError(sendAs("outsider", "GET", "/v2/service_keys/" + key, null), 403, "CF-NotAuthorized", 10003);
        assertThat(sendAs("outsider", "GET", "/v2/service_keys", null).body()).doesNotContain(key);

        List<String> rows = new ArrayList<>();
        for (String table : List.of("service_keys", "outbox", "service_instances")) {
            jdbc.sql("SELECT * FROM " + table).query().listOfRows().forEach(row -> rows.add(table + ": " + row));
        }
        assertThat(rows).as("database rows").noneMatch(row -> row.contains(password));
        assertThat(jdbc.sql("SELECT sealed_credentials FROM service_keys WHERE guid = ?").param(key).query(String.class)
                .single()).startsWith("v1:");
        assertThat(recordsOf(instance)).as("Kafka records")
                .noneMatch(record -> new String(record.value(), StandardCharsets.UTF_8).contains(password));
        assertThat(output.getAll()).as("logs").doesNotContain(password);
    }

    @Test
    void anInstanceWithKeysIsDeletedOnlyRecursivelyAndItsKeysAreUnboundFirst() {
        String instance = createdInstance();
        String first = boundKey(instance, "first", "{\"password\": \"a\"}");
        String second = boundKey(instance, "second", "{\"password\": \"b\"}");
        String path = "/v2/service_instances/" + instance;

        assertError(send("DELETE", path + "?accepts_incomplete=true", null), 400, "CF-AssociationNotEmpty", 10006);
        Answer deleting = send("DELETE", path + "?accepts_incomplete=true&recursive=true", null);

        assertThat(deleting.status()).as(deleting.body()).isEqualTo(202);
        assertThat(deleting.json().at("/entity/last_operation/type").asString()).isEqualTo("delete");
        assertThat(get("/v2/service_keys/" + first).json().at("/entity/last_operation/type").asString()).isEqualTo("delete");
        ProvisioningRequested unbindFirst = requestOf(instance, first, OperationType.DELETE);
        ProvisioningRequested unbindSecond = requestOf(instance, second, OperationType.DELETE);
        assertThat(instanceDeleteRequested(instance)).as("the deprovision waits for the unbinds").isFalse();

        keyStatus(instance, first, unbindFirst.operationId(), OperationType.DELETE, OperationState.SUCCEEDED, 1, null, null);
        await().atMost(PATIENCE).until(() -> get("/v2/service_keys/" + first).status() == 404);
        assertThat(instanceDeleteRequested(instance)).as("one key is left").isFalse();
        keyStatus(instance, second, unbindSecond.operationId(), OperationType.DELETE, OperationState.SUCCEEDED, 1, null,
                null);

        await().atMost(PATIENCE).until(() -> instanceDeleteRequested(instance));
        status(instance, operationId(instance), OperationType.DELETE, OperationState.SUCCEEDED, 1, null);
        await().atMost(PATIENCE).until(() -> get(path).status() == 404);
    }

    @Test
    void aFailedUnbindFailsTheRecursiveDelete() {
        String instance = createdInstance();
        String key = boundKey(instance, "stuck", "{\"password\": \"c\"}");
        String path = "/v2/service_instances/" + instance;

        assertThat(send("DELETE", path + "?accepts_incomplete=true&recursive=true", null).status()).isEqualTo(202);
        keyStatus(instance, key, requestOf(instance, key, OperationType.DELETE).operationId(), OperationType.DELETE,
                OperationState.FAILED, 1, "Service broker error: busy", null);

        await().atMost(PATIENCE).until(() -> get(path).json().at("/entity/last_operation/state").asString()
                .equals("failed"));
        assertThat(get(path).json().at("/entity/last_operation/description").asString())
                .contains("service key stuck could not be deleted").contains("busy");
        assertThat(get("/v2/service_keys/" + key).json().at("/entity/last_operation/state").asString()).isEqualTo("failed");
        assertThat(instanceDeleteRequested(instance)).isFalse();
        assertThat(count("instance_deletes_after_unbind")).isZero();
    }

    @Test
    void theCfCliFindsTheInstanceByNameThenItsKeys() {
        String instance = createdInstance();
        String name = get("/v2/service_instances/" + instance).json().at("/entity/name").asString();
        String key = boundKey(instance, "cli", "{\"uri\": \"db://x\"}");

        Answer found = sendAs("developer", "GET", "/v2/spaces/" + space + "/service_instances?q=name:" + name, null);
        String guid = found.json().at("/resources/0/metadata/guid").asString();
        Answer keys = sendAs("developer", "GET", "/v2/service_keys?q=name:cli&q=service_instance_guid:" + guid, null);

        assertThat(guid).isEqualTo(instance);
        assertThat(keys.json().at("/resources/0/metadata/guid").asString()).isEqualTo(key);
        assertThat(keys.json().at("/resources/0/entity/credentials/uri").asString()).isEqualTo("db://x");
        assertThat(sendAs("developer", "GET", "/v2/service_instances/" + guid + "/service_keys?q=name:cli", null)
                .json().get("total_results").asInt()).isEqualTo(1);
    }

    @Test
    void theKeyParametersComeFromTheBrokerAndOnlyToWhoMayReadItsSecrets() {
        String instance = createdInstance();
        String key = boundKey(instance, "with-parameters", "{\"password\": \"p\"}");
        String binding = instance + "/service_bindings/" + key;
        String parameters = "{\"role\": \"read-only\", \"hundred\": 1E2}";
        BROKER.answerFetch(binding, 200, "{\"credentials\": {\"password\": \"p\"}, \"parameters\": " + parameters + "}");
        String path = "/v2/service_keys/" + key + "/parameters";

        Answer answer = sendAs("developer", "GET", path, null);

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(answer.body()).as("exactly as the broker wrote them, and nothing else").isEqualTo(parameters);
        CatalogBroker.Fetch fetch = BROKER.fetchesOf(binding).get(0);
        assertThat(fetch.path()).isEqualTo("/v2/service_instances/" + binding);
        assertThat(fetch.query()).isEqualTo("service_id=svc-2&plan_id=" + CatalogBroker.FIXED_PLAN_ID);
        assertThat(fetch.headers()).containsEntry("X-Broker-API-Version", "2.17")
                .containsKey("X-Broker-API-Originating-Identity");
        assertThat(sendAs("admin", "GET", path, null).status()).isEqualTo(200);
        assertThat(sendAs("readonly", "GET", path, null).status()).as("a read-only admin, as in Cloud Controller")
                .isEqualTo(200);
        for (String hidden : List.of("auditor", "globalauditor", "outsider")) {
            assertError(sendAs(hidden, "GET", path, null), 404, "CF-ServiceKeyNotFound", 360003);
        }
        assertError(sendAs(null, "GET", path, null), 401, "CF-NotAuthenticated", 10002);
        assertThat(BROKER.fetchesOf(binding)).as("only who may read reached the broker").hasSize(3);
        assertError(get("/v2/service_keys/" + UUID.randomUUID() + "/parameters"), 404, "CF-ServiceKeyNotFound", 360003);

        BROKER.answerFetch(binding, 200, "{\"credentials\": {}}");
        assertThat(get(path).body()).as("no parameters named").isEqualTo("{}");
        BROKER.answerFetch(binding, 500, "{\"description\": \"internal detail 10.0.0.7\"}");
        Answer failed = get(path);
        assertError(failed, 502, "CF-ServiceBrokerBadResponse", 10001);
        assertThat(failed.body()).doesNotContain("10.0.0.7");
    }

    @Test
    void aKeyWhoseServiceIsNotBindingsRetrievableOrThatIsBusyIsRefusedWithoutAskingTheBroker() {
        String instance = createdInstance();
        String bound = boundKey(instance, "bound", "{\"password\": \"p\"}");
        String busy = createKey("developer", instance, "busy", "?accepts_incomplete=true").json().at("/metadata/guid")
                .asString();

        assertError(get("/v2/service_keys/" + busy + "/parameters"), 409, "CF-AsyncServiceBindingOperationInProgress",
                90008);
        // The catalog changes: the broker no longer says bindings_retrievable.
        String service = get("/v2/service_plans/" + bindablePlan).json().at("/entity/service_guid").asString();
        jdbc.sql("UPDATE services SET bindings_retrievable = FALSE WHERE guid = ?").param(service).update();
        try {
            Answer refused = get("/v2/service_keys/" + bound + "/parameters");
            assertError(refused, 400, "CF-ServiceKeyNotSupported", 360004);
            assertThat(refused.json().get("description").asString())
                    .isEqualTo("This service does not support fetching service key parameters.");
            assertThat(get("/v2/services/" + service).json().at("/entity/bindings_retrievable").asBoolean()).isFalse();
        } finally {
            jdbc.sql("UPDATE services SET bindings_retrievable = TRUE WHERE guid = ?").param(service).update();
        }
        assertThat(get("/v2/services/" + service).json().at("/entity/bindings_retrievable").asBoolean())
                .as("as the catalog says").isTrue();
        assertThat(BROKER.fetchesOf(instance + "/service_bindings/" + bound)).isEmpty();
        assertThat(BROKER.fetchesOf(instance + "/service_bindings/" + busy)).isEmpty();
    }

    /** The request records (binding or instance) keyed by the instance, as the worker reads them. */
    private List<ConsumerRecord<String, byte[]>> recordsOf(String instance) {
        Map<String, Object> props = KafkaTestUtils.consumerProps(embeddedKafka, "keys-" + UUID.randomUUID(), false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<String, byte[]>> mine = new ArrayList<>();
        try (Consumer<String, byte[]> consumer = new DefaultKafkaConsumerFactory<>(props, new StringDeserializer(),
                new ByteArrayDeserializer()).createConsumer()) {
            consumer.subscribe(List.of(Topics.REQUESTS, Topics.STATUS));
            for (ConsumerRecord<String, byte[]> r : KafkaTestUtils.getRecords(consumer, Duration.ofSeconds(2))) {
                if (instance.equals(r.key())) {
                    mine.add(r);
                }
            }
        }
        return mine;
    }

    /** Waits for the bind or unbind request of the key on provisioning.requests. */
    private ProvisioningRequested requestOf(String instance, String key, OperationType type) {
        return await().atMost(PATIENCE).until(() -> recordsOf(instance).stream()
                .filter(r -> r.topic().equals(Topics.REQUESTS)
                        && EventTypes.BINDING_REQUESTED.equals(codec.typeOf(r.value())))
                .map(r -> codec.readBindingRequested(r.value()).data())
                .filter(r -> r.binding().bindingGuid().equals(key) && r.operationType() == type)
                .findFirst().orElse(null), r -> r != null);
    }

    private boolean instanceDeleteRequested(String instance) {
        return recordsOf(instance).stream().filter(r -> r.topic().equals(Topics.REQUESTS)
                        && EventTypes.PROVISIONING_REQUESTED.equals(codec.typeOf(r.value())))
                .map(r -> codec.readRequested(r.value()).data())
                .anyMatch(r -> r.operationType() == OperationType.DELETE);
    }
}
