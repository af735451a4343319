package io.provisioner.samplebroker;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * An answer given exactly as configured, whatever the broker did: how the sample broker reproduces
 * unexpected statuses and malformed bodies.
 *
 * @param body sent as it is (it need not be JSON)
 * @param retryAfter as in {@link Behaviour#retryAfter()}, or null
 */
record Reply(int status, String body, String contentType, String retryAfter) {

    private static final String HTTP_DATE = "http-date:";

    /**
     * The {@code Retry-After} value to send: {@code http-date:N} becomes the HTTP date N seconds after
     * {@code now}, rounded up to a whole second (an HTTP date has no fractions, and rounding down would
     * let a platform come back too early); anything else is sent as it is.
     */
    static String retryAfter(String spec, Instant now) {
        if (spec == null || !spec.startsWith(HTTP_DATE)) {
            return spec;
        }
        Instant at = now.plusSeconds(Long.parseLong(spec.substring(HTTP_DATE.length()).trim()));
        Instant whole = at.truncatedTo(ChronoUnit.SECONDS);
        if (whole.isBefore(at)) {
            whole = whole.plusSeconds(1);
        }
        return DateTimeFormatter.RFC_1123_DATE_TIME.format(whole.atZone(ZoneOffset.UTC));
    }

    /** This reply with its {@code Retry-After} made concrete at {@code now}. */
    Reply at(Instant now) {
        return new Reply(status, body, contentType, retryAfter(retryAfter, now));
    }
}
