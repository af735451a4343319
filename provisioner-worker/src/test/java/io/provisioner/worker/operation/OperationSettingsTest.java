package io.provisioner.worker.operation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Random;

import io.provisioner.worker.YamlBinding;

import org.junit.jupiter.api.Test;

class OperationSettingsTest {

    @Test
    void retryLaterBindsFromYamlAndHasDefaults() {
        assertThat(YamlBinding.bind("settings.yml", "provisioner.worker.retry-later", RetryLaterSettings.class))
                .isEqualTo(new RetryLaterSettings(Duration.ofSeconds(2), 3.0, Duration.ofMinutes(10), 0.1,
                        Duration.ofHours(6)));
        assertThat(YamlBinding.defaults("provisioner.worker.retry-later", RetryLaterSettings.class))
                .isEqualTo(new RetryLaterSettings(Duration.ofSeconds(1), 2.0, Duration.ofMinutes(5), 0.2,
                        Duration.ofHours(1)));
    }

    @Test
    void orphanMitigationBindsFromYamlAndHasDefaults() {
        assertThat(YamlBinding.bind("settings.yml", "provisioner.worker.orphan-mitigation",
                OrphanMitigationSettings.class)).isEqualTo(new OrphanMitigationSettings(Duration.ofSeconds(5), 1.5,
                Duration.ofMinutes(30), 0.3, Duration.ofDays(7)));
        assertThat(YamlBinding.defaults("provisioner.worker.orphan-mitigation", OrphanMitigationSettings.class))
                .isEqualTo(new OrphanMitigationSettings(Duration.ofSeconds(1), 2.0, Duration.ofMinutes(10), 0.2,
                        Duration.ofHours(24)));
    }

    @Test
    void backoffGrowsIsCappedAndSpread() {
        Backoff backoff = new Backoff(Duration.ofSeconds(1), 2.0, Duration.ofSeconds(10), 0.2);
        Random random = new Random(42);
        assertThat(backoff.after(1, random)).isBetween(Duration.ofMillis(800), Duration.ofMillis(1200));
        assertThat(backoff.after(3, random)).isBetween(Duration.ofMillis(3200), Duration.ofMillis(4800));
        assertThat(backoff.after(30, random)).isBetween(Duration.ofSeconds(8), Duration.ofSeconds(12));
        assertThatThrownBy(() -> new Backoff(Duration.ZERO, 2.0, Duration.ofSeconds(1), 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void humanDurationsReadWell() {
        assertThat(HumanDuration.of(Duration.ofHours(24))).isEqualTo("24 hours");
        assertThat(HumanDuration.of(Duration.ofMinutes(1))).isEqualTo("1 minute");
        assertThat(HumanDuration.of(Duration.ofSeconds(90))).isEqualTo("90 seconds");
        assertThat(HumanDuration.of(Duration.ofMillis(1_200))).isEqualTo("2 seconds");
        assertThat(HumanDuration.times(1, "attempt")).isEqualTo("1 attempt");
    }
}
