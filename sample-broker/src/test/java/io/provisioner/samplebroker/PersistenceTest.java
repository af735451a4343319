package io.provisioner.samplebroker;

import static io.provisioner.samplebroker.BrokerClient.ASYNC_PLAN;
import static io.provisioner.samplebroker.BrokerClient.SYNC_PLAN;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A second broker started on the first one's data dir (while the first still runs, so nothing relies
 * on a clean shutdown) knows every instance and operation the first one answered for.
 */
class PersistenceTest extends RunningBroker {

    @Test
    void aBrokerStartedOnTheSameDataDirRemembersInstancesAndOperations() {
        String synced = UUID.randomUUID().toString();
        String slow = UUID.randomUUID().toString();
        String deleted = UUID.randomUUID().toString();
        broker.provision(synced, SYNC_PLAN, Map.of("size", 7));
        String slowOperation = broker.provision(slow, ASYNC_PLAN,
                Map.of("sample_broker", Map.of("delay_ms", 36_000_000))).body().get("operation").asString();
        broker.provision(deleted, SYNC_PLAN, null);
        broker.deprovision(deleted, SYNC_PLAN);

        try (ConfigurableApplicationContext second = SampleBrokerApplication.builder()
                // builder properties are defaults the yml beats: set its placeholders instead
                .properties("SAMPLE_BROKER_PORT=0", "SAMPLE_BROKER_DATA_DIR=" + DATA_DIR, "spring.main.banner-mode=off")
                .run()) {
            BrokerClient restarted = new BrokerClient(
                    Integer.parseInt(second.getEnvironment().getProperty("local.server.port")));

            assertThat(restarted.osb("GET", "/v2/service_instances/" + synced, null).body()
                    .get("parameters").get("size").asInt()).isEqualTo(7);
            assertThat(restarted.lastOperation(slow).body().get("state").asString()).isEqualTo("in progress");
            BrokerClient.Reply retried = restarted.provision(slow, ASYNC_PLAN,
                    Map.of("sample_broker", Map.of("delay_ms", 36_000_000)));
            assertThat(retried.status()).isEqualTo(202);
            assertThat(retried.body().get("operation").asString()).isEqualTo(slowOperation);
            assertThat(restarted.lastOperation(deleted).status()).isEqualTo(410);
        }
    }
}
