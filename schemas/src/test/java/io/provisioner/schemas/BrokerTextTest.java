package io.provisioner.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BrokerTextTest {

    @Test
    void shortTextAndNullStayAsTheyAre() {
        assertThat(BrokerText.bounded(null)).isNull();
        assertThat(BrokerText.bounded("plan is full")).isEqualTo("plan is full");
        String exactly = "x".repeat(BrokerText.MAX_LENGTH);
        assertThat(BrokerText.bounded(exactly)).isSameAs(exactly);
    }

    @Test
    void twoMegabytesAreCutToTheLimitWithAMark() {
        String bounded = BrokerText.bounded("e".repeat(2 * 1024 * 1024));
        assertThat(bounded).hasSize(BrokerText.MAX_LENGTH).startsWith("eee").endsWith(BrokerText.TRUNCATED);
    }

    @Test
    void aCharacterOutsideTheBasicPlaneIsNeverSplit() {
        String text = "x".repeat(BrokerText.MAX_LENGTH - BrokerText.TRUNCATED.length() - 1) + "😀".repeat(10);
        String bounded = BrokerText.bounded(text);
        assertThat(bounded.length()).isLessThanOrEqualTo(BrokerText.MAX_LENGTH);
        assertThat(bounded.codePoints().noneMatch(c -> Character.isSurrogate((char) c))).isTrue();
    }
}
