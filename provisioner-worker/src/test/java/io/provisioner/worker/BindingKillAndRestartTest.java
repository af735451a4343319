package io.provisioner.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import io.provisioner.schemas.BindingStatusChanged;
import io.provisioner.schemas.OperationState;
import io.provisioner.schemas.OperationType;
import io.provisioner.schemas.ProvisioningRequested;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;

/**
 * Kill the worker with {@code kill -9} while asynchronous binds are being polled, start another: every bind
 * ends as the broker says, the succeeded ones with their credentials (fetched after the kill when the
 * kill came first), the failed ones failed and their bindings deleted at the broker (orphan mitigation).
 */
@Isolated
class BindingKillAndRestartTest extends WorkerIntegrationTest {

    private static final int INSTANCES = 4;
    private static final int BINDS_PER_INSTANCE = 10;

    @Autowired
    KafkaListenerEndpointRegistry listeners;

    @Autowired
    ApplicationContext context;

    @Test
    void asyncBindsInFlightEndCorrectlyAfterAKilledWorker() throws Exception {
        List<String> instances = IntStream.range(0, INSTANCES).mapToObj(i -> newGuid()).toList();
        instances.forEach(instance -> send(sampleRequest(OperationType.CREATE, instance, SYNC_PLAN, null)));
        instances.forEach(instance -> assertThat(last(awaitFinished(instance)).state())
                .isEqualTo(OperationState.SUCCEEDED));

        MessageListenerContainer requests = listeners.getListenerContainer("provisioning-requests");
        SmartLifecycle pollLoop = context.getBean("pollLoop", SmartLifecycle.class);
        requests.stop();
        pollLoop.stop();
        ChildWorker first = null;
        ChildWorker second = null;
        try {
            first = ChildWorker.start("binding-first", kafka.getBrokersAsString());
            List<ProvisioningRequested> binds = new ArrayList<>();
            for (String instance : instances) {
                for (int i = 0; i < BINDS_PER_INSTANCE; i++) {
                    // Every fifth bind fails at the broker after its delay; the rest succeed.
                    Map<String, Object> modes = Map.of("mode", i % 5 == 4 ? "fail" : "async", "delay_ms", 3_000 + i * 200);
                    binds.add(bindingRequest(OperationType.CREATE, instance, newGuid(), modes));
                }
            }
            binds.forEach(this::sendBinding);

            await().atMost(Duration.ofSeconds(60)).until(() -> bindingPolls(instances) >= binds.size() / 2);
            first.kill();
            long finishedAtKill = binds.stream().filter(this::finished).count();
            assertThat(binds.size() - finishedAtKill).as("binds in flight at the kill")
                    .isGreaterThanOrEqualTo(binds.size() / 2);

            second = ChildWorker.start("binding-second", kafka.getBrokersAsString());
            await().atMost(Duration.ofSeconds(90)).until(() -> binds.stream().allMatch(this::finished));

            for (int n = 0; n < binds.size(); n++) {
                ProvisioningRequested bind = binds.get(n);
                String binding = bind.binding().bindingGuid();
                BindingStatusChanged end = awaitBindingFinished(binding, bind.operationId());
                assertThat(bindingStatusesOf(binding).stream().filter(s -> s.state().terminal())
                        .map(BindingStatusChanged::state).distinct()).as(binding).containsExactly(end.state());
                if (n % BINDS_PER_INSTANCE % 5 == 4) {
                    assertThat(end.state()).as(binding).isEqualTo(OperationState.FAILED);
                    assertThat(end.sealedCredentials()).isNull();
                    await().atMost(Duration.ofSeconds(30)).until(() -> !sampleBrokerHoldsBinding(binding));
                } else {
                    assertThat(end.state()).as(binding).isEqualTo(OperationState.SUCCEEDED);
                    assertThat(json.readTree(sealer.open(end.sealedCredentials())).get("password").asString())
                            .isNotBlank();
                    assertThat(sampleBrokerHoldsBinding(binding)).isTrue();
                }
            }
            System.out.printf("kill -9 with %d of %d binds in flight: all ended as the broker said%n",
                    binds.size() - finishedAtKill, binds.size());
        } finally {
            if (first != null && first.alive()) {
                first.kill();
            }
            if (second != null && second.alive()) {
                second.kill();
            }
            requests.start();
            pollLoop.start();
        }
    }

    private boolean finished(ProvisioningRequested bind) {
        return bindingStatusesOf(bind.binding().bindingGuid()).stream()
                .anyMatch(s -> s.operationId().equals(bind.operationId()) && s.state().terminal());
    }

    private static long bindingPolls(List<String> instances) {
        long polls = 0;
        for (tools.jackson.databind.JsonNode entry : allSampleBrokerRequests()) {
            String path = entry.get("path").asString();
            if (path.contains("/service_bindings/") && path.endsWith("/last_operation")
                    && instances.stream().anyMatch(path::contains)) {
                polls++;
            }
        }
        return polls;
    }
}
