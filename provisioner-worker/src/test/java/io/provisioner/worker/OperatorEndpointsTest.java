package io.provisioner.worker;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import io.provisioner.schemas.OperationState;
import io.provisioner.schemas.OperationType;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;

/** What operators rely on: probes and the metric names the dashboards and alerts are built on. */
class OperatorEndpointsTest extends WorkerIntegrationTest {

    private final HttpClient http = HttpClient.newHttpClient();

    @Autowired
    Environment environment;

    @Test
    void probesAnswer() throws Exception {
        assertThat(fetch("/actuator/health/liveness").statusCode()).isEqualTo(200);
        assertThat(fetch("/actuator/health/readiness").statusCode()).isEqualTo(200);
    }

    @Test
    void prometheusShowsBrokerCallsOperationsPollsRetriesAndCircuits() throws Exception {
        String instance = newGuid();
        String path = "/v2/service_instances/" + instance;
        broker.stubFor(put(urlPathEqualTo(path)).willReturn(aResponse().withStatus(202).withBody("{}")));
        broker.stubFor(get(urlPathEqualTo(path + "/last_operation")).willReturn(aResponse().withStatus(200)
                .withBody("{\"state\":\"succeeded\"}")));
        var request = request(OperationType.CREATE, instance);
        send(request);
        assertThat(last(awaitFinished(instance)).state()).isEqualTo(OperationState.SUCCEEDED);

        // Counters move right after the status event is out: wait for the poll's.
        await().atMost(PATIENCE).until(() -> fetch("/actuator/prometheus").body()
                .contains("provisioner_operation_steps_total{application=\"provisioner-worker\",outcome=\"succeeded\",step=\"poll\"}"));
        String metrics = fetch("/actuator/prometheus").body();
        String brokerTag = "broker=\"" + request.broker().guid() + "\"";
        assertThat(metrics).containsPattern("provisioner_broker_calls_seconds_count\\{[^}]*" + brokerTag
                + "[^}]*endpoint=\"provision\",outcome=\"2xx\"");
        assertThat(metrics).containsPattern("provisioner_broker_calls_seconds_count\\{[^}]*" + brokerTag
                + "[^}]*endpoint=\"last_operation\",outcome=\"2xx\"");
        assertThat(metrics).containsPattern("provisioner_operations_finished_total\\{[^}]*state=\"succeeded\",type=\"create\"");
        assertThat(metrics).containsPattern("provisioner_polls_total\\{[^}]*outcome=\"succeeded\"");
        assertThat(metrics).contains("resilience4j_retry_calls", "resilience4j_circuitbreaker_state",
                "resilience4j_bulkhead_available_concurrent_calls", "provisioner_operations_in_flight",
                "provisioner_operation_steps_total{application=\"provisioner-worker\",outcome=\"accepted\",step=\"request\"}");
    }

    private HttpResponse<String> fetch(String path) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + environment.getProperty("local.server.port") + path);
        return http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    }
}
