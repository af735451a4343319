package io.provisioner.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class TopicsTest {

    @Test
    void aWaitGoesToTheLongestTierThatDoesNotOvershoot() {
        assertThat(Topics.pollTier(Duration.ofMillis(200))).isEqualTo(Duration.ofSeconds(1));
        assertThat(Topics.pollTier(Duration.ofSeconds(4))).isEqualTo(Duration.ofSeconds(1));
        assertThat(Topics.pollTier(Duration.ofSeconds(7))).isEqualTo(Duration.ofSeconds(5));
        assertThat(Topics.pollTier(Duration.ofHours(3))).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void tierTopicNamesCarryTheirDelay() {
        assertThat(Topics.pollTopics()).containsExactly("provisioning.polls.1s", "provisioning.polls.5s",
                "provisioning.polls.30s", "provisioning.polls.120s");
        assertThat(Topics.tierOf("provisioning.polls.30s")).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void theDeadLetterTopicsAreOnePerConsumedTopic() {
        assertThat(Topics.deadLetterTopics()).containsExactly("provisioning.requests.dlt", "provisioning.status.dlt",
                "provisioning.polls.1s.dlt", "provisioning.polls.5s.dlt", "provisioning.polls.30s.dlt",
                "provisioning.polls.120s.dlt", "provisioning.operations.dlt", "provisioning.orphan-mitigations.dlt",
                "service-instance.commands.dlt");
    }

    @Test
    void anEventLeavesItsMarginInsideARecord() {
        assertThat(RecordLimits.MAX_EVENT_BYTES + RecordLimits.MARGIN_BYTES).isEqualTo(RecordLimits.MAX_RECORD_BYTES);
        assertThat(RecordLimits.MAX_EVENT_BYTES).isGreaterThan(1024 * 1024);
    }
}
