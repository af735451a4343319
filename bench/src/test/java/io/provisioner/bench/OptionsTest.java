package io.provisioner.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

class OptionsTest {

    @Test
    void quickShortensThePhasesAndExplicitOptionsWin() {
        Options quick = Options.parse("--quick", "--create-rates=100,300", "--phases=create,raw");

        assertThat(quick.createRates()).containsExactly(100, 300);
        assertThat(quick.sustainedDuration()).isEqualTo(Duration.ofSeconds(15));
        assertThat(quick.runs("create")).isTrue();
        assertThat(quick.runs("sustained")).isFalse();
        assertThat(quick.start()).isNull();
    }

    @Test
    void theFullRunHoldsTheRateSixtySecondsAndPutsTenThousandInFlight() {
        Options full = Options.parse();

        assertThat(full.sustainedDuration()).isEqualTo(Duration.ofSeconds(60));
        assertThat(full.inFlight()).isEqualTo(10_000);
        assertThat(full.phases()).containsExactlyInAnyOrderElementsOf(List.of("raw", "create", "sustained", "lag", "inflight"));
    }

    @Test
    void anUnknownOptionIsRefusedWithTheUsage() {
        assertThatThrownBy(() -> Options.parse("--rates=1")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown option --rates").hasMessageContaining("--create-rates");
    }
}
