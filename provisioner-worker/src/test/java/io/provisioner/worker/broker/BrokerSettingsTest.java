package io.provisioner.worker.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;

import io.provisioner.schemas.BrokerEndpoint;
import io.provisioner.worker.YamlBinding;

import org.junit.jupiter.api.Test;

class BrokerSettingsTest {

    private static final String NAMED_GUID = "0f4c2a4e-0000-4000-8000-000000000001";

    private static BrokerEndpoint broker(String guid, String name) {
        return new BrokerEndpoint(guid, name, "http://broker", "user", "v1:sealed");
    }

    @Test
    void defaultsAndNamedInstancesBindFromYaml() {
        BrokerSettings settings = YamlBinding.bind("settings.yml", "provisioner.worker.broker", BrokerSettings.class);

        assertThat(settings.connectTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(settings.defaults()).isEqualTo(new BrokerPolicy(Duration.ofSeconds(90), 5, Duration.ofSeconds(1), 3.0,
                0.2, 75f, 40, 20, Duration.ofMinutes(1), 4, 8, Duration.ofSeconds(2)));
        assertThat(settings.instances()).containsOnlyKeys("slow-broker", NAMED_GUID);
    }

    @Test
    void aNamedInstanceOverridesOnlyWhatItSetsAndIsFoundByNameOrGuid() {
        BrokerSettings settings = YamlBinding.bind("settings.yml", "provisioner.worker.broker", BrokerSettings.class);

        BrokerPolicy byName = settings.policyFor(broker("any-guid", "slow-broker"));
        assertThat(byName.readTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(byName.retryAttempts()).isEqualTo(2);
        assertThat(byName.circuitSlidingWindow()).isEqualTo(40);
        assertThat(settings.policyFor(broker(NAMED_GUID, "other")).bulkheadMaxConcurrentCalls()).isEqualTo(2);
        assertThat(settings.policyFor(broker("unknown", "unknown"))).isEqualTo(settings.defaults());
    }

    @Test
    void defaultsFollowTheDesign() {
        BrokerSettings settings = YamlBinding.defaults("provisioner.worker.broker", BrokerSettings.class);

        assertThat(settings.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(settings.defaults()).isEqualTo(new BrokerPolicy(Duration.ofSeconds(60), 3, Duration.ofMillis(200), 2.0,
                0.5, 50f, 20, 10, Duration.ofSeconds(30), 3, 25, Duration.ofSeconds(1)));
        assertThat(settings.instances()).isEmpty();
    }

    @Test
    void nonsenseIsRefusedNamingWhereItIs() {
        assertThatThrownBy(() -> new BrokerSettings(null, null, 0, null, null, null, null, null, null, null, null, null,
                null, null)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("retry-attempts >= 1");
        BrokerPolicy noSlots = new BrokerPolicy(null, null, null, null, null, null, null, null, null, null, 0, null);
        assertThatThrownBy(() -> new BrokerSettings(null, null, null, null, null, null, null, null, null, null, null, null,
                null, Map.of("tiny", noSlots))).hasMessageContaining("provisioner.worker.broker.instances.tiny");
    }
}
