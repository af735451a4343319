package io.provisioner.worker.operation;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.provisioner.schemas.OperationState;
import io.provisioner.schemas.OperationStatusChanged;
import io.provisioner.schemas.EventEnvelope;
import io.provisioner.schemas.OperationType;
import io.provisioner.schemas.PollScheduled;
import io.provisioner.schemas.ProvisioningRequested;
import io.provisioner.schemas.Topics;
import io.provisioner.worker.WorkerIntegrationTest;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;

/**
 * One test per polling rule (DESIGN §5, OSB_CONTRACT.md "Poll"), against the sample broker, with the times
 * at which the broker received each poll. Bounds are lower bounds: a loaded machine may poll late, never
 * early.
 */
class PollingRulesTest extends WorkerIntegrationTest {

    /** Long enough for a late duplicate poll (one tier, one minimum interval) to show. */
    private static final Duration QUIET = Duration.ofSeconds(2);

    private final String instance = newGuid();
    private final String path = "/v2/service_instances/" + instance;

    private static Instant receivedAt(JsonNode request) {
        return Instant.parse(request.get("received_at").asString());
    }

    private List<JsonNode> polls() {
        return sampleBrokerRequests(instance).stream()
                .filter(request -> request.get("path").asString().endsWith("/last_operation")).toList();
    }

    private OperationStatusChanged run(ProvisioningRequested request) {
        send(request);
        return last(awaitFinished(instance));
    }

    /** OSB: a final state ends polling. Nothing reaches the broker for a quiet while after it. */
    private void assertNoFurtherRequest() {
        int seen = sampleBrokerRequests(instance).size();
        await().during(QUIET).atMost(QUIET.plusSeconds(3)).untilAsserted(() ->
                assertThat(sampleBrokerRequests(instance)).as("requests after the final status").hasSize(seen));
    }


    @Test
    void theFirstPollComesASecondAfterTheBrokerAcceptedAndEchoesTheOperation() {
        OperationStatusChanged status = run(sampleRequest(OperationType.CREATE, instance, ASYNC_PLAN,
                Map.of("delay_ms", 1500, "operation", "op/with spaces&x=1+ü")));

        assertThat(status.state()).isEqualTo(OperationState.SUCCEEDED);
        assertThat(status.description()).isEqualTo("The instance is provisioned.");
        JsonNode putRequest = sampleBrokerRequests(instance).get(0);
        List<JsonNode> polls = polls();
        assertThat(Duration.between(receivedAt(putRequest), receivedAt(polls.get(0))))
                .isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        assertThat(polls).allSatisfy(poll -> {
            // URL-encoded as RFC 3986 wants it; service and plan always sent.
            assertThat(poll.get("query").asString()).isEqualTo("service_id=" + SAMPLE_SERVICE + "&plan_id=" + ASYNC_PLAN
                    + "&operation=op%2Fwith%20spaces%26x%3D1%2B%C3%BC");
            assertThat(poll.get("method").asString()).isEqualTo("GET");
            assertThat(poll.get("body").isNull()).isTrue();
            assertOsbHeaders(poll, true);
        });
        assertThat(statusesOf(instance)).allSatisfy(s -> assertThat(s.brokerOperation()).isEqualTo("op/with spaces&x=1+ü"));
    }

    @Test
    void theIntervalGrowsWithTheOperationsAge() {
        // 10 % of the age, never under a second: growth shows after ten seconds.
        OperationStatusChanged status = run(sampleRequest(OperationType.CREATE, instance, ASYNC_PLAN,
                Map.of("delay_ms", 15_000)));

        assertThat(status.state()).isEqualTo(OperationState.SUCCEEDED);
        Instant accepted = receivedAt(sampleBrokerRequests(instance).get(0));
        List<JsonNode> polls = polls();
        Duration longest = Duration.ZERO;
        for (int i = 1; i < polls.size(); i++) {
            Instant previous = receivedAt(polls.get(i - 1));
            Duration gap = Duration.between(previous, receivedAt(polls.get(i)));
            Duration age = Duration.between(accepted, previous);
            Duration expected = Duration.ofMillis(Math.max(1_000, age.toMillis() / 10));
            // The age the worker sees starts a little after the broker received the PUT: allow 100 ms.
            assertThat(gap).as("gap before poll %d", i).isGreaterThanOrEqualTo(expected.minusMillis(100));
            longest = gap.compareTo(longest) > 0 ? gap : longest;
        }
        assertThat(longest).isGreaterThan(Duration.ofMillis(1_300));
        assertNoFurtherRequest();
        // The gaps above are lower bounds (a loaded machine polls late); the intervals the worker scheduled
        // are exact: each a tenth of the operation's age when it was scheduled, at least a second.
        Map<String, PollScheduled> scheduled = scheduledPolls(polls.size());
        assertThat(scheduled).hasSize(polls.size());
        List<Duration> intervals = new ArrayList<>();
        scheduled.forEach((time, poll) -> {
            Instant at = Instant.parse(time);
            Duration age = Duration.between(poll.startedAt(), at);
            Duration interval = Duration.between(at, poll.dueAt());
            Duration expected = Duration.ofMillis(Math.max(1_000, age.toMillis() / 10));
            assertThat(interval).as("interval scheduled at age %s", age)
                    .isBetween(expected.minusMillis(5), expected.plusMillis(50));
            intervals.add(interval);
        });
        assertThat(intervals.get(intervals.size() - 1)).isGreaterThan(Duration.ofMillis(1_300));
    }

    /** The poll steps of the instance as the worker scheduled them, by their time (oldest first). */
    private Map<String, PollScheduled> scheduledPolls(int expected) {
        Map<String, PollScheduled> byTime = new LinkedHashMap<>();
        try (KafkaConsumer<String, byte[]> tier = reader(Topics.pollTopic(Duration.ofSeconds(1)))) {
            List<ConsumerRecord<String, byte[]>> seen = new ArrayList<>();
            await().atMost(PATIENCE).until(() -> recordsWithKey(tier, instance, seen).size() >= expected);
            for (ConsumerRecord<String, byte[]> record : recordsWithKey(tier, instance, seen)) {
                EventEnvelope<PollScheduled> step = codec.readPoll(record.value());
                byTime.putIfAbsent(step.time().toString(), step.data());
            }
        }
        return byTime;
    }

    @Test
    void retryAfterAsAnHttpDateIsHonoured() {
        // The 202 and the two answers before the last say "not before" as an HTTP date 2 s after the broker
        // answered, rounded up to a whole second: always later than the minimum interval would poll.
        Map<String, Object> inProgress = Map.of("status", 200, "body", Map.of("state", "in progress"),
                "retry_after", "http-date:2");
        OperationStatusChanged status = run(sampleRequest(OperationType.CREATE, instance, ASYNC_PLAN, Map.of(
                "delay_ms", 100, "retry_after", "http-date:2", "poll_script", List.of(inProgress, inProgress))));

        assertThat(status.state()).isEqualTo(OperationState.SUCCEEDED);
        assertThat(sampleBrokerCalls(instance)).containsExactly("PUT", "GET last_operation", "GET last_operation",
                "GET last_operation");
        List<JsonNode> requests = sampleBrokerRequests(instance);
        for (int i = 1; i < requests.size(); i++) {
            // The broker answered after it logged the request: its date is at least this.
            Instant notBefore = wholeSecondUp(receivedAt(requests.get(i - 1)).plusSeconds(2));
            assertThat(receivedAt(requests.get(i))).as("poll %d after an answer saying not before %s", i, notBefore)
                    .isAfterOrEqualTo(notBefore);
        }
        assertNoFurtherRequest();
    }

    private static Instant wholeSecondUp(Instant at) {
        Instant whole = at.truncatedTo(ChronoUnit.SECONDS);
        return whole.isBefore(at) ? whole.plusSeconds(1) : whole;
    }

    @Test
    void goneWhilePollingADeleteIsSuccess() {
        assertThat(run(sampleRequest(OperationType.CREATE, instance, SYNC_PLAN,
                Map.of("deprovision", Map.of("mode", "async", "delay_ms", 500)))).state())
                .isEqualTo(OperationState.SUCCEEDED);
        ProvisioningRequested delete = sampleRequest(OperationType.DELETE, instance, SYNC_PLAN, null);

        send(delete);

        await().atMost(PATIENCE).until(() -> last(statusesOf(instance)).operationId().equals(delete.operationId())
                && last(statusesOf(instance)).state().terminal());
        assertThat(last(statusesOf(instance)).state()).isEqualTo(OperationState.SUCCEEDED);
        assertThat(sampleBrokerCalls(instance)).containsExactly("PUT", "DELETE", "GET last_operation");
        JsonNode deleteRequest = sampleBrokerRequests(instance).get(1);
        assertThat(deleteRequest.get("query").asString())
                .isEqualTo("service_id=" + SAMPLE_SERVICE + "&plan_id=" + SYNC_PLAN + "&accepts_incomplete=true");
        assertOsbHeaders(deleteRequest, true);
    }

    @Test
    void invalidAnswersAndGoneDuringACreateNeverEndItEarly() {
        OperationStatusChanged status = run(sampleRequest(OperationType.CREATE, instance, ASYNC_PLAN, Map.of(
                "delay_ms", 200, "poll_script", List.of(
                        Map.of("status", 410, "body", "{}"),
                        Map.of("status", 500, "body", "Internal Server Error", "content_type", "text/plain"),
                        Map.of("status", 200, "body", "this is not json"),
                        Map.of("status", 200, "body", Map.of("state", "almost done")),
                        Map.of("status", 404, "body", "{}")))));

        assertThat(status.state()).isEqualTo(OperationState.SUCCEEDED);
        assertThat(sampleBrokerCalls(instance)).containsExactly("PUT", "GET last_operation", "GET last_operation",
                "GET last_operation", "GET last_operation", "GET last_operation", "GET last_operation");
    }

    @Test
    void connectionErrorsWhilePollingNeverEndItEarly() {
        broker.stubFor(put(urlPathEqualTo(path)).willReturn(aResponse().withStatus(202).withBody("{\"operation\":\"c\"}")));
        String scenario = "faults-" + instance;
        broker.stubFor(get(urlPathEqualTo(path + "/last_operation")).inScenario(scenario)
                .whenScenarioStateIs(Scenario.STARTED).willSetStateTo("reset")
                .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
        broker.stubFor(get(urlPathEqualTo(path + "/last_operation")).inScenario(scenario)
                .whenScenarioStateIs("reset").willSetStateTo("garbage")
                .willReturn(aResponse().withFault(Fault.MALFORMED_RESPONSE_CHUNK)));
        broker.stubFor(get(urlPathEqualTo(path + "/last_operation")).inScenario(scenario)
                .whenScenarioStateIs("garbage")
                .willReturn(aResponse().withStatus(200).withBody("{\"state\":\"succeeded\"}")));

        OperationStatusChanged status = run(request(OperationType.CREATE, instance));

        assertThat(status.state()).isEqualTo(OperationState.SUCCEEDED);
        assertThat(broker.findAll(getRequestedFor(urlPathEqualTo(path + "/last_operation")))).hasSize(3);
    }
}
