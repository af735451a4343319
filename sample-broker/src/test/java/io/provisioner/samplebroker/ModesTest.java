package io.provisioner.samplebroker;

import static io.provisioner.samplebroker.BrokerClient.ASYNC_PLAN;
import static io.provisioner.samplebroker.BrokerClient.SYNC_PLAN;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

/** The modes that reproduce what goes wrong with real brokers, one test per mode. */
class ModesTest extends RunningBroker {

    private static final Map<String, String> ADMIN = Map.of("Authorization", BrokerClient.basic("broker", "broker-secret"));

    private final String id = UUID.randomUUID().toString();

    private static Map<String, Object> override(Map<String, Object> modes) {
        return Map.of("sample_broker", modes);
    }

    @Test
    void failFirstCallsFailsOnlyThatManyCallsThenBehavesNormally() {
        Map<String, Object> parameters = override(Map.of("fail_status", 503, "fail_first_calls", 2,
                "fail_error", "Busy", "fail_description", "come back later"));

        BrokerClient.Reply first = broker.provision(id, SYNC_PLAN, parameters);
        BrokerClient.Reply second = broker.provision(id, SYNC_PLAN, parameters);
        BrokerClient.Reply third = broker.provision(id, SYNC_PLAN, parameters);

        assertThat(first.status()).isEqualTo(503);
        assertThat(first.body().get("error").asString()).isEqualTo("Busy");
        assertThat(second.status()).isEqualTo(503);
        assertThat(third.status()).isEqualTo(201);
    }

    @Test
    void answerDelaySlowsTheAnswerButTheWorkIsDone() {
        long started = System.nanoTime();

        BrokerClient.Reply created = broker.provision(id, SYNC_PLAN, override(Map.of("answer_delay_ms", 300)));

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        assertThat(created.status()).isEqualTo(201);
        assertThat(broker.osb("GET", "/v2/service_instances/" + id, null).status()).isEqualTo(200);
    }

    @Test
    void respondReplacesTheAnswerWhileTheInstanceIsStillCreated() {
        BrokerClient.Reply unexpected = broker.provision(id, SYNC_PLAN,
                override(Map.of("respond", Map.of("status", 204))));
        String other = UUID.randomUUID().toString();
        BrokerClient.Reply malformed = broker.provision(other, ASYNC_PLAN,
                override(Map.of("respond", Map.of("status", 202, "body", "{\"operation\": 42"))));

        assertThat(unexpected.status()).isEqualTo(204);
        assertThat(broker.deprovision(id, SYNC_PLAN).status()).as("the instance exists").isEqualTo(200);
        assertThat(malformed.status()).isEqualTo(202);
        assertThat(malformed.text()).isEqualTo("{\"operation\": 42");
        assertThat(malformed.body()).isNull();
        assertThat(broker.lastOperation(other).body().get("state").asString()).isEqualTo("in progress");
    }

    @Test
    void retryAfterComesInSecondsOnTheAnswerAndOnPollsInProgress() {
        BrokerClient.Reply accepted = broker.provision(id, ASYNC_PLAN, override(Map.of("retry_after", "3")));

        assertThat(accepted.header("Retry-After")).isEqualTo("3");
        assertThat(broker.lastOperation(id).header("Retry-After")).isEqualTo("3");
        clock.advance(Duration.ofSeconds(3));
        assertThat(broker.lastOperation(id).header("Retry-After")).as("not once it is over").isNull();
    }

    @Test
    void retryAfterComesAsAnHttpDateRoundedUpToTheSecond() {
        Instant now = clock.instant();
        broker.provision(id, ASYNC_PLAN, override(Map.of("retry_after", "http-date:5")));

        String header = broker.lastOperation(id).header("Retry-After");

        Instant at = ZonedDateTime.parse(header, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        assertThat(at).isBetween(now.plusSeconds(5), now.plusSeconds(6));
    }

    @Test
    void neverFinishKeepsTheOperationInProgressButItCanStillBeDeleted() {
        broker.provision(id, ASYNC_PLAN, override(Map.of("never_finish", true)));

        clock.advance(Duration.ofDays(1000));

        assertThat(broker.lastOperation(id).body().get("state").asString()).isEqualTo("in progress");
        assertThat(broker.deprovision(id, ASYNC_PLAN).status()).isEqualTo(202);
        clock.advance(Duration.ofSeconds(3));
        assertThat(broker.lastOperation(id).status()).isEqualTo(410);
    }

    @Test
    void pollScriptAnswersTheFirstPollsThenTheRealState() {
        broker.provision(id, SYNC_PLAN, override(Map.of("poll_script", List.of(
                Map.of("status", 500, "body", "oops", "content_type", "text/plain"),
                Map.of("status", 200, "body", Map.of("state", "weird")),
                Map.of("status", 200, "body", "{\"state\":\"in progress\"}", "retry_after", "7")))));

        BrokerClient.Reply first = broker.lastOperation(id);
        BrokerClient.Reply second = broker.lastOperation(id);
        BrokerClient.Reply third = broker.lastOperation(id);
        BrokerClient.Reply fourth = broker.lastOperation(id);

        assertThat(first.status()).isEqualTo(500);
        assertThat(first.text()).isEqualTo("oops");
        assertThat(first.header("Content-Type")).startsWith("text/plain");
        assertThat(second.body().get("state").asString()).isEqualTo("weird");
        assertThat(third.header("Retry-After")).isEqualTo("7");
        assertThat(fourth.body().get("state").asString()).isEqualTo("succeeded");
    }

    @Test
    void deprovisionOverrideFailsTheFirstDeletesAndScriptsItsPolls() {
        broker.provision(id, SYNC_PLAN, override(Map.of("deprovision", Map.of("fail_status", 500, "fail_first_calls", 1,
                "mode", "async", "delay_ms", 1000, "operation", "delete me/now",
                "poll_script", List.of(Map.of("status", 410))))));

        BrokerClient.Reply failed = broker.deprovision(id, SYNC_PLAN);
        BrokerClient.Reply accepted = broker.deprovision(id, SYNC_PLAN);

        assertThat(failed.status()).isEqualTo(500);
        assertThat(accepted.status()).isEqualTo(202);
        assertThat(accepted.body().get("operation").asString()).isEqualTo("delete me/now");
        assertThat(broker.lastOperation(id).status()).as("scripted").isEqualTo(410);
        assertThat(broker.lastOperation(id).body().get("state").asString()).isEqualTo("in progress");
        clock.advance(Duration.ofSeconds(1));
        assertThat(broker.lastOperation(id).status()).isEqualTo(410);
    }

    @Test
    void anUpdateCanFailOnlyItsFirstCall() {
        broker.provision(id, SYNC_PLAN, null);
        Map<String, Object> parameters = override(Map.of("fail_status", 422, "fail_first_calls", 1,
                "fail_error", "ConcurrencyError", "fail_description", "busy"));

        assertThat(broker.update(id, SYNC_PLAN, parameters).status()).isEqualTo(422);
        assertThat(broker.update(id, SYNC_PLAN, parameters).status()).isEqualTo(200);
    }

    @Test
    void anOutageBreaksWhatItNamesAtRuntimeUntilItIsHealed() {
        String other = UUID.randomUUID().toString();
        assertThat(broker.provision(id, SYNC_PLAN, null).status()).isEqualTo(201);
        assertThat(broker.provision(other, SYNC_PLAN, null).status()).isEqualTo(201);

        BrokerClient.Reply switched = broker.send("PUT", "/admin/outage", Map.of("status", 503,
                "methods", List.of("delete"), "instance_ids", List.of(id)), ADMIN);
        BrokerClient.Reply broken = broker.deprovision(id, SYNC_PLAN);
        BrokerClient.Reply untouched = broker.deprovision(other, SYNC_PLAN);
        boolean existsWhileBroken = broker.send("GET", "/admin/instances/" + id, null, ADMIN).body()
                .get("exists").asBoolean();
        BrokerClient.Reply healed = broker.send("DELETE", "/admin/outage?instance_id=" + id, null, ADMIN);
        BrokerClient.Reply deleted = broker.deprovision(id, SYNC_PLAN);

        assertThat(switched.status()).isEqualTo(200);
        assertThat(broken.status()).isEqualTo(503);
        assertThat(broken.body().get("error").asString()).isEqualTo("SampleBrokerOutage");
        assertThat(untouched.status()).as("another instance").isEqualTo(200);
        assertThat(existsWhileBroken).isTrue();
        assertThat(healed.status()).isEqualTo(204);
        assertThat(deleted.status()).isEqualTo(200);
        assertThat(broker.send("GET", "/admin/instances/" + id, null, ADMIN).body().get("exists").asBoolean())
                .isFalse();
    }

    @Test
    void anOutageWithoutDetailsBreaksEveryInstanceRequestButNotTheCatalog() {
        broker.send("PUT", "/admin/outage", null, ADMIN);
        try {
            assertThat(broker.provision(id, SYNC_PLAN, null).status()).isEqualTo(500);
            assertThat(broker.osb("GET", "/v2/catalog", null).status()).isEqualTo(200);
        } finally {
            broker.send("DELETE", "/admin/outage", null, ADMIN);
        }
        assertThat(broker.provision(id, SYNC_PLAN, null).status()).isEqualTo(201);
    }
}
