package io.provisioner.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

/**
 * {@code GET /v2/service_instances/:guid/parameters} as Cloud Controller serves it: fetched from the
 * broker when the service is instances_retrievable, refused with 120004 otherwise; a broker's failure
 * is a 502 that does not echo its body; who may read the instance may read its parameters.
 */
class InstanceParametersTest extends GatewayTestBase {

    private String instanceOn(String space, String planId) {
        Answer created = send("POST", "/v2/service_instances?accepts_incomplete=true", json(Map.of("name", newName(),
                "space_guid", space, "service_plan_guid", planGuid(planId))));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.json().at("/metadata/guid").asString();
    }

    @Test
    void theParametersComeFromTheBrokerExactlyAsItWroteThem() {
        String guid = instanceOn(spaceGuid("test-space"), CatalogBroker.ASYNC_PLAN_ID);
        String parameters = "{\"huge\": 1e309, \"hundred\": 1E2, \"name\": \"caf\u00e9 \u2603\"}";
        BROKER.answerFetch(guid, 200, "{\"service_id\": \"svc-1\", \"parameters\": " + parameters + "}");

        Answer answer = get("/v2/service_instances/" + guid + "/parameters");

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.raw().headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        assertThat(answer.body()).isEqualTo(parameters);
        CatalogBroker.Fetch fetch = BROKER.fetchesOf(guid).get(0);
        assertThat(fetch.path()).isEqualTo("/v2/service_instances/" + guid);
        assertThat(fetch.query()).isEqualTo("service_id=" + CatalogBroker.SERVICE_ID + "&plan_id="
                + CatalogBroker.ASYNC_PLAN_ID);
        assertThat(fetch.headers()).containsEntry("X-Broker-API-Version", "2.17")
                .containsEntry("Authorization", "Basic " + Base64.getEncoder().encodeToString("user:pass".getBytes()))
                .containsKey("X-Broker-API-Request-Identity");
        String identity = fetch.headers().get("X-Broker-API-Originating-Identity");
        assertThat(identity).startsWith("cloudfoundry ");
        assertThat(new String(Base64.getDecoder().decode(identity.substring("cloudfoundry ".length())),
                StandardCharsets.UTF_8)).contains("\"user_id\"");
    }

    @Test
    void aBrokerAnsweringWithoutParametersGivesAnEmptyObject() {
        String guid = instanceOn(spaceGuid("test-space"), CatalogBroker.ASYNC_PLAN_ID);
        BROKER.answerFetch(guid, 200, "{\"service_id\": \"svc-1\"}");
        Answer answer = get("/v2/service_instances/" + guid + "/parameters");
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo("{}");
    }

    @Test
    void aServiceThatIsNotInstancesRetrievableIsRefusedWithoutAskingTheBroker() {
        String guid = instanceOn(spaceGuid("test-space"), CatalogBroker.FIXED_PLAN_ID);
        Answer answer = get("/v2/service_instances/" + guid + "/parameters");
        assertError(answer, 400, "CF-ServiceFetchInstanceParametersNotSupported", 120004);
        assertThat(answer.json().get("description").asString())
                .isEqualTo("This service does not support fetching service instance parameters.");
        assertThat(BROKER.fetchesOf(guid)).isEmpty();
    }

    @Test
    void aBrokerFailureIsABadGatewayThatDoesNotEchoItsBody() {
        String guid = instanceOn(spaceGuid("test-space"), CatalogBroker.ASYNC_PLAN_ID);
        for (int status : new int[] {404, 422, 500}) {
            BROKER.answerFetch(guid, status, "{\"description\": \"internal detail 10.0.0.7\"}");
            Answer answer = get("/v2/service_instances/" + guid + "/parameters");
            assertError(answer, 502, "CF-ServiceBrokerBadResponse", 10001);
            assertThat(answer.body()).contains("Status Code: " + status).doesNotContain("internal detail");
        }
        for (String body : new String[] {"{\"parameters\": \"not valid\"}", "not json at all 10.0.0.7", "[]"}) {
            BROKER.answerFetch(guid, 200, body);
            Answer answer = get("/v2/service_instances/" + guid + "/parameters");
            assertError(answer, 502, "CF-ServiceBrokerResponseMalformed", 10001);
            assertThat(answer.body()).doesNotContain("not valid").doesNotContain("10.0.0.7");
        }
    }

    @Test
    void whoMayReadTheInstanceMayReadItsParametersAsInCloudController() {
        String org = send("POST", "/v2/organizations", json(Map.of("name", "params-" + UUID.randomUUID()))).json()
                .at("/metadata/guid").asString();
        String space = send("POST", "/v2/spaces", json(Map.of("name", "params", "organization_guid", org))).json()
                .at("/metadata/guid").asString();
        for (String member : java.util.List.of(userId("developer"), userId("auditor"))) {
            assertThat(send("PUT", "/v2/organizations/" + org + "/users/" + member, null).status()).isEqualTo(201);
        }
        assertThat(send("PUT", "/v2/spaces/" + space + "/developers/" + userId("developer"), null).status()).isEqualTo(201);
        assertThat(send("PUT", "/v2/spaces/" + space + "/auditors/" + userId("auditor"), null).status()).isEqualTo(201);
        String guid = instanceOn(space, CatalogBroker.ASYNC_PLAN_ID);
        BROKER.answerFetch(guid, 200, "{\"parameters\": {\"size\": \"large\"}}");
        String path = "/v2/service_instances/" + guid + "/parameters";

        assertThat(sendAs("developer", "GET", path, null).status()).isEqualTo(200);
        assertThat(sendAs("auditor", "GET", path, null).status()).as("a space auditor reads, as in Cloud Controller")
                .isEqualTo(200);
        assertThat(sendAs("globalauditor", "GET", path, null).status()).isEqualTo(200);
        assertError(sendAs("outsider", "GET", path, null), 403, "CF-NotAuthorized", 10003);
        assertError(sendAs(null, "GET", path, null), 401, "CF-NotAuthenticated", 10002);
        assertError(get("/v2/service_instances/" + UUID.randomUUID() + "/parameters"), 404,
                "CF-ServiceInstanceNotFound", 60004);
        assertThat(BROKER.fetchesOf(guid)).as("only callers who may read reached the broker").hasSize(3);
    }
}
