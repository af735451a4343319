package io.provisioner.worker.polling;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import io.provisioner.worker.YamlBinding;

import org.junit.jupiter.api.Test;

class PollingSettingsTest {

    @Test
    void bindsFromYaml() {
        assertThat(YamlBinding.bind("settings.yml", "provisioner.worker.polling", PollingSettings.class))
                .isEqualTo(new PollingSettings(Duration.ofSeconds(2), Duration.ofMinutes(5), 0.2, Duration.ofDays(7), 32,
                        Duration.ofMillis(250), Duration.ofSeconds(3), "polls", 7, Duration.ofSeconds(45)));
    }

    @Test
    void defaultsFollowTheDesign() {
        assertThat(YamlBinding.defaults("provisioner.worker.polling", PollingSettings.class))
                .isEqualTo(new PollingSettings(Duration.ofSeconds(1), Duration.ofSeconds(60), 0.1, Duration.ofHours(24), 16,
                        Duration.ofMillis(500), Duration.ofSeconds(1), "provisioner-worker-polls", 3, Duration.ofSeconds(20)));
    }
}
