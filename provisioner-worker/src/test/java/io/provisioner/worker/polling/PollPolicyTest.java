package io.provisioner.worker.polling;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

class PollPolicyTest {

    private static final Instant NOW = Instant.parse("2026-11-28T10:00:00Z");
    private final PollPolicy policy = new PollPolicy(defaults(), Clock.fixed(NOW, ZoneOffset.UTC));

    private static PollingSettings defaults() {
        return new PollingSettings(null, null, null, null, null, null, null, null, null, null);
    }

    @Test
    void aYoungOperationIsPolledAfterTheMinimumInterval() {
        assertThat(policy.nextDue(NOW, null, null)).isEqualTo(NOW.plusSeconds(1));
        assertThat(policy.nextDue(NOW.minusSeconds(5), null, null)).isEqualTo(NOW.plusSeconds(1));
    }

    @Test
    void theIntervalIsATenthOfTheOperationsAge() {
        assertThat(policy.nextDue(NOW.minusSeconds(100), null, null)).isEqualTo(NOW.plusSeconds(10));
        assertThat(policy.nextDue(NOW.minusMillis(12_340), null, null)).isEqualTo(NOW.plusMillis(1_234));
    }

    @Test
    void theIntervalStopsGrowingAtTheMaximum() {
        assertThat(policy.nextDue(NOW.minus(Duration.ofHours(3)), null, null)).isEqualTo(NOW.plusSeconds(60));
    }

    @Test
    void retryAfterInSecondsPushesThePollLater() {
        assertThat(policy.nextDue(NOW, null, "30")).isEqualTo(NOW.plusSeconds(30));
    }

    @Test
    void retryAfterSoonerThanTheIntervalChangesNothing() {
        assertThat(policy.nextDue(NOW.minusSeconds(100), null, "2")).isEqualTo(NOW.plusSeconds(10));
    }

    @Test
    void retryAfterAsAnHttpDateIsHonoured() {
        assertThat(policy.nextDue(NOW, null, "Sat, 28 Nov 2026 10:02:00 GMT")).isEqualTo(NOW.plusSeconds(120));
    }

    @Test
    void retryAfterThatCannotBeReadIsIgnored() {
        assertThat(policy.nextDue(NOW, null, "soon")).isEqualTo(NOW.plusSeconds(1));
        assertThat(policy.nextDue(NOW, null, "-5")).isEqualTo(NOW.plusSeconds(1));
        assertThat(policy.nextDue(NOW, null, "")).isEqualTo(NOW.plusSeconds(1));
    }

    @Test
    void theLastPollIsAtTheDeadlineEvenWhenRetryAfterReachesBeyondIt() {
        Instant startedAt = NOW.minusSeconds(50);
        assertThat(policy.nextDue(startedAt, 60, "3600")).isEqualTo(startedAt.plusSeconds(60));
        assertThat(policy.nextDue(startedAt, 52, null)).isEqualTo(startedAt.plusSeconds(52));
    }

    @Test
    void theOperationExpiresAtItsPlansMaximumPollingDuration() {
        assertThat(policy.expired(NOW.minusSeconds(59), 60)).isFalse();
        assertThat(policy.expired(NOW.minusSeconds(60), 60)).isTrue();
        assertThat(policy.expired(NOW.minusSeconds(61), 60)).isTrue();
    }

    @Test
    void withoutAPlanMaximumTheDefaultOfADayApplies() {
        assertThat(policy.maximumDuration(null)).isEqualTo(Duration.ofHours(24));
        assertThat(policy.expired(NOW.minus(Duration.ofHours(24)).plusSeconds(1), null)).isFalse();
        assertThat(policy.expired(NOW.minus(Duration.ofHours(24)), null)).isTrue();
    }

    @Test
    void settingsChangeTheCurve() {
        PollingSettings settings = new PollingSettings(Duration.ofSeconds(2), Duration.ofSeconds(5), 0.5,
                Duration.ofMinutes(10), null, null, null, null, null, null);
        PollPolicy custom = new PollPolicy(settings, Clock.fixed(NOW, ZoneOffset.UTC));
        assertThat(custom.nextDue(NOW.minusSeconds(1), null, null)).isEqualTo(NOW.plusSeconds(2));
        assertThat(custom.nextDue(NOW.minusSeconds(8), null, null)).isEqualTo(NOW.plusSeconds(4));
        assertThat(custom.nextDue(NOW.minusSeconds(30), null, null)).isEqualTo(NOW.plusSeconds(5));
        assertThat(custom.expired(NOW.minusSeconds(600), null)).isTrue();
    }

    @Test
    void aGivenDeadlineCapsTheNextPoll() {
        assertThat(policy.nextDueBefore(NOW.minusSeconds(100), NOW.plusSeconds(3), null)).isEqualTo(NOW.plusSeconds(3));
        assertThat(policy.nextDueBefore(NOW.minusSeconds(100), NOW.minusSeconds(1), null)).isEqualTo(NOW);
    }
}
