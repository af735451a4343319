package io.provisioner.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

import io.provisioner.schemas.BrokerEndpoint;
import io.provisioner.schemas.OperationState;
import io.provisioner.schemas.OperationStatusChanged;
import io.provisioner.schemas.OperationType;
import io.provisioner.schemas.ProvisioningRequested;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;

import tools.jackson.databind.JsonNode;

/**
 * Kill the worker with {@code kill -9} while 200 asynchronous operations are in flight, start another:
 * every operation ends, none is stuck, no broker call is missing. Then a SIGTERM: the worker stops within
 * its bound and hands back what it had, which the next worker finishes.
 *
 * <p>The workers are child JVMs (see {@link ChildWorker}); the test context's own worker stops taking
 * work meanwhile, so the children are the only members of the consumer groups.
 */
@Isolated
class KillAndRestartTest extends WorkerIntegrationTest {

    private static final int OPERATIONS = 200;

    @Autowired
    KafkaListenerEndpointRegistry listeners;

    @Autowired
    ApplicationContext context;

    @Test
    void everyOperationInFlightSurvivesAKilledWorkerAndAStoppedOne() throws Exception {
        MessageListenerContainer requests = listeners.getListenerContainer("provisioning-requests");
        SmartLifecycle pollLoop = context.getBean("pollLoop", SmartLifecycle.class);
        requests.stop();
        pollLoop.stop();
        ChildWorker first = null;
        ChildWorker second = null;
        try {
            first = ChildWorker.start("first", kafka.getBrokersAsString());
            BrokerEndpoint sample = sampleBrokerEndpoint("sample-broker");
            List<ProvisioningRequested> creates = IntStream.range(0, OPERATIONS).mapToObj(i -> sampleRequest(
                    OperationType.CREATE, UUID.randomUUID().toString(), ASYNC_PLAN,
                    Map.of("delay_ms", 2_000 + (i % 40) * 100), null, sample)).toList();
            creates.forEach(this::send);

            // Mid-flight: most operations accepted, polls under way, none of the slow ones done.
            await().atMost(Duration.ofSeconds(60)).until(() -> polls(creates) >= 100);
            first.kill();
            long finishedAtKill = creates.stream().filter(this::finished).count();
            Map<String, List<JsonNode>> atKill = requestsByInstance();
            long reachedAtKill = creates.stream().filter(c -> atKill.containsKey(c.instanceGuid())).count();
            // The kill must cut operations mid-way, or the restart proves nothing: most still running, and many of
            // those already at the broker (being polled), not merely waiting on the topic.
            assertThat(OPERATIONS - finishedAtKill).as("operations in flight at the kill").isGreaterThanOrEqualTo(
                    OPERATIONS / 2);
            assertThat(reachedAtKill - finishedAtKill).as("operations being polled at the kill").isGreaterThanOrEqualTo(
                    OPERATIONS / 4);

            second = ChildWorker.start("second", kafka.getBrokersAsString());
            await().atMost(Duration.ofSeconds(90)).until(() -> creates.stream().allMatch(this::finished));

            Map<String, List<JsonNode>> received = requestsByInstance();
            int putTwice = 0;
            for (ProvisioningRequested create : creates) {
                List<OperationStatusChanged> statuses = statusesOf(create.instanceGuid());
                assertThat(last(statuses).state()).isEqualTo(OperationState.SUCCEEDED);
                assertThat(statuses.stream().filter(s -> s.state().terminal()).map(OperationStatusChanged::state))
                        .containsOnly(OperationState.SUCCEEDED);
                List<JsonNode> calls = received.get(create.instanceGuid());
                long puts = calls.stream().filter(c -> c.get("method").asString().equals("PUT")).count();
                assertThat(puts).as("the PUT of %s reached the broker", create.instanceGuid()).isBetween(1L, 2L);
                putTwice += puts == 2 ? 1 : 0;
                // Success came from a poll, or from a PUT sent again after the kill that found the instance
                // ready (200: OSB's idempotent provision).
                boolean polled = calls.stream().anyMatch(c -> c.get("path").asString().endsWith("/last_operation"));
                assertThat(polled || puts == 2).as("%s ended on a broker answer", create.instanceGuid()).isTrue();
            }
            // No chain is left polling: the count of requests stays put once everything is done.
            long settled = polls(creates);
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> polls(creates) == settled);
            System.out.printf("kill -9 with %d of %d operations in flight (%d of them at the broker); %d PUTs sent "
                    + "twice (redelivered, idempotent at the broker)%n", OPERATIONS - finishedAtKill, OPERATIONS,
                    reachedAtKill - finishedAtKill, putTwice);

            // SIGTERM while twenty more are in flight: a bounded stop, and nothing lost.
            List<ProvisioningRequested> more = IntStream.range(0, 20).mapToObj(i -> sampleRequest(OperationType.CREATE,
                    UUID.randomUUID().toString(), ASYNC_PLAN, Map.of("delay_ms", 3_000), null, sample)).toList();
            more.forEach(this::send);
            await().atMost(Duration.ofSeconds(30)).until(() -> more.stream()
                    .allMatch(create -> !statusesOf(create.instanceGuid()).isEmpty()));
            Duration stopped = second.terminate(Duration.ofSeconds(45));
            assertThat(stopped).as("the worker stops within its shutdown bound").isNotNull()
                    .isLessThan(Duration.ofSeconds(45));
            assertThat(second.log()).contains("the poll loop stopped");
            System.out.printf("SIGTERM with 20 operations in flight: the worker stopped in %d ms%n", stopped.toMillis());
            requests.start();
            pollLoop.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> more.stream().allMatch(this::finished));
            assertThat(more).allSatisfy(create -> assertThat(last(statusesOf(create.instanceGuid())).state())
                    .isEqualTo(OperationState.SUCCEEDED));
        } finally {
            if (first != null && first.alive()) {
                first.kill();
            }
            if (second != null && second.alive()) {
                second.kill();
            }
            if (!requests.isRunning()) {
                requests.start();
            }
            if (!pollLoop.isRunning()) {
                pollLoop.start();
            }
        }
    }

    private boolean finished(ProvisioningRequested create) {
        return statusesOf(create.instanceGuid()).stream().anyMatch(s -> s.state().terminal());
    }

    private long polls(List<ProvisioningRequested> creates) {
        return requestsByInstance().entrySet().stream()
                .filter(entry -> creates.stream().anyMatch(c -> c.instanceGuid().equals(entry.getKey())))
                .flatMap(entry -> entry.getValue().stream())
                .filter(c -> c.get("path").asString().endsWith("/last_operation")).count();
    }

    /** Everything the sample broker received, by instance guid, in one read of its log. */
    private static Map<String, List<JsonNode>> requestsByInstance() {
        Map<String, List<JsonNode>> byInstance = new HashMap<>();
        allSampleBrokerRequests().forEach(entry -> {
            String[] path = entry.get("path").asString().split("/");
            if (path.length > 3) {
                byInstance.computeIfAbsent(path[3], key -> new java.util.ArrayList<>()).add(entry);
            }
        });
        return byInstance;
    }
}
