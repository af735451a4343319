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
import tools.jackson.databind.JsonNode;

/**
 * The whole system as the local run starts it: a real Kafka broker, the gateway on a real database
 * (H2, or PostgreSQL when PROVISIONER_DB_URL is set), the worker, and the sample broker over HTTP.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@org.junit.jupiter.api.extension.ExtendWith(org.springframework.boot.test.system.OutputCaptureExtension.class)
class EndToEndTest {

    private Path data;
    private LocalStack stack;
    private StackClient client;
    private KafkaIntegration integration;

    @BeforeAll
    void start() throws Exception {
        // A folder the stack makes itself, so its permissions are the stack's doing.
        data = Files.createTempDirectory(Path.of("target"), "e2e-").resolve("data");
        stack = LocalStack.start(LocalSettings.ephemeral(data, System.getenv()));
        client = new StackClient(stack.gatewayUrl());
        integration = new KafkaIntegration(stack.kafkaBootstrapServers(), stack.gatewayUrl());
    }

    @AfterAll
    void stop() {
        if (integration != null) {
            integration.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    private List<JsonNode> brokerRequests(String instanceGuid) {
        List<JsonNode> mine = new ArrayList<>();
        for (JsonNode request : client.sampleBrokerRequests(stack.sampleBrokerUrl())) {
            if (request.get("path").asString().contains(instanceGuid)) {
                mine.add(request);
            }
        }
        return mine;
    }

    @Test
    void theAppsListenOnLoopbackOnlyAndSaySo(org.springframework.boot.test.system.CapturedOutput output)
            throws Exception {
        java.net.InetAddress outside = null;
        for (var nic : java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces())) {
            for (var address : java.util.Collections.list(nic.getInetAddresses())) {
                if (!address.isLoopbackAddress() && address instanceof java.net.Inet4Address) {
                    outside = address;
                }
            }
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(outside != null, "this machine has no other address to try");
        for (String url : List.of(stack.gatewayUrl(), stack.workerUrl(), stack.sampleBrokerUrl())) {
            java.net.URI uri = java.net.URI.create(url);
            assertThat(uri.getHost()).isEqualTo("127.0.0.1");
            try (var socket = new java.net.Socket()) {
                socket.connect(new java.net.InetSocketAddress(uri.getHost(), uri.getPort()), 1000);
            }
            java.net.InetSocketAddress fromOutside = new java.net.InetSocketAddress(outside, uri.getPort());
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> {
                try (var socket = new java.net.Socket()) {
                    socket.connect(fromOutside, 1000);
                }
            }).as(url + " on " + outside).isInstanceOf(java.io.IOException.class);
        }
        assertThat(output.getAll()).contains("Listening on loopback only (gateway 127.0.0.1:")
                .contains("the credentials are the well-known local defaults");
    }

    @Test
    void theDataFolderAndItsSecretsAreOwnerOnly() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                java.nio.file.FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(data)))
                .isEqualTo("rwx------");
        List<Path> secrets = new ArrayList<>(List.of(data.resolve("token-signing-key.pem"), data.resolve("secret.key")));
        if (System.getenv("PROVISIONER_DB_URL") == null) {
            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve("db"))))
                    .isEqualTo("rwx------");
            try (var files = Files.list(data.resolve("db"))) {
                files.forEach(secrets::add);
            }
            assertThat(secrets).anyMatch(file -> file.getFileName().toString().endsWith(".mv.db"));
        }
        for (Path file : secrets) {
            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                    .as(file.toString()).isEqualTo("rw-------");
        }
    }

    private List<JsonNode> awaitEvents(String guid, int count) {
        await().atMost(Duration.ofSeconds(20)).until(() -> integration.events(guid).size() >= count);
        return integration.events(guid);
    }

    @Test
    void commandsOverKafkaCreateUpdateAndDeleteAnInstanceAndEachChangeIsOneEvent() {
        String guid = UUID.randomUUID().toString();
        Map<String, Object> create = new java.util.LinkedHashMap<>();
        create.put("name", "kafka-" + guid);
        create.put("space_guid", client.spaceGuid());
        create.put("service_plan_guid", client.planGuid(StackClient.ASYNC_PLAN));
        create.put("parameters", Map.of("sample_broker", Map.of("delay_ms", 300)));

        integration.send("create-" + guid, io.provisioner.schemas.EventTypes.COMMAND_CREATE, guid, create);
        List<JsonNode> created = awaitEvents(guid, 2);
        assertThat(created).extracting(KafkaIntegration::shortType).containsExactly("started", "succeeded");
        assertThat(created.get(0).at("/data/command_id").asString()).isEqualTo("create-" + guid);
        assertThat(created.get(0).at("/data/originating_user_id").asString()).isEqualTo(LocalStack.INTEGRATION_CLIENT);
        assertThat(created.get(1).at("/data/instance")).as("REST and Kafka agree")
                .isEqualTo(client.call("GET", "/v2/service_instances/" + guid, null).body());
        assertThat(brokerRequests(guid)).anyMatch(r -> r.get("method").asString().equals("PUT"));

        integration.send("update-" + guid, io.provisioner.schemas.EventTypes.COMMAND_UPDATE, guid,
                Map.of("parameters", Map.of("sample_broker", Map.of("delay_ms", 300))));
        awaitEvents(guid, 4);
        integration.send("delete-" + guid, io.provisioner.schemas.EventTypes.COMMAND_DELETE, guid, Map.of());
        List<JsonNode> events = awaitEvents(guid, 6);
        // The create sent again (a producer's retry): answered already, it changes nothing.
        integration.send("create-" + guid, io.provisioner.schemas.EventTypes.COMMAND_CREATE, guid, create);
        // Behind it on the same partition: once this one is answered, the copy was read.
        integration.send("marker-" + guid, io.provisioner.schemas.EventTypes.COMMAND_DELETE, guid, Map.of());
        events = awaitEvents(guid, 7);

        assertThat(events).extracting(KafkaIntegration::shortType)
                .containsExactly("started", "succeeded", "started", "succeeded", "started", "deleted", "rejected");
        assertThat(events.get(6).at("/data/error/error_code").asString()).isEqualTo("CF-ServiceInstanceNotFound");
        events = events.subList(0, 6);
        assertThat(events).extracting(e -> e.at("/data/version").asLong()).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
        assertThat(events).extracting(e -> e.at("/data/operation/type").asString())
                .containsExactly("create", "create", "update", "update", "delete", "delete");
        assertThat(client.call("GET", "/v2/service_instances/" + guid, null).status()).isEqualTo(404);
        assertThat(brokerRequests(guid).stream().filter(r -> r.get("method").asString().equals("PUT")))
                .as("provisioned once").hasSize(1);
        assertThat(integration.invalid()).isEmpty();
    }

    @Test
    void aRestCreateEmitsTheSameEventsAsAKafkaCreate() {
        String viaRest = client.create("rest-" + UUID.randomUUID(), StackClient.SYNC_PLAN, null);
        String viaKafka = UUID.randomUUID().toString();
        integration.send("create-" + viaKafka, io.provisioner.schemas.EventTypes.COMMAND_CREATE, viaKafka, Map.of(
                "name", "kafka-" + viaKafka, "space_guid", client.spaceGuid(),
                "service_plan_guid", client.planGuid(StackClient.SYNC_PLAN)));

        List<JsonNode> rest = awaitEvents(viaRest, 2);
        List<JsonNode> kafka = awaitEvents(viaKafka, 2);

        for (List<JsonNode> events : List.of(rest, kafka)) {
            assertThat(events).extracting(KafkaIntegration::shortType).containsExactly("started", "succeeded");
            assertThat(events).extracting(e -> e.at("/data/version").asLong()).containsExactly(1L, 2L);
        }
        for (int i = 0; i < 2; i++) {
            assertThat(fieldsOf(kafka.get(i))).isEqualTo(fieldsOf(rest.get(i)));
            assertThat(kafka.get(i).at("/data/instance/entity/last_operation/state"))
                    .isEqualTo(rest.get(i).at("/data/instance/entity/last_operation/state"));
        }
        assertThat(rest.get(0).at("/data/command_id").isNull()).isTrue();
        assertThat(integration.invalid()).isEmpty();
    }

    /** Every field path of an event, to compare shapes. */
    private static java.util.Set<String> fieldsOf(JsonNode node) {
        java.util.Set<String> paths = new java.util.TreeSet<>();
        java.util.ArrayDeque<java.util.Map.Entry<String, JsonNode>> todo = new java.util.ArrayDeque<>();
        todo.add(java.util.Map.entry("", node));
        while (!todo.isEmpty()) {
            var next = todo.poll();
            paths.add(next.getKey());
            if (next.getValue().isObject()) {
                for (String name : next.getValue().propertyNames()) {
                    todo.add(java.util.Map.entry(next.getKey() + "/" + name, next.getValue().get(name)));
                }
            }
        }
        return paths;
    }

    @Test
    void aSynchronousPlanSucceeds() {
        String guid = client.create("sync-" + UUID.randomUUID(), StackClient.SYNC_PLAN, null);

        await().atMost(Duration.ofSeconds(5)).until(() ->
                client.lastOperation(guid).get("state").asString().equals("succeeded"));
        List<JsonNode> calls = brokerRequests(guid);
        assertThat(calls).hasSize(1);
        assertThat(calls.get(0).get("method").asString()).isEqualTo("PUT");
        assertThat(calls.get(0).at("/headers/x-broker-api-version").asString()).isEqualTo("2.17");
        assertThat(calls.get(0).at("/body/context/platform").asString()).isEqualTo("cloudfoundry");
    }

    @Test
    void anAsynchronousPlanSucceedsAfterPolling() {
        String guid = client.create("async-" + UUID.randomUUID(), StackClient.ASYNC_PLAN,
                Map.of("sample_broker", Map.of("delay_ms", 1500)));

        assertThat(client.lastOperation(guid).get("state").asString()).isEqualTo("in progress");
        await().atMost(Duration.ofMillis(1500 + 3000)).until(() ->
                client.lastOperation(guid).get("state").asString().equals("succeeded"));
        assertThat(brokerRequests(guid)).extracting(r -> r.get("path").asString())
                .contains("/v2/service_instances/" + guid + "/last_operation");
    }

    @Test
    void aFailingPlanEndsFailedWithTheBrokersMessage() {
        String guid = client.create("failing-" + UUID.randomUUID(), StackClient.FAILING_PLAN, null);

        await().atMost(Duration.ofSeconds(10)).until(() ->
                client.lastOperation(guid).get("state").asString().equals("failed"));
        assertThat(client.lastOperation(guid).get("description").asString())
                .contains("The sample broker was told to fail this plan");
    }

    @Test
    void aBrokerRefusalEndsFailedNamingItsStatusAndMessage() {
        String guid = client.create("refused-" + UUID.randomUUID(), StackClient.SYNC_PLAN,
                Map.of("sample_broker", Map.of("fail_status", 400, "fail_error", "QuotaExceeded",
                        "fail_description", "the space has no database quota left")));

        await().atMost(Duration.ofSeconds(5)).until(() ->
                client.lastOperation(guid).get("state").asString().equals("failed"));
        assertThat(client.lastOperation(guid).get("description").asString())
                .contains("the space has no database quota left").contains("400");
    }

    @Test
    void aWorkerRestartedInTheMiddleOfAnAsynchronousOperationStillFinishesIt() {
        String guid = client.create("restart-" + UUID.randomUUID(), StackClient.ASYNC_PLAN,
                Map.of("sample_broker", Map.of("delay_ms", 2500)));
        await().atMost(Duration.ofSeconds(10)).until(() -> brokerRequests(guid).stream()
                .anyMatch(r -> r.get("method").asString().equals("PUT")));

        stack.stopWorker();
        stack.startWorkerAgain();

        await().atMost(Duration.ofSeconds(20)).until(() ->
                client.lastOperation(guid).get("state").asString().equals("succeeded"));
        assertThat(brokerRequests(guid).stream().filter(r -> r.get("method").asString().equals("PUT")))
                .as("the provision itself is not sent twice").hasSize(1);
    }

    @Test
    void theBrokerPasswordAppearsInNoLogNoAnswerAndNoKafkaRecord(org.springframework.boot.test.system.CapturedOutput output) {
        String secret = LocalStack.SAMPLE_BROKER_PASSWORD;
        String guid = client.create("secret-" + UUID.randomUUID(), StackClient.ASYNC_PLAN,
                Map.of("sample_broker", Map.of("delay_ms", 500)));
        await().atMost(Duration.ofSeconds(10)).until(() ->
                client.lastOperation(guid).get("state").asString().equals("succeeded"));

        List<String> answers = new ArrayList<>();
        for (String path : List.of("/v2/service_brokers", "/v2/service_instances/" + guid, "/v2/service_instances",
                "/v2/services", "/v2/service_plans", "/v2/spaces", "/v2/info", "/")) {
            answers.add(String.valueOf(client.call("GET", path, null).body()));
        }
        assertThat(answers).noneMatch(answer -> answer.contains(secret));
        assertThat(output.getAll()).as("logs").doesNotContain(secret);

        java.util.Properties props = new java.util.Properties();
        props.put("bootstrap.servers", stack.kafkaBootstrapServers());
        props.put("group.id", "secret-scan-" + UUID.randomUUID());
        props.put("auto.offset.reset", "earliest");
        long records = 0;
        try (var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<>(props,
                new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
            List<String> topics = consumer.listTopics().keySet().stream().filter(t -> t.startsWith("provisioning.")).toList();
            consumer.subscribe(topics);
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            int emptyPolls = 0;
            while (System.nanoTime() < deadline && emptyPolls < 5) {
                var batch = consumer.poll(Duration.ofMillis(500));
                emptyPolls = batch.isEmpty() ? emptyPolls + 1 : 0;
                for (var record : batch) {
                    records++;
                    String value = record.value() == null ? "" : new String(record.value(), java.nio.charset.StandardCharsets.UTF_8);
                    assertThat(value).as(record.topic()).doesNotContain(secret);
                    for (var header : record.headers()) {
                        assertThat(new String(header.value(), java.nio.charset.StandardCharsets.UTF_8)).doesNotContain(secret);
                    }
                }
            }
        }
        assertThat(records).as("the scan read the provisioning topics").isPositive();
    }
}
