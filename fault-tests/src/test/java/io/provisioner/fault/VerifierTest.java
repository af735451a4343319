package io.provisioner.fault;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;

/** The verdict's classification, on synthetic gateway views and broker request logs (no processes). */
class VerifierTest {

    private static final String PLAN = Stack.ASYNC_PLAN;
    private static final String FAILING = Stack.FAILING_PLAN;

    private final ArrayNode log = Http.JSON.createArrayNode();
    private final Map<String, GatewayClient.Instance> gateway = new HashMap<>();
    /** The broker's instances (OSB fetch answers 200 with these, 404 for any other id). */
    private final Map<String, JsonNode> brokerHas = new HashMap<>();
    private final List<Op> ops = new ArrayList<>();

    private Op succeeding(String guid) {
        Op op = new Op(ops.size(), "op-" + guid, "plan-guid", PLAN, Map.of("fault_op", ops.size()), "succeeded", null);
        accept(op, guid);
        return op;
    }

    private Op failing(String guid) {
        Op op = new Op(ops.size(), "op-" + guid, "failing-guid", FAILING, Map.of("fault_op", ops.size()), "failed",
                "failure of " + guid);
        accept(op, guid);
        return op;
    }

    private void accept(Op op, String guid) {
        op.guid = guid;
        op.acceptance = Op.Acceptance.CREATED;
        ops.add(op);
    }

    private void put(Op op) {
        put(op, op.parameters);
    }

    private void put(Op op, Map<String, Object> parameters) {
        var body = Http.JSON.createObjectNode().put("service_id", "svc").put("plan_id", op.brokerPlanId)
                .put("organization_guid", "org").put("space_guid", "space");
        body.set("parameters", Http.JSON.valueToTree(parameters));
        log.addObject().put("method", "PUT").put("path", BrokerLog.INSTANCE_PATH + op.guid).set("body", body);
        if ("succeeded".equals(op.expectedState)) {
            brokerHas.put(op.guid, Http.JSON.createObjectNode().put("plan_id", op.brokerPlanId)
                    .set("parameters", Http.JSON.valueToTree(parameters)));
        }
    }

    private void delete(Op op) {
        log.addObject().put("method", "DELETE").put("path", BrokerLog.INSTANCE_PATH + op.guid);
        brokerHas.remove(op.guid);
    }

    private void poll(Op op) {
        log.addObject().put("method", "GET").put("path", BrokerLog.INSTANCE_PATH + op.guid + "/last_operation");
    }

    private void gatewaySays(Op op, String state, String description) {
        gateway.put(op.guid, new GatewayClient.Instance(op.guid, op.name, "create", state, description));
    }

    private Verdict classify(boolean retriesAllowed) throws IOException {
        Verdict v = new Verdict(9, "synthetic");
        v.absorbedRetriesAllowed = retriesAllowed;
        Verifier.classify(ops, gateway, BrokerLog.of(log), id -> brokerHas.containsKey(id)
                ? new Http.Answer(200, brokerHas.get(id).toString(), brokerHas.get(id))
                : new Http.Answer(404, "{}", Http.JSON.createObjectNode()), v);
        return v;
    }

    @Test
    void aCleanRunPassesWithEveryOperationCountedOnce() throws IOException {
        Op ok = succeeding("a");
        put(ok);
        poll(ok);
        gatewaySays(ok, "succeeded", null);
        Op bad = failing("b");
        put(bad);
        poll(bad);
        delete(bad);
        gatewaySays(bad, "failed", "Provision failed: failure of b");

        Verdict v = classify(false);

        assertThat(v.succeeded).isEqualTo(1);
        assertThat(v.failedAsExpected).isEqualTo(1);
        assertThat(v.passed()).as(v.report()).isTrue();
    }

    @Test
    void anAcceptedCreateTheGatewayDoesNotKnowIsLost() throws IOException {
        Op op = succeeding("a");
        put(op);

        Verdict v = classify(true);

        assertThat(v.lost).isEqualTo(1);
        assertThat(v.passed()).isFalse();
    }

    @Test
    void aCreateStillInProgressIsStuck() throws IOException {
        Op op = succeeding("a");
        put(op);
        gatewaySays(op, "in progress", null);

        Verdict v = classify(true);

        assertThat(v.stuck).isEqualTo(1);
        assertThat(v.passed()).isFalse();
    }

    @Test
    void aFailureThatNeverReachedTheBrokerIsWrong() throws IOException {
        Op op = failing("a");
        gatewaySays(op, "failed", "failure of a");

        Verdict v = classify(true);

        assertThat(v.wrong).isEqualTo(1);
        assertThat(v.failedAsExpected).isZero();
        assertThat(v.examples).anySatisfy(e -> assertThat(e).contains("never received a provision"));
    }

    @Test
    void aFailureWithoutTheBrokersTextIsWrong() throws IOException {
        Op op = failing("a");
        put(op);
        delete(op);
        gatewaySays(op, "failed", "The broker did not answer");

        Verdict v = classify(true);

        assertThat(v.wrong).isEqualTo(1);
        assertThat(v.examples).anySatisfy(e -> assertThat(e).contains("does not carry the broker's"));
    }

    @Test
    void aFailureWithoutTheCleanUpDeleteIsWrong() throws IOException {
        Op op = failing("a");
        put(op);
        poll(op);
        gatewaySays(op, "failed", "failure of a");

        Verdict v = classify(true);

        assertThat(v.wrong).isEqualTo(1);
        assertThat(v.examples).anySatisfy(e -> assertThat(e).contains("no DELETE followed its provision"));
    }

    @Test
    void aDeleteBeforeTheProvisionIsNoCleanUp() throws IOException {
        Op op = failing("a");
        delete(op);
        put(op);
        gatewaySays(op, "failed", "failure of a");

        assertThat(classify(true).wrong).isEqualTo(1);
    }

    @Test
    void aDeleteOfASucceededInstanceIsWrong() throws IOException {
        Op op = succeeding("a");
        put(op);
        delete(op);
        put(op); // provisioned again, so the broker has it: only the DELETE itself is wrong
        gatewaySays(op, "succeeded", null);

        Verdict v = classify(true);

        assertThat(v.wrong).isEqualTo(1);
        assertThat(v.examples).anySatisfy(e -> assertThat(e).contains("DELETE(s) nobody asked for"));
    }

    @Test
    void aSuccessTheBrokerDoesNotHaveOrHasWithOtherParametersIsWrong() throws IOException {
        Op missing = succeeding("a");
        put(missing);
        brokerHas.remove(missing.guid);
        gatewaySays(missing, "succeeded", null);
        Op other = succeeding("b");
        put(other, Map.of("fault_op", 99));
        gatewaySays(other, "succeeded", null);

        Verdict v = classify(true);

        assertThat(v.wrong).isEqualTo(2);
        assertThat(v.unabsorbed).as("a single PUT is no duplicate").isZero();
    }

    @Test
    void theWrongFinalStateIsWrong() throws IOException {
        Op op = succeeding("a");
        put(op);
        gatewaySays(op, "failed", "boom");

        assertThat(classify(true).wrong).isEqualTo(1);
    }

    @Test
    void repeatedIdenticalProvisionsAreAbsorbedAndAllowedOnlyWhereAProcessIsKilled() throws IOException {
        Op op = succeeding("a");
        put(op);
        put(op);
        put(op);
        gatewaySays(op, "succeeded", null);

        Verdict killing = classify(true);
        Verdict quiet = classify(false);

        assertThat(killing.absorbed).isEqualTo(2);
        assertThat(killing.unabsorbed).isZero();
        assertThat(killing.passed()).as(killing.report()).isTrue();
        assertThat(quiet.absorbed).isEqualTo(2);
        assertThat(quiet.passed()).isFalse();
        assertThat(quiet.line()).contains("2 absorbed retries, none allowed").endsWith("FAILED");
    }

    @Test
    void aProvisionWithAnotherBodyOrOfAnInstanceNotOursIsAnUnabsorbedDuplicate() throws IOException {
        Op op = succeeding("a");
        put(op);
        put(op, Map.of("fault_op", 42));
        gatewaySays(op, "succeeded", null);
        Op stranger = new Op(99, "stranger", "plan-guid", PLAN, Map.of(), "succeeded", null);
        stranger.guid = "z";
        put(stranger);

        Verdict v = classify(true);

        assertThat(v.unabsorbed).isEqualTo(2);
        assertThat(v.passed()).isFalse();
    }

    @Test
    void aCreateNeverAcceptedFailsTheScenario() throws IOException {
        Op op = new Op(0, "never", "plan-guid", PLAN, Map.of(), "succeeded", null);
        op.acceptance = Op.Acceptance.REFUSED;
        op.refusal = "gave up";
        ops.add(op);

        Verdict v = classify(true);

        assertThat(v.neverAccepted).isEqualTo(1);
        assertThat(v.passed()).isFalse();
    }
}
