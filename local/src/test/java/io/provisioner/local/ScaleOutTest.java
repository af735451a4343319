package io.provisioner.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.provisioner.gateway.GatewayApplication;
import io.provisioner.worker.WorkerApplication;

/**
 * Scaled out: two gateways and two workers on one Kafka and one database (H2 in server mode, or PostgreSQL
 * when PROVISIONER_DB_URL is set). The second gateway and the second worker are processes of their own.
 * Both gateways serve and relay, both workers take partitions, and killing one of each with SIGKILL while
 * operations are under way loses none of them: the other gateway keeps serving and relaying, the other
 * worker takes over every partition and finishes what the dead one had started.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ScaleOutTest {

    private static final Pattern SERIES = Pattern.compile("^(\\w+)\\{([^}]*)} (\\S+)$", Pattern.MULTILINE);
    private final HttpClient http = HttpClient.newHttpClient();
    private LocalStack stack;
    private AppProcess secondGateway;
    private AppProcess secondWorker;

    @BeforeAll
    void start() throws Exception {
        Path data = Files.createTempDirectory(Path.of("target"), "scale-out-").resolve("data");
        LocalSettings settings = sharedDatabase(LocalSettings.ephemeral(data, System.getenv()));
        stack = LocalStack.start(settings);
        int workerPort = AppProcess.freePort();
        int gatewayPort = AppProcess.freePort();
        String host = "http://" + settings.connectHost() + ":";
        secondWorker = AppProcess.start(WorkerApplication.class, stack.workerReplicaArgs(workerPort), host + workerPort,
                data.resolveSibling("worker-2.log"));
        secondGateway = AppProcess.start(GatewayApplication.class, stack.gatewayReplicaArgs(gatewayPort),
                host + gatewayPort, data.resolveSibling("gateway-2.log"));
    }

    /** Two processes cannot share an embedded H2 file: the first serves it to the others (AUTO_SERVER). */
    private static LocalSettings sharedDatabase(LocalSettings settings) {
        if (settings.databaseUrl() != null && !settings.databaseUrl().isBlank()) {
            return settings;
        }
        return new LocalSettings(settings.dataDir(), 0, 0, 0, 0, 0, settings.h2Url() + ";AUTO_SERVER=TRUE", "sa", "",
                true, settings.bindAddress());
    }

    @AfterAll
    void stop() {
        for (AppProcess app : new AppProcess[] {secondGateway, secondWorker}) {
            if (app != null) {
                app.close();
            }
        }
        if (stack != null) {
            stack.close();
        }
    }

    /** The sum of a metric's series whose labels match {@code labels}, as an app's /actuator/prometheus shows it. */
    private double sum(String appUrl, String metric, String labels) throws Exception {
        String body = http.send(HttpRequest.newBuilder(URI.create(appUrl + "/actuator/prometheus")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        double total = 0;
        Matcher series = SERIES.matcher(body);
        while (series.find()) {
            if (series.group(1).equals(metric) && Pattern.compile(labels).matcher(series.group(2)).find()) {
                total += Double.parseDouble(series.group(3));
            }
        }
        return total;
    }

    @Test
    void bothGatewaysServeAndRelayBothWorkersWorkAndKillingOneOfEachLosesNothing() throws Exception {
        String requestGroup = "client_id=\"consumer-provisioner-worker-[0-9]+\"";
        String pollGroup = "client_id=\"consumer-provisioner-worker-polls-[0-9]+\"";
        for (String worker : List.of(stack.workerUrl(), secondWorker.url())) {
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                assertThat(sum(worker, "kafka_consumer_coordinator_assigned_partitions", requestGroup))
                        .as("request partitions of " + worker).isPositive();
                assertThat(sum(worker, "kafka_consumer_coordinator_assigned_partitions", pollGroup))
                        .as("poll partitions of " + worker).isPositive();
            });
        }
        double requestPartitions = sum(stack.workerUrl(), "kafka_consumer_coordinator_assigned_partitions", requestGroup)
                + sum(secondWorker.url(), "kafka_consumer_coordinator_assigned_partitions", requestGroup);

        List<StackClient> gateways = List.of(new StackClient(stack.gatewayUrl()), new StackClient(secondGateway.url()));
        List<String> guids = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            guids.add(gateways.get(i % 2).create("scaled-" + i + "-" + UUID.randomUUID(), StackClient.ASYNC_PLAN,
                    Map.of("sample_broker", Map.of("delay_ms", 2000))));
        }
        // Both gateways relayed requests (each wakes its relay on its own commits) and both workers called the broker.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(sum(stack.gatewayUrl(), "provisioner_outbox_published_total", "")
                    + sum(secondGateway.url(), "provisioner_outbox_published_total", "")).isGreaterThanOrEqualTo(16);
            assertThat(sum(stack.gatewayUrl(), "provisioner_outbox_published_total", "")).isPositive();
            assertThat(sum(secondGateway.url(), "provisioner_outbox_published_total", "")).isPositive();
            assertThat(sum(stack.workerUrl(), "provisioner_broker_calls_seconds_count", "endpoint=\"provision\"")).isPositive();
            assertThat(sum(secondWorker.url(), "provisioner_broker_calls_seconds_count", "endpoint=\"provision\"")).isPositive();
        });

        // Operations are under way (the broker takes 2 s): kill the second gateway and the second worker.
        assertThat(gateways.get(0).lastOperation(guids.get(guids.size() - 1)).get("state").asString()).isEqualTo("in progress");
        assertThat(secondGateway.kill()).as("the gateway killed with SIGKILL").isEqualTo(137);
        assertThat(secondWorker.kill()).as("the worker killed with SIGKILL").isEqualTo(137);

        // The surviving gateway keeps serving and relaying: new operations are accepted and carried out.
        for (int i = 0; i < 4; i++) {
            guids.add(gateways.get(0).create("after-kill-" + i + "-" + UUID.randomUUID(), StackClient.ASYNC_PLAN,
                    Map.of("sample_broker", Map.of("delay_ms", 500))));
        }
        // The surviving worker takes over every request partition once the dead one's session expires.
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(
                sum(stack.workerUrl(), "kafka_consumer_coordinator_assigned_partitions", requestGroup))
                .as("request partitions of the surviving worker").isEqualTo(requestPartitions));
        // None lost, none stuck: every operation, the dead worker's and those sent through the dead gateway too, succeeds.
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
            for (String guid : guids) {
                assertThat(gateways.get(0).lastOperation(guid).get("state").asString()).as(guid).isEqualTo("succeeded");
            }
        });
    }
}
