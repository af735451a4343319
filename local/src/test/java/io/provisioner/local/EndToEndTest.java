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
import io.provisioner.schemas.Topics;
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

    /** A W3C traceparent's trace id: {@code 00-<trace id>-<span id>-<flags>}. */
    private static String traceId(String traceparent) {
        assertThat(traceparent).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]");
        return traceparent.split("-")[1];
    }

    @Test
    void oneTraceRunsFromTheApiCallThroughKafkaAndTheWorkerToTheBrokerAndBack() {
        String guid = client.create("traced-" + UUID.randomUUID(), StackClient.SYNC_PLAN, null);
        await().atMost(Duration.ofSeconds(5)).until(() ->
                client.lastOperation(guid).get("state").asString().equals("succeeded"));

        // The gateway relayed the request from its outbox in the API call's trace.
        List<String> requests = KafkaScan.headerValues(stack.kafkaBootstrapServers(), Topics.REQUESTS, guid, "traceparent");
        assertThat(requests).as("traceparent of the relayed request").hasSize(1);
        String trace = traceId(requests.get(0));
        // The worker called the broker in it, each call a span of its own.
        List<JsonNode> calls = brokerRequests(guid);
        assertThat(calls).hasSize(1);
        String brokerCall = calls.get(0).at("/headers/traceparent").asString();
        assertThat(traceId(brokerCall)).as("the broker call's trace").isEqualTo(trace);
        assertThat(brokerCall).isNotEqualTo(requests.get(0));
        // And reported back in it.
        List<String> statuses = KafkaScan.headerValues(stack.kafkaBootstrapServers(), Topics.STATUS, guid, "traceparent");
        assertThat(statuses).as("traceparent of the status events").isNotEmpty()
                .allSatisfy(status -> assertThat(traceId(status)).isEqualTo(trace));
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

    // ---------------------------------------------------------------------------------------------------
    // The cf CLI's admin commands, as the plain HTTP calls it makes in its order (see CfCli)

    @Test
    void orgsSpacesUsersAndRolesWorkAsTheCliCallsThem() {
        CfCli admin = CfCli.login(stack.gatewayUrl(), "admin", "admin");
        String o2 = "o2-" + UUID.randomUUID();
        admin.createOrg(o2, "admin");
        admin.createSpace("s2", o2, "admin");
        assertThat(admin.orgUsers(o2)).containsEntry("managers", List.of("admin")).containsEntry("users", List.of("admin"));
        assertThat(admin.spaceUsers(o2, "s2")).containsEntry("managers", List.of("admin"))
                .containsEntry("developers", List.of("admin")).containsEntry("auditors", List.of());

        String bob = "bob-" + UUID.randomUUID();
        admin.createUser(bob, "bob-password");
        admin.setOrgRole(bob, o2, "auditors");
        admin.setSpaceRole(bob, o2, "s2", "developers");
        assertThat(admin.orgUsers(o2).get("auditors")).containsExactly(bob);
        assertThat(admin.orgUsers(o2).get("users")).containsExactlyInAnyOrder("admin", bob);
        assertThat(admin.spaceUsers(o2, "s2").get("developers")).containsExactlyInAnyOrder("admin", bob);

        // the new user logs in and works in the space the role gave them
        CfCli asBob = CfCli.login(stack.gatewayUrl(), bob, "bob-password");
        assertThat(asBob.spaceUsers(o2, "s2").get("developers")).contains(bob);

        admin.unsetOrgRole(bob, o2, "auditors");
        admin.unsetSpaceRoleByGuid(bob, o2, "s2", "developers");
        assertThat(admin.orgUsers(o2).get("auditors")).isEmpty();
        assertThat(admin.spaceUsers(o2, "s2").get("developers")).containsExactly("admin");
    }

    @Test
    void cfOrgAndCfSpacePrintTheirSummaries() {
        CfCli admin = CfCli.login(stack.gatewayUrl(), "admin", "admin");
        String o4 = "o4-" + UUID.randomUUID();
        admin.createOrg(o4, "admin");
        String space = admin.createSpace("s4", o4, "admin");
        assertThat(admin.org(o4)).containsEntry("name", o4).containsEntry("domains", 0).containsEntry("quota", "default")
                .containsEntry("spaces", List.of("s4")).containsEntry("isolation segments", 0);
        assertThat(admin.space(o4, "s4")).containsEntry("apps", 0).containsEntry("services", List.of())
                .containsEntry("isolation segment", "");
        // any other v3 path is v3's 404, which the CLI reports as an error instead of crashing
        CfCli.Reply unknown = admin.call("GET", "/v3/spaces/" + space + "/features", null);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().at("/errors/0/title").asString()).isEqualTo("CF-NotFound");
    }

    @Test
    void serviceAccessPerOrganizationDecidesWhatAUserSeesAndCreates() {
        CfCli admin = CfCli.login(stack.gatewayUrl(), "admin", "admin");
        String o3 = "o3-" + UUID.randomUUID();
        admin.createOrg(o3, "admin");
        String s3 = admin.createSpace("s3", o3, "admin");
        String carol = "carol-" + UUID.randomUUID();
        admin.createUser(carol, "carol-password");
        admin.setSpaceRole(carol, o3, "s3", "developers");
        CfCli asCarol = CfCli.login(stack.gatewayUrl(), carol, "carol-password");
        assertThat(asCarol.marketplace(s3)).contains("sample-db/sync", "sample-db/async");

        admin.disableServiceAccess("sample-db", "sync", null);
        try {
            assertThat(admin.serviceAccess("sample-db")).containsEntry("sync", "none").containsEntry("async", "all");
            assertThat(asCarol.marketplace(s3)).doesNotContain("sample-db/sync").contains("sample-db/async");
            assertThat(asCarol.createService(s3, "sample-db", "sync", "never").status()).isZero();

            admin.enableServiceAccess("sample-db", "sync", o3);
            assertThat(admin.serviceAccess("sample-db")).containsEntry("sync", "limited: " + o3);
            assertThat(asCarol.marketplace(s3)).contains("sample-db/sync");
            CfCli.Reply created = asCarol.createService(s3, "sample-db", "sync", "carols-db");
            assertThat(created.status()).as(created.text()).isEqualTo(201);
            String guid = created.json().at("/metadata/guid").asString();
            await().atMost(Duration.ofSeconds(10)).until(() -> asCarol.call("GET", "/v2/service_instances/" + guid, null)
                    .json().at("/entity/last_operation/state").asString().equals("succeeded"));

            // taken away again: nothing new, but the instance made meanwhile keeps working
            admin.disableServiceAccess("sample-db", "sync", o3);
            assertThat(asCarol.marketplace(s3)).doesNotContain("sample-db/sync");
            assertThat(asCarol.call("GET", "/v2/service_instances/" + guid, null).status()).isEqualTo(200);
            assertThat(asCarol.call("DELETE", "/v2/service_instances/" + guid + "?accepts_incomplete=true", null)
                    .status()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    asCarol.call("GET", "/v2/service_instances/" + guid, null).status() == 404);
        } finally {
            admin.enableServiceAccess("sample-db", "sync", null);
        }
        assertThat(admin.serviceAccess("sample-db")).containsEntry("sync", "all");
    }

    @Test
    void cfJavaClientsOperationsApiFindsTheOrgTheSpaceAndAnInstancesBindings() {
        CfCli admin = CfCli.login(stack.gatewayUrl(), "admin", "admin");
        String org = admin.expect(200, "GET", "/v3/organizations?names=local-org", null).at("/resources/0/guid")
                .asString();
        JsonNode spaces = admin.expect(200, "GET", "/v3/spaces?names=local-space&organization_guids=" + org, null);
        assertThat(spaces.at("/pagination/total_results").asInt()).isEqualTo(1);
        String space = spaces.at("/resources/0/guid").asString();
        String name = "java-client-" + UUID.randomUUID();
        String guid = client.create(name, StackClient.SYNC_PLAN, null);
        JsonNode found = admin.expect(200, "GET", "/v2/spaces/" + space + "/service_instances?q="
                + CfCli.enc("name:" + name), null);
        assertThat(found.at("/resources/0/metadata/guid").asString()).isEqualTo(guid);
        assertThat(admin.expect(200, "GET", "/v2/service_bindings?q=" + CfCli.enc("service_instance_guid:" + guid), null)
                .get("total_results").asInt()).isZero();
    }

    /**
     * The lines of an operation name it (instance guid, operation id, the worker's request identity) in
     * the worker, and in the gateway too, which learns them from the status record's headers; each line
     * names the app that wrote it although all share one JVM.
     */
    @Test
    void everyLineOfAnOperationNamesTheOperationAndItsApp(org.springframework.boot.test.system.CapturedOutput output) {
        var logging = org.springframework.boot.logging.LoggingSystem.get(getClass().getClassLoader());
        logging.setLogLevel("io.provisioner.gateway.status", org.springframework.boot.logging.LogLevel.DEBUG);
        try {
            String guid = client.create("logged-" + UUID.randomUUID(), StackClient.SYNC_PLAN, null);
            await().atMost(Duration.ofSeconds(5)).until(() ->
                    client.lastOperation(guid).get("state").asString().equals("succeeded"));
            await().atMost(Duration.ofSeconds(5)).until(() -> output.getAll().lines()
                    .anyMatch(line -> line.contains("[gateway]") && line.contains("status succeeded")
                            && line.contains("[" + guid + ",")));
            List<String> lines = output.getAll().lines().filter(line -> line.contains("[" + guid + ",")).toList();
            java.util.regex.Pattern context = java.util.regex.Pattern.compile(
                    "\\[" + guid + ",([0-9a-f-]{36}),([0-9a-f-]{36})]");
            String worker = lines.stream().filter(line -> line.contains("[worker]") && line.contains("is succeeded"))
                    .findFirst().orElseThrow();
            String gateway = lines.stream().filter(line -> line.contains("[gateway]") && line.contains("status succeeded"))
                    .findFirst().orElseThrow();
            java.util.regex.Matcher inWorker = context.matcher(worker);
            java.util.regex.Matcher inGateway = context.matcher(gateway);
            assertThat(inWorker.find()).as(worker).isTrue();
            assertThat(inGateway.find()).as(gateway).isTrue();
            assertThat(inGateway.group(1)).isEqualTo(inWorker.group(1));
            assertThat(inGateway.group(2)).isEqualTo(inWorker.group(2));
            assertThat(output.getAll()).contains("[sample-broker]");
        } finally {
            logging.setLogLevel("io.provisioner.gateway.status", null);
        }
    }

    /**
     * A real Prometheus scrapes the gateway and the worker after operations of every kind (a failure, an
     * orphan mitigation, records parked as dead letters); then every alert expression and every dashboard
     * query must return series: no panel on a metric that does not exist, no typo in a label.
     */
    @Test
    void aRealPrometheusFindsSeriesForEveryAlertAndEveryDashboardPanel() throws Exception {
        List<String> guids = List.of(client.create("watched-sync-" + UUID.randomUUID(), StackClient.SYNC_PLAN, null),
                client.create("watched-async-" + UUID.randomUUID(), StackClient.ASYNC_PLAN,
                        Map.of("sample_broker", Map.of("delay_ms", 300))),
                client.create("watched-failing-" + UUID.randomUUID(), StackClient.FAILING_PLAN, null));
        await().atMost(Duration.ofSeconds(15)).until(() -> guids.stream()
                .noneMatch(guid -> client.lastOperation(guid).get("state").asString().equals("in progress")));
        MonitoringChecks.parkUndecodableRecords(stack.kafkaBootstrapServers());

        List<MonitoringQueries.Query> queries = new ArrayList<>(MonitoringQueries.alerts());
        queries.addAll(MonitoringQueries.dashboardPanels());
        assertThat(queries).hasSizeGreaterThan(30);
        try (RealPrometheus prometheus = RealPrometheus.scraping(List.of(stack.gatewayUrl(), stack.workerUrl()),
                Files.createTempDirectory(Path.of("target"), "prometheus-"))) {
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions().untilAsserted(() ->
                    assertThat(MonitoringChecks.withoutSeries(prometheus, queries)).isEmpty());
            // Prometheus evaluated every rule without an error.
            JsonNode groups = prometheus.get("/api/v1/rules").at("/data/groups");
            List<String> unhealthy = new ArrayList<>();
            int rules = 0;
            for (JsonNode group : groups) {
                for (JsonNode rule : group.get("rules")) {
                    rules++;
                    if (!rule.get("health").asString().equals("ok")) {
                        unhealthy.add(rule.get("name").asString() + ": " + rule.path("lastError").asString());
                    }
                }
            }
            assertThat(rules).isEqualTo(MonitoringQueries.alerts().size());
            assertThat(unhealthy).isEmpty();
        }
    }
}
