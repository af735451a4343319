package io.provisioner.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import tools.jackson.databind.JsonNode;

/**
 * Service keys through the whole system, as the cf CLI drives them: the instance found by name in its space,
 * a key created (bound asynchronously at the sample broker, then fetched for its credentials), listed, read,
 * deleted, and an instance with a key deleted recursively. The credentials reach the caller and are in no
 * record of any Kafka topic and no log line of the gateway, the worker or the broker.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(OutputCaptureExtension.class)
class ServiceKeysEndToEndTest {

    private static final Duration PATIENCE = Duration.ofSeconds(20);

    private LocalStack stack;
    private StackClient client;

    @BeforeAll
    void start() throws Exception {
        Path data = Files.createTempDirectory(Path.of("target"), "e2e-keys-");
        stack = LocalStack.start(LocalSettings.ephemeral(data, System.getenv()));
        client = new StackClient(stack.gatewayUrl());
    }

    @AfterAll
    void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    private JsonNode key(String guid) {
        return client.call("GET", "/v2/service_keys/" + guid, null).body();
    }

    @Test
    void theCfCliFlowGetsCredentialsThatAreNowhereElse(CapturedOutput output) {
        String name = "keys-e2e-" + UUID.randomUUID();
        String instance = client.create(name, StackClient.SYNC_PLAN, null);
        await().atMost(PATIENCE).until(() -> client.lastOperation(instance).get("state").asString().equals("succeeded"));

        // cf create-service-key: the instance by name in the space, then the key.
        String space = client.spaceGuid();
        JsonNode found = client.call("GET", "/v2/spaces/" + space + "/service_instances?q=name:" + name, null).body();
        assertThat(found.at("/resources/0/metadata/guid").asString()).isEqualTo(instance);
        StackClient.Answer created = client.call("POST", "/v2/service_keys", Map.of("name", "ci",
                "service_instance_guid", instance, "parameters",
                Map.of("sample_broker", Map.of("mode", "async", "delay_ms", 500))));
        assertThat(created.status()).as(String.valueOf(created.body())).isEqualTo(201);
        String keyGuid = created.body().at("/metadata/guid").asString();
        await().atMost(PATIENCE).until(() -> key(keyGuid).at("/entity/last_operation/state").asString()
                .equals("succeeded"));

        // cf service-key / service-keys
        JsonNode listed = client.call("GET", "/v2/service_keys?q=name:ci&q=service_instance_guid:" + instance, null).body();
        assertThat(listed.get("total_results").asInt()).isEqualTo(1);
        String password = listed.at("/resources/0/entity/credentials/password").asString();
        assertThat(password).as("the broker's credentials, fetched after the asynchronous bind").isNotBlank();
        assertThat(key(keyGuid).at("/entity/credentials/uri").asString()).contains(password).contains(instance);
        assertThat(client.call("GET", "/v2/service_instances/" + instance + "/service_keys", null).body()
                .get("total_results").asInt()).isEqualTo(1);
        // The sample broker is bindings_retrievable: the key's parameters come from it, as the caller wrote them.
        assertThat(client.call("GET", "/v2/service_keys/" + keyGuid + "/parameters", null).body()
                .at("/sample_broker/delay_ms").asInt()).isEqualTo(500);

        // An instance with a key goes only recursively, its key unbound first.
        assertThat(client.call("DELETE", "/v2/service_instances/" + instance + "?accepts_incomplete=true", null).body()
                .get("error_code").asString()).isEqualTo("CF-AssociationNotEmpty");
        StackClient.Answer deleting = client.call("DELETE", "/v2/service_instances/" + instance
                + "?accepts_incomplete=true&recursive=true", null);
        assertThat(deleting.status()).isEqualTo(202);
        await().atMost(PATIENCE).until(() -> client.call("GET", "/v2/service_instances/" + instance, null).status() == 404);
        assertThat(client.call("GET", "/v2/service_keys/" + keyGuid, null).status()).isEqualTo(404);
        List<String> calls = new ArrayList<>();
        client.sampleBrokerRequests(stack.sampleBrokerUrl()).forEach(entry -> {
            if (entry.get("path").asString().startsWith("/v2/service_instances/" + instance)) {
                calls.add(entry.get("method").asString() + " " + entry.get("path").asString()
                        .substring(("/v2/service_instances/" + instance).length()));
            }
        });
        String binding = "/service_bindings/" + keyGuid;
        assertThat(calls).containsSubsequence("PUT ", "PUT " + binding, "GET " + binding + "/last_operation",
                "GET " + binding, "DELETE " + binding, "DELETE ");

        assertThat(scanKafka(password)).as("the scan read the topics").isPositive();
        assertThat(output.getAll()).as("logs").doesNotContain(password);
    }

    /** Reads every record of every topic from the beginning; returns how many it read. */
    private long scanKafka(String secret) {
        long records = 0;
        for (String text : KafkaScan.everything(stack.kafkaBootstrapServers()).texts()) {
            assertThat(text).doesNotContain(secret);
            records++;
        }
        return records;
    }
}
