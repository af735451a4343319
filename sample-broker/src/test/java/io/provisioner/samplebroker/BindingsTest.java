package io.provisioner.samplebroker;

import static io.provisioner.samplebroker.BrokerClient.ASYNC_PLAN;
import static io.provisioner.samplebroker.BrokerClient.FAILING_PLAN;
import static io.provisioner.samplebroker.BrokerClient.SYNC_PLAN;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

/** OSB bindings: sync and async, their idempotency rules, and the failure modes instances have. */
class BindingsTest extends RunningBroker {

    private final String instance = UUID.randomUUID().toString();
    private final String binding = UUID.randomUUID().toString();

    private static Map<String, Object> override(Map<String, Object> modes) {
        return Map.of("sample_broker", modes);
    }

    @Test
    void syncBindAnswersCreatedWithCredentialsThenOkWithTheSameOnes() {
        broker.provision(instance, SYNC_PLAN, null);

        BrokerClient.Reply created = broker.bind(instance, binding, SYNC_PLAN, null);
        BrokerClient.Reply again = broker.bind(instance, binding, SYNC_PLAN, null);

        assertThat(created.status()).isEqualTo(201);
        assertThat(created.body().get("credentials").get("password").asString()).isNotBlank();
        assertThat(created.body().get("credentials").get("uri").asString()).contains(instance);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.body().get("credentials")).isEqualTo(created.body().get("credentials"));
        assertThat(broker.fetchBinding(instance, binding).body().get("credentials"))
                .isEqualTo(created.body().get("credentials"));
        assertThat(broker.bind(instance, binding, SYNC_PLAN, Map.of("other", 1)).status())
                .as("same id, other parameters").isEqualTo(409);
    }

    @Test
    void asyncBindIsPolledThenTheBindingIsFetchedForItsCredentials() {
        broker.provision(instance, SYNC_PLAN, null);

        BrokerClient.Reply accepted = broker.bind(instance, binding, ASYNC_PLAN, override(Map.of("operation", "bind/1")));

        assertThat(accepted.status()).isEqualTo(202);
        assertThat(accepted.body().get("operation").asString()).isEqualTo("bind/1");
        assertThat(accepted.body().has("credentials")).isFalse();
        assertThat(broker.bindingLastOperation(instance, binding).body().get("state").asString()).isEqualTo("in progress");
        assertThat(broker.fetchBinding(instance, binding).status()).as("not there until bound").isEqualTo(404);
        clock.advance(Duration.ofSeconds(3));
        assertThat(broker.bindingLastOperation(instance, binding).body().get("state").asString()).isEqualTo("succeeded");
        assertThat(broker.fetchBinding(instance, binding).body().get("credentials").get("username").asString())
                .isNotBlank();
    }

    @Test
    void failingPlanAcceptsTheBindThenFailsIt() {
        broker.provision(instance, SYNC_PLAN, null);

        assertThat(broker.bind(instance, binding, FAILING_PLAN, null).status()).isEqualTo(202);
        clock.advance(Duration.ofSeconds(1));

        BrokerClient.Reply polled = broker.bindingLastOperation(instance, binding);
        assertThat(polled.body().get("state").asString()).isEqualTo("failed");
        assertThat(polled.body().get("description").asString()).contains("told to fail");
        assertThat(broker.fetchBinding(instance, binding).status()).isEqualTo(404);
    }

    @Test
    void failStatusAndRespondReproduceBrokenBindAnswers() {
        broker.provision(instance, SYNC_PLAN, null);
        String other = UUID.randomUUID().toString();

        BrokerClient.Reply failed = broker.bind(instance, binding, SYNC_PLAN,
                override(Map.of("fail_status", 500, "fail_first_calls", 1)));
        BrokerClient.Reply then = broker.bind(instance, binding, SYNC_PLAN,
                override(Map.of("fail_status", 500, "fail_first_calls", 1)));
        BrokerClient.Reply malformed = broker.bind(instance, other, SYNC_PLAN,
                override(Map.of("respond", Map.of("status", 201, "body", "{\"credentials\": "))));

        assertThat(failed.status()).isEqualTo(500);
        assertThat(then.status()).isEqualTo(201);
        assertThat(malformed.status()).isEqualTo(201);
        assertThat(malformed.body()).isNull();
        assertThat(broker.admin("GET", "/admin/bindings/" + other).body().get("exists").asBoolean())
                .as("the binding was made before the answer broke").isTrue();
    }

    @Test
    void unbindIsSyncOrAsyncAndGoneAfterwards() {
        broker.provision(instance, SYNC_PLAN, null);
        String async = UUID.randomUUID().toString();
        broker.bind(instance, binding, SYNC_PLAN, null);
        broker.bind(instance, async, SYNC_PLAN, override(Map.of("deprovision", Map.of("mode", "async", "delay_ms", 500,
                "poll_script", List.of(Map.of("status", 500))))));

        assertThat(broker.unbind(instance, binding, SYNC_PLAN).status()).isEqualTo(200);
        assertThat(broker.unbind(instance, binding, SYNC_PLAN).status()).isEqualTo(410);
        assertThat(broker.unbind(instance, async, SYNC_PLAN).status()).isEqualTo(202);
        assertThat(broker.bindingLastOperation(instance, async).status()).as("scripted").isEqualTo(500);
        assertThat(broker.bindingLastOperation(instance, async).body().get("state").asString()).isEqualTo("in progress");
        clock.advance(Duration.ofMillis(500));
        assertThat(broker.bindingLastOperation(instance, async).status()).isEqualTo(410);
        assertThat(broker.admin("GET", "/admin/bindings/" + async).body().get("exists").asBoolean()).isFalse();
    }

    @Test
    void bindToAnUnknownInstanceIsABadRequest() {
        BrokerClient.Reply refused = broker.bind(instance, binding, SYNC_PLAN, null);

        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body().get("description").asString()).contains("does not exist");
    }
}
