package io.provisioner.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Service access as in Cloud Controller: a broker's new plans start private; a non-admin sees, in services,
 * plans and the marketplace of a space, only public plans and those visible to one of their organizations,
 * and creates only on a plan visible to the space's organization; instances on a plan made private keep
 * working. {@code service_plan_visibilities} and {@code PUT /v2/service_plans/:guid} with their errors.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServiceAccessContractTest extends GatewayTestBase {

    private final CatalogBroker second = CatalogBroker.start(200,
            CatalogBroker.CATALOG.replace("\"id\": \"", "\"id\": \"sa-").replace("\"name\": \"test-", "\"name\": \"sa-"));
    private String broker;
    private String plan;
    private String otherPlan;
    private String service;
    private String org;
    private String space;
    private String otherOrg;
    private String otherSpace;
    /** A user made over SCIM: a space developer in both spaces, so only service access decides. */
    private String username;
    private String developer;

    @BeforeAll
    void aPrivateBrokerAndADeveloperInTwoOrganizations() {
        Answer registered = send("POST", "/v2/service_brokers", json(Map.of("name", "sa-" + UUID.randomUUID(),
                "broker_url", second.url(), "auth_username", "user", "auth_password", "pass")));
        assertThat(registered.status()).as(registered.body()).isEqualTo(201);
        broker = registered.json().at("/metadata/guid").asString();
        plan = planGuid("sa-" + CatalogBroker.SYNC_PLAN_ID);
        otherPlan = planGuid("sa-" + CatalogBroker.ASYNC_PLAN_ID);
        service = get("/v2/service_plans/" + plan).json().at("/entity/service_guid").asString();
        org = created(send("POST", "/v2/organizations", json(Map.of("name", "sa-" + UUID.randomUUID()))));
        space = created(send("POST", "/v2/spaces", json(Map.of("name", "sa", "organization_guid", org))));
        otherOrg = created(send("POST", "/v2/organizations", json(Map.of("name", "sa-" + UUID.randomUUID()))));
        otherSpace = created(send("POST", "/v2/spaces", json(Map.of("name", "sa", "organization_guid", otherOrg))));
        username = "sa-dev-" + UUID.randomUUID();
        String password = "pw-" + UUID.randomUUID();
        assertThat(send("POST", "/Users", json(Map.of("userName", username, "password", password))).status())
                .isEqualTo(201);
        for (String[] grant : new String[][] {{"organizations", org, "users"}, {"spaces", space, "developers"},
                {"organizations", otherOrg, "users"}, {"spaces", otherSpace, "developers"}}) {
            Answer granted = send("PUT", "/v2/" + grant[0] + "/" + grant[1] + "/" + grant[2],
                    json(Map.of("username", username)));
            assertThat(granted.status()).as(granted.body()).isEqualTo(201);
        }
        developer = accessToken(username, password);
    }

    @AfterAll
    void stopTheBroker() {
        second.stop();
    }

    private static String created(Answer answer) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(201);
        return answer.json().at("/metadata/guid").asString();
    }

    private Answer asDeveloper(String method, String path, String body) {
        return sendWithToken(developer, method, path, body);
    }

    private Answer createAsDeveloper(String spaceGuid, String planGuid) {
        return asDeveloper("POST", "/v2/service_instances?accepts_incomplete=true", json(Map.of("name",
                "sa-" + UUID.randomUUID(), "space_guid", spaceGuid, "service_plan_guid", planGuid)));
    }

    private void setPublic(String planGuid, boolean value) {
        Answer answer = send("PUT", "/v2/service_plans/" + planGuid, json(Map.of("public", value)));
        assertThat(answer.status()).as(answer.body()).isEqualTo(201);
        assertThat(answer.json().at("/entity/public").asBoolean()).isEqualTo(value);
    }

    private long total(Answer list) {
        assertThat(list.status()).as(list.body()).isEqualTo(200);
        return list.json().get("total_results").asLong();
    }

    @Test
    void aBrokersNewPlansStartPrivateAndOnlyAdminsSeeThem() {
        assertThat(get("/v2/service_plans/" + plan).json().at("/entity/public").asBoolean()).isFalse();
        assertThat(total(get("/v2/service_plans?q=service_broker_guid:" + broker))).isEqualTo(4);
        assertThat(total(sendAs("readonly", "GET", "/v2/service_plans?q=service_broker_guid:" + broker, null)))
                .isEqualTo(4);
        // the seeded broker's plans are public
        assertThat(get("/v2/service_plans/" + planGuid(CatalogBroker.SYNC_PLAN_ID)).json().at("/entity/public")
                .asBoolean()).isTrue();

        assertThat(total(sendAs("outsider", "GET", "/v2/service_plans?q=service_broker_guid:" + broker, null))).isZero();
        assertThat(total(sendAs("outsider", "GET", "/v2/services?q=service_broker_guid:" + broker, null))).isZero();
        assertError(sendAs("outsider", "GET", "/v2/service_plans/" + otherPlan, null), 403, "CF-NotAuthorized", 10003);
        assertError(sendAs("outsider", "GET", "/v2/services/" + service, null), 403, "CF-NotAuthorized", 10003);
        assertError(createAsDeveloper(space, otherPlan), 403, "CF-NotAuthorized", 10003);
    }

    @Test
    void aVisibilityShowsThePlanToTheOrganizationsMembersAndLetsThemCreateOnlyThere() {
        Answer visibility = send("POST", "/v2/service_plan_visibilities", json(Map.of("service_plan_guid", plan,
                "organization_guid", org)));
        assertThat(visibility.status()).as(visibility.body()).isEqualTo(201);
        String guid = visibility.json().at("/metadata/guid").asString();
        assertThat(visibility.raw().headers().firstValue("Location")).hasValue("/v2/service_plan_visibilities/" + guid);
        assertThat(visibility.json().at("/entity/organization_url").asString()).isEqualTo("/v2/organizations/" + org);

        assertThat(asDeveloper("GET", "/v2/service_plans/" + plan, null).status()).isEqualTo(200);
        assertThat(total(asDeveloper("GET", "/v2/service_plans?q=service_broker_guid:" + broker, null))).isEqualTo(1);
        assertThat(total(asDeveloper("GET", "/v2/services?q=service_broker_guid:" + broker, null))).isEqualTo(1);
        assertThat(asDeveloper("GET", "/v2/services/" + service, null).status()).isEqualTo(200);
        assertThat(total(asDeveloper("GET", "/v2/services/" + service + "/service_plans", null))).isEqualTo(1);
        // the marketplace of a space shows what its own organization may use
        assertThat(total(asDeveloper("GET", "/v2/spaces/" + space + "/services?q=service_broker_guid:" + broker, null)))
                .isEqualTo(1);
        assertThat(total(asDeveloper("GET", "/v2/spaces/" + otherSpace + "/services?q=service_broker_guid:" + broker,
                null))).isZero();

        assertThat(createAsDeveloper(space, plan).status()).isEqualTo(201);
        assertError(createAsDeveloper(otherSpace, plan), 403, "CF-ServiceInstanceOrganizationNotAuthorized", 60010);
        // admins may use any plan anywhere
        assertThat(send("POST", "/v2/service_instances?accepts_incomplete=true", json(Map.of("name",
                "sa-" + UUID.randomUUID(), "space_guid", otherSpace, "service_plan_guid", plan))).status()).isEqualTo(201);
    }

    @Test
    void aPublicPlanIsForEveryoneUntilItIsMadePrivateAgain() {
        setPublic(otherPlan, true);
        assertThat(sendAs("outsider", "GET", "/v2/service_plans/" + otherPlan, null).status()).isEqualTo(200);
        Answer created = createAsDeveloper(otherSpace, otherPlan);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String instance = created.json().at("/metadata/guid").asString();

        setPublic(otherPlan, false);
        assertError(sendAs("outsider", "GET", "/v2/service_plans/" + otherPlan, null), 403, "CF-NotAuthorized", 10003);
        assertError(createAsDeveloper(otherSpace, otherPlan), 403, "CF-NotAuthorized", 10003);
        // the instance made while the plan was public keeps working
        Answer read = asDeveloper("GET", "/v2/service_instances/" + instance, null);
        assertThat(read.status()).as(read.body()).isEqualTo(200);
        assertThat(asDeveloper("GET", "/v2/service_instances?q=space_guid:" + otherSpace, null).body()).contains(instance);
        Answer deleted = asDeveloper("DELETE", "/v2/service_instances/" + instance + "?accepts_incomplete=true", null);
        assertThat(deleted.status()).as(deleted.body()).isEqualTo(202);
    }

    @Test
    void visibilitiesAreListedFilteredPagedAndRefusedAsInCloudController() {
        String third = created(send("POST", "/v2/organizations", json(Map.of("name", "sa-" + UUID.randomUUID()))));
        String fourth = created(send("POST", "/v2/organizations", json(Map.of("name", "sa-" + UUID.randomUUID()))));
        String onThird = created(send("POST", "/v2/service_plan_visibilities", json(Map.of("service_plan_guid",
                otherPlan, "organization_guid", third))));
        created(send("POST", "/v2/service_plan_visibilities", json(Map.of("service_plan_guid", otherPlan,
                "organization_guid", fourth))));

        Answer page = get("/v2/service_plan_visibilities?q=service_plan_guid:" + otherPlan + "&results-per-page=1");
        assertThat(page.json().get("total_results").asInt()).isEqualTo(2);
        assertThat(page.json().get("total_pages").asInt()).isEqualTo(2);
        assertThat(page.json().get("next_url").asString()).contains("page=2").contains("q=service_plan_guid");
        assertThat(total(get("/v2/service_plan_visibilities?q=service_plan_guid:" + otherPlan + "&q=organization_guid:"
                + third))).isEqualTo(1);
        assertThat(total(get("/v2/service_plan_visibilities?q=organization_guid%20IN%20" + third + "," + fourth)))
                .isEqualTo(2);
        assertThat(get("/v2/service_plan_visibilities/" + onThird).json().at("/entity/organization_guid").asString())
                .isEqualTo(third);
        // a member sees the visibilities of their organizations only
        assertThat(total(asDeveloper("GET", "/v2/service_plan_visibilities?q=service_plan_guid:" + otherPlan, null)))
                .isZero();
        assertError(asDeveloper("GET", "/v2/service_plan_visibilities/" + onThird, null), 403, "CF-NotAuthorized", 10003);

        assertError(get("/v2/service_plan_visibilities?q=colour:blue"), 400, "CF-BadQueryParameter", 10005);
        assertError(send("POST", "/v2/service_plan_visibilities", json(Map.of("service_plan_guid", otherPlan,
                "organization_guid", third))), 400, "CF-ServicePlanVisibilityAlreadyExists", 260002);
        assertError(send("POST", "/v2/service_plan_visibilities", json(Map.of("service_plan_guid", "nope",
                "organization_guid", third))), 400, "CF-InvalidRelation", 1002);
        assertError(send("POST", "/v2/service_plan_visibilities", json(Map.of("service_plan_guid", otherPlan,
                "organization_guid", "nope"))), 400, "CF-InvalidRelation", 1002);
        assertError(send("POST", "/v2/service_plan_visibilities", json(Map.of("service_plan_guid", otherPlan))), 400,
                "CF-MessageParseError", 1001);
        assertError(asDeveloper("POST", "/v2/service_plan_visibilities", json(Map.of("service_plan_guid", otherPlan,
                "organization_guid", org))), 403, "CF-NotAuthorized", 10003);
        assertError(asDeveloper("DELETE", "/v2/service_plan_visibilities/" + onThird, null), 403, "CF-NotAuthorized",
                10003);
        assertError(get("/v2/service_plan_visibilities/" + UUID.randomUUID()), 404, "CF-ServicePlanVisibilityNotFound",
                260003);

        assertThat(send("DELETE", "/v2/service_plan_visibilities/" + onThird, null).status()).isEqualTo(204);
        assertError(send("DELETE", "/v2/service_plan_visibilities/" + onThird, null), 404,
                "CF-ServicePlanVisibilityNotFound", 260003);
    }

    @Test
    void onlyAnAdminChangesAPlanAndOnlyWithABoolean() {
        assertError(send("PUT", "/v2/service_plans/" + plan, json(Map.of("public", "yes"))), 400,
                "CF-MessageParseError", 1001);
        assertError(send("PUT", "/v2/service_plans/" + plan, "not json"), 400, "CF-MessageParseError", 1001);
        assertError(asDeveloper("PUT", "/v2/service_plans/" + plan, json(Map.of("public", true))), 403,
                "CF-NotAuthorized", 10003);
        assertError(sendAs("readonly", "PUT", "/v2/service_plans/" + plan, json(Map.of("public", true))), 403,
                "CF-InsufficientScope", 10007);
        assertError(send("PUT", "/v2/service_plans/" + UUID.randomUUID(), json(Map.of("public", true))), 404,
                "CF-ServicePlanNotFound", 110003);
        assertThat(get("/v2/service_plans/" + plan).json().at("/entity/public").asBoolean()).isFalse();
    }
}
