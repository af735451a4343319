package io.provisioner.worker.request;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import io.provisioner.worker.YamlBinding;

import org.junit.jupiter.api.Test;

class RequestSettingsTest {

    @Test
    void bindsFromYaml() {
        assertThat(YamlBinding.bind("settings.yml", "provisioner.worker.requests", RequestSettings.class))
                .isEqualTo(new RequestSettings(4, 16, 5, Duration.ofSeconds(2), 3, Duration.ofMinutes(15), Duration.ofSeconds(40)));
    }

    @Test
    void defaults() {
        assertThat(YamlBinding.defaults("provisioner.worker.requests", RequestSettings.class))
                .isEqualTo(new RequestSettings(2, 32, 2, Duration.ofMillis(500), 200, Duration.ofMinutes(10), Duration.ofSeconds(20)));
    }
}
