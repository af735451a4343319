package io.provisioner.worker.polling;

import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.util.Locale;
import java.util.Optional;

/**
 * When to poll next and when to give up. The interval grows with the operation's age (a share of it,
 * clamped), so a short operation is noticed quickly and a long one does not flood its broker; a
 * broker's {@code Retry-After} is a floor; the deadline is a ceiling.
 */
public final class PollPolicy {

    /**
     * RFC 9110 §5.6.7, the preferred form: {@code Sun, 06 Nov 1994 08:49:37 GMT}. RFC 1123 parsing also takes
     * a one-digit day, as {@link DateTimeFormatter#RFC_1123_DATE_TIME} writes it (the sample broker among others).
     */
    private static final DateTimeFormatter IMF_FIXDATE = DateTimeFormatter.RFC_1123_DATE_TIME;
    /** The obsolete asctime form: {@code Sun Nov  6 08:49:37 1994} (a one-digit day is padded with a space). */
    private static final DateTimeFormatter ASCTIME =
            DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss uuuu", Locale.US).withZone(ZoneOffset.UTC);

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
     * The earliest time a {@code Retry-After} value allows: delay-seconds or an HTTP date in any of the
     * three forms a recipient must accept (RFC 9110 §5.6.7: IMF-fixdate, the obsolete RFC 850 form and
     * asctime), all in GMT. Anything else is ignored, as a header we cannot read tells us nothing.
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
        Optional<Instant> date = httpDate(value, IMF_FIXDATE);
        if (date.isEmpty()) {
            date = httpDate(value, ASCTIME);
        }
        return date.isPresent() ? date : httpDate(value, rfc850(now));
    }

    private static Optional<Instant> httpDate(String value, DateTimeFormatter form) {
        try {
            return Optional.of(Instant.from(form.parse(value)));
        } catch (DateTimeException e) {
            // Not this form (or a weekday that does not match the date).
            return Optional.empty();
        }
    }

    /**
     * The obsolete RFC 850 form, {@code Sunday, 06-Nov-94 08:49:37 GMT}. Its two-digit year is the one
     * within 50 years from now; a year that would be further ahead is in the past century (RFC 9110).
     */
    private static DateTimeFormatter rfc850(Instant now) {
        LocalDate base = LocalDate.ofInstant(now, ZoneOffset.UTC).minusYears(49).withDayOfYear(1);
        return new DateTimeFormatterBuilder()
                .appendPattern("EEEE, dd-MMM-")
                .appendValueReduced(ChronoField.YEAR, 2, 2, base)
                .appendPattern(" HH:mm:ss 'GMT'")
                .toFormatter(Locale.US)
                .withZone(ZoneOffset.UTC);
    }
}
