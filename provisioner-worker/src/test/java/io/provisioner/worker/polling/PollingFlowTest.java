package io.provisioner.worker.polling;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.provisioner.schemas.EventEnvelope;
import io.provisioner.schemas.EventTypes;
import io.provisioner.schemas.OperationState;
import io.provisioner.schemas.OperationStatusChanged;
import io.provisioner.schemas.OperationType;
import io.provisioner.schemas.PollScheduled;
import io.provisioner.schemas.ProvisioningRequested;
import io.provisioner.schemas.Topics;
import io.provisioner.worker.WorkerIntegrationTest;
import io.provisioner.worker.messaging.KafkaSettings;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

class PollingFlowTest extends WorkerIntegrationTest {

    private static final String ONE_SECOND_TIER = Topics.pollTopic(Duration.ofSeconds(1));

    @Autowired
    PollLoop pollLoop;

    @Autowired
    KafkaSettings kafkaSettings;

    @Test
    void deleteWhoseInstanceIsGoneWhilePollingSucceeds() {
        String instance = newGuid();
        String path = "/v2/service_instances/" + instance;
        broker.stubFor(delete(urlPathEqualTo(path)).willReturn(aResponse().withStatus(202).withBody("{\"operation\":\"d1\"}")));
        broker.stubFor(get(urlPathEqualTo(path + "/last_operation")).willReturn(aResponse().withStatus(410).withBody("{}")));

        send(request(OperationType.DELETE, instance));

        List<OperationStatusChanged> statuses = awaitFinished(instance);
        assertThat(statuses).extracting(OperationStatusChanged::state)
                .containsExactly(OperationState.IN_PROGRESS, OperationState.SUCCEEDED);
        assertThat(last(statuses).sequence()).isEqualTo(2);
    }

    @Test
    void updateWithAPlanChangePollsWithThePreviousPlanAndKeepsPollingThroughGone() {
        String instance = newGuid();
        String path = "/v2/service_instances/" + instance;
        broker.stubFor(patch(urlPathEqualTo(path)).willReturn(aResponse().withStatus(202).withBody("{\"operation\":\"u1\"}")));
        String scenario = "update-" + instance;
        broker.stubFor(get(urlPathEqualTo(path + "/last_operation")).inScenario(scenario)
                .whenScenarioStateIs(Scenario.STARTED).willSetStateTo("done")
                .willReturn(aResponse().withStatus(410).withBody("{}")));
        broker.stubFor(get(urlPathEqualTo(path + "/last_operation")).inScenario(scenario)
                .whenScenarioStateIs("done")
                .willReturn(aResponse().withStatus(200).withBody("{\"state\":\"succeeded\"}")));

        send(request(OperationType.UPDATE, instance));

        assertThat(last(awaitFinished(instance)).state()).isEqualTo(OperationState.SUCCEEDED);
        List<LoggedRequest> polls = broker.findAll(getRequestedFor(urlPathEqualTo(path + "/last_operation")));
        assertThat(polls).hasSize(2).allSatisfy(poll -> {
            assertThat(poll.queryParameter("plan_id").firstValue()).isEqualTo("plan-tiny");
            assertThat(poll.queryParameter("operation").firstValue()).isEqualTo("u1");
        });
    }

    @Test
    void retryAfterOnAPollAnswerIsHonoured() {
        String instance = newGuid();
        String path = "/v2/service_instances/" + instance;
        broker.stubFor(put(urlPathEqualTo(path)).willReturn(aResponse().withStatus(202).withBody("{}")));
        String scenario = "retry-after-" + instance;
        broker.stubFor(get(urlPathEqualTo(path + "/last_operation")).inScenario(scenario)
                .whenScenarioStateIs(Scenario.STARTED).willSetStateTo("later")
                .willReturn(aResponse().withStatus(200).withHeader("Retry-After", "3")
                        .withBody("{\"state\":\"in progress\"}")));
        broker.stubFor(get(urlPathEqualTo(path + "/last_operation")).inScenario(scenario)
                .whenScenarioStateIs("later")
                .willReturn(aResponse().withStatus(200).withBody("{\"state\":\"succeeded\"}")));

        send(request(OperationType.CREATE, instance));

        assertThat(last(awaitFinished(instance)).state()).isEqualTo(OperationState.SUCCEEDED);
        List<LoggedRequest> polls = broker.findAll(getRequestedFor(urlPathEqualTo(path + "/last_operation")));
        assertThat(polls).hasSize(2);
        assertThat(polls.get(0).queryParameter("operation").isPresent()).isFalse();
        // Without Retry-After the second poll would come a second after the first. WireMock logs a request
        // when it arrives, before the worker reads the answer, so this bound cannot fail by timing noise;
        // one millisecond is given for the rounding of the logged times.
        long gap = polls.get(1).getLoggedDate().getTime() - polls.get(0).getLoggedDate().getTime();
        assertThat(gap).isGreaterThanOrEqualTo(2_999);
    }

    @Test
    void updateStillInProgressAtTheDeadlineFails() {
        String instance = newGuid();
        String path = "/v2/service_instances/" + instance;
        broker.stubFor(patch(urlPathEqualTo(path)).willReturn(aResponse().withStatus(202).withBody("{\"operation\":\"slow\"}")));
        broker.stubFor(get(urlPathEqualTo(path + "/last_operation")).willReturn(aResponse().withStatus(200)
                .withBody("{\"state\":\"in progress\",\"description\":\"Still copying\"}")));

        send(request(OperationType.UPDATE, instance, brokerUrl(), 2));

        OperationStatusChanged status = last(awaitFinished(instance));
        assertThat(status.state()).isEqualTo(OperationState.FAILED);
        assertThat(status.description()).isEqualTo(
                "The broker did not finish the update within 2 seconds (last answer: \"in progress\", \"Still copying\")");
        assertThat(broker.findAll(deleteRequestedFor(urlPathEqualTo(path)))).as("no orphan mitigation after an update")
                .isEmpty();
    }

    @Test
    void undecodablePollGoesToItsTiersDeadLetterTopicWithTheReason() {
        String key = newGuid();
        String tier = Topics.pollTopic(Duration.ofSeconds(1));
        sendTo(tier, key, "{\"type\":\"something else\"}".getBytes(StandardCharsets.UTF_8));

        try (KafkaConsumer<String, byte[]> deadLetters = reader(tier + Topics.DEAD_LETTER_SUFFIX)) {
            List<ConsumerRecord<String, byte[]>> seen = new ArrayList<>();
            await().atMost(PATIENCE).until(() -> !recordsWithKey(deadLetters, key, seen).isEmpty());
            ConsumerRecord<String, byte[]> dead = recordsWithKey(deadLetters, key, seen).get(0);
            assertThat(header(dead, "x-exception-message")).contains("expected an event of type " + EventTypes.POLL_SCHEDULED);
            assertThat(header(dead, "x-original-partition")).isEqualTo(Integer.toString(dead.partition()));
            assertThat(header(dead, "x-original-offset")).matches("\\d+");
        }
        assertThat(pollLoop.problem()).isNull();
    }

    @Test
    void recordsHandledBehindAFailingOneAreNotHandledAgain() {
        // Three records in one partition of the 1 s tier: a poll that fails every time it is handled (its
        // description is too large for a Kafka record), a poll due 2.5 s later (it hops once), and a record
        // that can never be read (parked at once). The failing one is tried four times, and each time its
        // partition is read again from it.
        String failing = newGuid();
        String hopping = newGuidInPartitionOf(failing);
        String unreadable = newGuidInPartitionOf(failing);
        broker.stubFor(get(urlPathEqualTo("/v2/service_instances/" + failing + "/last_operation"))
                .willReturn(aResponse().withStatus(200)
                        .withBody("{\"state\":\"in progress\",\"description\":\"" + "x".repeat(1_100_000) + "\"}")));
        String hoppingPath = "/v2/service_instances/" + hopping + "/last_operation";
        broker.stubFor(get(urlPathEqualTo(hoppingPath)).willReturn(aResponse().withStatus(200)
                .withBody("{\"state\":\"succeeded\"}")));
        Instant now = Instant.now();

        sendTo(ONE_SECOND_TIER, failing, pollRecord(request(OperationType.CREATE, failing), now, now));
        sendTo(ONE_SECOND_TIER, hopping, pollRecord(request(OperationType.CREATE, hopping), now, now.plusMillis(2_500)));
        sendTo(ONE_SECOND_TIER, unreadable, "not a scheduled step".getBytes(StandardCharsets.UTF_8));

        try (KafkaConsumer<String, byte[]> deadLetters = reader(ONE_SECOND_TIER + Topics.DEAD_LETTER_SUFFIX)) {
            List<ConsumerRecord<String, byte[]>> seen = new ArrayList<>();
            await().atMost(PATIENCE).until(() -> !recordsWithKey(deadLetters, failing, seen).isEmpty()
                    && statusesOf(hopping).stream().anyMatch(s -> s.state().terminal()));
            // The hop left one copy of its step, polled once; the unreadable record was parked once.
            await().during(Duration.ofMillis(1_500)).atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(List.of(
                    broker.findAll(getRequestedFor(urlPathEqualTo(hoppingPath))).size(),
                    recordsWithKey(deadLetters, unreadable, seen).size(),
                    recordsWithKey(deadLetters, failing, seen).size()))
                    .as("polls of the hopping step, dead letters of the unreadable and of the failing record")
                    .containsExactly(1, 1, 1));
        }
        assertThat(statusesOf(hopping)).extracting(OperationStatusChanged::state).containsExactly(OperationState.SUCCEEDED);
    }

    @Test
    void copiesOfOneStepDueTogetherPollOnce() {
        // Two copies of one step (same id and time), as a hop sent again after a crash leaves them: they are
        // due at the same moment and read in one batch.
        String instance = newGuid();
        String path = "/v2/service_instances/" + instance + "/last_operation";
        broker.stubFor(get(urlPathEqualTo(path)).willReturn(aResponse().withStatus(200)
                .withBody("{\"state\":\"succeeded\"}")));
        Instant now = Instant.now();
        byte[] step = pollRecord(request(OperationType.CREATE, instance), now, now);

        sendTo(ONE_SECOND_TIER, instance, step);
        sendTo(ONE_SECOND_TIER, instance, step);

        assertThat(last(awaitFinished(instance)).state()).isEqualTo(OperationState.SUCCEEDED);
        await().during(Duration.ofMillis(1_500)).atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(broker.findAll(getRequestedFor(urlPathEqualTo(path)))).as("polls of the step").hasSize(1));
        assertThat(statusesOf(instance)).hasSize(1);
    }

    /** A poll record as the worker writes it: the step's id and time in the envelope, no kind header (a poll). */
    private static byte[] pollRecord(ProvisioningRequested request, Instant startedAt, Instant dueAt) {
        PollScheduled poll = new PollScheduled(request, null, null, startedAt, dueAt, 0);
        return codec.write(new EventEnvelope<>(EventEnvelope.SPEC_VERSION, UUID.randomUUID().toString(),
                EventTypes.POLL_SCHEDULED, "/provisioner/worker", startedAt, request.instanceGuid(),
                EventEnvelope.CONTENT_TYPE, poll));
    }

    /** A new instance guid whose records land in the same partition as those of {@code key} (Kafka's key hash). */
    private String newGuidInPartitionOf(String key) {
        int partitions = kafkaSettings.partitions();
        int wanted = partitionOf(key, partitions);
        while (true) {
            String guid = newGuid();
            if (partitionOf(guid, partitions) == wanted) {
                return guid;
            }
        }
    }

    private static int partitionOf(String key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
