package io.provisioner.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import io.provisioner.schemas.OperationState;
import io.provisioner.schemas.OperationType;

/** The Cloud Controller v2 surface: every endpoint and the error codes that apply to it. */
class ContractTest extends GatewayTestBase {

    private String org() {
        Answer org = send("POST", "/v2/organizations", json(Map.of("name", "org-" + UUID.randomUUID())));
        assertThat(org.status()).isEqualTo(201);
        return org.json().at("/metadata/guid").asString();
    }

    private String space(String org) {
        Answer space = send("POST", "/v2/spaces", json(Map.of("name", "space-" + UUID.randomUUID(),
                "organization_guid", org)));
        assertThat(space.status()).isEqualTo(201);
        return space.json().at("/metadata/guid").asString();
    }

    private String createIn(String space, String planId, String name) {
        Answer created = send("POST", "/v2/service_instances?accepts_incomplete=true", json(Map.of(
                "name", name, "space_guid", space, "service_plan_guid", planGuid(planId))));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.json().at("/metadata/guid").asString();
    }

    /** Reports the current operation as finished, as the worker would, and waits until it shows. */
    private void finish(String guid, OperationType type, OperationState state) {
        status(guid, operationId(guid), type, state, 1, state == OperationState.FAILED ? "broke" : "done");
        if (type == OperationType.DELETE && state == OperationState.SUCCEEDED) {
            await().atMost(Duration.ofSeconds(10)).until(() -> get("/v2/service_instances/" + guid).status() == 404);
        } else {
            await().atMost(Duration.ofSeconds(10)).until(() -> get("/v2/service_instances/" + guid).json()
                    .at("/entity/last_operation/state").asString().equals(state.wire()));
        }
    }

    @Test
    void theRootAndInfoDocumentsPointAtTheApiAndTheTokenIssuer() {
        JsonNode root = get("/").json();
        assertThat(root.at("/links/cloud_controller_v2/href").asString()).endsWith("/v2");
        assertThat(root.at("/links/uaa/href").asString()).startsWith("http");
        JsonNode info = get("/v2/info").json();
        assertThat(info.get("api_version").asString()).startsWith("2.");
        assertThat(info.get("authorization_endpoint").asString()).startsWith("http");
        assertThat(info.get("token_endpoint").asString()).startsWith("http");
        JsonNode flags = get("/v2/config/feature_flags").json();
        assertThat(flags.isArray()).isTrue();
        assertThat(flags.valueStream().map(f -> f.get("name").asString())).contains("service_instance_creation");
    }

    @Test
    void organizationsAreCreatedListedAndFound() {
        String name = "org-" + UUID.randomUUID();
        Answer created = send("POST", "/v2/organizations", json(Map.of("name", name)));
        assertThat(created.status()).isEqualTo(201);
        String guid = created.json().at("/metadata/guid").asString();
        assertThat(created.raw().headers().firstValue("Location")).contains("/v2/organizations/" + guid);
        assertThat(created.json().at("/entity/name").asString()).isEqualTo(name);

        assertThat(get("/v2/organizations/" + guid).json().at("/entity/spaces_url").asString())
                .isEqualTo("/v2/organizations/" + guid + "/spaces");
        JsonNode found = get("/v2/organizations?q=name:" + name).json();
        assertThat(found.get("total_results").asInt()).isEqualTo(1);
        assertThat(found.at("/resources/0/metadata/guid").asString()).isEqualTo(guid);

        assertError(send("POST", "/v2/organizations", json(Map.of("name", name))), 400, "CF-OrganizationNameTaken", 30002);
        assertError(send("POST", "/v2/organizations", json(Map.of("name", " "))), 400, "CF-OrganizationInvalid", 30001);
        assertError(send("POST", "/v2/organizations", "{}"), 400, "CF-MessageParseError", 1001);
        assertError(get("/v2/organizations/" + UUID.randomUUID()), 404, "CF-OrganizationNotFound", 30003);
    }

    @Test
    void spacesBelongToAnOrganizationAndListTheirServices() {
        String org = org();
        String name = "space-" + UUID.randomUUID();
        Answer created = send("POST", "/v2/spaces", json(Map.of("name", name, "organization_guid", org)));
        assertThat(created.status()).isEqualTo(201);
        String space = created.json().at("/metadata/guid").asString();
        assertThat(created.json().at("/entity/organization_guid").asString()).isEqualTo(org);

        assertThat(get("/v2/spaces/" + space).json().at("/entity/name").asString()).isEqualTo(name);
        assertThat(get("/v2/spaces?q=organization_guid:" + org).json().get("total_results").asInt()).isEqualTo(1);
        assertThat(get("/v2/spaces?q=name:" + name + "&q=organization_guid:" + org).json().get("total_results")
                .asInt()).isEqualTo(1);
        assertThat(get("/v2/spaces?q=name:" + name + "&q=organization_guid:" + UUID.randomUUID()).json()
                .get("total_results").asInt()).isZero();
        JsonNode services = get("/v2/spaces/" + space + "/services?q=label:test-db").json();
        assertThat(services.get("total_results").asInt()).isEqualTo(1);
        assertThat(services.at("/resources/0/entity/service_broker_name").asString()).isEqualTo("test-broker");

        assertError(send("POST", "/v2/spaces", json(Map.of("name", name, "organization_guid", org))), 400,
                "CF-SpaceNameTaken", 40002);
        assertError(send("POST", "/v2/spaces", json(Map.of("name", "x", "organization_guid", "nope"))), 400,
                "CF-InvalidRelation", 1002);
        assertError(get("/v2/spaces/" + UUID.randomUUID()), 404, "CF-SpaceNotFound", 40004);
        assertError(get("/v2/spaces/" + UUID.randomUUID() + "/summary"), 404, "CF-SpaceNotFound", 40004);
    }

    @Test
    void registeringABrokerStoresItsCatalogAndNeverReturnsThePassword() {
        CatalogBroker second = CatalogBroker.start(200, CatalogBroker.CATALOG.replace("\"id\": \"", "\"id\": \"b2-"));
        try {
            String name = "broker-" + UUID.randomUUID();
            Answer created = send("POST", "/v2/service_brokers", json(Map.of("name", name, "broker_url", second.url(),
                    "auth_username", "user", "auth_password", "pass")));
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            String guid = created.json().at("/metadata/guid").asString();
            assertThat(created.body()).doesNotContain("pass\"").doesNotContain("auth_password");
            assertThat(created.json().at("/entity/broker_url").asString()).isEqualTo(second.url());
            assertThat(jdbc.sql("SELECT auth_password_sealed FROM service_brokers WHERE guid = ?").param(guid)
                    .query(String.class).single()).startsWith("v1:").isNotEqualTo("pass");

            JsonNode services = get("/v2/services?q=service_broker_guid:" + guid).json();
            assertThat(services.get("total_results").asInt()).isEqualTo(2);
            String service = get("/v2/services?q=unique_id:b2-svc-1").json().at("/resources/0/metadata/guid").asString();
            assertThat(get("/v2/services/" + service).json().at("/entity/label").asString()).isEqualTo("test-db");
            JsonNode plans = get("/v2/service_plans?q=service_guid:" + service).json();
            assertThat(plans.get("total_results").asInt()).isEqualTo(2);
            JsonNode large = get("/v2/service_plans?q=unique_id:b2-plan-async").json().at("/resources/0");
            assertThat(large.at("/entity/maximum_polling_duration").asInt()).isEqualTo(600);
            assertThat(large.at("/entity/maintenance_info/version").asString()).isEqualTo("1.0.0");
            assertThat(get("/v2/service_plans/" + large.at("/metadata/guid").asString()).status()).isEqualTo(200);
            assertThat(get("/v2/service_brokers?q=name:" + name).json().get("total_results").asInt()).isEqualTo(1);

            assertError(send("POST", "/v2/service_brokers", json(Map.of("name", name, "broker_url", "http://other",
                    "auth_username", "user", "auth_password", "pass"))), 400, "CF-ServiceBrokerNameTaken", 270002);
            assertError(send("POST", "/v2/service_brokers", json(Map.of("name", name + "-2", "broker_url", second.url(),
                    "auth_username", "user", "auth_password", "pass"))), 400, "CF-ServiceBrokerUrlTaken", 270003);

            Answer renamed = send("PUT", "/v2/service_brokers/" + guid, json(Map.of("name", name + "-renamed")));
            assertThat(renamed.status()).isEqualTo(200);
            assertThat(renamed.json().at("/entity/name").asString()).isEqualTo(name + "-renamed");

            assertThat(send("DELETE", "/v2/service_brokers/" + guid, null).status()).isEqualTo(204);
            assertError(get("/v2/service_brokers/" + guid), 404, "CF-ServiceBrokerNotFound", 270004);
            assertThat(get("/v2/services?q=service_broker_guid:" + guid).json().get("total_results").asInt()).isZero();
        } finally {
            second.stop();
        }
    }

    @Test
    void aBrokerThatCannotBeReachedOrAnswersBadlyIsRefusedAndNothingIsStored() {
        long brokers = count("service_brokers");
        long plans = count("service_plans");
        CatalogBroker broken = CatalogBroker.start(200, "{\"services\": [{\"id\": \"x\"}]}");
        CatalogBroker failing = CatalogBroker.start(500, "{}");
        CatalogBroker gone = CatalogBroker.start();
        String goneUrl = gone.url();
        gone.stop();
        try {
            assertError(register(goneUrl, "pass"), 502, "CF-ServiceBrokerApiUnreachable", 10001);
            assertError(register(broken.url(), "pass"), 502, "CF-ServiceBrokerCatalogInvalid", 270012);
            assertError(register(failing.url(), "pass"), 502, "CF-ServiceBrokerRequestRejected", 270020);
            assertError(register(BROKER.url() + "/other", "wrong"), 502, "CF-ServiceBrokerRequestRejected", 270020);
            assertError(register("ftp://example.com", "pass"), 400, "CF-ServiceBrokerUrlInvalid", 270011);
            assertError(register("http://user:pw@example.com", "pass"), 400, "CF-ServiceBrokerUrlBasicAuthNotSupported",
                    270016);
            assertError(send("POST", "/v2/service_brokers", json(Map.of("name", "x"))), 400, "CF-MessageParseError", 1001);
        } finally {
            broken.stop();
            failing.stop();
        }
        assertThat(count("service_brokers")).isEqualTo(brokers);
        assertThat(count("service_plans")).isEqualTo(plans);
    }

    private Answer register(String url, String password) {
        return send("POST", "/v2/service_brokers", json(Map.of("name", "b-" + UUID.randomUUID(), "broker_url", url,
                "auth_username", "user", "auth_password", password)));
    }

    @Test
    void unknownCatalogResourcesAnswer404() {
        assertError(get("/v2/services/" + UUID.randomUUID()), 404, "CF-ServiceNotFound", 120003);
        assertError(get("/v2/service_plans/" + UUID.randomUUID()), 404, "CF-ServicePlanNotFound", 110003);
        assertError(send("DELETE", "/v2/service_brokers/" + UUID.randomUUID(), null), 404, "CF-ServiceBrokerNotFound",
                270004);
    }

    @Test
    void aBrokerWithInstancesCannotBeRemoved() {
        String broker = get("/v2/service_brokers?q=name:test-broker").json().at("/resources/0/metadata/guid").asString();
        createIn(spaceGuid("test-space"), CatalogBroker.SYNC_PLAN_ID, newName());
        assertError(send("DELETE", "/v2/service_brokers/" + broker, null), 400, "CF-ServiceBrokerNotRemovable", 270010);
    }

    @Test
    void instancesAreListedWithFiltersPagesAndOrder() {
        String org = org();
        String space = space(org);
        String a = createIn(space, CatalogBroker.SYNC_PLAN_ID, "a-" + UUID.randomUUID());
        String b = createIn(space, CatalogBroker.ASYNC_PLAN_ID, "b-" + UUID.randomUUID());
        String c = createIn(space, CatalogBroker.SYNC_PLAN_ID, "c-" + UUID.randomUUID());
        String nameOfB = get("/v2/service_instances/" + b).json().at("/entity/name").asString();

        JsonNode inSpace = get("/v2/service_instances?q=space_guid:" + space).json();
        assertThat(inSpace.get("total_results").asInt()).isEqualTo(3);
        assertThat(inSpace.get("resources").valueStream().map(r -> r.at("/metadata/guid").asString()))
                .containsExactly(a, b, c);
        JsonNode desc = get("/v2/service_instances?q=space_guid:" + space + "&order-direction=desc").json();
        assertThat(desc.at("/resources/0/metadata/guid").asString()).isEqualTo(c);
        assertThat(get("/v2/service_instances?q=organization_guid:" + org).json().get("total_results").asInt()).isEqualTo(3);
        assertThat(get("/v2/service_instances?q=name:" + nameOfB).json().at("/resources/0/metadata/guid").asString())
                .isEqualTo(b);
        assertThat(get("/v2/service_instances?q=space_guid:" + space + "&q=service_plan_guid:"
                + planGuid(CatalogBroker.SYNC_PLAN_ID)).json().get("total_results").asInt()).isEqualTo(2);
        assertThat(get("/v2/service_instances?q=space_guid:" + space + "&q=name%20IN%20" + nameOfB + ",nothing").json()
                .get("total_results").asInt()).isEqualTo(1);
        assertThat(get("/v2/service_instances?q=space_guid:" + space + "&q=name%3E=b").json()
                .get("total_results").asInt()).isEqualTo(2);
        assertThat(get("/v2/service_instances?q=space_guid:" + space + "&q=name%3Cb").json()
                .get("total_results").asInt()).isEqualTo(1);

        JsonNode page = get("/v2/service_instances?q=space_guid:" + space + "&results-per-page=2").json();
        assertThat(page.get("total_pages").asInt()).isEqualTo(2);
        assertThat(page.get("next_url").asString()).contains("page=2").contains("q=space_guid%3A" + space);
        JsonNode second = get(page.get("next_url").asString()).json();
        assertThat(second.at("/resources/0/metadata/guid").asString()).isEqualTo(c);
        assertThat(second.get("next_url").isNull()).isTrue();

        assertError(get("/v2/service_instances?q=colour:red"), 400, "CF-BadQueryParameter", 10005);
        assertError(get("/v2/service_instances?q=name"), 400, "CF-BadQueryParameter", 10005);
        assertError(get("/v2/service_instances?results-per-page=0"), 400, "CF-BadQueryParameter", 10005);
        assertError(get("/v2/service_instances?results-per-page=101"), 400, "CF-BadQueryParameter", 10005);
        assertError(get("/v2/service_instances?order-direction=up"), 400, "CF-BadQueryParameter", 10005);
        assertError(get("/v2/service_instances?order-by=colour"), 400, "CF-BadQueryParameter", 10005);
        assertError(get("/v2/service_instances?page=x"), 400, "CF-BadQueryParameter", 10005);
    }

    @Test
    void theSpaceListsItsInstancesWithTheirPlansInlineAndSummarisesThem() {
        String space = space(org());
        String guid = createIn(space, CatalogBroker.ASYNC_PLAN_ID, "inline-" + UUID.randomUUID());

        JsonNode plain = get("/v2/spaces/" + space + "/service_instances?return_user_provided_service_instances=true").json();
        assertThat(plain.get("total_results").asInt()).isEqualTo(1);
        assertThat(plain.at("/resources/0/entity").has("service_plan")).isFalse();
        JsonNode inline = get("/v2/spaces/" + space + "/service_instances?inline-relations-depth=1&q=name:"
                + get("/v2/service_instances/" + guid).json().at("/entity/name").asString()).json();
        assertThat(inline.at("/resources/0/entity/service_plan/entity/service_guid").asString()).isNotBlank();
        assertThat(inline.at("/resources/0/entity/service_plan/entity/unique_id").asString())
                .isEqualTo(CatalogBroker.ASYNC_PLAN_ID);

        JsonNode summary = get("/v2/spaces/" + space + "/summary").json();
        assertThat(summary.get("guid").asString()).isEqualTo(space);
        assertThat(summary.at("/services/0/guid").asString()).isEqualTo(guid);
        assertThat(summary.at("/services/0/service_plan/service/label").asString()).isEqualTo("test-db");
        assertThat(summary.at("/services/0/last_operation/state").asString()).isEqualTo("in progress");
        assertError(get("/v2/spaces/" + space + "/service_instances?inline-relations-depth=7"), 400,
                "CF-BadQueryParameter", 10005);
    }

    @Test
    void aRenameIsAppliedAtOnceAndAParameterChangeBecomesAnAsyncUpdate() {
        String space = spaceGuid("test-space");
        String guid = createIn(space, CatalogBroker.SYNC_PLAN_ID, newName());
        assertError(send("PUT", "/v2/service_instances/" + guid + "?accepts_incomplete=true",
                json(Map.of("name", "renamed"))), 409, "CF-AsyncServiceInstanceOperationInProgress", 60016);
        finish(guid, OperationType.CREATE, OperationState.SUCCEEDED);

        String newName = newName();
        Answer renamed = send("PUT", "/v2/service_instances/" + guid + "?accepts_incomplete=true",
                json(Map.of("name", newName, "tags", List.of("x"))));
        assertThat(renamed.status()).isEqualTo(201);
        assertThat(renamed.json().at("/entity/name").asString()).isEqualTo(newName);
        assertThat(renamed.json().at("/entity/tags/0").asString()).isEqualTo("x");
        assertThat(renamed.json().at("/entity/last_operation/type").asString()).isEqualTo("create");

        assertError(send("PUT", "/v2/service_instances/" + guid, json(Map.of("parameters", Map.of("size", "xl")))),
                400, "CF-AsyncRequired", 10001);
        Answer updating = send("PUT", "/v2/service_instances/" + guid + "?accepts_incomplete=true",
                json(Map.of("parameters", Map.of("size", "xl"))));
        assertThat(updating.status()).isEqualTo(202);
        assertThat(updating.raw().headers().firstValue("Location")).contains("/v2/service_instances/" + guid);
        assertThat(updating.json().at("/entity/last_operation/type").asString()).isEqualTo("update");
        assertThat(updating.json().at("/entity/last_operation/state").asString()).isEqualTo("in progress");
        assertError(send("PUT", "/v2/service_instances/" + guid + "?accepts_incomplete=true",
                json(Map.of("parameters", Map.of("size", "s")))), 409, "CF-AsyncServiceInstanceOperationInProgress", 60016);
        assertError(send("DELETE", "/v2/service_instances/" + guid + "?accepts_incomplete=true", null), 409,
                "CF-AsyncServiceInstanceOperationInProgress", 60016);
        finish(guid, OperationType.UPDATE, OperationState.SUCCEEDED);
        BROKER.answerFetch(guid, 200, "{\"parameters\": {\"size\": \"xl\"}}");
        assertThat(get("/v2/service_instances/" + guid + "/parameters").json().get("size").asString())
                .as("fetched from the broker").isEqualTo("xl");
    }

    @Test
    void aPlanChangeShowsOnlyWhenTheBrokerConfirmsIt() {
        String guid = createIn(spaceGuid("test-space"), CatalogBroker.SYNC_PLAN_ID, newName());
        finish(guid, OperationType.CREATE, OperationState.SUCCEEDED);
        String large = planGuid(CatalogBroker.ASYNC_PLAN_ID);

        Answer changing = send("PUT", "/v2/service_instances/" + guid + "?accepts_incomplete=true",
                json(Map.of("service_plan_guid", large)));
        assertThat(changing.status()).isEqualTo(202);
        assertThat(changing.json().at("/entity/service_plan_guid").asString()).isEqualTo(planGuid(CatalogBroker.SYNC_PLAN_ID));
        finish(guid, OperationType.UPDATE, OperationState.SUCCEEDED);
        assertThat(get("/v2/service_instances/" + guid).json().at("/entity/service_plan_guid").asString()).isEqualTo(large);

        assertThat(send("PUT", "/v2/service_instances/" + guid + "?accepts_incomplete=true",
                json(Map.of("service_plan_guid", planGuid(CatalogBroker.SYNC_PLAN_ID)))).status()).isEqualTo(202);
        finish(guid, OperationType.UPDATE, OperationState.FAILED);
        JsonNode failed = get("/v2/service_instances/" + guid).json().get("entity");
        assertThat(failed.get("service_plan_guid").asString()).as("a failed update leaves the plan").isEqualTo(large);
        assertThat(failed.at("/last_operation/description").asString()).isEqualTo("broke");
    }

    @Test
    void updatesThatCannotBeDoneAreRefused() {
        String space = spaceGuid("test-space");
        String guid = createIn(space, CatalogBroker.SYNC_PLAN_ID, newName());
        finish(guid, OperationType.CREATE, OperationState.SUCCEEDED);
        String fixed = createIn(space, CatalogBroker.FIXED_PLAN_ID, newName());
        finish(fixed, OperationType.CREATE, OperationState.SUCCEEDED);
        String path = "/v2/service_instances/" + guid + "?accepts_incomplete=true";

        assertError(send("PUT", path, json(Map.of("space_guid", space(org())))), 400,
                "CF-ServiceInstanceSpaceChangeNotAllowed", 60014);
        assertError(send("PUT", path, json(Map.of("service_plan_guid", planGuid(CatalogBroker.FIXED_PLAN_ID)))), 400,
                "CF-InvalidRelation", 1002);
        assertError(send("PUT", path, json(Map.of("service_plan_guid", "nope"))), 400, "CF-ServiceInstanceInvalid", 60003);
        assertError(send("PUT", "/v2/service_instances/" + fixed + "?accepts_incomplete=true",
                json(Map.of("service_plan_guid", planGuid(CatalogBroker.OTHER_FIXED_PLAN_ID)))), 400,
                "CF-ServicePlanNotUpdateable", 110004);
        assertError(send("PUT", path, json(Map.of("name", ""))), 400, "CF-ServiceInstanceNameEmpty", 60001);
        assertError(send("PUT", path, json(Map.of("name", "n".repeat(256)))), 400, "CF-ServiceInstanceNameTooLong", 60009);
        assertError(send("PUT", path, json(Map.of("parameters", List.of()))), 400, "CF-MessageParseError", 1001);
        String other = get("/v2/service_instances/" + fixed).json().at("/entity/name").asString();
        assertError(send("PUT", path, json(Map.of("name", other))), 400, "CF-ServiceInstanceNameTaken", 60002);
        assertError(send("PUT", "/v2/service_instances/" + UUID.randomUUID() + "?accepts_incomplete=true",
                json(Map.of("name", "x"))), 404, "CF-ServiceInstanceNotFound", 60004);
        assertThat(get("/v2/service_instances/" + guid).json().at("/entity/last_operation/type").asString())
                .isEqualTo("create");
    }

    @Test
    void aDeleteRemovesTheRecordWhenTheBrokerConfirms() {
        String guid = createIn(spaceGuid("test-space"), CatalogBroker.SYNC_PLAN_ID, newName());
        finish(guid, OperationType.CREATE, OperationState.SUCCEEDED);

        assertError(send("DELETE", "/v2/service_instances/" + guid, null), 400, "CF-AsyncRequired", 10001);
        assertError(send("DELETE", "/v2/service_instances/" + guid + "?accepts_incomplete=maybe", null), 400,
                "CF-InvalidRequest", 10004);
        Answer deleting = send("DELETE", "/v2/service_instances/" + guid + "?accepts_incomplete=true&async=true", null);
        assertThat(deleting.status()).isEqualTo(202);
        assertThat(deleting.json().at("/entity/last_operation/type").asString()).isEqualTo("delete");
        assertThat(deleting.json().at("/entity/last_operation/state").asString()).isEqualTo("in progress");
        assertThat(get("/v2/service_instances/" + guid).json().at("/entity/last_operation/type").asString())
                .isEqualTo("delete");
        finish(guid, OperationType.DELETE, OperationState.SUCCEEDED);
        assertError(get("/v2/service_instances/" + guid), 404, "CF-ServiceInstanceNotFound", 60004);
    }

    @Test
    void aDeleteDuringACreateReplacesItAndTheCreatesLateEventsAreIgnored() {
        String guid = createIn(spaceGuid("test-space"), CatalogBroker.ASYNC_PLAN_ID, newName());
        String createOperation = operationId(guid);

        assertThat(send("DELETE", "/v2/service_instances/" + guid + "?accepts_incomplete=true", null).status())
                .isEqualTo(202);
        status(guid, createOperation, OperationType.CREATE, OperationState.SUCCEEDED, 5, "created after all");
        finish(guid, OperationType.DELETE, OperationState.FAILED);

        JsonNode operation = get("/v2/service_instances/" + guid).json().at("/entity/last_operation");
        assertThat(operation.get("type").asString()).isEqualTo("delete");
        assertThat(operation.get("state").asString()).isEqualTo("failed");
    }

    @Test
    void purgeRemovesTheRecordWithoutTheBroker() {
        String guid = createIn(spaceGuid("test-space"), CatalogBroker.ASYNC_PLAN_ID, newName());
        assertThat(send("DELETE", "/v2/service_instances/" + guid + "?purge=true", null).status()).isEqualTo(204);
        assertError(get("/v2/service_instances/" + guid), 404, "CF-ServiceInstanceNotFound", 60004);
        assertError(send("DELETE", "/v2/service_instances/" + guid + "?purge=true", null), 404,
                "CF-ServiceInstanceNotFound", 60004);
    }

    @Test
    void relatedListsAreEmptyAndFollowTheInstance() {
        String guid = createIn(spaceGuid("test-space"), CatalogBroker.SYNC_PLAN_ID, newName());
        for (String relation : List.of("service_bindings", "shared_to", "service_keys", "routes")) {
            JsonNode list = get("/v2/service_instances/" + guid + "/" + relation).json();
            assertThat(list.get("total_results").asInt()).isZero();
            assertThat(list.get("resources").isEmpty()).isTrue();
        }
        assertThat(get("/v2/service_instances/" + guid + "/shared_from").status()).isEqualTo(204);
        assertError(get("/v2/service_instances/" + UUID.randomUUID() + "/service_bindings"), 404,
                "CF-ServiceInstanceNotFound", 60004);
    }

    @Test
    void everyInstanceCarriesTheWholeEntity() {
        String guid = createIn(spaceGuid("test-space"), CatalogBroker.ASYNC_PLAN_ID, newName());
        JsonNode entity = get("/v2/service_instances/" + guid).json().get("entity");
        for (String field : List.of("name", "credentials", "service_guid", "service_plan_guid", "space_guid",
                "gateway_data", "dashboard_url", "type", "last_operation", "tags", "maintenance_info", "space_url",
                "service_url", "service_plan_url", "service_bindings_url", "service_keys_url", "routes_url",
                "shared_from_url", "shared_to_url", "service_instance_parameters_url")) {
            assertThat(entity.has(field)).as(field).isTrue();
        }
        assertThat(entity.at("/maintenance_info/version").asString()).isEqualTo("1.0.0");
        assertThat(entity.get("service_url").asString()).isEqualTo("/v2/services/" + entity.get("service_guid").asString());
    }

    @Test
    void aCreateSentTheWayCloudControllersDocsSendItWorks() {
        // The v2 docs' curl sends the JSON body as application/x-www-form-urlencoded.
        String name = newName();
        Answer created = send("POST", "/v2/service_instances?accepts_incomplete=true", json(Map.of("name", name,
                "space_guid", spaceGuid("test-space"), "service_plan_guid", planGuid(CatalogBroker.SYNC_PLAN_ID))),
                "application/x-www-form-urlencoded");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.json().at("/entity/name").asString()).isEqualTo(name);
        assertThat(created.json().at("/entity/last_operation/state").asString()).isEqualTo("in progress");

        String guid = created.json().at("/metadata/guid").asString();
        finish(guid, OperationType.CREATE, OperationState.SUCCEEDED);
        Answer updating = send("PUT", "/v2/service_instances/" + guid + "?accepts_incomplete=true",
                json(Map.of("parameters", Map.of("size", "large"))), "application/x-www-form-urlencoded");
        assertThat(updating.status()).as(updating.body()).isEqualTo(202);
    }

    @Test
    void wrongMethodsAndUnknownRoutesAreNotFound() {
        assertError(send("PATCH", "/v2/service_instances", "{}"), 404, "CF-NotFound", 10000);
        assertError(get("/v2/buildpacks"), 404, "CF-NotFound", 10000);
        assertError(get("/nothing/here"), 404, "CF-NotFound", 10000);
    }
}
