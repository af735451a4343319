package io.provisioner.worker.polling;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * When to poll next and when to give up. The interval grows with the operation's age (a share of it,
 * clamped), so a short operation is noticed quickly and a long one does not flood its broker; a
 * broker's {@code Retry-After} is a floor; the deadline is a ceiling.
 */
public final class PollPolicy {

    private final PollingSettings settings;
    private final Clock clock;

    PollPolicy(PollingSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    /**
     * When the next poll is due: {@code ageFraction} of the time since {@code startedAt}, between the
     * minimum and maximum interval; no sooner than {@code Retry-After}; no later than the deadline, so the
     * last poll happens at the deadline (the plan's maximum duration outranks the broker's hint).
     */
    public Instant nextDue(Instant startedAt, Integer maximumDurationSeconds, String retryAfter) {
        return nextDueBefore(startedAt, deadline(startedAt, maximumDurationSeconds), retryAfter);
    }

    /** The same, with the deadline given. */
    public Instant nextDueBefore(Instant startedAt, Instant deadline, String retryAfter) {
        Instant now = clock.instant();
        Instant due = now.plus(interval(Duration.between(startedAt, now)));
        Optional<Instant> notBefore = retryAfter(retryAfter, now);
        if (notBefore.isPresent() && notBefore.get().isAfter(due)) {
            due = notBefore.get();
        }
        return due.isAfter(deadline) ? (deadline.isAfter(now) ? deadline : now) : due;
    }

    Duration interval(Duration age) {
        Duration share = age.isNegative() ? Duration.ZERO
                : Duration.ofMillis((long) (age.toMillis() * settings.ageFraction()));
        if (share.compareTo(settings.minInterval()) < 0) {
            return settings.minInterval();
        }
        return share.compareTo(settings.maxInterval()) > 0 ? settings.maxInterval() : share;
    }

    /** True at or past the deadline: the operation has failed (OSB: past it the operation has failed). */
    public boolean expired(Instant startedAt, Integer maximumDurationSeconds) {
        return !clock.instant().isBefore(deadline(startedAt, maximumDurationSeconds));
    }

    public Instant deadline(Instant startedAt, Integer maximumDurationSeconds) {
        return startedAt.plus(maximumDuration(maximumDurationSeconds));
    }

    public Duration maximumDuration(Integer maximumDurationSeconds) {
        return maximumDurationSeconds != null && maximumDurationSeconds > 0
                ? Duration.ofSeconds(maximumDurationSeconds)
                : settings.defaultMaximumDuration();
    }

    /**
     * The earliest time a {@code Retry-After} value allows: delay-seconds or an HTTP date (RFC 9110).
     * Anything else is ignored, as a header we cannot read tells us nothing.
     */
    public static Optional<Instant> retryAfter(String header, Instant now) {
        if (header == null || header.isBlank()) {
            return Optional.empty();
        }
        String value = header.strip();
        if (value.chars().allMatch(Character::isDigit)) {
            try {
                return Optional.of(now.plusSeconds(Long.parseLong(value)));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }
        try {
            return Optional.of(ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
