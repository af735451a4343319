package io.provisioner.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collections;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * Issue 9, items 8, 9, 10 and 12: edge inputs answer 400 in the CF envelope (never 500), lists and
 * tags are bounded, malformed UTF-8 is refused, and the admin edges neither create topics nor echo
 * what a registered URL answered.
 */
@ExtendWith(OutputCaptureExtension.class)
class EdgeInputTest extends GatewayTestBase {

    // --- item 8: offsets and nesting depth

    @Test
    void aPageWhoseOffsetOverflowsIsABadQueryParameterWithoutAStackTrace(CapturedOutput output) {
        // 21474838 pages of 100 start beyond 2^31 rows: the int offset used to wrap around to a negative one.
        for (String query : new String[] {"page=21474838&results-per-page=100", "page=2147483647",
                "page=42949674"}) {
            Answer answer = get("/v2/service_instances?" + query);
            assertThat(answer.status()).as(query).isEqualTo(400);
            assertThat(answer.errorCode()).isEqualTo("CF-BadQueryParameter");
            assertThat(answer.code()).isEqualTo(10005);
            assertThat(answer.json().get("description").asString()).contains("page must be at most");
        }
        assertThat(output.getAll()).as("no stack trace logged").doesNotContain("at io.provisioner.gateway.api");
    }

    @Test
    void theLastPageWithinTheOffsetLimitIsAnEmptyPage() {
        Answer answer = get("/v2/service_instances?page=" + (Integer.MAX_VALUE / 100 + 1) + "&results-per-page=100");
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(answer.json().get("resources")).isEmpty();
    }

    @Test
    void parametersNestedBeyondTheOneDepthLimitAreAParseError() {
        for (int levels : new int[] {64, 498}) {
            Answer answer = send("POST", "/v2/service_instances?accepts_incomplete=true", createBody(newName(), nested(levels)));
            assertThat(answer.status()).as("%d levels: %s", levels, answer.body()).isEqualTo(400);
            assertThat(answer.errorCode()).isEqualTo("CF-MessageParseError");
            assertThat(answer.json().get("description").asString()).contains("deeper than 64 levels");
        }
        // The body is one level: 63 nested objects in its parameters reach the limit exactly.
        Answer deepest = send("POST", "/v2/service_instances?accepts_incomplete=true", createBody(newName(), nested(63)));
        assertThat(deepest.status()).as(deepest.body()).isEqualTo(201);
    }

    @Test
    void anUpdateWithDeepParametersIsAParseErrorToo() {
        String guid = create(newName()).json().at("/metadata/guid").asString();
        status(guid, operationId(guid), io.provisioner.schemas.OperationType.CREATE,
                io.provisioner.schemas.OperationState.SUCCEEDED, 1, "done");
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> "succeeded".equals(
                get("/v2/service_instances/" + guid).json().at("/entity/last_operation/state").asString()));
        Answer answer = send("PUT", "/v2/service_instances/" + guid + "?accepts_incomplete=true",
                "{\"parameters\":" + nested(498) + "}");
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.errorCode()).isEqualTo("CF-MessageParseError");
    }

    // --- item 9: tags and the space summary

    @Test
    void tagsAreBoundedInCountAndLengthAsWellAsInTotal() {
        String manyEmpty = json(Map.of("name", newName(), "space_guid", spaceGuid("test-space"),
                "service_plan_guid", planGuid(CatalogBroker.ASYNC_PLAN_ID), "tags", Collections.nCopies(200_000, "")));
        assertTagsRefused(send("POST", "/v2/service_instances?accepts_incomplete=true", manyEmpty), "at most 64 tags");
        assertTagsRefused(send("POST", "/v2/service_instances?accepts_incomplete=true",
                withTags(Collections.nCopies(65, "t"))), "at most 64 tags");
        assertTagsRefused(send("POST", "/v2/service_instances?accepts_incomplete=true",
                withTags(java.util.List.of("t".repeat(256)))), "255 characters or less");
        assertTagsRefused(send("POST", "/v2/service_instances?accepts_incomplete=true",
                withTags(Collections.nCopies(64, "t".repeat(33)))), "2048 characters or less");

        Answer accepted = send("POST", "/v2/service_instances?accepts_incomplete=true",
                withTags(Collections.nCopies(64, "t".repeat(32))));
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(201);

        String guid = accepted.json().at("/metadata/guid").asString();
        status(guid, operationId(guid), io.provisioner.schemas.OperationType.CREATE,
                io.provisioner.schemas.OperationState.SUCCEEDED, 1, "done");
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> "succeeded".equals(
                get("/v2/service_instances/" + guid).json().at("/entity/last_operation/state").asString()));
        assertTagsRefused(send("PUT", "/v2/service_instances/" + guid, json(Map.of("tags", Collections.nCopies(65, "")))),
                "at most 64 tags");
    }

    @Test
    void theSpaceSummaryListsAtMostFiveHundredServicesAPage() {
        String org = get("/v2/organizations?q=name:test-org").json().at("/resources/0/metadata/guid").asString();
        Answer space = send("POST", "/v2/spaces", json(Map.of("name", "summary-" + UUID.randomUUID(),
                "organization_guid", org)));
        assertThat(space.status()).as(space.body()).isEqualTo(201);
        String spaceGuid = space.json().at("/metadata/guid").asString();
        String plan = planGuid(CatalogBroker.SYNC_PLAN_ID);
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        for (int i = 0; i < 501; i++) {
            jdbc.sql("""
                    INSERT INTO service_instances (guid, name, space_guid, service_plan_guid, tags, operation_id,
                      operation_type, operation_state, operation_description, operation_sequence, operation_created_at,
                      operation_updated_at, operation_deadline, created_at)
                    VALUES (?, ?, ?, ?, '[]', ?, 'create', 'succeeded', '', 1, ?, ?, ?, ?)""")
                    .params(UUID.randomUUID().toString(), "si-" + i, spaceGuid, plan, UUID.randomUUID().toString(),
                            now, now, now.plusDays(1), now.plusNanos(i * 1000L))
                    .update();
        }

        Answer first = get("/v2/spaces/" + spaceGuid + "/summary");
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.json().get("services")).hasSize(500);
        assertThat(first.json().at("/services/0/name").asString()).isEqualTo("si-0");
        Answer second = get("/v2/spaces/" + spaceGuid + "/summary?page=2");
        assertThat(second.json().get("services")).hasSize(1);
        assertThat(second.json().at("/services/0/name").asString()).isEqualTo("si-500");
        for (String page : new String[] {"0", "-1", "x", "99999999999"}) {
            Answer bad = get("/v2/spaces/" + spaceGuid + "/summary?page=" + page);
            assertThat(bad.status()).as(page).isEqualTo(400);
            assertThat(bad.errorCode()).isEqualTo("CF-BadQueryParameter");
        }
    }

    // --- item 10: malformed UTF-8

    @Test
    void anOverlongUtf8SequenceInTheBodyIsRefusedNotDecoded() throws Exception {
        String name = "overlong-" + UUID.randomUUID();
        byte[] bytes = ("{\"name\":\"" + name + "\u0001\",\"space_guid\":\"" + spaceGuid("test-space")
                + "\",\"service_plan_guid\":\"" + planGuid(CatalogBroker.ASYNC_PLAN_ID) + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        // Replace the \u0001 placeholder (one byte) by C0 AD, the overlong form of "-".
        int at = indexOf(bytes, (byte) 0x01);
        byte[] malformed = new byte[bytes.length + 1];
        System.arraycopy(bytes, 0, malformed, 0, at);
        malformed[at] = (byte) 0xC0;
        malformed[at + 1] = (byte) 0xAD;
        System.arraycopy(bytes, at + 1, malformed, at + 2, bytes.length - at - 1);

        HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/v2/service_instances?accepts_incomplete=true"))
                .header("Authorization", "bearer " + token("admin")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(malformed)).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(answer.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(answer.body()).get("error_code").asString()).isEqualTo("CF-MessageParseError");
        assertThat(answer.body()).contains("not valid UTF-8");
        assertThat(jdbc.sql("SELECT COUNT(*) FROM service_instances WHERE name LIKE ?").param(name + "%")
                .query(Long.class).single()).isZero();
    }

    @Test
    void aQueryParameterThatIsNotUtf8IsRefused() {
        Answer answer = get("/v2/service_instances?q=name:a%C0%ADb");
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.errorCode()).isEqualTo("CF-InvalidRequest");
        assertThat(get("/v2/service_instances?q=name:caf%C3%A9").status()).isEqualTo(200);
    }

    // --- item 12: admin edges

    @Test
    void deadLettersAreReadOnlyFromTheDeclaredTopicsAndNeverCreateOne() throws Exception {
        Answer unknown = get("/admin/dead-letters?topic=provisioning.anything.dlt");
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.errorCode()).isEqualTo("CF-BadQueryParameter");

        // Declared by the worker, not by the gateway: it does not exist in this broker.
        String topic = "provisioning.polls.120s.dlt";
        Answer empty = get("/admin/dead-letters?topic=" + topic);
        assertThat(empty.status()).as(empty.body()).isEqualTo(200);
        assertThat(empty.json().get("dead_letters")).isEmpty();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                embeddedKafka.getBrokersAsString()))) {
            assertThat(admin.listTopics().names().get(10, TimeUnit.SECONDS)).doesNotContain(topic);
        }
    }

    @Test
    void aCatalogThatIsNotJsonIsRefusedWithoutEchoingWhatTheUrlAnswered() {
        CatalogBroker internal = CatalogBroker.start(200, "internal-admin-page: root-password=hunter2 <html>");
        try {
            Answer answer = send("POST", "/v2/service_brokers", json(Map.of("name", "probe-" + UUID.randomUUID(),
                    "broker_url", internal.url(), "auth_username", "user", "auth_password", "pass")));
            assertThat(answer.status()).isEqualTo(502);
            assertThat(answer.errorCode()).isEqualTo("CF-ServiceBrokerCatalogInvalid");
            assertThat(answer.body()).doesNotContain("hunter2").doesNotContain("internal-admin-page")
                    .contains("is not JSON");
        } finally {
            internal.stop();
        }
    }

    private static void assertTagsRefused(Answer answer, String words) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(400);
        assertThat(answer.errorCode()).isEqualTo("CF-ServiceInstanceTagsTooLong");
        assertThat(answer.code()).isEqualTo(60015);
        assertThat(answer.json().get("description").asString()).contains(words);
    }

    private String withTags(java.util.List<String> tags) {
        return json(Map.of("name", newName(), "space_guid", spaceGuid("test-space"),
                "service_plan_guid", planGuid(CatalogBroker.ASYNC_PLAN_ID), "tags", tags));
    }

    private String createBody(String name, String parameters) {
        return "{\"name\":" + json(name) + ",\"space_guid\":\"" + spaceGuid("test-space") + "\",\"service_plan_guid\":\""
                + planGuid(CatalogBroker.ASYNC_PLAN_ID) + "\",\"parameters\":" + parameters + "}";
    }

    /** {@code levels} objects, each inside the one before: {@code {"a":{"a":{}}}} is 3. */
    private static String nested(int levels) {
        return "{\"a\":".repeat(levels - 1) + "{}" + "}".repeat(levels - 1);
    }

    private static int indexOf(byte[] bytes, byte wanted) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == wanted) {
                return i;
            }
        }
        throw new IllegalArgumentException("not found");
    }
}
