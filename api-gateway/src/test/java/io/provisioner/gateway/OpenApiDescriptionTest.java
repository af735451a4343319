package io.provisioner.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.SoftAssertions.assertSoftly;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.core.MethodParameter;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

import io.provisioner.gateway.api.CfError;
import io.provisioner.schemas.OperationState;
import io.provisioner.schemas.OperationType;

/**
 * The OpenAPI description in the schemas module ({@code openapi/provisioner-v2.yaml}) against the running
 * gateway: the same routes both ways, the request parameters the controllers read, and real answers
 * (successes and errors) validated against the schema described for their path, method and status.
 */
class OpenApiDescriptionTest extends GatewayTestBase {

    private static final String LOCATION = "openapi/provisioner-v2.yaml";
    private static final JsonNode DOC = load();
    private static final List<String> HTTP_METHODS = List.of("get", "put", "post", "delete", "patch", "head",
            "options", "trace");
    private static final Pattern VARIABLE = Pattern.compile("\\{([^}/]+)}");
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    private static final Map<String, Schema> SCHEMAS = new ConcurrentHashMap<>();

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    /** The (method, path template, status) answers this test has seen and validated. */
    private final Set<String> seen = new TreeSet<>();
    /** Where answers and the description disagree. */
    private final List<String> problems = new ArrayList<>();

    private static JsonNode load() {
        try (InputStream in = OpenApiDescriptionTest.class.getClassLoader().getResourceAsStream(LOCATION)) {
            assertThat(in).as(LOCATION + " on the classpath (the schemas jar)").isNotNull();
            return YAMLMapper.builder().build().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // The document on its own

    @Test
    void theDescriptionIsWellFormedOpenApi31() {
        assertThat(DOC.path("openapi").asString()).isEqualTo("3.1.0");
        assertThat(DOC.at("/components/securitySchemes/bearerAuth/scheme").asString()).isEqualTo("bearer");
        assertThat(DOC.at("/components/securitySchemes/bearerAuth/bearerFormat").asString()).isEqualTo("JWT");
        assertThat(DOC.at("/components/securitySchemes/bearerAuth/description").asString())
                .contains("CF-NotAuthenticated").contains("CF-InvalidAuthToken").contains("CF-InsufficientScope")
                .doesNotContainIgnoringCase("not yet enforced");
        assertThat(DOC.at("/info/description").asString()).contains("201").contains("202").contains("in progress");

        List<String> problems = new ArrayList<>();
        collectUnresolvedRefs(DOC, "", problems);
        Set<String> operationIds = new TreeSet<>();
        for (String path : DOC.get("paths").propertyNames()) {
            JsonNode item = DOC.get("paths").get(path);
            for (String method : operationsOf(item)) {
                JsonNode operation = item.get(method);
                String where = method.toUpperCase() + " " + path;
                if (!operationIds.add(operation.path("operationId").asString(""))) {
                    problems.add(where + ": missing or duplicate operationId");
                }
                Set<String> declared = new TreeSet<>();
                for (JsonNode parameter : parameters(item, operation)) {
                    if (parameter.path("in").asString().equals("path")) {
                        declared.add(parameter.path("name").asString());
                        if (!parameter.path("required").asBoolean(false)) {
                            problems.add(where + ": path parameter " + parameter.path("name") + " is not required");
                        }
                    }
                }
                if (!declared.equals(variables(path))) {
                    problems.add(where + ": path parameters " + declared + " but template variables " + variables(path));
                }
                JsonNode responses = operation.path("responses");
                if (responses.isEmpty()) {
                    problems.add(where + ": no responses");
                }
                for (String status : responses.propertyNames()) {
                    checkResponse(where, status, resolve(responses.get(status)), problems);
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    private static void checkResponse(String where, String status, JsonNode response, List<String> problems) {
        if (!status.matches("[1-5]\\d\\d")) {
            problems.add(where + ": response " + status + " is not an explicit status");
            return;
        }
        JsonNode content = response.get("content");
        // Server-sent events are the one answer that is not JSON (each event's data is a public event, see schemas/v1).
        boolean eventStream = content != null && content.size() == 1 && content.has("text/event-stream");
        if (content != null && !eventStream && (content.size() != 1 || !content.path("application/json").has("schema"))) {
            problems.add(where + " " + status + ": content must be application/json with a schema");
        }
        int code = Integer.parseInt(status);
        if (code < 400) {
            return;
        }
        // The token issuer speaks OAuth 2.0, not Cloud Controller: its errors are UAA's {error, error_description}.
        if (where.contains("/oauth/") || where.contains(" /Users")) {
            return;
        }
        // The v3 reads answer v3's error body ({"errors": [...]}), described as V3Errors; a missing token or
        // scope is refused before any v3 code runs, in the gateway's CF envelope.
        if (where.contains(" /v3") && code != 401 && code != 403) {
            if (content == null || !content.at("/application~1json/schema/$ref").asString().endsWith("/V3Errors")) {
                problems.add(where + " " + status + ": a v3 error must be described as V3Errors");
            }
            return;
        }
        // Every error response names the CF errors it may carry, each answered with exactly this status.
        Set<String> errorCodes = content == null ? Set.of() : errorCodes(content.at("/application~1json/schema"));
        if (errorCodes.isEmpty()) {
            problems.add(where + " " + status + ": an error response must narrow Error.error_code to what applies");
        }
        for (String errorCode : errorCodes) {
            boolean known = Arrays.stream(CfError.values())
                    .anyMatch(e -> e.errorCode().equals(errorCode) && e.status().value() == code);
            if (!known) {
                problems.add(where + " " + status + ": no CfError " + errorCode + " with HTTP status " + status);
            }
        }
    }

    /**
     * Every operation's security as the document declares it (its own {@code security}, else the document's) against
     * the running gateway: one that declares bearer authentication answers 401 CF-NotAuthenticated without a token;
     * one that declares none ({@code security: []}) does not.
     */
    @Test
    void everySecuredOperationDeclaresBearerAuthenticationAndEnforcesIt() {
        assertThat(DOC.path("security").toString()).isEqualTo("[{\"bearerAuth\":[]}]");
        List<String> problems = new ArrayList<>();
        int secured = 0;
        Set<String> open = new TreeSet<>();
        for (String path : DOC.get("paths").propertyNames()) {
            JsonNode item = DOC.get("paths").get(path);
            for (String method : operationsOf(item)) {
                JsonNode operation = item.get(method);
                JsonNode security = operation.has("security") ? operation.get("security") : DOC.get("security");
                boolean bearer = security.valueStream().anyMatch(requirement -> requirement.has("bearerAuth"));
                if (!security.isEmpty() && !bearer) {
                    problems.add(method.toUpperCase() + " " + path + ": a security requirement other than bearerAuth");
                }
                String concrete = VARIABLE.matcher(path).replaceAll(m -> switch (m.group(1)) {
                    case "role" -> path.startsWith("/v2/spaces") ? "developers" : "users";
                    default -> UUID.randomUUID().toString();
                });
                String body = method.equals("get") || method.equals("delete") ? null : "{}";
                Answer answer = sendWith(null, method.toUpperCase(), concrete, body, "application/json");
                // the token issuer's own endpoints answer as UAA does, the API in the CF envelope
                boolean uaa = path.startsWith("/oauth/") || path.startsWith("/Users");
                boolean refused = answer.status() == 401 && answer.body().contains(
                        uaa ? "\"error\":\"unauthorized\"" : "\"CF-NotAuthenticated\"");
                if (bearer) {
                    secured++;
                    if (!refused) {
                        problems.add(method.toUpperCase() + " " + path + " declares bearerAuth but answered "
                                + answer.status() + " " + answer.body() + " without a token");
                    }
                } else {
                    open.add(method.toUpperCase() + " " + path);
                    if (refused) {
                        problems.add(method.toUpperCase() + " " + path + " declares no security but wants a token");
                    }
                }
            }
        }
        assertThat(problems).isEmpty();
        assertThat(secured).isGreaterThan(30);
        // Exactly what the gateway's security configuration lets through without a token: discovery and the issuer.
        assertThat(open).containsExactlyInAnyOrder("GET /", "GET /v2/info", "GET /v3", "GET /login", "GET /token_keys",
                "POST /oauth/token");
    }

    @Test
    void theErrorEnvelopeNamesEveryCfError() {
        JsonNode error = DOC.at("/components/schemas/Error");
        assertThat(error.get("required").valueStream().map(JsonNode::asString))
                .containsExactlyInAnyOrder("description", "error_code", "code");
        Set<String> described = new TreeSet<>();
        error.at("/properties/error_code/enum").forEach(e -> described.add(e.asString()));
        Set<String> inCode = new TreeSet<>();
        for (CfError e : CfError.values()) {
            inCode.add(e.errorCode());
            String row = "| " + e.code() + " | " + e.errorCode() + " ";
            assertThat(error.path("description").asString().lines())
                    .as("a row of the table in Error's description for " + e)
                    .anyMatch(line -> line.startsWith(row)
                            && line.substring(row.length()).contains(String.valueOf(e.status().value())));
        }
        assertThat(described).isEqualTo(inCode);
    }

    // ---------------------------------------------------------------------------------------------------
    // The document against the application's routes

    @Test
    void everyMappedRouteIsDescribedAndEveryDescribedRouteIsMapped() {
        Set<String> mapped = new TreeSet<>();
        List<String> undescribedParameters = new ArrayList<>();
        for (Map.Entry<RequestMappingInfo, HandlerMethod> entry : mappings.getHandlerMethods().entrySet()) {
            RequestMappingInfo info = entry.getKey();
            Set<RequestMethod> methods = info.getMethodsCondition().getMethods();
            for (String pattern : info.getPatternValues()) {
                if (pattern.equals("/error") || pattern.startsWith("/actuator")) {
                    continue;
                }
                if (methods.isEmpty()) {
                    mapped.add("* " + normalise(pattern));
                }
                for (RequestMethod method : methods) {
                    mapped.add(method.name() + " " + normalise(pattern));
                    JsonNode operation = operation(pattern, method.name());
                    Set<String> described = queryParameters(pattern, operation);
                    for (MethodParameter parameter : entry.getValue().getMethodParameters()) {
                        RequestParam param = parameter.getParameterAnnotation(RequestParam.class);
                        if (param == null) {
                            continue;
                        }
                        String name = !param.name().isEmpty() ? param.name()
                                : !param.value().isEmpty() ? param.value() : parameter.getParameterName();
                        if (!described.contains(name)) {
                            undescribedParameters.add(method + " " + pattern + " ?" + name);
                        }
                    }
                }
            }
        }
        Set<String> described = new TreeSet<>();
        for (String path : DOC.get("paths").propertyNames()) {
            for (String method : operationsOf(DOC.get("paths").get(path))) {
                described.add(method.toUpperCase() + " " + normalise(path));
            }
        }
        Set<String> notDescribed = new TreeSet<>(mapped);
        notDescribed.removeAll(described);
        Set<String> notMapped = new TreeSet<>(described);
        notMapped.removeAll(mapped);
        assertThat(mapped).as("the gateway maps routes").isNotEmpty();
        assertSoftly(softly -> {
            softly.assertThat(notDescribed).as("routes the gateway maps but " + LOCATION + " does not describe")
                    .isEmpty();
            softly.assertThat(notMapped).as("routes " + LOCATION + " describes but the gateway does not map")
                    .isEmpty();
            softly.assertThat(undescribedParameters)
                    .as("request parameters the controllers read but the description lacks").isEmpty();
        });
    }

    private static String normalise(String path) {
        return VARIABLE.matcher(path).replaceAll("{}");
    }

    private Set<String> queryParameters(String pattern, JsonNode operation) {
        Set<String> names = new TreeSet<>();
        if (operation == null) {
            return names;
        }
        JsonNode item = DOC.get("paths").get(templateOf(pattern));
        for (JsonNode parameter : parameters(item, operation)) {
            if (parameter.path("in").asString().equals("query")) {
                names.add(parameter.path("name").asString());
            }
        }
        return names;
    }

    // ---------------------------------------------------------------------------------------------------
    // Real answers against the described schemas

    @Test
    void everyAnswerMatchesTheSchemaDescribedForItsStatus() {
        discovery();
        organizationsAndSpaces();
        catalog();
        brokers();
        serviceInstances();
        serviceKeys();
        linksAndOperations();
        orphanMitigations();
        authentication();
        errorAnswers();
        adminCommands();
        versionThree();

        Set<String> describedSuccesses = new TreeSet<>();
        for (String path : DOC.get("paths").propertyNames()) {
            JsonNode item = DOC.get("paths").get(path);
            for (String method : operationsOf(item)) {
                for (String status : item.get(method).get("responses").propertyNames()) {
                    if (status.startsWith("2")) {
                        describedSuccesses.add(method.toUpperCase() + " " + path + " " + status);
                    }
                }
            }
        }
        Set<String> unseen = new TreeSet<>(describedSuccesses);
        unseen.removeAll(seen);
        assertSoftly(softly -> {
            softly.assertThat(problems).as("answers that disagree with " + LOCATION).isEmpty();
            softly.assertThat(unseen).as("described successes this test never saw (add a call for each)").isEmpty();
        });
    }

    private void discovery() {
        check("GET", "/", null, 200);
        check("GET", "/v2/info", null, 200);
        JsonNode flags = check("GET", "/v2/config/feature_flags", null, 200).json();
        assertThat(flags.isArray()).isTrue();
    }

    private void organizationsAndSpaces() {
        String orgName = "oa-org-" + UUID.randomUUID();
        String org = check("POST", "/v2/organizations", json(Map.of("name", orgName)), 201).json()
                .at("/metadata/guid").asString();
        check("GET", "/v2/organizations/" + org, null, 200);
        check("GET", "/v2/organizations?q=name:" + orgName, null, 200);
        check("GET", "/v2/organizations?results-per-page=1&order-by=name&order-direction=desc", null, 200);

        String space = check("POST", "/v2/spaces", json(Map.of("name", "oa-space", "organization_guid", org)), 201)
                .json().at("/metadata/guid").asString();
        check("GET", "/v2/spaces/" + space, null, 200);
        check("GET", "/v2/spaces?q=organization_guid:" + org, null, 200);
        check("GET", "/v2/spaces?results-per-page=1", null, 200);
        check("GET", "/v2/spaces/" + space + "/services?q=label:test-db", null, 200);
        check("GET", "/v2/spaces/" + space + "/summary", null, 200);
    }

    private void catalog() {
        JsonNode services = check("GET", "/v2/services", null, 200).json();
        assertThat(services.get("total_results").asInt()).isPositive();
        check("GET", "/v2/services/" + services.at("/resources/0/metadata/guid").asString(), null, 200);
        check("GET", "/v2/service_plans", null, 200);
        check("GET", "/v2/service_plans?results-per-page=1&page=2", null, 200);
        check("GET", "/v2/service_plans/" + planGuid(CatalogBroker.ASYNC_PLAN_ID), null, 200);
        check("GET", "/v2/service_plans/" + planGuid(CatalogBroker.SYNC_PLAN_ID), null, 200);
        JsonNode brokers = check("GET", "/v2/service_brokers", null, 200).json();
        check("GET", "/v2/service_brokers/" + brokers.at("/resources/0/metadata/guid").asString(), null, 200);
    }

    private void brokers() {
        CatalogBroker second = CatalogBroker.start(200, CatalogBroker.CATALOG.replace("\"id\": \"", "\"id\": \"oa-"));
        try {
            String name = "oa-broker-" + UUID.randomUUID();
            String guid = check("POST", "/v2/service_brokers", json(Map.of("name", name, "broker_url", second.url(),
                    "auth_username", "user", "auth_password", "pass")), 201).json().at("/metadata/guid").asString();
            check("GET", "/v2/service_brokers?q=name:" + name, null, 200);
            check("PUT", "/v2/service_brokers/" + guid, json(Map.of("name", name + "-renamed")), 200);
            check("DELETE", "/v2/service_brokers/" + guid, null, 204);
            check("GET", "/v2/service_brokers/" + guid, null, 404);
        } finally {
            second.stop();
        }
        check("POST", "/v2/service_brokers", json(Map.of("name", "oa-" + UUID.randomUUID(),
                "broker_url", "http://127.0.0.1:1", "auth_username", "user", "auth_password", "pass")), 502);
        check("POST", "/v2/service_brokers", json(Map.of("name", "x")), 400);
        check("PUT", "/v2/service_brokers/" + UUID.randomUUID(), "{}", 404);
    }

    private void authentication() {
        String cf = "Basic " + java.util.Base64.getEncoder().encodeToString("cf:".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        described("GET", "/login", sendWith(null, "GET", "/login", null, null), 200);
        described("GET", "/token_keys", sendWith(null, "GET", "/token_keys", null, null), 200);
        String jti = described("POST", "/oauth/token", sendWith(cf, "POST", "/oauth/token",
                "grant_type=password&username=admin&password=admin-password", "application/x-www-form-urlencoded"), 200)
                .json().get("jti").asString();
        described("POST", "/oauth/token", sendWith(cf, "POST", "/oauth/token",
                "grant_type=password&username=admin&password=wrong", "application/x-www-form-urlencoded"), 401);
        described("POST", "/oauth/token", sendWith(cf, "POST", "/oauth/token", "grant_type=magic",
                "application/x-www-form-urlencoded"), 400);
        described("DELETE", "/oauth/token/revoke/" + jti, sendWith(null, "DELETE", "/oauth/token/revoke/" + jti, null,
                null), 401);
        described("DELETE", "/oauth/token/revoke/" + jti, sendWith("bearer " + token("developer"), "DELETE",
                "/oauth/token/revoke/" + jti, null, null), 403);
        described("DELETE", "/oauth/token/revoke/abc", sendWith("bearer " + token("admin"), "DELETE",
                "/oauth/token/revoke/abc", null, null), 404);
        described("DELETE", "/oauth/token/revoke/" + jti, sendWith("bearer " + token("admin"), "DELETE",
                "/oauth/token/revoke/" + jti, null, null), 200);
        String password = "/Users/" + userId("passwd") + "/password";
        described("PUT", password, sendWith(null, "PUT", password, "{}", "application/json"), 401);
        described("PUT", password, sendWith("bearer " + token("admin"), "PUT", password,
                json(Map.of("password", "set-by-admin-" + UUID.randomUUID())), "application/json"), 200);
        described("GET", "/v2/service_instances", sendAs(null, "GET", "/v2/service_instances", null), 401);
        described("POST", "/v2/organizations", sendAs("readonly", "POST", "/v2/organizations",
                json(Map.of("name", "never"))), 403);

        String space = spaceGuid("test-space");
        String org = check("GET", "/v2/organizations?q=name:test-org", null, 200).json().at("/resources/0/metadata/guid")
                .asString();
        check("PUT", "/v2/organizations/" + org + "/users/" + userId("auditor"), null, 201);
        check("PUT", "/v2/spaces/" + space + "/auditors/" + userId("auditor"), null, 201);
        check("DELETE", "/v2/spaces/" + space + "/auditors/" + userId("auditor"), null, 204);
        check("DELETE", "/v2/organizations/" + org + "/users/" + userId("auditor"), null, 204);
        check("PUT", "/v2/spaces/" + space + "/wizards/" + userId("auditor"), null, 404);
    }

    /** Service access, users and roles, the SCIM subset: what the cf CLI's admin commands call. */
    private void adminCommands() {
        check("GET", "/v2/service_bindings?q=service_instance_guid:" + UUID.randomUUID(), null, 200);
        check("GET", "/v2/config/feature_flags/set_roles_by_username", null, 200);
        check("GET", "/v2/config/feature_flags/no_such_flag", null, 404);
        String plan = planGuid(CatalogBroker.SYNC_PLAN_ID);
        check("PUT", "/v2/service_plans/" + plan, json(Map.of("public", true)), 201);
        check("PUT", "/v2/service_plans/" + UUID.randomUUID(), json(Map.of("public", true)), 404);
        String org = check("POST", "/v2/organizations", json(Map.of("name", "oa-admin-" + UUID.randomUUID())), 201)
                .json().at("/metadata/guid").asString();
        String space = check("POST", "/v2/spaces", json(Map.of("name", "oa-admin", "organization_guid", org)), 201)
                .json().at("/metadata/guid").asString();
        String visibility = check("POST", "/v2/service_plan_visibilities", json(Map.of("service_plan_guid", plan,
                "organization_guid", org)), 201).json().at("/metadata/guid").asString();
        check("POST", "/v2/service_plan_visibilities", json(Map.of("service_plan_guid", plan,
                "organization_guid", org)), 400);
        check("GET", "/v2/service_plan_visibilities?q=organization_guid:" + org, null, 200);
        check("GET", "/v2/service_plan_visibilities/" + visibility, null, 200);
        check("DELETE", "/v2/service_plan_visibilities/" + visibility, null, 204);
        check("GET", "/v2/service_plan_visibilities/" + visibility, null, 404);

        String scimUser = "oa-user-" + UUID.randomUUID();
        String id = check("POST", "/Users", json(Map.of("userName", scimUser, "password", "pw-" + UUID.randomUUID())),
                201).json().get("id").asString();
        check("POST", "/Users", json(Map.of("userName", scimUser, "password", "another")), 409);
        check("GET", "/Users?filter=" + java.net.URLEncoder.encode("userName eq \"" + scimUser + "\"",
                java.nio.charset.StandardCharsets.UTF_8), null, 200);
        check("GET", "/Users?filter=nonsense", null, 400);
        check("POST", "/v2/users", json(Map.of("guid", id)), 201);
        check("POST", "/v2/users", json(Map.of("guid", id)), 400);
        check("GET", "/v2/users", null, 200);
        check("GET", "/v2/users/" + id, null, 200);
        check("PUT", "/v2/organizations/" + org + "/users", json(Map.of("username", scimUser)), 201);
        check("PUT", "/v2/spaces/" + space + "/developers", json(Map.of("username", scimUser)), 201);
        check("PUT", "/v2/spaces/" + space + "/managers", json(Map.of("username", "nobody-" + UUID.randomUUID())), 404);
        check("GET", "/v2/organizations/" + org + "/users", null, 200);
        check("GET", "/v2/spaces/" + space + "/developers", null, 200);
        check("GET", "/v2/users/" + id + "/organizations", null, 200);
        check("DELETE", "/v2/spaces/" + space + "/developers", json(Map.of("username", scimUser)), 204);
        check("DELETE", "/v2/organizations/" + org + "/users", json(Map.of("username", scimUser)), 204);
        check("DELETE", "/v2/users/" + id, null, 204);
        check("GET", "/v2/users/" + id, null, 404);
        check("DELETE", "/Users/" + id, null, 200);
        check("DELETE", "/Users/" + id, null, 404);
    }

    /** What cf org and cf space read besides organizations and spaces. */
    private void platformLists() {
        String org = check("GET", "/v2/organizations?q=name:test-org", null, 200).json().at("/resources/0/metadata/guid")
                .asString();
        String quota = check("GET", "/v2/organizations/" + org, null, 200).json().at("/entity/quota_definition_guid")
                .asString();
        check("GET", "/v2/quota_definitions/" + quota, null, 200);
        check("GET", "/v2/quota_definitions/" + UUID.randomUUID(), null, 404);
        check("GET", "/v2/quota_definitions?q=name:default", null, 200);
        check("GET", "/v2/shared_domains", null, 200);
        check("GET", "/v2/apps?q=space_guid:" + spaceGuid("test-space"), null, 200);
        check("GET", "/v2/organizations/" + org + "/private_domains", null, 200);
        for (String list : List.of("apps", "security_groups", "staging_security_groups")) {
            check("GET", "/v2/spaces/" + spaceGuid("test-space") + "/" + list, null, 200);
        }
    }

    private void versionThree() {
        platformLists();
        check("GET", "/v3", null, 200);
        String org = check("GET", "/v3/organizations?names=test-org", null, 200).json().at("/resources/0/guid")
                .asString();
        check("GET", "/v3/organizations?colour=blue", null, 400);
        String space = check("GET", "/v3/spaces?names=test-space&organization_guids=" + org, null, 200).json()
                .at("/resources/0/guid").asString();
        check("GET", "/v3/isolation_segments?organization_guids=" + org, null, 200);
        check("GET", "/v3/organizations/" + org + "/relationships/default_isolation_segment", null, 200);
        check("GET", "/v3/spaces/" + space + "/relationships/isolation_segment", null, 200);
        check("GET", "/v3/spaces/" + UUID.randomUUID() + "/relationships/isolation_segment", null, 404);
    }

    private void linksAndOperations() {
        JsonNode services = check("GET", "/v2/services?q=label:test-db", null, 200).json();
        check("GET", "/v2/services/" + services.at("/resources/0/metadata/guid").asString() + "/service_plans", null, 200);
        String org = check("GET", "/v2/organizations?q=name:test-org", null, 200).json()
                .at("/resources/0/metadata/guid").asString();
        check("GET", "/v2/organizations/" + org + "/spaces", null, 200);
        check("GET", "/v2/service_plans/" + planGuid(CatalogBroker.ASYNC_PLAN_ID) + "/service_instances", null, 200);
        var sent = kafka.send(io.provisioner.schemas.Topics.STATUS + io.provisioner.schemas.Topics.DEAD_LETTER_SUFFIX,
                "no-such-instance", "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8)).join();
        check("GET", "/admin/dead-letters?topic=provisioning.status.dlt&limit=10", null, 200);
        check("POST", "/admin/dead-letters/replay", json(Map.of("topic", "provisioning.status.dlt",
                "partition", sent.getRecordMetadata().partition(), "offset", sent.getRecordMetadata().offset())), 200);
        check("GET", "/admin/dead-letters?topic=provisioning.requests", null, 400);
    }

    private void serviceInstances() {
        String testSpace = spaceGuid("test-space");
        String name = newName();
        Answer created = create(name);
        described("POST", "/v2/service_instances?accepts_incomplete=true", created, 201);
        assertThat(created.json().at("/entity/last_operation/state").asString()).isEqualTo("in progress");
        String guid = created.json().at("/metadata/guid").asString();
        String path = "/v2/service_instances/" + guid;

        check("GET", path, null, 200);
        check("GET", "/v2/service_instances?q=space_guid:" + testSpace, null, 200);
        check("GET", "/v2/service_instances?q=name:" + name, null, 200);
        check("GET", "/v2/service_instances?results-per-page=1", null, 200);
        JsonNode inline = check("GET", "/v2/spaces/" + testSpace + "/service_instances?inline-relations-depth=1&q=name:"
                + name, null, 200).json();
        assertThat(inline.at("/resources/0/entity/service_plan").isObject()).as("the plan is inlined").isTrue();
        check("GET", "/v2/spaces/" + testSpace + "/service_instances?return_user_provided_service_instances=true",
                null, 200);
        check("GET", "/v2/spaces/" + testSpace + "/summary", null, 200);
        check("GET", path + "/parameters", null, 200);
        for (String relation : List.of("service_bindings", "service_keys", "routes", "shared_to")) {
            check("GET", path + "/" + relation, null, 200);
        }
        check("GET", path + "/shared_from", null, 204);

        // A broker with instances cannot go; the operation in progress blocks changes.
        String broker = get("/v2/service_brokers?q=name:test-broker").json().at("/resources/0/metadata/guid").asString();
        check("DELETE", "/v2/service_brokers/" + broker, null, 400);
        check("PUT", path + "?accepts_incomplete=true", json(Map.of("name", newName())), 409);

        check("GET", path + "?wait=1", null, 200);
        check("GET", path + "?wait=61", null, 400);
        finish(guid, OperationType.CREATE, OperationState.SUCCEEDED);
        // The create is over: the stream sends its events and ends.
        assertThat(check("GET", path + "/events", null, 200).body()).contains("event:started", "event:succeeded");
        check("GET", path, null, 200);
        check("PUT", path + "?accepts_incomplete=true", json(Map.of("name", newName(), "tags", List.of("x"))), 201);
        check("PUT", path, json(Map.of("parameters", Map.of("size", "xl"))), 400);
        check("PUT", path + "?accepts_incomplete=true", json(Map.of("parameters", Map.of("size", "xl"))), 202);
        check("DELETE", path + "?accepts_incomplete=true", null, 409);
        finish(guid, OperationType.UPDATE, OperationState.FAILED);
        check("GET", path, null, 200);
        check("GET", "/v2/spaces/" + testSpace + "/summary", null, 200);

        check("DELETE", path, null, 400);
        check("DELETE", path + "?accepts_incomplete=true&async=true&recursive=false", null, 202);
        finish(guid, OperationType.DELETE, OperationState.SUCCEEDED);
        check("GET", path, null, 404);

        String purged = create(newName()).json().at("/metadata/guid").asString();
        check("DELETE", "/v2/service_instances/" + purged + "?purge=true", null, 204);
        check("DELETE", "/v2/service_instances/" + purged + "?purge=true", null, 404);
    }

    private void serviceKeys() {
        Answer instance = check("POST", "/v2/service_instances?accepts_incomplete=true", json(Map.of("name", newName(),
                "space_guid", spaceGuid("test-space"), "service_plan_guid", planGuid(CatalogBroker.FIXED_PLAN_ID))), 201);
        String guid = instance.json().at("/metadata/guid").asString();
        check("POST", "/v2/service_keys", json(Map.of("name", "k", "service_instance_guid", guid)), 409);
        finish(guid, OperationType.CREATE, OperationState.SUCCEEDED);
        String key = check("POST", "/v2/service_keys?accepts_incomplete=true", json(Map.of("name", "k",
                "service_instance_guid", guid, "parameters", Map.of("role", "ro"))), 202).json().at("/metadata/guid")
                .asString();
        check("POST", "/v2/service_keys", json(Map.of("name", "k2", "service_instance_guid", guid)), 201);
        check("POST", "/v2/service_keys", json(Map.of("name", "k", "service_instance_guid", guid)), 400);
        check("POST", "/v2/service_keys", json(Map.of("name", "k", "service_instance_guid", UUID.randomUUID().toString())),
                404);
        check("GET", "/v2/service_keys?q=name:k&q=service_instance_guid:" + guid, null, 200);
        check("GET", "/v2/service_keys/" + key, null, 200);
        check("GET", "/v2/service_keys/" + key + "/parameters", null, 409);
        check("GET", "/v2/service_keys/" + UUID.randomUUID() + "/parameters", null, 404);
        keyStatus(guid, key, keyOperationId(key), OperationType.CREATE, OperationState.SUCCEEDED, 1, null, null);
        await().atMost(Duration.ofSeconds(10)).until(() -> get("/v2/service_keys/" + key).json()
                .at("/entity/last_operation/state").asString().equals("succeeded"));
        check("GET", "/v2/service_keys/" + key + "/parameters", null, 200);
        check("GET", "/v2/service_instances/" + guid + "/service_keys?q=name:k", null, 200);
        check("DELETE", "/v2/service_instances/" + guid + "?accepts_incomplete=true", null, 400);
        check("DELETE", "/v2/service_keys/" + key + "?accepts_incomplete=true", null, 202);
        check("DELETE", "/v2/service_keys/" + key, null, 409);
        check("DELETE", "/v2/service_keys/" + key + "?async=maybe", null, 400);
        check("GET", "/v2/service_keys/" + UUID.randomUUID(), null, 404);
        check("DELETE", "/v2/service_keys/" + UUID.randomUUID(), null, 404);
    }

    private void errorAnswers() {
        String unknown = UUID.randomUUID().toString();
        check("GET", "/v2/service_instances/" + unknown, null, 404);
        check("GET", "/v2/service_instances/" + unknown + "/service_bindings", null, 404);
        check("GET", "/v2/service_instances/" + unknown + "/shared_from", null, 404);
        check("GET", "/v2/service_instances/" + unknown + "/parameters", null, 404);
        check("GET", "/v2/service_instances?results-per-page=101", null, 400);
        check("GET", "/v2/service_instances?q=colour:red", null, 400);
        check("GET", "/v2/organizations?order-by=colour", null, 400);
        check("POST", "/v2/service_instances?accepts_incomplete=true", "{", 400);
        check("POST", "/v2/service_instances?accepts_incomplete=maybe", "{}", 400);
        check("POST", "/v2/service_instances", json(Map.of("name", newName(), "space_guid", spaceGuid("test-space"),
                "service_plan_guid", planGuid(CatalogBroker.SYNC_PLAN_ID))), 400);
        check("POST", "/v2/service_instances?accepts_incomplete=true", json(Map.of("name", "x",
                "space_guid", spaceGuid("test-space"), "service_plan_guid", "nope")), 400);
        check("POST", "/v2/organizations", "{}", 400);
        check("POST", "/v2/spaces", json(Map.of("name", "x", "organization_guid", "nope")), 400);
        check("GET", "/v2/organizations/" + unknown, null, 404);
        check("GET", "/v2/spaces/" + unknown, null, 404);
        check("GET", "/v2/spaces/" + unknown + "/summary", null, 404);
        check("GET", "/v2/spaces/" + unknown + "/service_instances", null, 404);
        check("GET", "/v2/spaces/" + spaceGuid("test-space") + "/service_instances?inline-relations-depth=7", null, 400);
        check("GET", "/v2/spaces/" + spaceGuid("test-space") + "/service_instances"
                + "?return_user_provided_service_instances=yes", null, 400);
        check("GET", "/v2/services/" + unknown, null, 404);
        check("GET", "/v2/service_plans/" + unknown, null, 404);
        check("DELETE", "/v2/service_brokers/" + unknown, null, 404);
    }

    /** Reports the current operation as finished, as the worker would, and waits until it shows. */
    /** An abandoned orphan-mitigation job of a failed create, as the worker reports it, listed and retried. */
    private void orphanMitigations() {
        String guid = create(newName()).json().at("/metadata/guid").asString();
        finish(guid, OperationType.CREATE, OperationState.FAILED);
        java.time.Instant now = java.time.Instant.now();
        var abandoned = new io.provisioner.schemas.OrphanMitigationChanged(guid, operationId(guid), "broker-1", "b",
                io.provisioner.schemas.OrphanMitigationState.ABANDONED, 3, "HTTP 500 from DELETE", now, now, now);
        kafka.send(io.provisioner.schemas.Topics.ORPHAN_MITIGATIONS, guid, new io.provisioner.schemas.EventCodec().write(
                io.provisioner.schemas.EventEnvelope.of(io.provisioner.schemas.EventTypes.ORPHAN_MITIGATION_CHANGED,
                        "/test", now, guid, abandoned))).join();
        await().atMost(Duration.ofSeconds(10)).until(() -> get("/admin/orphan-mitigations/" + guid).status() == 200);
        check("GET", "/admin/orphan-mitigations?q=state:abandoned", null, 200);
        check("GET", "/admin/orphan-mitigations/" + guid, null, 200);
        check("POST", "/admin/orphan-mitigations/" + guid + "/retry", null, 202);
        check("POST", "/admin/orphan-mitigations/" + guid + "/retry", null, 400);
        check("GET", "/admin/orphan-mitigations/" + UUID.randomUUID(), null, 404);
    }

    private void finish(String guid, OperationType type, OperationState state) {
        status(guid, operationId(guid), type, state, 1, state == OperationState.FAILED ? "broke" : "done");
        if (type == OperationType.DELETE && state == OperationState.SUCCEEDED) {
            await().atMost(Duration.ofSeconds(10)).until(() -> get("/v2/service_instances/" + guid).status() == 404);
        } else {
            await().atMost(Duration.ofSeconds(10)).until(() -> get("/v2/service_instances/" + guid).json()
                    .at("/entity/last_operation/state").asString().equals(state.wire()));
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // The schemas are not vacuous: an answer that lost a required field, or carries a wrong value, fails.

    @Test
    void theSchemasRejectAnswersThatBreakTheDescription() {
        Answer created = create(newName());
        String guid = created.json().at("/metadata/guid").asString();
        JsonNode instance = get("/v2/service_instances/" + guid).json();
        String single = "/v2/service_instances/{guid}";
        assertThat(errors("GET", single, 200, instance)).isEmpty();

        for (String field : List.of("name", "last_operation", "service_plan_guid", "tags", "dashboard_url")) {
            ObjectNode broken = copy(instance);
            ((ObjectNode) broken.get("entity")).remove(field);
            assertThat(errors("GET", single, 200, broken)).as("without entity." + field).isNotEmpty();
        }
        ObjectNode noMetadata = copy(instance);
        noMetadata.remove("metadata");
        assertThat(errors("GET", single, 200, noMetadata)).isNotEmpty();
        ObjectNode badState = copy(instance);
        ((ObjectNode) badState.at("/entity/last_operation")).put("state", "pending");
        assertThat(errors("GET", single, 200, badState)).isNotEmpty();
        ObjectNode badTime = copy(instance);
        ((ObjectNode) badTime.get("metadata")).put("created_at", "yesterday");
        assertThat(errors("GET", single, 200, badTime)).isNotEmpty();

        JsonNode list = get("/v2/service_instances").json();
        assertThat(errors("GET", "/v2/service_instances", 200, list)).isEmpty();
        ObjectNode noTotal = copy(list);
        noTotal.remove("total_pages");
        assertThat(errors("GET", "/v2/service_instances", 200, noTotal)).isNotEmpty();
        ObjectNode badItem = copy(list);
        ((ObjectNode) badItem.at("/resources/0/entity")).remove("space_guid");
        assertThat(errors("GET", "/v2/service_instances", 200, badItem)).isNotEmpty();

        JsonNode notFound = get("/v2/service_instances/" + UUID.randomUUID()).json();
        assertThat(errors("GET", single, 404, notFound)).isEmpty();
        ObjectNode noCode = copy(notFound);
        noCode.remove("code");
        assertThat(errors("GET", single, 404, noCode)).isNotEmpty();
        ObjectNode otherError = copy(notFound);
        otherError.put("error_code", "CF-SpaceNotFound");
        assertThat(errors("GET", single, 404, otherError)).as("a 404 naming another error").isNotEmpty();

        ObjectNode broker = copy(get("/v2/service_brokers?q=name:test-broker").json().at("/resources/0"));
        assertThat(errors("GET", "/v2/service_brokers/{guid}", 200, broker)).isEmpty();
        ((ObjectNode) broker.get("entity")).put("auth_password", "pass");
        assertThat(errors("GET", "/v2/service_brokers/{guid}", 200, broker)).as("a password in the answer").isNotEmpty();

        send("DELETE", "/v2/service_instances/" + guid + "?purge=true", null);
    }

    private static ObjectNode copy(JsonNode node) {
        return (ObjectNode) node.deepCopy();
    }

    // ---------------------------------------------------------------------------------------------------
    // Helpers

    /** Sends a request, expects the status, and checks the answer against the description. */
    private Answer check(String method, String pathAndQuery, String body, int expectedStatus) {
        return described(method, pathAndQuery, send(method, pathAndQuery, body), expectedStatus);
    }

    /**
     * Checks an answer against the description. The status must be the expected one (later steps build on
     * it); whatever disagrees with the description is collected, so that one run reports every drift.
     */
    private Answer described(String method, String pathAndQuery, Answer answer, int expectedStatus) {
        String where = method + " " + pathAndQuery + " -> " + answer.status() + " " + answer.body();
        assertThat(answer.status()).as(where).isEqualTo(expectedStatus);
        String template = templateOf(pathAndQuery.replaceFirst("\\?.*$", ""));
        JsonNode operation = template == null ? null : operation(template, method);
        if (operation == null) {
            problems.add("no described operation for " + where);
            return answer;
        }
        JsonNode described = operation.get("responses").get(String.valueOf(answer.status()));
        if (described == null) {
            problems.add("status " + answer.status() + " not described for " + method + " " + template + ": " + where);
            return answer;
        }
        JsonNode response = resolve(described);
        seen.add(method + " " + template + " " + answer.status());

        if (!response.has("content")) {
            if (!answer.body().isEmpty()) {
                problems.add("a body where none is described: " + where);
            }
            return answer;
        }
        String type = answer.raw().headers().firstValue("Content-Type").orElse("");
        if (response.get("content").has("text/event-stream")) {
            if (!type.startsWith("text/event-stream")) {
                problems.add("Content-Type " + type + " where text/event-stream is described: " + where);
            }
            return answer;
        }
        if (!type.startsWith("application/json")) {
            problems.add("Content-Type " + type + " where application/json is described: " + where);
            return answer;
        }
        JsonNode body = answer.json();
        List<Error> errors = errors(method, template, answer.status(), body);
        if (!errors.isEmpty()) {
            problems.add(errors + " in " + where);
        }
        if (response.path("headers").has("Location")) {
            String location = answer.raw().headers().firstValue("Location").orElse(null);
            if (location == null || !location.equals(body.at("/metadata/url").asString())) {
                problems.add("Location " + location + " is not the resource's url: " + where);
            }
        }
        return answer;
    }

    /** Validation errors of a body against the schema the description gives for this answer. */
    private static List<Error> errors(String method, String template, int status, JsonNode body) {
        Schema schema = SCHEMAS.computeIfAbsent(method + " " + template + " " + status, key -> {
            JsonNode response = resolve(operation(template, method).get("responses").get(String.valueOf(status)));
            JsonNode described = response.at("/content/application~1json/schema");
            assertThat(described.isMissingNode()).as("a schema for " + key).isFalse();
            // The response's schema inside a document holding the components, so that its
            // "#/components/schemas/..." references resolve there.
            ObjectNode document = JSON.createObjectNode();
            document.put("$schema", "https://json-schema.org/draft/2020-12/schema");
            document.putArray("allOf").add(described.deepCopy());
            document.set("components", DOC.get("components").deepCopy());
            return REGISTRY.getSchema(document);
        });
        return schema.validate(body);
    }

    private static JsonNode operation(String pathOrPattern, String method) {
        String template = templateOf(pathOrPattern);
        if (template == null) {
            return null;
        }
        return DOC.get("paths").get(template).get(method.toLowerCase());
    }

    /**
     * The described path template a concrete path (or a Spring pattern) falls under; literal segments win
     * over variables, as OpenAPI says.
     */
    private static String templateOf(String path) {
        String[] segments = path.split("/", -1);
        String best = null;
        int bestLiterals = -1;
        for (String candidate : DOC.get("paths").propertyNames()) {
            String[] parts = candidate.split("/", -1);
            if (parts.length != segments.length) {
                continue;
            }
            int literals = 0;
            boolean matches = true;
            for (int i = 0; i < parts.length && matches; i++) {
                if (VARIABLE.matcher(parts[i]).matches()) {
                    matches = !segments[i].isEmpty();
                } else if (parts[i].equals(segments[i])) {
                    literals++;
                } else {
                    matches = false;
                }
            }
            if (matches && literals > bestLiterals) {
                best = candidate;
                bestLiterals = literals;
            }
        }
        return best;
    }

    private static List<String> operationsOf(JsonNode pathItem) {
        return HTTP_METHODS.stream().filter(pathItem::has).toList();
    }

    private static List<JsonNode> parameters(JsonNode pathItem, JsonNode operation) {
        List<JsonNode> all = new ArrayList<>();
        pathItem.path("parameters").forEach(p -> all.add(resolve(p)));
        operation.path("parameters").forEach(p -> all.add(resolve(p)));
        return all;
    }

    private static Set<String> variables(String path) {
        Set<String> names = new TreeSet<>();
        Matcher m = VARIABLE.matcher(path);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    /** Follows a local {@code $ref} (responses, parameters). */
    private static JsonNode resolve(JsonNode node) {
        JsonNode current = node;
        for (int hops = 0; current.has("$ref") && hops < 10; hops++) {
            String ref = current.get("$ref").asString();
            assertThat(ref).startsWith("#/");
            current = DOC.at(ref.substring(1));
            assertThat(current.isMissingNode()).as(ref + " resolves").isFalse();
        }
        return current;
    }

    private static void collectUnresolvedRefs(JsonNode node, String at, List<String> problems) {
        if (node.isObject()) {
            JsonNode ref = node.get("$ref");
            if (ref != null && (!ref.asString().startsWith("#/") || DOC.at(ref.asString().substring(1)).isMissingNode())) {
                problems.add(at + ": $ref " + ref.asString() + " does not resolve");
            }
            for (Map.Entry<String, JsonNode> property : node.properties()) {
                collectUnresolvedRefs(property.getValue(), at + "/" + property.getKey(), problems);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                collectUnresolvedRefs(node.get(i), at + "/" + i, problems);
            }
        }
    }

    /** The {@code error_code}s an error response's schema allows: its {@code const} or {@code enum} narrowing. */
    private static Set<String> errorCodes(JsonNode schema) {
        Set<String> codes = new TreeSet<>();
        for (JsonNode part : schema.path("allOf")) {
            if (part.has("$ref")) {
                continue; // Error itself, which allows every code
            }
            JsonNode errorCode = part.at("/properties/error_code");
            if (errorCode.has("const")) {
                codes.add(errorCode.get("const").asString());
            }
            errorCode.path("enum").forEach(e -> codes.add(e.asString()));
        }
        return codes;
    }
}
