package io.provisioner.worker.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import io.provisioner.worker.YamlBinding;

import org.junit.jupiter.api.Test;

class BrokerSettingsTest {

    @Test
    void bindsFromYaml() {
        assertThat(YamlBinding.bind("settings.yml", "provisioner.worker.broker", BrokerSettings.class))
                .isEqualTo(new BrokerSettings(Duration.ofSeconds(3), Duration.ofSeconds(90), 5, Duration.ofSeconds(1), 3.0,
                        0.2, 75f, 40, 20, Duration.ofMinutes(1)));
    }

    @Test
    void defaultsFollowTheDesign() {
        assertThat(YamlBinding.defaults("provisioner.worker.broker", BrokerSettings.class))
                .isEqualTo(new BrokerSettings(Duration.ofSeconds(10), Duration.ofSeconds(60), 3, Duration.ofMillis(200), 2.0,
                        0.5, 50f, 20, 10, Duration.ofSeconds(30)));
    }

    @Test
    void nonsenseIsRefused() {
        assertThatThrownBy(() -> new BrokerSettings(null, null, 0, null, null, null, null, null, null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("retry-attempts >= 1");
    }
}
