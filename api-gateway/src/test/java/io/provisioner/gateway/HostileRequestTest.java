package io.provisioner.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

import io.provisioner.schemas.OperationState;
import io.provisioner.schemas.OperationType;

/**
 * Hundreds of malformed and hostile requests at the write and list endpoints. Every one must be
 * answered without a 5xx, in the CF envelope, and must leave nothing behind: no row, no outbox event,
 * no change to an existing instance.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileRequestTest extends GatewayTestBase {

    private static final String TARGET_NAME = "hostile-target";
    private String target;
    private String targetSnapshot;
    private String space;
    private String plan;

    /** A JSON value standing in for a field, as raw JSON text. */
    private static final List<String> VALUES = List.of(
            "null", "42", "-1", "1.5e308", "true", "[]", "{}", "[\"a\"]", "{\"a\": {\"b\": [1, 2]}}",
            "\"\"", "\" \"", "\"\\t\\n\"", "\"" + "x".repeat(256) + "\"", "\"" + "y".repeat(100_000) + "\"",
            "\"'; DROP TABLE service_instances; --\"", "\"\\\" OR \\\"1\\\"=\\\"1\"", "\"%00\"", "\"\\u0000abc\"",
            "\"" + "😀".repeat(200) + "\"", "\"<script>alert(1)</script>\"", "\"../../etc/passwd\"",
            "\"${jndi:ldap://127.0.0.1/x}\"", "\"\\u202Eevil\"", "\"名前\"", "\"\\ud800\"");

    private static final List<String> RAW_BODIES = List.of(
            "", " ", "{", "}", "[]", "[{}]", "null", "true", "42", "\"text\"", "{\"name\":}", "{'name':'x'}",
            "{\"name\":\"x\",}", "<xml/>", "name=x&space_guid=y", "\u0000", "{\"name\": \"x\"", "\uFEFF{}",
            "{\"a\":".repeat(2000) + "1" + "}".repeat(2000), "[".repeat(5000), "{\"name\":\"x\"}garbage",
            "{\"name\":\"x\"}{\"name\":\"y\"}", "NaN", "{\"name\": NaN}", "\"\\ud800\"");

    private static final List<String> QUERIES = List.of(
            "q=name:' OR '1'='1", "q=name IN ", "q=name IN a,,b", "q=space_guid>=", "q=:", "q=name::x",
            "q=name%00:x", "q=name:%00", "q=space_guid IN a,%00", "q=" + "x".repeat(5000), "q=NAME:x", "q=name :x", "q=colour:red", "q=name",
            "q=name:x;colour:y", "q=organization_guid IN " + "g,".repeat(500) + "g", "q=name<=",
            "q=name>" + "'".repeat(100), "q=name:%F0%9F%98%80", "q=service_key_guid:x", "q=gateway_name IN a,b",
            "order-by=name;DROP TABLE x", "order-by=", "order-by=created_at%20desc", "order-direction=asc;",
            "order-direction=ASC", "order-direction=", "page=-1", "page=0", "page=1e9", "page=99999999999",
            "page=abc", "page=", "page=1&page=2", "results-per-page=0", "results-per-page=101",
            "results-per-page=-5", "results-per-page=1.5", "results-per-page=", "results-per-page=100000000000",
            "inline-relations-depth=3", "inline-relations-depth=-1", "inline-relations-depth=x",
            "return_user_provided_service_instances=yes", "q=name:x&q=space_guid IN a,b&q=service_plan_guid>z");

    private static final List<String> LISTS = List.of("/v2/service_instances", "/v2/spaces", "/v2/organizations",
            "/v2/service_plans", "/v2/services", "/v2/service_brokers");

    private static final List<String> CONTENT_TYPES = List.of("text/plain", "application/xml",
            "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json; charset=latin1",
            "*/*", "garbage", "");

    record Hostile(String method, String path, String body, String contentType) {
        @Override
        public String toString() {
            String shown = body == null ? "" : body.length() > 60 ? body.substring(0, 60) + "…(" + body.length() + ")" : body;
            return method + " " + (path.length() > 90 ? path.substring(0, 90) + "…" : path) + " " + shown
                    + (contentType == null || contentType.equals("application/json") ? "" : " [" + contentType + "]");
        }
    }

    @BeforeAll
    void aFinishedTargetInstance() {
        space = spaceGuid("test-space");
        plan = planGuid(CatalogBroker.SYNC_PLAN_ID);
        if (get("/v2/service_instances?q=name:" + TARGET_NAME).json().get("total_results").asInt() == 0) {
            send("POST", "/v2/service_instances?accepts_incomplete=true",
                    json(Map.of("name", TARGET_NAME, "space_guid", space, "service_plan_guid", plan)));
        }
        target = get("/v2/service_instances?q=name:" + TARGET_NAME).json().at("/resources/0/metadata/guid").asString();
        if (get("/v2/service_instances/" + target).json().at("/entity/last_operation/state").asString()
                .equals("in progress")) {
            status(target, operationId(target), OperationType.CREATE, OperationState.SUCCEEDED, 1, "ready");
            await().atMost(Duration.ofSeconds(10)).until(() -> get("/v2/service_instances/" + target).json()
                    .at("/entity/last_operation/state").asString().equals("succeeded"));
        }
        targetSnapshot = get("/v2/service_instances/" + target).body();
    }

    Stream<Hostile> hostile() {
        List<Hostile> cases = new ArrayList<>();
        String instance = "/v2/service_instances/" + target;
        for (String body : RAW_BODIES) {
            cases.add(new Hostile("POST", "/v2/service_instances?accepts_incomplete=true", body, "application/json"));
            cases.add(new Hostile("PUT", instance + "?accepts_incomplete=true", body, "application/json"));
            cases.add(new Hostile("POST", "/v2/organizations", body, "application/json"));
            cases.add(new Hostile("POST", "/v2/spaces", body, "application/json"));
            cases.add(new Hostile("POST", "/v2/service_brokers", body, "application/json"));
        }
        for (String field : List.of("name", "space_guid", "service_plan_guid", "parameters", "tags")) {
            for (String value : VALUES) {
                // Valid but for this field, and refused as synchronous in the end: nothing may be created.
                cases.add(new Hostile("POST", "/v2/service_instances?accepts_incomplete=false",
                        body(Map.of("name", "\"hostile\"", "space_guid", quote(space), "service_plan_guid", quote(plan)),
                                field, value), "application/json"));
                // The plan never exists: whatever the field, the answer is an error.
                cases.add(new Hostile("POST", "/v2/service_instances?accepts_incomplete=true",
                        body(Map.of("name", "\"hostile\"", "space_guid", quote(space), "service_plan_guid", "\"no-plan\""),
                                field, value), "application/json"));
            }
        }
        for (String field : List.of("name", "tags", "parameters", "service_plan_guid", "maintenance_info")) {
            for (String value : VALUES) {
                // A space change is always refused, so the update never takes effect.
                cases.add(new Hostile("PUT", instance + "?accepts_incomplete=true",
                        body(Map.of("space_guid", "\"another-space\""), field, value), "application/json"));
            }
        }
        for (String value : VALUES) {
            cases.add(new Hostile("POST", "/v2/organizations", "{\"name\": " + value + ", \"x\": [}", "application/json"));
            cases.add(new Hostile("POST", "/v2/service_brokers", "{\"name\": " + value
                    + ", \"broker_url\": \"not a url\", \"auth_username\": \"u\", \"auth_password\": \"p\"}",
                    "application/json"));
        }
        for (String list : LISTS) {
            for (String query : QUERIES) {
                cases.add(new Hostile("GET", list + "?" + encodeQuery(query), null, null));
            }
        }
        for (String query : List.of("accepts_incomplete=yes", "accepts_incomplete=TRUE", "accepts_incomplete=1",
                "accepts_incomplete=", "purge=maybe", "async=maybe", "recursive=x", "accepts_incomplete=false",
                "")) {
            cases.add(new Hostile("DELETE", instance + "?" + query, null, null));
        }
        for (String path : List.of("/v2/service_instances/%F0%9F%98%80", "/v2/service_instances/..%2F..%2Fetc%2Fpasswd",
                "/v2/service_instances/" + "g".repeat(5000), "/v2/service_instances/x'%20OR%20'1'='1",
                "/v2/service_instances/%00", "/v2/spaces/%27;--/summary", "/v2/organizations/" + "o".repeat(300),
                "/v2/service_brokers/%25", "/v2/service_plans/%3Cscript%3E", "/v2/services/%E2%80%AE")) {
            cases.add(new Hostile("GET", path, null, null));
            cases.add(new Hostile("DELETE", path + "?accepts_incomplete=true", null, null));
            cases.add(new Hostile("PUT", path + "?accepts_incomplete=true", "{\"name\": \"x\"}", "application/json"));
        }
        for (String contentType : CONTENT_TYPES) {
            cases.add(new Hostile("POST", "/v2/service_instances?accepts_incomplete=true", "name=x&space_guid=y",
                    contentType));
            cases.add(new Hostile("POST", "/v2/service_instances?accepts_incomplete=true",
                    "--x\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nx\r\n--x--\r\n", contentType));
            cases.add(new Hostile("PUT", instance + "?accepts_incomplete=true", "<name>x</name>", contentType));
        }
        String huge = "{\"name\": \"" + "z".repeat(2 * 1024 * 1024) + "\"}";
        cases.add(new Hostile("POST", "/v2/service_instances?accepts_incomplete=true", huge, "application/json"));
        cases.add(new Hostile("PUT", instance + "?accepts_incomplete=true", huge, "application/json"));
        cases.add(new Hostile("POST", "/v2/organizations", huge, "application/json"));
        return cases.stream();
    }

    private static String quote(String value) {
        return "\"" + value + "\"";
    }

    /** A JSON object from raw JSON values, with {@code field} set to {@code value}. */
    private static String body(Map<String, String> base, String field, String value) {
        Map<String, String> fields = new LinkedHashMap<>(base);
        fields.put(field, value);
        StringBuilder json = new StringBuilder("{");
        fields.forEach((k, v) -> json.append(json.length() > 1 ? ", " : "").append('"').append(k).append("\": ").append(v));
        return json.append('}').toString();
    }

    private static String encodeQuery(String query) {
        StringBuilder encoded = new StringBuilder();
        for (String pair : query.split("&", -1)) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            encoded.append(encoded.length() > 0 ? "&" : "").append(key).append('=')
                    .append(value.contains("%") && !value.contains(" ") ? value
                            : URLEncoder.encode(value, StandardCharsets.UTF_8));
        }
        return encoded.toString();
    }

    @Test
    void thereAreAtLeastThreeHundredCases() {
        assertThat(hostile().count()).isGreaterThanOrEqualTo(300);
    }

    @ParameterizedTest
    @MethodSource("hostile")
    void aHostileRequestIsAnsweredInTheEnvelopeAndLeavesNothingBehind(Hostile request) {
        long instances = count("service_instances");
        long outbox = count("outbox");
        long organizations = count("organizations");
        long spaces = count("spaces");
        long brokers = count("service_brokers");

        Answer answer = send(request.method(), request.path(), request.body(), request.contentType());

        assertThat(answer.status()).as(answer.body()).isLessThan(500);
        JsonNode body = answer.json();
        if (answer.status() >= 400) {
            assertThat(body.get("error_code").asString()).startsWith("CF-");
            assertThat(body.get("code").isInt()).isTrue();
            assertThat(body.get("description").asString()).isNotBlank();
        } else {
            // A read, or a write that turned out to change nothing (an empty update): checked below.
            assertThat(body.isObject()).as(answer.body()).isTrue();
        }
        assertThat(count("service_instances")).isEqualTo(instances);
        assertThat(count("outbox")).isLessThanOrEqualTo(outbox);
        assertThat(count("organizations")).isEqualTo(organizations);
        assertThat(count("spaces")).isEqualTo(spaces);
        assertThat(count("service_brokers")).isEqualTo(brokers);
        assertThat(get("/v2/service_instances/" + target).body()).isEqualTo(targetSnapshot);
    }
}
