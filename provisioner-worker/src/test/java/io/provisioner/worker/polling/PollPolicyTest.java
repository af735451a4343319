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
    void retryAfterIsReadInEachOfTheThreeHttpDateForms() {
        Instant expected = Instant.parse("2026-11-28T10:02:00Z");
        // RFC 9110 §5.6.7: IMF-fixdate, the obsolete RFC 850 form, asctime.
        assertThat(PollPolicy.retryAfter("Sat, 28 Nov 2026 10:02:00 GMT", NOW)).contains(expected);
        assertThat(PollPolicy.retryAfter("Saturday, 28-Nov-26 10:02:00 GMT", NOW)).contains(expected);
        assertThat(PollPolicy.retryAfter("Sat Nov 28 10:02:00 2026", NOW)).contains(expected);
        // The RFC's own examples.
        assertThat(PollPolicy.retryAfter("Sun, 06 Nov 1994 08:49:37 GMT", NOW)).contains(Instant.parse("1994-11-06T08:49:37Z"));
        assertThat(PollPolicy.retryAfter("Sunday, 06-Nov-94 08:49:37 GMT", NOW)).contains(Instant.parse("1994-11-06T08:49:37Z"));
        assertThat(PollPolicy.retryAfter("Sun Nov  6 08:49:37 1994", NOW)).contains(Instant.parse("1994-11-06T08:49:37Z"));
    }

    @Test
    void aOneDigitDayIsReadAsEachFormWritesIt() {
        Instant expected = Instant.parse("2026-12-01T10:00:00Z");
        // asctime pads it with a space; java.time's RFC 1123 formatter writes it as one digit.
        assertThat(PollPolicy.retryAfter("Tue Dec  1 10:00:00 2026", NOW)).contains(expected);
        assertThat(PollPolicy.retryAfter("Tue, 1 Dec 2026 10:00:00 GMT", NOW)).contains(expected);
        assertThat(PollPolicy.retryAfter("Tue, 01 Dec 2026 10:00:00 GMT", NOW)).contains(expected);
        assertThat(PollPolicy.retryAfter("Tuesday, 01-Dec-26 10:00:00 GMT", NOW)).contains(expected);
    }

    @Test
    void anRfc850YearMoreThanFiftyYearsAheadIsInThePastCentury() {
        assertThat(PollPolicy.retryAfter("Tuesday, 01-Dec-76 10:00:00 GMT", NOW)).contains(Instant.parse("2076-12-01T10:00:00Z"));
        assertThat(PollPolicy.retryAfter("Thursday, 01-Dec-77 10:00:00 GMT", NOW)).contains(Instant.parse("1977-12-01T10:00:00Z"));
    }

    @Test
    void anHttpDateThatIsNotOneOfTheFormsIsIgnored() {
        // A weekday that does not match the date, a zone other than GMT in the obsolete forms, no such hour,
        // ISO 8601, and asctime with a two-digit year.
        assertThat(PollPolicy.retryAfter("Sun, 28 Nov 2026 10:02:00 GMT", NOW)).isEmpty();
        assertThat(PollPolicy.retryAfter("Sunday, 28-Nov-26 10:02:00 GMT", NOW)).isEmpty();
        assertThat(PollPolicy.retryAfter("Sun Nov 28 10:02:00 2026", NOW)).isEmpty();
        assertThat(PollPolicy.retryAfter("Saturday, 28-Nov-26 10:02:00 CET", NOW)).isEmpty();
        assertThat(PollPolicy.retryAfter("Sat, 28 Nov 2026 25:02:00 GMT", NOW)).isEmpty();
        assertThat(PollPolicy.retryAfter("2026-11-28T10:02:00Z", NOW)).isEmpty();
        assertThat(PollPolicy.retryAfter("Sat Nov 28 10:02:00 26", NOW)).isEmpty();
        assertThat(policy.nextDue(NOW, null, "Sun Nov 28 10:02:00 2026")).isEqualTo(NOW.plusSeconds(1));
    }

    @Test
    void anHttpDateInEachFormPushesThePollLater() {
        assertThat(policy.nextDue(NOW, null, "Saturday, 28-Nov-26 10:00:30 GMT")).isEqualTo(NOW.plusSeconds(30));
        assertThat(policy.nextDue(NOW, null, "Sat Nov 28 10:00:45 2026")).isEqualTo(NOW.plusSeconds(45));
        // A date already past changes nothing.
        assertThat(policy.nextDue(NOW, null, "Sat Nov 28 09:00:00 2026")).isEqualTo(NOW.plusSeconds(1));
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
