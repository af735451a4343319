package io.provisioner.gateway.orphan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.test.utils.KafkaTestUtils;
import tools.jackson.databind.JsonNode;

import io.provisioner.gateway.GatewayTestBase;
import io.provisioner.schemas.EventCodec;
import io.provisioner.schemas.EventEnvelope;
import io.provisioner.schemas.EventTypes;
import io.provisioner.schemas.OperationState;
import io.provisioner.schemas.OperationStatusChanged;
import io.provisioner.schemas.OperationType;
import io.provisioner.schemas.OrphanMitigationChanged;
import io.provisioner.schemas.OrphanMitigationRequested;
import io.provisioner.schemas.OrphanMitigationState;
import io.provisioner.schemas.Topics;

/**
 * The gateway's side of orphan mitigation: the worker's job events fill {@code /admin/orphan-mitigations},
 * an abandoned job is retried through the outbox, and a failed create's status events keep
 * {@code last_operation.updated_at} still when they bring nothing new.
 */
class OrphanMitigationAdminTest extends GatewayTestBase {

    private static final Duration PATIENCE = Duration.ofSeconds(20);
    private final EventCodec codec = new EventCodec();

    /** A create the worker reported failed, as after a broker error. */
    private String failedCreate() {
        String guid = create(newName()).json().at("/metadata/guid").asString();
        status(guid, operationId(guid), OperationType.CREATE, OperationState.FAILED, 1,
                "Service broker error: disk on fire. The platform is deleting what the broker may have created (orphan mitigation).");
        await().atMost(PATIENCE).until(() -> "failed".equals(lastOperation(guid).get("state").asString()));
        return guid;
    }

    private JsonNode lastOperation(String guid) {
        return get("/v2/service_instances/" + guid).json().at("/entity/last_operation");
    }

    /** Plays the worker: reports how the orphan mitigation of an instance moved. */
    private void job(String guid, OrphanMitigationState state, int attempts, String lastError, Instant occurredAt) {
        Instant started = Instant.parse("2026-12-01T10:00:00Z");
        OrphanMitigationChanged change = new OrphanMitigationChanged(guid, operationId(guid), "broker-guid-1",
                "test-broker", state, attempts, lastError, started, started.plus(Duration.ofHours(24)), occurredAt);
        kafka.send(Topics.ORPHAN_MITIGATIONS, guid, codec.write(EventEnvelope.of(EventTypes.ORPHAN_MITIGATION_CHANGED,
                "/test", occurredAt, guid, change))).join();
    }

    private void awaitJob(String guid, String state, int attempts) {
        await().atMost(PATIENCE).until(() -> {
            var answer = get("/admin/orphan-mitigations/" + guid);
            return answer.status() == 200 && answer.json().at("/entity/state").asString().equals(state)
                    && answer.json().at("/entity/attempts").asInt() == attempts;
        });
    }

    private static List<String> guids(JsonNode page) {
        List<String> guids = new ArrayList<>();
        page.get("resources").forEach(resource -> guids.add(resource.at("/metadata/guid").asString()));
        return guids;
    }

    @Test
    void adminsSeePendingAndAbandonedJobsWithInstanceBrokerAttemptsAndLastError() {
        String pending = failedCreate();
        String abandoned = failedCreate();
        String succeeded = failedCreate();
        Instant now = Instant.now();
        job(pending, OrphanMitigationState.PENDING, 2, "HTTP 500 from DELETE", now);
        job(abandoned, OrphanMitigationState.ABANDONED, 40, "HTTP 502 from DELETE", now);
        job(succeeded, OrphanMitigationState.SUCCEEDED, 1, null, now);
        awaitJob(pending, "pending", 2);
        awaitJob(abandoned, "abandoned", 40);
        awaitJob(succeeded, "succeeded", 1);

        JsonNode open = get("/admin/orphan-mitigations?results-per-page=100").json();
        JsonNode done = get("/admin/orphan-mitigations?q=state:succeeded&results-per-page=100").json();
        JsonNode firstPage = get("/admin/orphan-mitigations?q=instance_guid%20IN%20" + pending + "," + abandoned
                + "&results-per-page=1").json();

        assertThat(guids(open)).contains(pending, abandoned).doesNotContain(succeeded);
        assertThat(guids(done)).contains(succeeded).doesNotContain(pending, abandoned);
        JsonNode entry = get("/admin/orphan-mitigations/" + abandoned).json();
        assertThat(entry.at("/entity/instance_guid").asString()).isEqualTo(abandoned);
        assertThat(entry.at("/entity/operation_id").asString()).isEqualTo(operationId(abandoned));
        assertThat(entry.at("/entity/broker_name").asString()).isEqualTo("test-broker");
        assertThat(entry.at("/entity/broker_guid").asString()).isEqualTo("broker-guid-1");
        assertThat(entry.at("/entity/attempts").asInt()).isEqualTo(40);
        assertThat(entry.at("/entity/last_error").asString()).isEqualTo("HTTP 502 from DELETE");
        assertThat(entry.at("/entity/give_up_at").asString()).isEqualTo("2026-12-02T10:00:00Z");
        assertThat(firstPage.get("total_results").asInt()).isEqualTo(2);
        assertThat(firstPage.get("total_pages").asInt()).isEqualTo(2);
        assertThat(firstPage.get("next_url").asString()).startsWith("/admin/orphan-mitigations?").contains("page=2");
    }

    @Test
    void anOlderEventChangesNothing() {
        String guid = failedCreate();
        Instant now = Instant.now();
        job(guid, OrphanMitigationState.PENDING, 3, "third", now);
        awaitJob(guid, "pending", 3);

        job(guid, OrphanMitigationState.PENDING, 1, "first", now.minusSeconds(5));
        job(guid, OrphanMitigationState.PENDING, 4, "fourth", now.plusSeconds(1));

        awaitJob(guid, "pending", 4);
        assertThat(get("/admin/orphan-mitigations/" + guid).json().at("/entity/last_error").asString()).isEqualTo("fourth");
    }

    @Test
    void onlyAdminsMayListOrRetryAndBadRequestsGetTheCfEnvelope() {
        var developer = sendAs("developer", "GET", "/admin/orphan-mitigations", null);
        var retryByDeveloper = sendAs("developer", "POST", "/admin/orphan-mitigations/" + UUID.randomUUID() + "/retry", null);
        var nobody = sendAs(null, "GET", "/admin/orphan-mitigations", null);
        var badQuery = get("/admin/orphan-mitigations?q=colour:red");
        var unknown = send("POST", "/admin/orphan-mitigations/" + UUID.randomUUID() + "/retry", null);

        assertThat(developer.status()).isEqualTo(403);
        assertThat(developer.errorCode()).isEqualTo("CF-InsufficientScope");
        assertThat(retryByDeveloper.status()).isEqualTo(403);
        assertThat(nobody.status()).isEqualTo(401);
        assertThat(nobody.errorCode()).isEqualTo("CF-NotAuthenticated");
        assertThat(badQuery.status()).isEqualTo(400);
        assertThat(badQuery.errorCode()).isEqualTo("CF-BadQueryParameter");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.errorCode()).isEqualTo("CF-NotFound");
        assertThat(unknown.code()).isEqualTo(10000);
    }

    @Test
    void anAbandonedJobIsRetriedThroughTheOutboxAndAPendingOneIsNot() {
        String guid = failedCreate();
        job(guid, OrphanMitigationState.PENDING, 5, "HTTP 500 from DELETE", Instant.now());
        awaitJob(guid, "pending", 5);
        var whilePending = send("POST", "/admin/orphan-mitigations/" + guid + "/retry", null);
        job(guid, OrphanMitigationState.ABANDONED, 9, "HTTP 500 from DELETE", Instant.now().plusSeconds(1));
        awaitJob(guid, "abandoned", 9);
        Map<String, Object> props = KafkaTestUtils.consumerProps(embeddedKafka, "orphan-" + UUID.randomUUID(), false);

        try (Consumer<String, byte[]> requests = new DefaultKafkaConsumerFactory<>(props, new StringDeserializer(),
                new ByteArrayDeserializer()).createConsumer()) {
            requests.subscribe(List.of(Topics.REQUESTS));

            var retried = send("POST", "/admin/orphan-mitigations/" + guid + "/retry", null);
            var again = send("POST", "/admin/orphan-mitigations/" + guid + "/retry", null);

            assertThat(whilePending.status()).isEqualTo(400);
            assertThat(whilePending.errorCode()).isEqualTo("CF-InvalidRequest");
            assertThat(retried.status()).isEqualTo(202);
            assertThat(retried.json().at("/entity/state").asString()).isEqualTo("pending");
            assertThat(retried.json().at("/entity/attempts").asInt()).isZero();
            assertThat(again.status()).as("it is pending now").isEqualTo(400);
            OrphanMitigationRequested requested = await().atMost(PATIENCE).until(() -> {
                for (ConsumerRecord<String, byte[]> r : KafkaTestUtils.getRecords(requests, Duration.ofMillis(200))) {
                    if (guid.equals(r.key()) && EventTypes.ORPHAN_MITIGATION_REQUESTED.equals(codec.typeOf(r.value()))) {
                        return codec.readOrphanMitigationRequested(r.value()).data();
                    }
                }
                return null;
            }, r -> r != null);
            assertThat(requested.request().operationId()).isEqualTo(operationId(guid));
            assertThat(requested.request().operationType()).isEqualTo(OperationType.CREATE);
            assertThat(requested.request().originatingUserId()).as("the platform's own clean-up").isNull();
            assertThat(requested.request().broker().url()).startsWith("http://");
            assertThat(requested.request().broker().sealedPassword()).startsWith("v1:");
            assertThat(requested.failure()).startsWith("Service broker error: disk on fire.");
        }
        // The instance is still there, its create still failed: the name stays taken until it is deleted.
        assertThat(lastOperation(guid).get("state").asString()).isEqualTo("failed");
    }

    @Test
    void aJobWhoseCreateIsNoLongerTheLastOperationIsNotRetried() {
        String guid = failedCreate();
        job(guid, OrphanMitigationState.ABANDONED, 9, "HTTP 500 from DELETE", Instant.now());
        awaitJob(guid, "abandoned", 9);
        assertThat(send("DELETE", "/v2/service_instances/" + guid + "?accepts_incomplete=true", null).status())
                .isEqualTo(202);

        var retried = send("POST", "/admin/orphan-mitigations/" + guid + "/retry", null);

        assertThat(retried.status()).isEqualTo(400);
        assertThat(retried.errorCode()).isEqualTo("CF-InvalidRequest");
        assertThat(retried.json().get("description").asString()).contains("no longer its last operation");
    }

    @Test
    void lastOperationUpdatedAtMovesOnlyWhenTheStateOrTheDescriptionChanges() {
        String guid = create(newName()).json().at("/metadata/guid").asString();
        String operation = operationId(guid);
        status(guid, operation, OperationType.CREATE, OperationState.IN_PROGRESS, 1, "Provisioning");
        await().atMost(PATIENCE).until(() -> sequence(guid) == 1);
        OffsetDateTime first = operationUpdatedAt(guid);

        await().atMost(Duration.ofSeconds(2)).until(() -> OffsetDateTime.now().isAfter(first.plus(50, ChronoUnit.MILLIS)));
        status(guid, operation, OperationType.CREATE, OperationState.IN_PROGRESS, 2, "Provisioning");
        status(guid, operation, OperationType.CREATE, OperationState.IN_PROGRESS, 3, null);
        await().atMost(PATIENCE).until(() -> sequence(guid) == 3);
        OffsetDateTime unchanged = operationUpdatedAt(guid);
        status(guid, operation, OperationType.CREATE, OperationState.IN_PROGRESS, 4, "Almost there");
        await().atMost(PATIENCE).until(() -> sequence(guid) == 4);
        OffsetDateTime described = operationUpdatedAt(guid);

        assertThat(unchanged).as("polls that brought nothing new").isEqualTo(first);
        assertThat(described).as("a new description").isAfter(first);
    }

    @Test
    void theDeadlineTheWorkerReportsReplacesTheOneSetAtTheRequest() {
        String guid = create(newName()).json().at("/metadata/guid").asString();
        OffsetDateTime atRequest = deadline(guid);
        Instant fromTheBrokersAcceptance = Instant.now().plus(Duration.ofHours(3)).truncatedTo(ChronoUnit.MILLIS);
        OperationStatusChanged accepted = new OperationStatusChanged(operationId(guid), OperationType.CREATE, guid,
                OperationState.IN_PROGRESS, "The broker accepted the request and is working on it", null, "op-1", 1, "rid",
                Instant.now(), fromTheBrokersAcceptance);
        kafka.send(Topics.STATUS, guid, codec.write(EventEnvelope.of(EventTypes.OPERATION_STATUS_CHANGED, "/test",
                Instant.now(), guid, accepted))).join();
        await().atMost(PATIENCE).until(() -> sequence(guid) == 1);
        status(guid, operationId(guid), OperationType.CREATE, OperationState.IN_PROGRESS, 2, "still going");
        await().atMost(PATIENCE).until(() -> sequence(guid) == 2);

        assertThat(deadline(guid).toInstant()).isEqualTo(fromTheBrokersAcceptance).isNotEqualTo(atRequest.toInstant());
    }

    private long sequence(String guid) {
        return jdbc.sql("SELECT operation_sequence FROM service_instances WHERE guid = ?").param(guid)
                .query(Long.class).single();
    }

    private OffsetDateTime operationUpdatedAt(String guid) {
        return jdbc.sql("SELECT operation_updated_at FROM service_instances WHERE guid = ?").param(guid)
                .query((rs, n) -> rs.getObject(1, OffsetDateTime.class)).single();
    }

    private OffsetDateTime deadline(String guid) {
        return jdbc.sql("SELECT operation_deadline FROM service_instances WHERE guid = ?").param(guid)
                .query((rs, n) -> rs.getObject(1, OffsetDateTime.class)).single();
    }
}
