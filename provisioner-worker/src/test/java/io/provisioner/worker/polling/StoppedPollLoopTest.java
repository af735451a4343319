package io.provisioner.worker.polling;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.provisioner.schemas.OperationState;
import io.provisioner.schemas.OperationStatusChanged;
import io.provisioner.schemas.OperationType;
import io.provisioner.schemas.PollScheduled;
import io.provisioner.schemas.Topics;
import io.provisioner.worker.WorkerIntegrationTest;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;
import org.springframework.beans.factory.annotation.Autowired;

/** Stops the shared poll loop for a while, so it runs alone. */
@Isolated
class StoppedPollLoopTest extends WorkerIntegrationTest {

    @Autowired
    PollLoop pollLoop;

    @Test
    void pollWaitingOnItsTierSurvivesAStoppedPollConsumer() {
        String instance = newGuid();
        String path = "/v2/service_instances/" + instance;
        broker.stubFor(put(urlPathEqualTo(path)).willReturn(aResponse().withStatus(202).withBody("{\"operation\":\"p1\"}")));
        broker.stubFor(get(urlPathEqualTo(path + "/last_operation")).willReturn(aResponse().withStatus(200)
                .withBody("{\"state\":\"succeeded\"}")));

        pollLoop.stop();
        try {
            send(request(OperationType.CREATE, instance));

            try (KafkaConsumer<String, byte[]> tier = reader(Topics.pollTopic(Duration.ofSeconds(1)))) {
                List<ConsumerRecord<String, byte[]>> seen = new ArrayList<>();
                await().atMost(PATIENCE).until(() -> !recordsWithKey(tier, instance, seen).isEmpty());
                PollScheduled poll = codec.readPoll(recordsWithKey(tier, instance, seen).get(0).value()).data();
                assertThat(poll.attempt()).isZero();
                assertThat(poll.brokerOperation()).isEqualTo("p1");
                // The first poll is due a minimum interval after the broker accepted the operation.
                assertThat(poll.dueAt()).isBetween(poll.startedAt().plusSeconds(1), poll.startedAt().plusMillis(1_100));
            }
            await().atMost(PATIENCE).until(() -> !statusesOf(instance).isEmpty());
            assertThat(statusesOf(instance)).extracting(OperationStatusChanged::state)
                    .containsExactly(OperationState.IN_PROGRESS);
            assertThat(broker.findAll(getRequestedFor(urlPathEqualTo(path + "/last_operation")))).isEmpty();
        } finally {
            pollLoop.start();
        }

        assertThat(last(awaitFinished(instance)).state()).isEqualTo(OperationState.SUCCEEDED);
    }
}
