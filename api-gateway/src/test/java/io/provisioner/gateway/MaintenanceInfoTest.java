package io.provisioner.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.provisioner.schemas.OperationState;
import io.provisioner.schemas.OperationType;

/**
 * {@code maintenance_info} on update, checked as Cloud Controller checks it: only a version the plan
 * offers (or the instance's own) is sent on; the rest is refused with Cloud Controller's codes before
 * anything is stored or published.
 */
class MaintenanceInfoTest extends GatewayTestBase {

    /** An instance on the async plan (maintenance_info 1.0.0) whose create has succeeded. */
    private String readyInstance(String planId) {
        Answer created = send("POST", "/v2/service_instances?accepts_incomplete=true", json(Map.of("name", newName(),
                "space_guid", spaceGuid("test-space"), "service_plan_guid", planGuid(planId))));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String guid = created.json().at("/metadata/guid").asString();
        status(guid, operationId(guid), OperationType.CREATE, OperationState.SUCCEEDED, 1, "done");
        await().atMost(Duration.ofSeconds(10)).until(() -> get("/v2/service_instances/" + guid).json()
                .at("/entity/last_operation/state").asString().equals("succeeded"));
        return guid;
    }

    private Answer update(String guid, String body) {
        return send("PUT", "/v2/service_instances/" + guid + "?accepts_incomplete=true", body);
    }

    private static void assertError(Answer answer, int status, String errorCode, int code, String description) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(status);
        assertThat(answer.errorCode()).isEqualTo(errorCode);
        assertThat(answer.code()).isEqualTo(code);
        assertThat(answer.json().get("description").asString()).isEqualTo(description);
    }

    private String operationOf(String guid) {
        return operationId(guid);
    }

    @Test
    void aVersionThePlanDoesNotOfferIsAConflictAndChangesNothing() {
        String guid = readyInstance(CatalogBroker.ASYNC_PLAN_ID);
        String before = operationOf(guid);
        long outbox = count("outbox");

        assertError(update(guid, "{\"maintenance_info\": {\"version\": \"2.0.0\"}}"), 422, "CF-MaintenanceInfoConflict",
                60032, "maintenance_info.version requested is invalid. Please ensure that the catalog is up to date "
                        + "and you are providing a version supported by this service plan.");
        assertThat(operationOf(guid)).isEqualTo(before);
        assertThat(count("outbox")).isLessThanOrEqualTo(outbox);
    }

    @Test
    void aVersionThatIsNotSemanticIsRefused() {
        String guid = readyInstance(CatalogBroker.ASYNC_PLAN_ID);
        for (String body : new String[] {"{\"maintenance_info\": {\"version\": \"1.0\"}}",
                "{\"maintenance_info\": {\"version\": \"v1.0.0\"}}", "{\"maintenance_info\": {}}",
                "{\"maintenance_info\": {\"version\": \"1.0.0-\"}}",
                "{\"maintenance_info\": {\"version\": \"1.0.0-" + "a".repeat(300) + "\"}}"}) {
            assertError(update(guid, body), 422, "CF-MaintenanceInfoNotSemver", 60031,
                    "maintenance_info.version should be a semantic version.");
        }
    }

    @Test
    void aPlanWithoutMaintenanceInfoRefusesAnyVersion() {
        String guid = readyInstance(CatalogBroker.SYNC_PLAN_ID);
        assertError(update(guid, "{\"maintenance_info\": {\"version\": \"1.0.0\"}}"), 422,
                "CF-MaintenanceInfoNotSupported", 60030,
                "The service broker does not support upgrades for service instances created from this plan.");
    }

    @Test
    void maintenanceInfoTogetherWithAPlanChangeIsRefused() {
        String guid = readyInstance(CatalogBroker.ASYNC_PLAN_ID);
        assertError(update(guid, json(Map.of("service_plan_guid", planGuid(CatalogBroker.SYNC_PLAN_ID),
                "maintenance_info", Map.of("version", "1.0.0")))), 422, "CF-MaintenanceInfoNotUpdatableWhenChangingPlan",
                60033, "maintenance_info should not be changed when switching to different plan.");
        assertThat(update(guid, json(Map.of("service_plan_guid", planGuid(CatalogBroker.ASYNC_PLAN_ID),
                "maintenance_info", Map.of("version", "1.0.0")))).status())
                .as("naming the instance's own plan is no plan change").isEqualTo(201);
    }

    @Test
    void unknownFieldsInMaintenanceInfoAreRefused() {
        String guid = readyInstance(CatalogBroker.ASYNC_PLAN_ID);
        assertError(update(guid, "{\"maintenance_info\": {\"version\": \"1.0.0\", \"description\": \"x\", \"zz\": 1}}"),
                400, "CF-MessageParseError", 1001,
                "Request invalid due to parse error: maintenance_info has unknown field(s): 'description', 'zz'");
        assertError(update(guid, "{\"maintenance_info\": {\"version\": 1}}"), 400, "CF-MessageParseError", 1001,
                "Request invalid due to parse error: maintenance_info.version must be a string");
    }

    @Test
    void theInstancesOwnVersionChangesNothingAtTheBroker() {
        String guid = readyInstance(CatalogBroker.ASYNC_PLAN_ID);
        String before = operationOf(guid);
        Answer same = update(guid, "{\"maintenance_info\": {\"version\": \"1.0.0\"}}");
        assertThat(same.status()).as(same.body()).isEqualTo(201);
        assertThat(operationOf(guid)).isEqualTo(before);
        assertThat(same.json().at("/entity/last_operation/type").asString()).isEqualTo("create");
    }

    @Test
    void anInstanceBehindItsPlanIsUpgradedToThePlansVersionOnceTheBrokerConfirms() {
        String guid = readyInstance(CatalogBroker.ASYNC_PLAN_ID);
        // The instance was made when the plan offered 0.9.0; the catalog has moved on to 1.0.0 since.
        jdbc.sql("UPDATE service_instances SET maintenance_info = '{\"version\":\"0.9.0\"}' WHERE guid = ?")
                .param(guid).update();

        assertThat(update(guid, "{\"maintenance_info\": {\"version\": \"0.9.0\"}}").status())
                .as("its own version: nothing to do").isEqualTo(201);
        Answer upgrading = update(guid, "{\"maintenance_info\": {\"version\": \"1.0.0\"}}");
        assertThat(upgrading.status()).as(upgrading.body()).isEqualTo(202);
        assertThat(upgrading.json().at("/entity/maintenance_info/version").asString())
                .as("unchanged until the broker confirms").isEqualTo("0.9.0");
        String payload = jdbc.sql("SELECT payload FROM outbox WHERE message_key = ? AND topic = 'provisioning.requests' ORDER BY id DESC").param(guid)
                .query(String.class).list().stream().findFirst().orElse(null);
        if (payload != null) {
            assertThat(JSON.readTree(payload).at("/data/maintenance_info").toString()).isEqualTo("{\"version\":\"1.0.0\"}");
        }
        status(guid, operationId(guid), OperationType.UPDATE, OperationState.SUCCEEDED, 1, "done");
        await().atMost(Duration.ofSeconds(10)).until(() -> get("/v2/service_instances/" + guid).json()
                .at("/entity/maintenance_info/version").asString().equals("1.0.0"));
    }
}
