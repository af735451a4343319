package io.provisioner.samplebroker;

import static io.provisioner.samplebroker.BrokerClient.ASYNC_PLAN;
import static io.provisioner.samplebroker.BrokerClient.FAILING_PLAN;
import static io.provisioner.samplebroker.BrokerClient.SERVICE_ID;
import static io.provisioner.samplebroker.BrokerClient.SYNC_PLAN;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;

class ProvisioningTest extends RunningBroker {

    private final String id = UUID.randomUUID().toString();

    @Test
    void syncProvisionIsCreatedThenIdempotentThenConflicting() {
        BrokerClient.Reply created = broker.provision(id, SYNC_PLAN, Map.of("size", 1));
        BrokerClient.Reply again = broker.provision(id, SYNC_PLAN, Map.of("size", 1));
        BrokerClient.Reply other = broker.provision(id, SYNC_PLAN, Map.of("size", 2));

        assertThat(created.status()).isEqualTo(201);
        assertThat(created.body().get("dashboard_url").asString()).endsWith("/dashboard/" + id);
        assertThat(again.status()).isEqualTo(200);
        assertThat(other.status()).isEqualTo(409);
        assertThat(other.body().isEmpty()).isTrue();
        JsonNode fetched = broker.osb("GET", "/v2/service_instances/" + id, null).body();
        assertThat(fetched.get("plan_id").asString()).isEqualTo(SYNC_PLAN);
        assertThat(fetched.get("parameters").get("size").asInt()).isEqualTo(1);
        assertThat(broker.deprovision(id, SYNC_PLAN).status()).isEqualTo(200);
        assertThat(broker.osb("GET", "/v2/service_instances/" + id, null).status()).isEqualTo(404);
    }

    @Test
    void asyncProvisionIsInProgressUntilThePlanDelayHasPassed() {
        BrokerClient.Reply accepted = broker.provision(id, ASYNC_PLAN, null);

        assertThat(accepted.status()).isEqualTo(202);
        String operation = accepted.body().get("operation").asString();
        assertThat(accepted.body().get("dashboard_url").asString()).isNotBlank();
        assertThat(state(broker.lastOperation(id))).isEqualTo("in progress");
        BrokerClient.Reply retried = broker.provision(id, ASYNC_PLAN, null);
        assertThat(retried.status()).isEqualTo(202);
        assertThat(retried.body().get("operation").asString()).isEqualTo(operation);

        clock.advance(Duration.ofMillis(2999));
        assertThat(state(broker.lastOperation(id))).isEqualTo("in progress");
        clock.advance(Duration.ofMillis(1));
        assertThat(state(broker.lastOperation(id))).isEqualTo("succeeded");
        assertThat(broker.provision(id, ASYNC_PLAN, null).status()).isEqualTo(200);
    }

    @Test
    void asyncPlanWithoutAcceptsIncompleteIsRejected() {
        BrokerClient.Reply reply = broker.osb("PUT", "/v2/service_instances/" + id, Map.of("service_id", SERVICE_ID,
                "plan_id", ASYNC_PLAN, "organization_guid", "o", "space_guid", "s"));

        assertThat(reply.status()).isEqualTo(422);
        assertThat(reply.body().get("error").asString()).isEqualTo("AsyncRequired");
    }

    @Test
    void unknownPlanOrMissingFieldIsABadRequest() {
        BrokerClient.Reply unknownPlan = broker.provision(id, "no-such-plan", null);
        BrokerClient.Reply missingSpace = broker.osb("PUT", "/v2/service_instances/" + id,
                Map.of("service_id", SERVICE_ID, "plan_id", SYNC_PLAN, "organization_guid", "o"));

        assertThat(unknownPlan.status()).isEqualTo(400);
        assertThat(unknownPlan.body().get("description").asString()).contains("no-such-plan");
        assertThat(missingSpace.status()).isEqualTo(400);
        assertThat(missingSpace.body().get("description").asString()).contains("space_guid");
    }

    @Test
    void failingPlanEndsFailedWithItsDescription() {
        assertThat(broker.provision(id, FAILING_PLAN, null).status()).isEqualTo(202);
        assertThat(state(broker.lastOperation(id))).isEqualTo("in progress");

        clock.advance(Duration.ofMillis(1000));

        JsonNode last = broker.lastOperation(id).body();
        assertThat(last.get("state").asString()).isEqualTo("failed");
        assertThat(last.get("description").asString())
                .isEqualTo("The sample broker was told to fail this plan (plan 'failing').");
    }

    @Test
    void overridesCanFailTheRequestItselfOrTheOperation() {
        BrokerClient.Reply rejected = broker.provision(id, SYNC_PLAN, Map.of("sample_broker",
                Map.of("fail_status", 503, "fail_error", "Overloaded", "fail_description", "try later")));
        assertThat(rejected.status()).isEqualTo(503);
        assertThat(rejected.body().get("error").asString()).isEqualTo("Overloaded");
        assertThat(rejected.body().get("description").asString()).isEqualTo("try later");

        BrokerClient.Reply accepted = broker.provision(id, SYNC_PLAN, Map.of("sample_broker",
                Map.of("mode", "fail", "delay_ms", 500, "operation", "op-42", "fail_description", "boom")));
        assertThat(accepted.status()).isEqualTo(202);
        assertThat(accepted.body().get("operation").asString()).isEqualTo("op-42");
        clock.advance(Duration.ofMillis(500));
        assertThat(broker.lastOperation(id).body().get("description").asString()).isEqualTo("boom");
    }

    @Test
    void asyncUpdateChangesThePlanWhenItCompletes() {
        broker.provision(id, SYNC_PLAN, Map.of("size", 1));

        BrokerClient.Reply updating = broker.osb("PATCH", "/v2/service_instances/" + id + "?accepts_incomplete=true",
                Map.of("service_id", SERVICE_ID, "plan_id", ASYNC_PLAN, "parameters", Map.of("size", 2)));

        assertThat(updating.status()).isEqualTo(202);
        assertThat(updating.body().get("operation").asString()).startsWith("update-");
        assertThat(state(broker.lastOperation(id))).isEqualTo("in progress");
        clock.advance(Duration.ofSeconds(3));
        assertThat(state(broker.lastOperation(id))).isEqualTo("succeeded");
        JsonNode fetched = broker.osb("GET", "/v2/service_instances/" + id, null).body();
        assertThat(fetched.get("plan_id").asString()).isEqualTo(ASYNC_PLAN);
        assertThat(fetched.get("parameters").get("size").asInt()).isEqualTo(2);
    }

    @Test
    void syncUpdateAnswers200AndTakesEffectAtOnce() {
        broker.provision(id, SYNC_PLAN, Map.of("size", 1));

        BrokerClient.Reply updated = broker.osb("PATCH", "/v2/service_instances/" + id,
                Map.of("service_id", SERVICE_ID, "parameters", Map.of("size", 5)));

        assertThat(updated.status()).isEqualTo(200);
        assertThat(updated.body().isEmpty()).isTrue();
        JsonNode fetched = broker.osb("GET", "/v2/service_instances/" + id, null).body();
        assertThat(fetched.get("plan_id").asString()).isEqualTo(SYNC_PLAN);
        assertThat(fetched.get("parameters").get("size").asInt()).isEqualTo(5);
    }

    @Test
    void updateOfAnUnknownInstanceIsABadRequest() {
        BrokerClient.Reply reply = broker.osb("PATCH", "/v2/service_instances/" + id + "?accepts_incomplete=true",
                Map.of("service_id", SERVICE_ID, "plan_id", SYNC_PLAN));

        assertThat(reply.status()).isEqualTo(400);
    }

    @Test
    void asyncDeprovisionEndsInGone() {
        broker.provision(id, ASYNC_PLAN, null); // still provisioning: a delete stops it

        BrokerClient.Reply deleting = broker.deprovision(id, ASYNC_PLAN);

        assertThat(deleting.status()).isEqualTo(202);
        assertThat(deleting.body().get("operation").asString()).startsWith("deprovision-");
        assertThat(state(broker.lastOperation(id))).isEqualTo("in progress");
        clock.advance(Duration.ofSeconds(3));
        BrokerClient.Reply gone = broker.lastOperation(id);
        assertThat(gone.status()).isEqualTo(410);
        assertThat(gone.body().isEmpty()).isTrue();
        assertThat(broker.deprovision(id, ASYNC_PLAN).status()).isEqualTo(410);
    }

    @Test
    void unknownInstanceIsNotFoundAndItsDeleteIsGone() {
        assertThat(broker.lastOperation(id).status()).isEqualTo(404);
        assertThat(broker.osb("GET", "/v2/service_instances/" + id, null).status()).isEqualTo(404);
        assertThat(broker.deprovision(id, SYNC_PLAN).status()).isEqualTo(410);
    }

    private static String state(BrokerClient.Reply reply) {
        assertThat(reply.status()).isEqualTo(200);
        return reply.body().get("state").asString();
    }
}
