package io.provisioner.worker.operation;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.provisioner.schemas.BrokerEndpoint;
import io.provisioner.schemas.OperationState;
import io.provisioner.schemas.OperationStatusChanged;
import io.provisioner.schemas.OperationType;
import io.provisioner.schemas.ProvisioningRequested;
import io.provisioner.worker.WorkerIntegrationTest;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;

/**
 * Work a broker cannot take now is put off durably (on the delay tiers), not failed at once and not
 * waited for on a thread: a broker that is down longer than the in-place retries, an open circuit,
 * 429 with {@code Retry-After}.
 */
class DurableRetryTest extends WorkerIntegrationTest {

    private final HttpClient http = HttpClient.newHttpClient();

    @Autowired
    Environment environment;

    @Test
    void aBrokerDownLongerThanTheRetryBudgetIsWaitedForAndItsCircuitRecovers() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        // flaky-broker: 2 attempts in place, a circuit that opens after 2 calls and tries again after 1 s.
        BrokerEndpoint flaky = new BrokerEndpoint(UUID.randomUUID().toString(), "flaky-broker",
                "http://127.0.0.1:" + port, BROKER_USER, sealer.seal(BROKER_PASSWORD));
        List<ProvisioningRequested> creates = IntStream.range(0, 3).mapToObj(i -> new ProvisioningRequested(
                UUID.randomUUID().toString(), OperationType.CREATE, newGuid(), "db-" + i, "service-1", "plan-small", null,
                "org-guid-1", "my-org", "space-guid-1", "my-space", null, null, flaky, null, "user-42",
                java.time.Instant.now())).toList();

        creates.forEach(this::send);

        String circuit = "broker=\"" + flaky.guid() + "\"";
        await().atMost(PATIENCE).until(() -> metrics().contains(
                "provisioner_broker_circuit_transitions_total{application=\"provisioner-worker\"," + circuit + ",from=\"closed\",to=\"open\"}"));
        // Every create was put off at least twice; some round found the circuit open and sent nothing.
        await().atMost(PATIENCE).until(() -> creates.stream().allMatch(create -> statusesOf(create.instanceGuid())
                .size() >= 2) && creates.stream().anyMatch(create -> statusesOf(create.instanceGuid()).stream()
                .anyMatch(s -> s.description().contains("the circuit breaker for this broker is open"))));
        WireMockServer cameBack = new WireMockServer(options().port(port));
        cameBack.stubFor(put(urlPathMatching("/v2/service_instances/.*")).willReturn(aResponse().withStatus(201)
                .withBody("{}")));
        cameBack.start();
        try {
            for (ProvisioningRequested create : creates) {
                List<OperationStatusChanged> statuses = awaitFinished(create.instanceGuid());
                assertThat(last(statuses).state()).isEqualTo(OperationState.SUCCEEDED);
                assertThat(statuses.subList(0, statuses.size() - 1)).isNotEmpty()
                        .allSatisfy(s -> assertThat(s.state()).isEqualTo(OperationState.IN_PROGRESS));
                assertThat(statuses).extracting(OperationStatusChanged::sequence).isSorted().doesNotHaveDuplicates();
                assertThat(cameBack.findAll(putRequestedFor(urlPathEqualTo("/v2/service_instances/"
                        + create.instanceGuid())))).hasSize(1);
            }
        } finally {
            cameBack.stop();
        }
        String metrics = metrics();
        assertThat(metrics).contains(
                "provisioner_broker_circuit_transitions_total{application=\"provisioner-worker\"," + circuit + ",from=\"open\",to=\"half_open\"}",
                "provisioner_broker_circuit_transitions_total{application=\"provisioner-worker\"," + circuit + ",from=\"half_open\",to=\"closed\"}");
        assertThat(metrics).containsPattern("resilience4j_circuitbreaker_state\\{[^}]*name=\"" + flaky.guid()
                + "\",state=\"closed\"[^}]*} 1.0");
        assertThat(metrics).containsPattern("resilience4j_circuitbreaker_not_permitted_calls_total\\{[^}]*name=\""
                + flaky.guid() + "\"[^}]*} [1-9]");
    }

    @Test
    void tooManyRequestsIsTriedAgainDurablyNoSoonerThanRetryAfter() {
        String instance = newGuid();
        String path = "/v2/service_instances/" + instance;
        String scenario = "429-" + instance;
        broker.stubFor(put(urlPathEqualTo(path)).inScenario(scenario).whenScenarioStateIs(Scenario.STARTED)
                .willSetStateTo("calm").willReturn(aResponse().withStatus(429).withHeader("Retry-After", "2")
                        .withBody("{\"description\":\"slow down\"}")));
        broker.stubFor(put(urlPathEqualTo(path)).inScenario(scenario).whenScenarioStateIs("calm")
                .willReturn(aResponse().withStatus(201).withBody("{}")));

        send(request(OperationType.CREATE, instance));

        List<OperationStatusChanged> statuses = awaitFinished(instance);
        assertThat(statuses).extracting(OperationStatusChanged::state)
                .containsExactly(OperationState.IN_PROGRESS, OperationState.SUCCEEDED);
        assertThat(statuses.get(0).description()).startsWith("Service broker error: slow down (HTTP 429 from PUT "
                + path + "). The platform tries again in 2 seconds (1 attempt so far) and gives up at ");
        // Retry-After is not retried in place: one PUT, then one more no sooner than two seconds later.
        List<LoggedRequest> puts = broker.findAll(putRequestedFor(urlPathEqualTo(path)));
        assertThat(puts).hasSize(2);
        assertThat(puts.get(1).getLoggedDate().getTime() - puts.get(0).getLoggedDate().getTime())
                .isGreaterThanOrEqualTo(1_999);
    }

    private String metrics() throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + environment.getProperty("local.server.port") + "/actuator/prometheus");
        return http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).body();
    }
}
