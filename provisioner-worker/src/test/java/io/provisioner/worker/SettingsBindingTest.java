package io.provisioner.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import io.provisioner.worker.messaging.KafkaSettings;

import org.junit.jupiter.api.Test;

class SettingsBindingTest {

    @Test
    void workerAndKafkaSettingsBindFromYaml() {
        assertThat(YamlBinding.bind("settings.yml", "provisioner.worker", WorkerSettings.class).secretKey())
                .isEqualTo("MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=");
        assertThat(YamlBinding.bind("settings.yml", "provisioner.worker.kafka", KafkaSettings.class))
                .isEqualTo(new KafkaSettings(6, (short) 3, Duration.ofSeconds(10)));
    }

    @Test
    void kafkaSettingsHaveDefaults() {
        assertThat(YamlBinding.defaults("provisioner.worker.kafka", KafkaSettings.class))
                .isEqualTo(new KafkaSettings(3, (short) 1, Duration.ofSeconds(30)));
    }

    @Test
    void anEmptySecretKeyStopsTheStartWithAClearMessage() {
        assertThatThrownBy(() -> YamlBinding.defaults("provisioner.worker", WorkerSettings.class))
                .rootCause().hasMessageContaining("provisioner.worker.secret-key (environment variable "
                        + "PROVISIONER_SECRET_KEY) is empty");
    }

    @Test
    void theSecretKeyIsNeverPrinted() {
        assertThat(new WorkerSettings("c2VjcmV0").toString()).doesNotContain("c2VjcmV0");
    }
}
