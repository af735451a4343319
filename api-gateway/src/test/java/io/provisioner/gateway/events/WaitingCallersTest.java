package io.provisioner.gateway.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;
import tools.jackson.databind.JsonNode;

import io.provisioner.gateway.GatewayApplication;
import io.provisioner.gateway.GatewayTestBase;
import io.provisioner.schemas.OperationState;
import io.provisioner.schemas.OperationType;

/** {@code GET /v2/service_instances/:guid?wait=N}: early on completion, at N otherwise, with no thread per caller. */
class WaitingCallersTest extends GatewayTestBase {

    @Autowired
    private ChangeFeed feed;
    @Autowired
    private KafkaListenerEndpointRegistry listeners;
    @Value("${spring.datasource.url}")
    private String databaseUrl;
    @Value("${spring.datasource.username}")
    private String databaseUser;

    private HttpRequest waiting(String guid, int seconds) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v2/service_instances/" + guid
                + "?wait=" + seconds)).header("Authorization", "bearer " + token("admin"))
                .timeout(Duration.ofSeconds(seconds + 30)).GET().build();
    }

    private static JsonNode json(HttpResponse<String> response) {
        return JSON.readTree(response.body());
    }

    @Test
    void aWaitingCallerIsAnsweredAsSoonAsTheOperationEnds() {
        String guid = create(newName()).json().at("/metadata/guid").asString();
        int before = feed.subscriptions();
        long started = System.nanoTime();
        {
            HttpClient http = HttpClient.newHttpClient();
            CompletableFuture<HttpResponse<String>> answer = http.sendAsync(waiting(guid, 30),
                    HttpResponse.BodyHandlers.ofString());
            await().atMost(Duration.ofSeconds(10)).until(() -> feed.subscriptions() > before);
            assertThat(answer).isNotDone();

            status(guid, operationId(guid), OperationType.CREATE, OperationState.SUCCEEDED, 1, "made");

            HttpResponse<String> response = answer.join();
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(json(response).at("/entity/last_operation/state").asString()).isEqualTo("succeeded");
            assertThat(json(response)).isEqualTo(get("/v2/service_instances/" + guid).json());
        }
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));
    }

    @Test
    void aWaitingCallerIsAnsweredAfterNSecondsWhileTheOperationGoesOn() {
        String guid = create(newName()).json().at("/metadata/guid").asString();
        long started = System.nanoTime();

        Answer answer = get("/v2/service_instances/" + guid + "?wait=1");

        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.json().at("/entity/last_operation/state").asString()).isEqualTo("in progress");
        assertThat(took).isBetween(Duration.ofMillis(950), Duration.ofSeconds(4));
    }

    @Test
    void anInstanceThatIsNotBusyIsAnsweredAtOnce() {
        String guid = create(newName()).json().at("/metadata/guid").asString();
        status(guid, operationId(guid), OperationType.CREATE, OperationState.FAILED, 1, "no");
        await().atMost(Duration.ofSeconds(10)).until(() -> get("/v2/service_instances/" + guid).json()
                .at("/entity/last_operation/state").asString().equals("failed"));
        long started = System.nanoTime();

        assertThat(get("/v2/service_instances/" + guid + "?wait=60").json().at("/entity/last_operation/state")
                .asString()).isEqualTo("failed");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "61", "-1", "abc", "1.5", ""})
    void aBadWaitIsRefusedInTheCloudControllerEnvelope(String wait) {
        String guid = create(newName()).json().at("/metadata/guid").asString();

        Answer answer = get("/v2/service_instances/" + guid + "?wait=" + wait);

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.errorCode()).isEqualTo("CF-BadQueryParameter");
        assertThat(answer.code()).isEqualTo(10005);
    }

    @Test
    void aCallerWaitingOnOneGatewayIsWokenByAChangeAppliedByAnother() {
        MessageListenerContainer mine = listeners.getListenerContainer("gateway-status");
        ConfigurableApplicationContext other = GatewayApplication.builder().run(
                "--server.port=0", "--server.address=127.0.0.1",
                "--spring.datasource.url=" + databaseUrl, "--spring.datasource.username=" + databaseUser,
                "--spring.datasource.password=" + System.getenv().getOrDefault("PROVISIONER_DB_PASSWORD", ""),
                "--spring.kafka.bootstrap-servers=" + embeddedKafka.getBrokersAsString(),
                "--provisioner.gateway.secret-key=MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
                "--provisioner.gateway.topic-partitions=2", "--provisioner.status.group-id=gateway-test",
                "--provisioner.token-issuer.enabled=true",
                "--provisioner.security.issuer=" + ISSUER, "--spring.main.banner-mode=off");
        try {
            String guid = create(newName()).json().at("/metadata/guid").asString();
            // Only the other gateway applies status events now.
            mine.stop();
            MessageListenerContainer theirs = other.getBean(KafkaListenerEndpointRegistry.class)
                    .getListenerContainer("gateway-status");
            await().atMost(Duration.ofSeconds(30)).until(() -> theirs.getAssignedPartitions() != null
                    && theirs.getAssignedPartitions().size() == 2);
            int before = feed.subscriptions();
            {
            HttpClient http = HttpClient.newHttpClient();
                CompletableFuture<HttpResponse<String>> answer = http.sendAsync(waiting(guid, 30),
                        HttpResponse.BodyHandlers.ofString());
                await().atMost(Duration.ofSeconds(10)).until(() -> feed.subscriptions() > before);

                status(guid, operationId(guid), OperationType.CREATE, OperationState.SUCCEEDED, 1, "made elsewhere");

                HttpResponse<String> response = answer.join();
                assertThat(json(response).at("/entity/last_operation/description").asString())
                        .isEqualTo("made elsewhere");
            }
        } finally {
            other.close();
            mine.start();
        }
    }

    @Test
    void aThousandWaitingCallersGrowTheThreadCountByAHandfulAtMost() {
        String guid = create(newName()).json().at("/metadata/guid").asString();
        int callers = 1000;
        int wave = 10;
        ExecutorService clientThreads = Executors.newFixedThreadPool(2);
        HttpClient http = HttpClient.newBuilder().executor(clientThreads).build();
        try {
            // The client's own threads (its selector, its pool) exist before the count is taken.
            get("/v2/service_instances/" + guid);
            http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v2/info")).build(),
                    HttpResponse.BodyHandlers.discarding()).join();
            int before = feed.subscriptions();
            int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
            int peak = threadsBefore;
            List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
            // In waves, so that what is measured is the threads that wait, not how Tomcat meets a burst.
            for (int sent = 0; sent < callers; sent += wave) {
                for (int i = 0; i < wave; i++) {
                    answers.add(http.sendAsync(waiting(guid, 60), HttpResponse.BodyHandlers.ofString()));
                }
                int expected = before + sent + wave;
                await().atMost(Duration.ofSeconds(30)).until(() -> feed.subscriptions() >= expected);
                peak = Math.max(peak, ManagementFactory.getThreadMXBean().getThreadCount());
            }
            int waiting = feed.subscriptions() - before;
            int grown = peak - threadsBefore;
            System.out.printf("%d callers waiting; threads %d before, %d at the peak (+%d)%n", waiting, threadsBefore,
                    peak, grown);
            assertThat(waiting).isEqualTo(callers);
            assertThat(answers).noneMatch(CompletableFuture::isDone);
            assertThat(grown).as("threads grown by %d waiting callers", callers).isLessThanOrEqualTo(5);

            status(guid, operationId(guid), OperationType.CREATE, OperationState.SUCCEEDED, 1, "all of you");

            CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).join();
            assertThat(answers).allSatisfy(answer -> assertThat(json(answer.join())
                    .at("/entity/last_operation/state").asString()).isEqualTo("succeeded"));
        } finally {
            clientThreads.shutdownNow();
        }
    }
}
