package io.provisioner.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SecretSealerTest {

    private final SecretSealer sealer = new SecretSealer(SecretSealer.newKey());

    @Test
    void sealedSecretsOpenWithTheSameKeyOnly() {
        String sealed = sealer.seal("broker-secret");

        assertThat(sealed).startsWith("v1:").doesNotContain("broker-secret");
        assertThat(sealer.open(sealed)).isEqualTo("broker-secret");
        assertThatThrownBy(() -> new SecretSealer(SecretSealer.newKey()).open(sealed))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void sealingTheSameSecretTwiceGivesDifferentText() {
        assertThat(sealer.seal("s")).isNotEqualTo(sealer.seal("s"));
    }

    @Test
    void aKeyOfTheWrongLengthIsRefused() {
        assertThatThrownBy(() -> new SecretSealer("c2hvcnQ=")).hasMessageContaining("32 bytes");
    }
}
