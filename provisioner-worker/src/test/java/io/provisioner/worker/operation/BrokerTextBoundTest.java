package io.provisioner.worker.operation;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import io.provisioner.schemas.BrokerText;
import io.provisioner.schemas.RecordLimits;
import io.provisioner.schemas.OperationState;
import io.provisioner.schemas.OperationStatusChanged;
import io.provisioner.schemas.OperationType;
import io.provisioner.worker.WorkerIntegrationTest;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.kafka.core.ProducerFactory;

/**
 * A broker's words are bounded where its answers enter the worker: a 2 MB description (more than any
 * Kafka record may hold) ends the operation with a bounded description, and the provision is sent once.
 */
class BrokerTextBoundTest extends WorkerIntegrationTest {

    @Autowired
    private ProducerFactory<?, ?> producers;

    private static final String TWO_MEGABYTES = "x".repeat(2 * 1024 * 1024);

    /** Status descriptions hold the broker's bounded words plus the platform's own short context. */
    private static final int DESCRIPTION_BOUND = BrokerText.MAX_LENGTH + 1024;

    @Test
    void aTwoMegabyteErrorDescriptionFailsTheOperationWithABoundedDescriptionWithoutSendingItAgain() {
        String instance = newGuid();
        String path = "/v2/service_instances/" + instance;
        broker.stubFor(put(urlPathEqualTo(path)).willReturn(aResponse().withStatus(400)
                .withBody("{\"error\":\"" + TWO_MEGABYTES + "\",\"description\":\"" + TWO_MEGABYTES + "\"}")));

        send(request(OperationType.CREATE, instance));

        OperationStatusChanged status = last(awaitFinished(instance));
        assertThat(status.state()).isEqualTo(OperationState.FAILED);
        assertThat(status.description()).startsWith("Service broker error: xxx").contains("(truncated)")
                .hasSizeLessThan(2 * DESCRIPTION_BOUND);
        await().during(Duration.ofMillis(500)).atMost(PATIENCE)
                .untilAsserted(() -> broker.verify(1, putRequestedFor(urlPathEqualTo(path))));
    }

    @Test
    void theProducerTakesRecordsUpToTheTopicLimit() {
        assertThat(String.valueOf(producers.getConfigurationProperties().get("max.request.size")))
                .isEqualTo(String.valueOf(RecordLimits.MAX_RECORD_BYTES));
    }

    @Test
    void aTwoMegabyteDescriptionInALastOperationAnswerIsBoundedToo() {
        String instance = newGuid();
        String path = "/v2/service_instances/" + instance;
        broker.stubFor(put(urlPathEqualTo(path)).willReturn(aResponse().withStatus(202).withBody("{\"operation\":\"op\"}")));
        broker.stubFor(get(urlPathEqualTo(path + "/last_operation")).willReturn(aResponse().withStatus(200)
                .withBody("{\"state\":\"failed\",\"description\":\"" + TWO_MEGABYTES + "\"}")));
        broker.stubFor(delete(urlPathEqualTo(path)).willReturn(aResponse().withStatus(200).withBody("{}")));

        send(request(OperationType.CREATE, instance));

        OperationStatusChanged status = last(awaitFinished(instance));
        assertThat(status.state()).isEqualTo(OperationState.FAILED);
        assertThat(status.description()).contains("(truncated)").hasSizeLessThan(DESCRIPTION_BOUND);
        broker.verify(1, putRequestedFor(urlPathEqualTo(path)));
    }
}
