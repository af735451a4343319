package io.provisioner.worker.operation;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import com.github.tomakehurst.wiremock.client.BasicCredentials;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.provisioner.schemas.OperationState;
import io.provisioner.schemas.OperationStatusChanged;
import io.provisioner.schemas.OperationType;
import io.provisioner.schemas.ProvisioningRequested;
import io.provisioner.schemas.Topics;
import io.provisioner.worker.WorkerIntegrationTest;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;

class RequestFlowTest extends WorkerIntegrationTest {

    private static final String UUID_PATTERN = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

    @Test
    void synchronousCreateSendsTheOsbRequestToTheLetterAndSucceeds() {
        String instance = newGuid();
        String path = "/v2/service_instances/" + instance;
        broker.stubFor(put(urlPathEqualTo(path)).willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"dashboard_url\":\"http://dash/" + instance + "\"}")));

        send(request(OperationType.CREATE, instance));

        List<OperationStatusChanged> statuses = awaitFinished(instance);
        assertThat(statuses).hasSize(1);
        OperationStatusChanged status = statuses.get(0);
        assertThat(status.state()).isEqualTo(OperationState.SUCCEEDED);
        assertThat(status.sequence()).isEqualTo(1);
        assertThat(status.dashboardUrl()).isEqualTo("http://dash/" + instance);
        assertThat(status.operationType()).isEqualTo(OperationType.CREATE);

        broker.verify(1, putRequestedFor(urlPathEqualTo(path))
                .withQueryParam("accepts_incomplete", equalTo("true"))
                .withHeader("X-Broker-API-Version", equalTo("2.17"))
                .withBasicAuth(new BasicCredentials(BROKER_USER, BROKER_PASSWORD))
                .withHeader("X-Broker-API-Request-Identity", matching(UUID_PATTERN))
                .withHeader("Content-Type", equalTo("application/json"))
                .withHeader("Accept", equalTo("application/json"))
                .withRequestBody(equalToJson("""
                        {
                          "service_id": "service-1",
                          "plan_id": "plan-small",
                          "organization_guid": "org-guid-1",
                          "space_guid": "space-guid-1",
                          "context": {
                            "platform": "cloudfoundry",
                            "organization_guid": "org-guid-1",
                            "organization_name": "my-org",
                            "space_guid": "space-guid-1",
                            "space_name": "my-space",
                            "instance_name": "my-db"
                          },
                          "parameters": {"size": "small", "replicas": 2}
                        }""")));
        LoggedRequest sent = broker.findAll(putRequestedFor(urlPathEqualTo(path))).get(0);
        assertThat(sent.getQueryParams()).containsOnlyKeys("accepts_incomplete");
        assertThat(sent.getHeader("X-Broker-API-Request-Identity")).isEqualTo(status.requestIdentity());
        String originating = sent.getHeader("X-Broker-API-Originating-Identity");
        assertThat(originating).startsWith("cloudfoundry ");
        String identity = new String(Base64.getDecoder().decode(originating.substring("cloudfoundry ".length())),
                StandardCharsets.UTF_8);
        assertThat(identity).isEqualTo("{\"user_id\":\"user-42\"}");
    }

    @Test
    void asynchronousCreatePollsWithTheBrokersOperationUntilItSucceeds() {
        String instance = newGuid();
        String path = "/v2/service_instances/" + instance;
        String operation = "op/with spaces&x=1";
        broker.stubFor(put(urlPathEqualTo(path)).willReturn(aResponse().withStatus(202)
                .withBody("{\"operation\":\"op/with spaces&x=1\",\"dashboard_url\":\"http://dash\"}")));
        String poll = "poll-" + instance;
        broker.stubFor(get(urlPathEqualTo(path + "/last_operation")).inScenario(poll)
                .whenScenarioStateIs(Scenario.STARTED).willSetStateTo("second")
                .willReturn(aResponse().withStatus(200).withBody("{\"state\":\"in progress\",\"description\":\"Creating VM\"}")));
        broker.stubFor(get(urlPathEqualTo(path + "/last_operation")).inScenario(poll)
                .whenScenarioStateIs("second").willSetStateTo("third")
                .willReturn(aResponse().withStatus(200).withBody("{\"state\":\"in progress\"}")));
        broker.stubFor(get(urlPathEqualTo(path + "/last_operation")).inScenario(poll)
                .whenScenarioStateIs("third")
                .willReturn(aResponse().withStatus(200).withBody("{\"state\":\"succeeded\",\"description\":\"Ready\"}")));

        send(request(OperationType.CREATE, instance));

        List<OperationStatusChanged> statuses = awaitFinished(instance);
        assertThat(statuses).extracting(OperationStatusChanged::state).containsExactly(
                OperationState.IN_PROGRESS, OperationState.IN_PROGRESS, OperationState.SUCCEEDED);
        // The second poll said nothing new, so it published nothing: sequence 3 is missing on purpose.
        assertThat(statuses).extracting(OperationStatusChanged::sequence).containsExactly(1L, 2L, 4L);
        assertThat(statuses).extracting(OperationStatusChanged::description).containsExactly(
                OperationStarter.ACCEPTED, "Creating VM", "Ready");
        assertThat(statuses).allSatisfy(status -> {
            assertThat(status.brokerOperation()).isEqualTo(operation);
            assertThat(status.dashboardUrl()).isEqualTo("http://dash");
        });

        List<LoggedRequest> polls = broker.findAll(getRequestedFor(urlPathEqualTo(path + "/last_operation")));
        assertThat(polls).hasSize(3).allSatisfy(request -> {
            assertThat(request.getUrl()).contains("operation=op%2Fwith%20spaces%26x%3D1");
            assertThat(request.queryParameter("operation").firstValue()).isEqualTo(operation);
            assertThat(request.queryParameter("service_id").firstValue()).isEqualTo("service-1");
            assertThat(request.queryParameter("plan_id").firstValue()).isEqualTo("plan-small");
            assertThat(request.getHeader("X-Broker-API-Version")).isEqualTo("2.17");
            assertThat(request.getHeader("X-Broker-API-Originating-Identity")).startsWith("cloudfoundry ");
        });
        // Each poll is a request of its own, with its own identity, which its status event carries.
        assertThat(polls).extracting(request -> request.getHeader("X-Broker-API-Request-Identity")).doesNotHaveDuplicates()
                .contains(statuses.get(1).requestIdentity(), statuses.get(2).requestIdentity());
    }

    @Test
    void brokerClientErrorFailsTheOperationWithTheBrokersWords() {
        String instance = newGuid();
        broker.stubFor(put(urlPathEqualTo("/v2/service_instances/" + instance)).willReturn(aResponse().withStatus(400)
                .withBody("{\"error\":\"X\",\"description\":\"plan is full\"}")));

        send(request(OperationType.CREATE, instance));

        OperationStatusChanged status = last(awaitFinished(instance));
        assertThat(status.state()).isEqualTo(OperationState.FAILED);
        assertThat(status.description()).isEqualTo("Service broker error: plan is full (HTTP 400 from PUT "
                + "/v2/service_instances/" + instance + ", error \"X\")");
        broker.verify(1, putRequestedFor(urlPathEqualTo("/v2/service_instances/" + instance)));
    }

    @Test
    void brokerServerErrorIsRetriedThenFailsTheOperationWithTheBrokersWordsAndCleansUp() {
        String instance = newGuid();
        broker.stubFor(put(urlPathEqualTo("/v2/service_instances/" + instance)).willReturn(aResponse().withStatus(500)
                .withBody("{\"error\":\"X\",\"description\":\"plan is full\"}")));
        broker.stubFor(delete(urlPathEqualTo("/v2/service_instances/" + instance)).willReturn(aResponse().withStatus(200)
                .withBody("{}")));

        send(request(OperationType.CREATE, instance));

        OperationStatusChanged status = last(awaitFinished(instance));
        assertThat(status.state()).isEqualTo(OperationState.FAILED);
        assertThat(status.description()).isEqualTo("Service broker error: plan is full (HTTP 500 from PUT "
                + "/v2/service_instances/" + instance + ", error \"X\", after 3 attempts)." + OrphanMitigation.UNDER_WAY);
        broker.verify(3, putRequestedFor(urlPathEqualTo("/v2/service_instances/" + instance)));
        // The clean-up follows the final status, as a job of its own.
        await().atMost(PATIENCE).until(() -> !broker.findAll(deleteRequestedFor(
                urlPathEqualTo("/v2/service_instances/" + instance))).isEmpty());
        broker.verify(1, deleteRequestedFor(urlPathEqualTo("/v2/service_instances/" + instance))
                .withoutHeader("X-Broker-API-Originating-Identity"));
    }

    @Test
    void brokerAnswerThatIsNotJsonIsQuoted() {
        String instance = newGuid();
        broker.stubFor(put(urlPathEqualTo("/v2/service_instances/" + instance)).willReturn(aResponse().withStatus(409)
                .withBody("<html>" + "x".repeat(300) + "</html>")));

        send(request(OperationType.CREATE, instance));

        OperationStatusChanged status = last(awaitFinished(instance));
        assertThat(status.state()).isEqualTo(OperationState.FAILED);
        assertThat(status.description()).contains("not JSON: \"<html>xxx", "HTTP 409").doesNotContain("</html>");
    }

    @Test
    void unreachableBrokerIsTriedAgainLaterThenGivenUpSayingWhatWasAttempted() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        String instance = newGuid();

        // The operation's deadline (2 s) bounds the durable retries.
        send(request(OperationType.CREATE, instance, "http://127.0.0.1:" + closedPort, 2));

        List<OperationStatusChanged> statuses = awaitFinished(instance);
        assertThat(statuses.get(0).state()).isEqualTo(OperationState.IN_PROGRESS);
        assertThat(statuses.get(0).description()).startsWith("The service broker could not be reached: PUT "
                + "/v2/service_instances/" + instance + " was attempted 3 times").contains("ConnectException",
                "The platform tries again in", "(1 attempt so far)");
        OperationStatusChanged status = last(statuses);
        assertThat(status.state()).isEqualTo(OperationState.FAILED);
        assertThat(status.description()).startsWith("The service broker could not be reached: PUT /v2/service_instances/"
                + instance + " was attempted 3 times").containsPattern("The platform gave up after \\d+ attempts over "
                + "\\d+ seconds\\.$").doesNotContain(BROKER_PASSWORD);
        assertThat(statuses).extracting(OperationStatusChanged::sequence).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void poisonRecordGoesToTheDeadLetterTopicAndTheNextRecordIsStillHandled() {
        String instance = newGuid();
        broker.stubFor(put(urlPathEqualTo("/v2/service_instances/" + instance))
                .willReturn(aResponse().withStatus(201).withBody("{}")));

        sendRaw(instance, "{not json at all".getBytes(StandardCharsets.UTF_8));
        send(request(OperationType.CREATE, instance));

        assertThat(last(awaitFinished(instance)).state()).isEqualTo(OperationState.SUCCEEDED);
        try (KafkaConsumer<String, byte[]> deadLetters = reader(Topics.REQUESTS + Topics.DEAD_LETTER_SUFFIX)) {
            List<ConsumerRecord<String, byte[]>> seen = new ArrayList<>();
            await().atMost(PATIENCE).until(() -> !recordsWithKey(deadLetters, instance, seen).isEmpty());
            List<ConsumerRecord<String, byte[]>> dead = recordsWithKey(deadLetters, instance, seen);
            assertThat(dead).hasSize(1);
            assertThat(new String(dead.get(0).value(), StandardCharsets.UTF_8)).isEqualTo("{not json at all");
            assertThat(dead.get(0).headers().lastHeader("kafka_dlt-exception-message")).isNotNull();
            assertThat(new String(dead.get(0).headers().lastHeader("x-original-offset").value(), StandardCharsets.UTF_8))
                    .matches("\\d+");
            assertThat(new String(dead.get(0).headers().lastHeader("x-original-partition").value(),
                    StandardCharsets.UTF_8)).isEqualTo(Integer.toString(dead.get(0).partition()));
            assertThat(new String(dead.get(0).headers().lastHeader("x-exception-message").value(),
                    StandardCharsets.UTF_8)).isNotBlank();
        }
    }

    @Test
    void deleteAnsweredGoneSucceeds() {
        String instance = newGuid();
        broker.stubFor(any(urlPathEqualTo("/v2/service_instances/" + instance)).willReturn(aResponse().withStatus(410)
                .withBody("{}")));

        ProvisioningRequested delete = request(OperationType.DELETE, instance);
        send(delete);

        assertThat(last(awaitFinished(instance)).state()).isEqualTo(OperationState.SUCCEEDED);
        LoggedRequest sent = broker.findAll(com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor(
                urlPathEqualTo("/v2/service_instances/" + instance))).get(0);
        assertThat(sent.queryParameter("service_id").firstValue()).isEqualTo("service-1");
        assertThat(sent.queryParameter("plan_id").firstValue()).isEqualTo("plan-small");
        assertThat(sent.queryParameter("accepts_incomplete").firstValue()).isEqualTo("true");
    }
}
