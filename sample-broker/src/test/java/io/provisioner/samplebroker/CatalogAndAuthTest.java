package io.provisioner.samplebroker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;

class CatalogAndAuthTest extends RunningBroker {

    @Test
    void catalogListsTheSampleServiceAndItsThreePlans() {
        BrokerClient.Reply reply = broker.osb("GET", "/v2/catalog", null);

        assertThat(reply.status()).isEqualTo(200);
        JsonNode service = reply.body().get("services").get(0);
        assertThat(service.get("name").asString()).isEqualTo("sample-db");
        assertThat(service.get("id").asString()).isEqualTo(BrokerClient.SERVICE_ID);
        assertThat(service.get("bindable").asBoolean()).isTrue();
        assertThat(service.get("bindings_retrievable").asBoolean()).isTrue();
        assertThat(service.get("plan_updateable").asBoolean()).isTrue();
        assertThat(service.get("instances_retrievable").asBoolean()).isTrue();
        assertThat(service.get("tags").get(0).asString()).isEqualTo("sample");
        JsonNode plans = service.get("plans");
        assertThat(plans).hasSize(3);
        assertThat(plans.get(0).get("name").asString()).isEqualTo("sync");
        assertThat(plans.get(1).get("id").asString()).isEqualTo(BrokerClient.ASYNC_PLAN);
        assertThat(plans.get(1).get("maximum_polling_duration").asInt()).isEqualTo(600);
        assertThat(plans.get(2).get("name").asString()).isEqualTo("failing");
        assertThat(plans.get(2).get("maintenance_info").get("version").asString()).isEqualTo("1.0.0");
        assertThat(plans.get(2).get("free").asBoolean()).isTrue();
        assertThat(plans.get(2).has("mode")).as("behaviour settings stay private").isFalse();
    }

    @Test
    void missingOrWrongCredentialsAnswer401() {
        BrokerClient.Reply none = broker.send("GET", "/v2/catalog", null, Map.of("X-Broker-API-Version", "2.17"));
        BrokerClient.Reply wrong = broker.send("GET", "/v2/catalog", null, Map.of("X-Broker-API-Version", "2.17",
                "Authorization", BrokerClient.basic("broker", "guess")));

        assertThat(none.status()).isEqualTo(401);
        assertThat(none.body().get("error").asString()).isEqualTo("Unauthorized");
        assertThat(wrong.status()).isEqualTo(401);
    }

    @Test
    void missingVersionHeaderAnswers412() {
        BrokerClient.Reply reply = broker.send("GET", "/v2/catalog", null,
                Map.of("Authorization", BrokerClient.basic("broker", "broker-secret")));

        assertThat(reply.status()).isEqualTo(412);
        assertThat(reply.body().get("error").asString()).isEqualTo("PreconditionFailed");
        assertThat(reply.body().get("description").asString()).contains("X-Broker-API-Version");
    }

    @Test
    void adminEndpointShowsReceivedRequestsIncludingRejectedOnes() {
        broker.admin("DELETE", "/admin/requests");
        broker.send("GET", "/v2/catalog?x=1", null, Map.of());
        broker.provision("logged-instance", BrokerClient.SYNC_PLAN, Map.of("size", 3));

        JsonNode requests = broker.admin("GET", "/admin/requests").body();

        assertThat(requests).hasSize(2);
        assertThat(requests.get(0).get("method").asString()).isEqualTo("GET");
        assertThat(requests.get(0).get("path").asString()).isEqualTo("/v2/catalog");
        assertThat(requests.get(0).get("query").asString()).isEqualTo("x=1");
        assertThat(requests.get(0).get("body").isNull()).isTrue();
        JsonNode put = requests.get(1);
        assertThat(put.get("method").asString()).isEqualTo("PUT");
        assertThat(put.get("path").asString()).isEqualTo("/v2/service_instances/logged-instance");
        assertThat(put.get("headers").get("x-broker-api-version").asString()).isEqualTo("2.17");
        assertThat(put.get("body").get("parameters").get("size").asInt()).isEqualTo(3);
        assertThat(put.get("received_at").asString()).isNotBlank();
        assertThat(put.get("headers").get("authorization").asString())
                .as("the platform's credentials are not kept").isEqualTo("Basic [REDACTED]");
        assertThat(requests.toString()).doesNotContain(BrokerClient.basic("broker", "broker-secret").substring(6));

        assertThat(broker.admin("DELETE", "/admin/requests").status()).isEqualTo(204);
        assertThat(broker.admin("GET", "/admin/requests").body()).isEmpty();
    }

    @Test
    void adminEndpointsNeedTheBrokersCredentials() {
        broker.provision("secret-instance", BrokerClient.SYNC_PLAN, Map.of("password", "tenant-secret"));

        for (String method : new String[] {"GET", "DELETE"}) {
            BrokerClient.Reply none = broker.send(method, "/admin/requests", null, Map.of());
            BrokerClient.Reply wrong = broker.send(method, "/admin/requests", null,
                    Map.of("Authorization", BrokerClient.basic("broker", "guess")));
            assertThat(none.status()).as(method + " without credentials").isEqualTo(401);
            assertThat(wrong.status()).as(method + " with wrong credentials").isEqualTo(401);
            assertThat(none.text()).doesNotContain("tenant-secret");
        }
        assertThat(broker.admin("GET", "/admin/requests").text()).as("nothing was cleared").contains("tenant-secret");
    }

    @Test
    void healthIsExposed() {
        assertThat(broker.send("GET", "/actuator/health", null, Map.of()).status()).isEqualTo(200);
    }
}
