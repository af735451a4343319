package io.provisioner.worker.polling;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.time.Instant;
import java.util.List;

import io.provisioner.schemas.EventEnvelope;
import io.provisioner.schemas.EventTypes;
import io.provisioner.schemas.OperationType;
import io.provisioner.schemas.PollScheduled;
import io.provisioner.schemas.ProvisioningRequested;
import io.provisioner.schemas.Topics;
import io.provisioner.worker.WorkerIntegrationTest;
import io.provisioner.worker.progress.ProgressTable;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;

/** Every consumer of the worker parks what it cannot handle, after bounded tries, with the reason and source. */
class DeadLetterTest extends WorkerIntegrationTest {

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    private ConsumerRecord<String, byte[]> awaitDeadLetter(String topic, String key) {
        try (KafkaConsumer<String, byte[]> deadLetters = reader(topic + Topics.DEAD_LETTER_SUFFIX)) {
            List<ConsumerRecord<String, byte[]>> seen = new ArrayList<>();
            await().atMost(PATIENCE).until(() -> !recordsWithKey(deadLetters, key, seen).isEmpty());
            return recordsWithKey(deadLetters, key, seen).get(0);
        }
    }

    @Test
    void aStepThatKeepsFailingIsParkedAfterItsTries() {
        String instance = newGuid();
        String path = "/v2/service_instances/" + instance;
        broker.stubFor(get(urlPathEqualTo(path + "/last_operation")).willReturn(aResponse().withStatus(200)
                .withBody("{\"state\":\"in progress\"}")));
        // A poll whose broker password was sealed with another key: every try of the step fails. (Broker text
        // is bounded, so an oversized description can no longer make the step fail.)
        ProvisioningRequested sealedElsewhere = requestSealedWithAnotherKey(OperationType.CREATE, instance);
        Instant now = Instant.now();
        String poll = Topics.pollTopic(Duration.ofSeconds(1));
        sendTo(poll, instance, codec.write(EventEnvelope.of(EventTypes.POLL_SCHEDULED, "/test", now, instance,
                new PollScheduled(sealedElsewhere, "op", null, now, now, 1))));

        ConsumerRecord<String, byte[]> dead = awaitDeadLetter(poll, instance);
        assertThat(header(dead, "x-exception-message")).contains("cannot be opened");
        assertThat(header(dead, "x-original-topic")).isEqualTo(poll);
        assertThat(header(dead, "x-original-partition")).isEqualTo(Integer.toString(dead.partition()));
        assertThat(header(dead, "x-original-offset")).matches("\\d+");
        assertThat(broker.findAll(getRequestedFor(urlPathEqualTo(path + "/last_operation")))).isEmpty();
    }

    @Test
    void anUnreadableProgressRecordIsParked() {
        String key = newGuid();

        sendTo(ProgressTable.TOPIC, key, "{\"operation_id\": 42".getBytes(StandardCharsets.UTF_8));

        ConsumerRecord<String, byte[]> dead = awaitDeadLetter(ProgressTable.TOPIC, key);
        assertThat(header(dead, "x-original-topic")).isEqualTo(ProgressTable.TOPIC);
        assertThat(header(dead, "x-original-offset")).matches("\\d+");
        assertThat(new String(dead.value(), StandardCharsets.UTF_8)).isEqualTo("{\"operation_id\": 42");
    }
}
