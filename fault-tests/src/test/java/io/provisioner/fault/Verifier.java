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

    /**
     * How long, after every operation is final, a failed create's clean-up DELETE may still take to reach the
     * broker: orphan mitigation may run after the operation already shows {@code failed}. Generous because the
     * machine may be shared; a DELETE that never comes still fails the scenario.
     */
    static final Duration CLEANUP_WAIT = Duration.ofSeconds(120);

    /** The broker's own answer about an instance (OSB fetch). */
    @FunctionalInterface
    interface Truth {
        Http.Answer fetch(String instanceId) throws IOException;
    }

    /** Fills the counts of {@code verdict} from the gateway's and the broker's view of every op. */
    static Map<String, GatewayClient.Instance> verify(Stack stack, List<Op> ops, Verdict verdict) throws IOException {
        Map<String, GatewayClient.Instance> all = stack.client.allInstances();
        double cleaned = awaitCleanups(stack, ops, all, CLEANUP_WAIT);
        if (cleaned > 0) {
            verdict.notes.add(String.format("the last clean-up DELETE of a failed create reached the broker %.1f s "
                    + "after every operation was final", cleaned));
        } else if (cleaned < 0) {
            verdict.notes.add("clean-up DELETEs of failed creates still missing after " + CLEANUP_WAIT.toSeconds() + " s");
        }
        BrokerLog log = stack.broker.log();
        if (log.size() >= 250_000) {
            verdict.problems.add("the sample broker's request log is full (" + log.size()
                    + " entries): duplicate counts may be incomplete");
        }
        classify(ops, all, log, stack.broker::fetch, verdict);
        return all;
    }

    /**
     * Waits until every accepted create the gateway shows as {@code failed} has had its DELETE at the broker. Returns
     * the seconds it took (0 when nothing was missing), or -1 when some are still missing after {@code timeout}.
     */
    static double awaitCleanups(Stack stack, List<Op> ops, Map<String, GatewayClient.Instance> gateway,
            Duration timeout) {
        List<String> failed = ops.stream().filter(Op::accepted).map(o -> gateway.get(o.guid))
                .filter(i -> i != null && "failed".equals(i.state())).map(GatewayClient.Instance::guid).toList();
        if (failed.isEmpty()) {
            return 0;
        }
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        boolean waited = false;
        while (true) {
            try {
                BrokerLog log = stack.broker.log();
                if (failed.stream().allMatch(log::deletedAfterProvision)) {
                    return waited ? Procs.seconds(start) : 0;
                }
            } catch (IOException | RuntimeException e) {
                // the broker may be busy; keep waiting
            }
            if (System.nanoTime() > deadline) {
                return -1;
            }
            waited = true;
            Procs.sleep(Duration.ofSeconds(1));
        }
    }

    /**
     * The classification itself, on a snapshot of the gateway's instances and the broker's request log: every op
     * counted once as never accepted, lost, stuck, wrong, succeeded or failed as expected; repeated provisions
     * counted as absorbed (same body) or unabsorbed (another body, or an instance that is none of ours).
     */
    static void classify(List<Op> ops, Map<String, GatewayClient.Instance> gateway, BrokerLog log, Truth truth,
            Verdict verdict) throws IOException {
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
            GatewayClient.Instance instance = gateway.get(op.guid);
            List<BrokerLog.Provision> puts = log.provisionsOf(op.guid);
            countDuplicates(op, puts, verdict);
            if (instance == null) {
                verdict.lost++;
                verdict.example("lost: " + op + " was accepted (" + op.acceptance + ") but the gateway does not know it;"
                        + " broker saw " + puts.size() + " provision(s)");
                continue;
            }
            if ("in progress".equals(instance.state())) {
                verdict.stuck++;
                Http.Answer answer = truth.fetch(op.guid);
                verdict.example("stuck: " + op + " still '" + instance.type() + " in progress' (" + instance.description()
                        + "); broker saw " + puts.size() + " provision(s) and " + (answer.status() == 200
                        ? "has the instance provisioned" : "answers " + answer.status() + " for it"));
                continue;
            }
            String why = wrongness(op, instance, log, truth);
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
        for (String id : log.provisioned()) {
            if (!ours.contains(id)) {
                verdict.unabsorbed += log.provisionsOf(id).size();
                verdict.example("orphan provision at the broker for " + id + " ("
                        + (gateway.containsKey(id) ? "known to the gateway as " + gateway.get(id).name()
                        : "unknown to the gateway") + ")");
            }
        }
    }

    /** Extra PUTs with the same body are absorbed by OSB idempotency; a different body would be a 409 conflict. */
    private static void countDuplicates(Op op, List<BrokerLog.Provision> puts, Verdict verdict) {
        if (puts.size() <= 1) {
            return;
        }
        JsonNode first = identity(puts.get(0).body());
        for (int i = 1; i < puts.size(); i++) {
            if (Objects.equals(first, identity(puts.get(i).body()))) {
                verdict.absorbed++;
                if (!verdict.absorbedRetriesAllowed && verdict.absorbed <= 3) {
                    verdict.example("repeated provision of " + op + " where no process was killed (" + puts.size()
                            + " PUTs)");
                }
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

    /**
     * Null when the instance is in the expected final state at the gateway and at the broker, and the broker saw
     * what that state requires; else why not. A create that ended {@code failed} must have reached the broker, carry
     * the broker's failure text, and have been deleted at the broker afterwards (OSB: a platform deprovisions after
     * an asynchronous provision failed). One that ended {@code succeeded} must never have been deleted: nothing in
     * the suite asks for a delete.
     */
    private static String wrongness(Op op, GatewayClient.Instance instance, BrokerLog log, Truth truth)
            throws IOException {
        int puts = log.provisionsOf(op.guid).size();
        int deletes = log.deletesOf(op.guid).size();
        if (!"create".equals(instance.type())) {
            return "last operation is '" + instance.type() + "', expected 'create'";
        }
        if (!op.expectedState.equals(instance.state())) {
            return "gateway says '" + instance.state() + "' (" + instance.description() + "), expected '"
                    + op.expectedState + "'; broker saw " + puts + " provision(s), " + deletes + " deprovision(s)";
        }
        if (puts == 0) {
            return "gateway says '" + instance.state() + "' (" + instance.description()
                    + "), but the broker never received a provision";
        }
        if ("succeeded".equals(op.expectedState)) {
            if (deletes > 0) {
                return "the create succeeded, yet the broker received " + deletes + " DELETE(s) nobody asked for";
            }
            Http.Answer answer = truth.fetch(op.guid);
            if (answer.status() != 200 || answer.json() == null) {
                return "gateway says succeeded, but the broker answers " + answer + " (" + puts + " provision(s))";
            }
            if (!op.brokerPlanId.equals(answer.json().path("plan_id").asString())) {
                return "broker has plan " + answer.json().path("plan_id").asString() + ", expected " + op.brokerPlanId;
            }
            JsonNode expected = Http.JSON.valueToTree(op.parameters);
            if (!expected.equals(answer.json().path("parameters"))) {
                return "broker has parameters " + answer.json().path("parameters") + ", expected " + expected;
            }
            return null;
        }
        if (op.failureText != null && (instance.description() == null
                || !instance.description().contains(op.failureText))) {
            return "failed, but the description '" + instance.description() + "' does not carry the broker's '"
                    + op.failureText + "'";
        }
        if (!log.deletedAfterProvision(op.guid)) {
            return "failed at the broker, but no DELETE followed its provision (orphan mitigation after an "
                    + "asynchronous failure); broker saw " + puts + " provision(s), " + deletes + " deprovision(s)";
        }
        if (truth.fetch(op.guid).status() == 200) {
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
