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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
    /** Long enough for a late duplicate poll (one tier, one minimum interval) to show. */
    private static final Duration QUIET = Duration.ofSeconds(2);

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
        // OSB: a final state ends polling.
        await().during(QUIET).atMost(QUIET.plusSeconds(3)).untilAsserted(() -> assertThat(
                broker.findAll(getRequestedFor(urlPathEqualTo(path + "/last_operation")))).as("polls").hasSize(2));
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
        assertThat(status.description()).startsWith("The broker did not finish the update")
                .endsWith("(last answer: \"in progress\", \"Still copying\")");
        assertEndedAtTheDeadline(instance, status, Duration.ofSeconds(2));
        assertThat(broker.findAll(deleteRequestedFor(urlPathEqualTo(path)))).as("no orphan mitigation after an update")
                .isEmpty();
    }

    @Test
    void createStillInProgressAtTheDeadlineFailsAtTheDeadline() {
        String instance = newGuid();
        String path = "/v2/service_instances/" + instance;
        broker.stubFor(put(urlPathEqualTo(path)).willReturn(aResponse().withStatus(202).withBody("{\"operation\":\"slow\"}")));
        broker.stubFor(get(urlPathEqualTo(path + "/last_operation")).willReturn(aResponse().withStatus(200)
                .withBody("{\"state\":\"in progress\"}")));
        broker.stubFor(delete(urlPathEqualTo(path)).willReturn(aResponse().withStatus(200).withBody("{}")));

        send(request(OperationType.CREATE, instance, brokerUrl(), 3));

        OperationStatusChanged status = last(awaitFinished(instance));
        assertThat(status.state()).isEqualTo(OperationState.FAILED);
        assertEndedAtTheDeadline(instance, status, Duration.ofSeconds(3));
    }

    /**
     * The deadline counts from the broker's acceptance (the {@code started_at} of the poll steps, taken from the
     * worker's clock when the 202 came): every poll due until then comes before it, exactly one comes at or
     * after it, and the operation fails then. Measured against the broker's log, not the description: a poll
     * that runs late (behind another step of its partition, on a busy machine) still counts.
     */
    private void assertEndedAtTheDeadline(String instance, OperationStatusChanged failed, Duration maximum) {
        String path = "/v2/service_instances/" + instance + "/last_operation";
        int seen = broker.findAll(getRequestedFor(urlPathEqualTo(path))).size();
        await().during(QUIET).atMost(QUIET.plusSeconds(3)).untilAsserted(() ->
                assertThat(broker.findAll(getRequestedFor(urlPathEqualTo(path)))).as("polls after the final status")
                        .hasSize(seen));
        List<Instant> polls = broker.findAll(getRequestedFor(urlPathEqualTo(path))).stream()
                .map(poll -> poll.getLoggedDate().toInstant()).toList();
        List<PollScheduled> scheduled = scheduledPolls(instance, polls.size());
        Instant deadline = scheduled.get(0).startedAt().plus(maximum);
        assertThat(scheduled).extracting(PollScheduled::dueAt).as("due times").allSatisfy(
                due -> assertThat(due).isBeforeOrEqualTo(deadline));
        assertThat(polls.subList(0, polls.size() - 1)).as("polls before the last").allSatisfy(
                at -> assertThat(at).isBefore(deadline));
        // The broker logs whole milliseconds.
        assertThat(polls.get(polls.size() - 1)).as("last poll").isAfterOrEqualTo(deadline.minusMillis(1));
        assertThat(failed.occurredAt()).as("failure").isAfterOrEqualTo(deadline);
    }

    /** The poll steps of an instance as the worker scheduled them, oldest first (a hop's copies once). */
    private List<PollScheduled> scheduledPolls(String instance, int atLeast) {
        Map<Instant, PollScheduled> byTime = new LinkedHashMap<>();
        try (KafkaConsumer<String, byte[]> tier = reader(ONE_SECOND_TIER)) {
            List<ConsumerRecord<String, byte[]>> seen = new ArrayList<>();
            await().atMost(PATIENCE).until(() -> recordsWithKey(tier, instance, seen).size() >= atLeast);
            recordsWithKey(tier, instance, seen).forEach(record -> {
                // polls only: the orphan-mitigation job that follows a failed create rides the same tier
                org.apache.kafka.common.header.Header kind = record.headers().lastHeader(WorkKind.HEADER);
                if (kind != null && !WorkKind.POLL.wire().equals(new String(kind.value(), StandardCharsets.UTF_8))) {
                    return;
                }
                EventEnvelope<PollScheduled> step = codec.readPoll(record.value());
                byTime.putIfAbsent(step.time(), step.data());
            });
        }
        return List.copyOf(byTime.values());
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
        // broker password was sealed with another key), a poll due 2.5 s later (it hops once), and a record
        // that can never be read (parked at once). The failing one is tried four times, and each time its
        // partition is read again from it.
        String failing = newGuid();
        String hopping = newGuidInPartitionOf(failing);
        String unreadable = newGuidInPartitionOf(failing);
        String hoppingPath = "/v2/service_instances/" + hopping + "/last_operation";
        broker.stubFor(get(urlPathEqualTo(hoppingPath)).willReturn(aResponse().withStatus(200)
                .withBody("{\"state\":\"succeeded\"}")));
        Instant now = Instant.now();

        sendTo(ONE_SECOND_TIER, failing, pollRecord(requestSealedWithAnotherKey(OperationType.CREATE, failing), now, now));
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
