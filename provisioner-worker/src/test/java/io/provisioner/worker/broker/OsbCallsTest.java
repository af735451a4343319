package io.provisioner.worker.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

import io.provisioner.schemas.BrokerEndpoint;
import io.provisioner.schemas.OperationType;
import io.provisioner.schemas.ProvisioningRequested;
import io.provisioner.schemas.SecretSealer;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class OsbCallsTest {

    private static final JsonMapper mapper = JsonMapper.shared();
    private static final SecretSealer sealer = new SecretSealer(SecretSealer.newKey());
    private final OsbCalls calls = new OsbCalls(mapper, sealer);

    private static ProvisioningRequested request(OperationType type, String previousPlan, Map<String, Object> parameters,
            Map<String, Object> maintenanceInfo) {
        return requestWithRawParameters(type, previousPlan,
                parameters == null ? null : mapper.writeValueAsString(parameters), maintenanceInfo);
    }

    /** A request whose parameters are this JSON text, sealed as the gateway seals it. */
    private static ProvisioningRequested requestWithRawParameters(OperationType type, String previousPlan,
            String parameters, Map<String, Object> maintenanceInfo) {
        return sealedRequest(type, previousPlan, parameters == null ? null : sealer.seal(parameters), maintenanceInfo);
    }

    private static ProvisioningRequested sealedRequest(OperationType type, String previousPlan, String sealedParameters,
            Map<String, Object> maintenanceInfo) {
        return new ProvisioningRequested("op-1", type, "inst-1", "my-db", "svc", "plan-new", previousPlan, "org-1",
                "my-org", "space-1", "my-space", sealedParameters, maintenanceInfo,
                new BrokerEndpoint("b-1", "broker", "http://broker", "user", "v1:sealed"), null, null, Instant.EPOCH);
    }

    private static JsonNode body(OsbCall call) {
        return mapper.readTree(new String(call.body(), StandardCharsets.UTF_8));
    }

    @Test
    void provisionIsAPutWithTheFullBody() {
        OsbCall call = calls.start(request(OperationType.CREATE, null, Map.of("a", 1), Map.of("version", "2.0.0")), "rid");
        assertThat(call.method()).isEqualTo("PUT");
        assertThat(call.path()).isEqualTo("/v2/service_instances/inst-1");
        assertThat(call.query()).isEqualTo("accepts_incomplete=true");
        assertThat(call.endpoint()).isEqualTo(OsbEndpoint.PROVISION);
        assertThat(call.originatingUserId()).isNull();
        assertThat(body(call)).isEqualTo(mapper.readTree("""
                {"service_id":"svc","plan_id":"plan-new","organization_guid":"org-1","space_guid":"space-1",
                 "context":{"platform":"cloudfoundry","organization_guid":"org-1","organization_name":"my-org",
                            "space_guid":"space-1","space_name":"my-space","instance_name":"my-db"},
                 "parameters":{"a":1},"maintenance_info":{"version":"2.0.0"}}"""));
    }

    @Test
    void provisionLeavesOutWhatIsNotThere() {
        JsonNode body = body(calls.start(request(OperationType.CREATE, null, null, null), "rid"));
        assertThat(body.has("parameters")).isFalse();
        assertThat(body.has("maintenance_info")).isFalse();
    }

    @Test
    void updateIsAPatchWithPreviousValues() {
        OsbCall call = calls.start(request(OperationType.UPDATE, "plan-old", Map.of("b", true), null), "rid");
        assertThat(call.method()).isEqualTo("PATCH");
        assertThat(call.query()).isEqualTo("accepts_incomplete=true");
        assertThat(body(call)).isEqualTo(mapper.readTree("""
                {"service_id":"svc","plan_id":"plan-new","parameters":{"b":true},
                 "context":{"platform":"cloudfoundry","organization_guid":"org-1","organization_name":"my-org",
                            "space_guid":"space-1","space_name":"my-space","instance_name":"my-db"},
                 "previous_values":{"plan_id":"plan-old","service_id":"svc","organization_id":"org-1","space_id":"space-1"}}"""));
    }

    @Test
    void deprovisionIsADeleteWithIdsInTheQuery() {
        OsbCall call = calls.start(request(OperationType.DELETE, null, null, null), "rid");
        assertThat(call.method()).isEqualTo("DELETE");
        assertThat(call.body()).isNull();
        assertThat(call.query()).isEqualTo("service_id=svc&plan_id=plan-new&accepts_incomplete=true");
    }

    @Test
    void lastOperationEncodesTheOperationExactly() {
        OsbCall call = calls.lastOperation(request(OperationType.CREATE, null, null, null), "a b/c&d=e+f%", "rid");
        assertThat(call.path()).isEqualTo("/v2/service_instances/inst-1/last_operation");
        assertThat(call.query()).isEqualTo("service_id=svc&plan_id=plan-new&operation=a%20b%2Fc%26d%3De%2Bf%25");
    }

    @Test
    void lastOperationDuringAPlanChangeNamesThePreviousPlan() {
        OsbCall call = calls.lastOperation(request(OperationType.UPDATE, "plan-old", null, null), "op", "rid");
        assertThat(call.query()).isEqualTo("service_id=svc&plan_id=plan-old&operation=op");
    }

    @Test
    void lastOperationWithoutAnOperationLeavesItOut() {
        OsbCall call = calls.lastOperation(request(OperationType.CREATE, null, null, null), null, "rid");
        assertThat(call.query()).isEqualTo("service_id=svc&plan_id=plan-new");
    }

    @Test
    void incompleteRequestsAreRefused() {
        ProvisioningRequested noPlan = new ProvisioningRequested("op-1", OperationType.CREATE, "inst-1", null, "svc", null,
                null, "org-1", null, "space-1", null, null, null,
                new BrokerEndpoint("b-1", "broker", "http://broker", "user", "v1:sealed"), null, null, null);
        assertThatThrownBy(() -> OsbCalls.checkComplete(noPlan))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("the request has no plan_id");
    }

    @Test
    void parametersReachTheBrokerExactlyAsTheCallerWroteThem() {
        String written = "{\"huge\": 1e309, \"tiny\": 1.1e-999999999, \"hundred\": 1E2, \"exact\": 0.1000000000000000055511151231257827,"
                + " \"big\": 123456789012345678901234567890, \"nested\": {\"list\": [1.50, -0.0]}}";
        for (OperationType type : new OperationType[] {OperationType.CREATE, OperationType.UPDATE}) {
            String body = new String(calls.start(requestWithRawParameters(type, null, written, null), "rid").body(),
                    StandardCharsets.UTF_8);
            assertThat(body).contains("\"parameters\":" + written);
            assertThat(body).doesNotContain("Infinity").doesNotContain("100.0");
        }
    }

    @Test
    void sealedParametersThatAreNotOneJsonObjectAreRefusedWithoutShowingThem() {
        for (String text : new String[] {"[\"hunter2\"]", "{\"a\": \"hunter2\"}, \"plan_id\": \"other\"",
                "{\"a\": hunter2}", "\"hunter2\""}) {
            assertThatThrownBy(() -> calls.start(requestWithRawParameters(OperationType.CREATE, null, text, null), "rid"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("the request's sealed_parameters are not one JSON object");
        }
        String otherKey = new SecretSealer(SecretSealer.newKey()).seal("{\"a\": \"hunter2\"}");
        assertThatThrownBy(() -> calls.start(sealedRequest(OperationType.CREATE, null, otherKey, null), "rid"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the request's sealed_parameters cannot be opened with this key");
    }

    private static ProvisioningRequested binding(OperationType type) {
        ProvisioningRequested base = request(type, null, Map.of("role", "ro"), null);
        return new ProvisioningRequested(base.operationId(), type, base.instanceGuid(), base.instanceName(),
                base.serviceId(), base.planId(), null, base.organizationGuid(), base.organizationName(), base.spaceGuid(),
                base.spaceName(), base.sealedParameters(), null, base.broker(), null, "user-1", Instant.EPOCH,
                new io.provisioner.schemas.ServiceBindingTarget("key 1", "my-key"));
    }

    @Test
    void bindIsAPutOnTheBindingWithContextAndParametersButNoBindResource() {
        OsbCall call = calls.start(binding(OperationType.CREATE), "rid");

        assertThat(call.endpoint()).isEqualTo(OsbEndpoint.BIND);
        assertThat(call.describe()).isEqualTo("PUT /v2/service_instances/inst-1/service_bindings/key%201");
        assertThat(call.query()).isEqualTo("accepts_incomplete=true");
        assertThat(call.originatingUserId()).isEqualTo("user-1");
        JsonNode body = body(call);
        assertThat(body.propertyNames()).containsExactly("service_id", "plan_id", "context", "parameters");
        assertThat(body.at("/context/platform").asString()).isEqualTo("cloudfoundry");
        assertThat(body.at("/parameters/role").asString()).isEqualTo("ro");
    }

    @Test
    void unbindPollAndFetchAddressTheBinding() {
        ProvisioningRequested unbind = binding(OperationType.DELETE);
        String path = "/v2/service_instances/inst-1/service_bindings/key%201";

        OsbCall delete = calls.start(unbind, "rid");
        OsbCall poll = calls.lastOperation(unbind, "op/1", "rid");
        OsbCall fetch = calls.fetchBinding(binding(OperationType.CREATE), "rid");
        OsbCall orphan = calls.orphanMitigation(binding(OperationType.CREATE), "rid");

        assertThat(delete.describe()).isEqualTo("DELETE " + path);
        assertThat(delete.query()).isEqualTo("service_id=svc&plan_id=plan-new&accepts_incomplete=true");
        assertThat(poll.endpoint()).isEqualTo(OsbEndpoint.BINDING_LAST_OPERATION);
        assertThat(poll.describe()).isEqualTo("GET " + path + "/last_operation");
        assertThat(poll.query()).isEqualTo("service_id=svc&plan_id=plan-new&operation=op%2F1");
        assertThat(fetch.describe()).isEqualTo("GET " + path);
        assertThat(fetch.endpoint().answersWithCredentials()).isTrue();
        assertThat(orphan.describe()).isEqualTo("DELETE " + path);
        assertThat(orphan.originatingUserId()).isNull();
    }
}
