package io.provisioner.fault;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import tools.jackson.databind.JsonNode;

/**
 * Checks every operation of a scenario against the gateway (the user's view) and the sample broker (the truth):
 * lost, stuck, wrong, duplicate provisions.
 */
final class Verifier {

    private Verifier() {
    }

    /** How long the in-progress count may stay unchanged before the wait gives up early (nothing moves any more). */
    static final Duration NO_PROGRESS = Duration.ofSeconds(90);

    /**
     * Waits until no accepted operation is in progress at the gateway, or the time is up, or nothing has finished for
     * {@link #NO_PROGRESS}. Returns the seconds it took, or -1 when operations are still in progress.
     */
    static double awaitSettled(Stack stack, List<Op> ops, Duration timeout) {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        long lastChange = start;
        long lastBusy = Long.MAX_VALUE;
        while (true) {
            try {
                Map<String, GatewayClient.Instance> all = stack.client.allInstances();
                long busy = 0;
                for (Op op : ops) {
                    if (!op.accepted()) {
                        continue;
                    }
                    GatewayClient.Instance i = all.get(op.guid);
                    if (i != null && "in progress".equals(i.state())) {
                        busy++;
                    }
                }
                if (busy == 0) {
                    return Procs.seconds(start);
                }
                if (busy != lastBusy) {
                    lastBusy = busy;
                    lastChange = System.nanoTime();
                }
            } catch (IOException | RuntimeException e) {
                // the gateway may be restarting; keep waiting
            }
            long now = System.nanoTime();
            if (now > deadline || now - lastChange > NO_PROGRESS.toNanos()) {
                return -1;
            }
            Procs.sleep(Duration.ofSeconds(1));
        }
    }

    /** Fills the counts of {@code verdict} from the gateway's and the broker's view of every op. */
    static Map<String, GatewayClient.Instance> verify(Stack stack, List<Op> ops, Verdict verdict) throws IOException {
        Map<String, GatewayClient.Instance> all = stack.client.allInstances();
        JsonNode requests = stack.broker.requests();
        if (requests.size() >= 250_000) {
            verdict.problems.add("the sample broker's request log is full (" + requests.size()
                    + " entries): duplicate counts may be incomplete");
        }
        Map<String, List<BrokerTruth.Provision>> provisions = stack.broker.provisions(requests);
        Map<String, Integer> deprovisions = stack.broker.deprovisions(requests);

        verdict.requested = ops.size();
        Set<String> ours = new HashSet<>();
        for (Op op : ops) {
            if (!op.accepted()) {
                verdict.neverAccepted++;
                verdict.example("never accepted: " + op.name + ": " + op.refusal);
                continue;
            }
            verdict.accepted++;
            ours.add(op.guid);
            GatewayClient.Instance instance = all.get(op.guid);
            List<BrokerTruth.Provision> puts = provisions.getOrDefault(op.guid, List.of());
            countDuplicates(op, puts, verdict);
            if (instance == null) {
                verdict.lost++;
                verdict.example("lost: " + op + " was accepted (" + op.acceptance + ") but the gateway does not know it;"
                        + " broker saw " + puts.size() + " provision(s)");
                continue;
            }
            if ("in progress".equals(instance.state())) {
                verdict.stuck++;
                Http.Answer truth = stack.broker.fetch(op.guid);
                verdict.example("stuck: " + op + " still '" + instance.type() + " in progress' (" + instance.description()
                        + "); broker saw " + puts.size() + " provision(s) and " + (truth.status() == 200
                        ? "has the instance provisioned" : "answers " + truth.status() + " for it"));
                continue;
            }
            String why = wrongness(stack, op, instance, puts.size(), deprovisions.getOrDefault(op.guid, 0));
            if (why != null) {
                verdict.wrong++;
                verdict.example("wrong: " + op + ": " + why);
            } else if ("succeeded".equals(instance.state())) {
                verdict.succeeded++;
            } else {
                verdict.failedAsExpected++;
            }
        }
        // Provisions of instances the gateway never accepted for us (orphans): not absorbable.
        for (Map.Entry<String, List<BrokerTruth.Provision>> e : provisions.entrySet()) {
            if (!ours.contains(e.getKey())) {
                verdict.unabsorbed += e.getValue().size();
                verdict.example("orphan provision at the broker for " + e.getKey() + " ("
                        + (all.containsKey(e.getKey()) ? "known to the gateway as " + all.get(e.getKey()).name()
                        : "unknown to the gateway") + ")");
            }
        }
        return all;
    }

    /** Extra PUTs with the same body are absorbed by OSB idempotency; a different body would be a 409 conflict. */
    private static void countDuplicates(Op op, List<BrokerTruth.Provision> puts, Verdict verdict) {
        if (puts.size() <= 1) {
            return;
        }
        JsonNode first = identity(puts.get(0).body());
        for (int i = 1; i < puts.size(); i++) {
            if (Objects.equals(first, identity(puts.get(i).body()))) {
                verdict.absorbed++;
            } else {
                verdict.unabsorbed++;
                verdict.example("unabsorbed duplicate provision of " + op + ": first body " + puts.get(0).body()
                        + ", later " + puts.get(i).body());
            }
        }
    }

    /** The fields OSB compares for an identical provision (service, plan, org, space, parameters). */
    private static JsonNode identity(JsonNode body) {
        var node = Http.JSON.createObjectNode();
        for (String field : List.of("service_id", "plan_id", "organization_guid", "space_guid", "parameters")) {
            node.set(field, body.path(field));
        }
        return node;
    }

    /** Null when the instance is in the expected final state at the gateway and at the broker; else why not. */
    private static String wrongness(Stack stack, Op op, GatewayClient.Instance instance, int puts, int deletes)
            throws IOException {
        if (!"create".equals(instance.type())) {
            return "last operation is '" + instance.type() + "', expected 'create'";
        }
        if (!op.expectedState.equals(instance.state())) {
            return "gateway says '" + instance.state() + "' (" + instance.description() + "), expected '"
                    + op.expectedState + "'; broker saw " + puts + " provision(s), " + deletes + " deprovision(s)";
        }
        Http.Answer truth = stack.broker.fetch(op.guid);
        if ("succeeded".equals(op.expectedState)) {
            if (truth.status() != 200 || truth.json() == null) {
                return "gateway says succeeded, but the broker answers " + truth + " (" + puts + " provision(s), "
                        + deletes + " deprovision(s))";
            }
            if (!op.brokerPlanId.equals(truth.json().path("plan_id").asString())) {
                return "broker has plan " + truth.json().path("plan_id").asString() + ", expected " + op.brokerPlanId;
            }
            JsonNode expected = Http.JSON.valueToTree(op.parameters);
            if (!expected.equals(truth.json().path("parameters"))) {
                return "broker has parameters " + truth.json().path("parameters") + ", expected " + expected;
            }
        } else if (truth.status() == 200) {
            return "gateway says failed, but the broker has the instance provisioned";
        }
        return null;
    }

    /** Instances at the gateway that are none of ours (e.g. a create applied twice under another guid). */
    static int strangers(Map<String, GatewayClient.Instance> all, List<Op> ops) {
        Map<String, Op> byName = new HashMap<>();
        ops.forEach(o -> byName.put(o.name, o));
        int strangers = 0;
        for (GatewayClient.Instance i : all.values()) {
            Op op = byName.get(i.name());
            if (op == null || !i.guid().equals(op.guid)) {
                strangers++;
            }
        }
        return strangers;
    }
}
