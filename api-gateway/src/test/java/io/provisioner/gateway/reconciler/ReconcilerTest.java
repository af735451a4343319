package io.provisioner.gateway.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.test.utils.KafkaTestUtils;

import io.provisioner.gateway.GatewayTestBase;
import io.provisioner.schemas.EventCodec;
import io.provisioner.schemas.OperationType;
import io.provisioner.schemas.ProvisioningRequested;
import io.provisioner.schemas.Topics;

class ReconcilerTest extends GatewayTestBase {

    @Autowired
    Reconciler reconciler;

    private void overdueBy(String guid, Duration late) {
        jdbc.sql("UPDATE service_instances SET operation_deadline = ? WHERE guid = ?")
                .params(OffsetDateTime.now(ZoneOffset.UTC).minus(late), guid).update();
    }

    @Test
    void aCreateWhoseEventsNeverCameIsFailedAndTheBrokerAskedToDeleteIt() {
        String guid = create(newName()).json().at("/metadata/guid").asString();
        String young = create(newName()).json().at("/metadata/guid").asString();
        overdueBy(guid, Duration.ofHours(1));
        overdueBy(young, Duration.ofMinutes(1));
        Map<String, Object> props = KafkaTestUtils.consumerProps(embeddedKafka, "reconciler-" + UUID.randomUUID(), false);

        try (Consumer<String, byte[]> requests = new DefaultKafkaConsumerFactory<>(props, new StringDeserializer(),
                new ByteArrayDeserializer()).createConsumer()) {
            requests.subscribe(List.of(Topics.REQUESTS));

            assertThat(reconciler.reconcileOnce()).isEqualTo(1);
            assertThat(reconciler.reconcileOnce()).as("a second round finds nothing more").isZero();

            var operation = get("/v2/service_instances/" + guid).json().at("/entity/last_operation");
            assertThat(operation.get("state").asString()).isEqualTo("failed");
            assertThat(operation.get("description").asString()).contains("did not finish")
                    .contains("asked the broker to delete");
            assertThat(get("/v2/service_instances/" + young).json().at("/entity/last_operation/state").asString())
                    .as("within the grace period nothing happens").isEqualTo("in progress");

            EventCodec codec = new EventCodec();
            ProvisioningRequested cleanup = await().atMost(Duration.ofSeconds(20)).until(() -> {
                for (ConsumerRecord<String, byte[]> r : KafkaTestUtils.getRecords(requests, Duration.ofMillis(200))) {
                    // Only this instance's records: the topic carries other kinds of request too (service keys).
                    if (!guid.equals(r.key())) {
                        continue;
                    }
                    ProvisioningRequested request = codec.readRequested(r.value()).data();
                    if (request.operationType() == OperationType.DELETE) {
                        return request;
                    }
                }
                return null;
            }, r -> r != null);
            assertThat(cleanup.operationId()).isNotEqualTo(operationId(guid));
            assertThat(cleanup.originatingUserId()).as("orphan mitigation is not user-initiated").isNull();
        }
    }
}
