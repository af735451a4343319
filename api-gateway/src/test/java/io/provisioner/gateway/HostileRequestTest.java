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
 * Hundreds of malformed and hostile requests at the write and list endpoints. Each hostile value sits in an
 * otherwise valid request, so it alone decides the answer: each case asserts Cloud Controller's status and
 * error code for it, in the CF envelope. A refused request leaves nothing behind (no row, no outbox event, no
 * change to an existing instance); a value Cloud Controller accepts (a name of SQL, markup or emoji) creates
 * exactly one row, stored as given.
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

    /** The lists and the attributes each filters by. */
    private static final Map<String, List<String>> LISTS = Map.of(
            "/v2/service_instances", List.of("name", "space_guid", "service_plan_guid", "organization_guid",
                    "service_binding_guid", "gateway_name", "service_key_guid"),
            "/v2/spaces", List.of("name", "organization_guid"),
            "/v2/organizations", List.of("name"),
            "/v2/service_plans", List.of("service_guid", "service_broker_guid", "unique_id", "name"),
            "/v2/services", List.of("label", "service_broker_guid", "unique_id"),
            "/v2/service_brokers", List.of("name"));

    private static final List<String> CONTENT_TYPES = List.of("text/plain", "application/xml",
            "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json; charset=latin1",
            "*/*", "garbage", "");

    /** What Cloud Controller answers: a status and, for an error, its code. */
    record Expect(int status, String errorCode) {
        @Override
        public String toString() {
            return status + (errorCode == null ? "" : " " + errorCode);
        }
    }

    private static final Expect PARSE_ERROR = new Expect(400, "CF-MessageParseError");
    private static final Expect BAD_QUERY = new Expect(400, "CF-BadQueryParameter");
    private static final Expect INVALID_REQUEST = new Expect(400, "CF-InvalidRequest");
    private static final Expect INSTANCE_INVALID = new Expect(400, "CF-ServiceInstanceInvalid");
    private static final Expect NAME_EMPTY = new Expect(400, "CF-ServiceInstanceNameEmpty");
    private static final Expect NAME_TOO_LONG = new Expect(400, "CF-ServiceInstanceNameTooLong");
    private static final Expect CREATED = new Expect(201, null);
    private static final Expect OK = new Expect(200, null);

    /** {@code creates}: an accepted request that adds one row to {@code table}; every other one changes nothing. */
    record Hostile(String method, String path, String body, String contentType, Expect expect, String creates) {

        Hostile(String method, String path, String body, String contentType, Expect expect) {
            this(method, path, body, contentType, expect, null);
        }

        @Override
        public String toString() {
            String shown = body == null ? "" : body.length() > 60 ? body.substring(0, 60) + "…(" + body.length() + ")" : body;
            return method + " " + (path.length() > 90 ? path.substring(0, 90) + "…" : path) + " " + shown
                    + (contentType == null || contentType.equals("application/json") ? "" : " [" + contentType + "]")
                    + " -> " + expect;
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
        String create = "/v2/service_instances?accepts_incomplete=true";
        String update = instance + "?accepts_incomplete=true";
        int[] unique = {0};
        java.util.function.Supplier<String> newName = () -> quote("hostile-" + RUN + "-" + unique[0]++);
        for (String body : RAW_BODIES) {
            // None of these is a JSON object: the body itself is the error, whatever the endpoint. The one exception:
            // a byte order mark before {} may be ignored (RFC 8259), and {} is an empty update, which changes nothing.
            for (String path : List.of(create, update, "/v2/organizations", "/v2/spaces", "/v2/service_brokers")) {
                boolean emptyUpdate = path.equals(update) && body.equals("\uFEFF{}");
                cases.add(new Hostile(path.equals(update) ? "PUT" : "POST", path, body, "application/json",
                        emptyUpdate ? CREATED : PARSE_ERROR));
            }
        }
        for (String field : List.of("name", "space_guid", "service_plan_guid", "parameters", "tags")) {
            for (String value : VALUES) {
                // A valid create but for this one field: the value alone decides the answer.
                Expect expect = createField(field, value);
                Map<String, String> valid = Map.of("name", newName.get(), "space_guid", quote(space),
                        "service_plan_guid", quote(plan));
                cases.add(new Hostile("POST", create, body(valid, field, value), "application/json", expect,
                        expect.equals(CREATED) ? "service_instances" : null));
            }
        }
        for (String field : List.of("name", "tags", "parameters", "service_plan_guid", "maintenance_info")) {
            for (String value : VALUES) {
                // An update of the finished target with this one field; values it would accept are no hostile case.
                Expect expect = updateField(field, value);
                if (expect != null) {
                    cases.add(new Hostile("PUT", update, body(Map.of(), field, value), "application/json", expect));
                }
            }
        }
        for (String value : VALUES) {
            Expect organization = nameField(value, new Expect(400, "CF-OrganizationInvalid"));
            cases.add(new Hostile("POST", "/v2/organizations", "{\"name\": " + value + "}", "application/json",
                    organization == null ? CREATED : organization, organization == null ? "organizations" : null));
            // The broker's URL is taken (the test broker's): a name that passes is refused for the URL instead.
            Expect broker = nameField(value, new Expect(400, "CF-ServiceBrokerInvalid"));
            cases.add(new Hostile("POST", "/v2/service_brokers", "{\"name\": " + value + ", \"broker_url\": "
                    + quote(BROKER.url()) + ", \"auth_username\": \"u\", \"auth_password\": \"p\"}", "application/json",
                    broker == null ? new Expect(400, "CF-ServiceBrokerUrlTaken") : broker));
        }
        for (Map.Entry<String, List<String>> list : LISTS.entrySet()) {
            for (String query : QUERIES) {
                cases.add(new Hostile("GET", list.getKey() + "?" + encodeQuery(query), null, null,
                        listQuery(query, list.getValue())));
            }
        }
        for (String query : List.of("accepts_incomplete=yes", "accepts_incomplete=TRUE", "accepts_incomplete=1",
                "accepts_incomplete=")) {
            cases.add(new Hostile("DELETE", instance + "?" + query, null, null, INVALID_REQUEST));
        }
        for (String query : List.of("purge=maybe", "async=maybe", "recursive=x")) {
            // Otherwise a valid delete: only the bad flag keeps the target alive.
            cases.add(new Hostile("DELETE", instance + "?accepts_incomplete=true&" + query, null, null, INVALID_REQUEST));
        }
        cases.add(new Hostile("DELETE", instance + "?accepts_incomplete=false", null, null, ASYNC_REQUIRED));
        cases.add(new Hostile("DELETE", instance, null, null, ASYNC_REQUIRED));
        Map<String, String> notFound = Map.of("service_instances", "CF-ServiceInstanceNotFound",
                "spaces", "CF-SpaceNotFound", "organizations", "CF-OrganizationNotFound",
                "service_brokers", "CF-ServiceBrokerNotFound", "service_plans", "CF-ServicePlanNotFound",
                "services", "CF-ServiceNotFound");
        for (String path : List.of("/v2/service_instances/%F0%9F%98%80", "/v2/service_instances/..%2F..%2Fetc%2Fpasswd",
                "/v2/service_instances/" + "g".repeat(5000), "/v2/service_instances/x'%20OR%20'1'='1",
                "/v2/service_instances/%00", "/v2/spaces/%27;--/summary", "/v2/organizations/" + "o".repeat(300),
                "/v2/service_brokers/%25", "/v2/service_plans/%3Cscript%3E", "/v2/services/%E2%80%AE")) {
            String collection = path.split("/")[2];
            Expect missing = new Expect(404, notFound.get(collection));
            Expect noRoute = new Expect(404, "CF-NotFound");
            boolean writable = collection.equals("service_instances") || collection.equals("service_brokers");
            if (REFUSED_IN_PATHS.stream().anyMatch(path::contains)) {
                // Refused by the server's URL firewall before any route is matched, whatever the method.
                missing = INVALID_REQUEST;
                noRoute = INVALID_REQUEST;
            }
            cases.add(new Hostile("GET", path, null, null, missing));
            cases.add(new Hostile("DELETE", path + "?accepts_incomplete=true", null, null, writable ? missing : noRoute));
            // plans are updated too (public or not), by admins
            boolean updatable = writable || collection.equals("service_plans");
            cases.add(new Hostile("PUT", path + "?accepts_incomplete=true", "{\"name\": \"x\"}", "application/json",
                    updatable ? missing : noRoute));
        }
        for (String contentType : CONTENT_TYPES) {
            // Cloud Controller reads the body as JSON whatever the Content-Type says: a valid create is created.
            cases.add(new Hostile("POST", create, body(Map.of("name", newName.get(), "space_guid", quote(space),
                    "service_plan_guid", quote(plan)), "tags", "[]"), contentType, CREATED, "service_instances"));
            cases.add(new Hostile("POST", create, "name=x&space_guid=y", contentType, PARSE_ERROR));
            cases.add(new Hostile("PUT", update, "<name>x</name>", contentType, PARSE_ERROR));
        }
        String huge = "{\"name\": \"" + "z".repeat(2 * 1024 * 1024) + "\"}";
        Expect tooLarge = new Expect(413, "CF-InvalidRequest");
        cases.add(new Hostile("POST", create, huge, "application/json", tooLarge));
        cases.add(new Hostile("PUT", update, huge, "application/json", tooLarge));
        cases.add(new Hostile("POST", "/v2/organizations", huge, "application/json", tooLarge));
        return cases.stream();
    }

    private static final Expect ASYNC_REQUIRED = new Expect(400, "CF-AsyncRequired");
    /** What the URL firewall refuses in a path: an encoded slash or percent, NUL, a semicolon. */
    private static final List<String> REFUSED_IN_PATHS = List.of("%2F", "%25", "%00", ";");
    /** Makes this run's created names unique, should the context be reused by a later run. */
    private static final String RUN = Long.toString(System.nanoTime(), 36);

    /** The string a JSON value stands for, or null when it is not a string. */
    private static String text(String value) {
        JsonNode node = JSON.readTree(value);
        return node.isString() ? node.asString() : null;
    }

    /** A name: null when acceptable, else the answer (non-strings and NUL: parse error; blank or too long: invalid). */
    private static Expect nameField(String value, Expect invalid) {
        String name = text(value);
        if (name == null || name.indexOf('\u0000') >= 0) {
            return PARSE_ERROR;
        }
        if (name.isBlank() || tooLong(name)) {
            return invalid;
        }
        return null;
    }

    /**
     * Names are limited to 255 characters counted as Java counts them (UTF-16 units), which is also what the
     * database columns hold on H2; Cloud Controller counts code points, so 200 emoji pass there but not here.
     */
    private static boolean tooLong(String name) {
        return name.length() > 255;
    }

    private static Expect createField(String field, String value) {
        boolean absent = value.equals("null");
        return switch (field) {
            case "name" -> {
                String name = text(value);
                if (name == null || name.indexOf('\u0000') >= 0) {
                    yield PARSE_ERROR;
                }
                yield name.isBlank() ? NAME_EMPTY : tooLong(name) ? NAME_TOO_LONG : CREATED;
            }
            case "space_guid", "service_plan_guid" -> {
                String guid = text(value);
                yield guid == null || guid.indexOf('\u0000') >= 0 ? PARSE_ERROR : INSTANCE_INVALID;
            }
            case "parameters" -> absent || value.startsWith("{") ? CREATED : PARSE_ERROR;
            case "tags" -> absent || value.equals("[]") || value.equals("[\"a\"]") ? CREATED : PARSE_ERROR;
            default -> throw new IllegalArgumentException(field);
        };
    }

    /** The answer to an update of this one field, or null when the value is acceptable (no hostile case). */
    private static Expect updateField(String field, String value) {
        if (value.equals("null")) {
            return null; // absent: the field is not changed
        }
        return switch (field) {
            case "name" -> {
                String name = text(value);
                if (name == null || name.indexOf('\u0000') >= 0) {
                    yield PARSE_ERROR;
                }
                yield name.isBlank() ? NAME_EMPTY : tooLong(name) ? NAME_TOO_LONG : null;
            }
            case "tags" -> value.equals("[]") || value.equals("[\"a\"]") ? null : PARSE_ERROR;
            case "parameters" -> value.startsWith("{") ? null : PARSE_ERROR;
            case "service_plan_guid" -> {
                String guid = text(value);
                yield guid == null || guid.indexOf('\u0000') >= 0 ? PARSE_ERROR : INSTANCE_INVALID;
            }
            case "maintenance_info" -> value.startsWith("{") ? null : PARSE_ERROR;
            default -> throw new IllegalArgumentException(field);
        };
    }

    /** What a list answers: 200 for a well-formed query on attributes it filters by, else 400 CF-BadQueryParameter. */
    private static Expect listQuery(String query, List<String> filterable) {
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String key = pair.substring(0, eq);
            String value = pair.substring(eq + 1);
            if (sentRaw(value) && value.contains("%00")) {
                return INVALID_REQUEST; // a NUL character in a query parameter, refused before anything else is read
            }
            boolean ok = switch (key) {
                // Several filters may share one q, separated by ';' (as Cloud Controller allows).
                case "q" -> java.util.Arrays.stream(value.split(";", -1)).allMatch(filter -> {
                    java.util.regex.Matcher m = FILTER.matcher(filter);
                    return m.matches() && filterable.contains(m.group(1));
                });
                case "order-by" -> List.of("id", "name", "created_at", "label").contains(value);
                case "order-direction" -> value.equals("asc") || value.equals("desc");
                case "page", "results-per-page" -> value.matches("[1-9][0-9]{0,8}")
                        && (key.equals("page") || Integer.parseInt(value) <= 100);
                default -> true; // parameters Cloud Controller ignores here
            };
            if (!ok) {
                return BAD_QUERY;
            }
        }
        return query.startsWith("page=1&page=2") ? BAD_QUERY : OK;
    }

    private static final java.util.regex.Pattern FILTER =
            java.util.regex.Pattern.compile("^([a-z_]+)( IN |>=|<=|:|<|>)(.*)$");

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

    /** A value with escapes and no space is sent as it is (so %00 arrives as NUL); any other is encoded. */
    private static boolean sentRaw(String value) {
        return value.contains("%") && !value.contains(" ");
    }

    private static String encodeQuery(String query) {
        StringBuilder encoded = new StringBuilder();
        for (String pair : query.split("&", -1)) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            encoded.append(encoded.length() > 0 ? "&" : "").append(key).append('=')
                    .append(sentRaw(value) ? value : URLEncoder.encode(value, StandardCharsets.UTF_8));
        }
        return encoded.toString();
    }

    @Test
    void thereAreAtLeastThreeHundredCases() {
        assertThat(hostile().count()).isGreaterThanOrEqualTo(300);
    }

    @ParameterizedTest
    @MethodSource("hostile")
    void aHostileRequestGetsCloudControllersAnswerAndLeavesNothingElseBehind(Hostile request) {
        Map<String, Long> before = new LinkedHashMap<>();
        for (String table : TABLES) {
            before.put(table, count(table));
        }
        before.put("outbox", count("outbox"));

        Answer answer = send(request.method(), request.path(), request.body(), request.contentType());

        String context = request + " answered " + answer.status() + " " + answer.body();
        assertThat(answer.status()).as(context).isEqualTo(request.expect().status());
        JsonNode body = answer.json();
        if (request.expect().errorCode() != null) {
            assertThat(body.get("error_code").asString()).as(context).isEqualTo(request.expect().errorCode());
            assertThat(body.get("code").isInt()).isTrue();
            assertThat(body.get("description").asString()).isNotBlank();
        } else {
            assertThat(body.isObject()).as(answer.body()).isTrue();
            assertThat(body.has("error_code")).as(answer.body()).isFalse();
        }
        if (request.creates() != null) {
            String sent = JSON.readTree(request.body()).path("name").asString();
            // A lone surrogate cannot be stored as UTF-8 (PostgreSQL gets '?'): left to the input validation.
            if (!LONE_SURROGATE.matcher(sent).find()) {
                assertThat(body.at("/entity/name").asString()).as(context).isEqualTo(sent);
            }
        }
        for (String table : TABLES) {
            long expected = before.get(table) + (table.equals(request.creates()) ? 1 : 0);
            assertThat(count(table)).as(table).isEqualTo(expected);
        }
        if (request.creates() == null) {
            assertThat(count("outbox")).isLessThanOrEqualTo(before.get("outbox"));
        }
        assertThat(get("/v2/service_instances/" + target).body()).isEqualTo(targetSnapshot);
    }

    private static final java.util.regex.Pattern LONE_SURROGATE =
            java.util.regex.Pattern.compile("[\\uD800-\\uDBFF](?![\\uDC00-\\uDFFF])|(?<![\\uD800-\\uDBFF])[\\uDC00-\\uDFFF]");
    private static final List<String> TABLES = List.of("service_instances", "organizations", "spaces", "service_brokers");
}
