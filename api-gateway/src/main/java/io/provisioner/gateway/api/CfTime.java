package io.provisioner.gateway.api;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/** Cloud Controller's timestamp format: ISO-8601 UTC to the second, e.g. {@code 2015-02-10T01:42:55Z}. */
public final class CfTime {

    private CfTime() {
    }

    public static String format(Instant instant) {
        return instant == null ? null : DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
    }

    public static String format(OffsetDateTime time) {
        return time == null ? null : format(time.toInstant());
    }
}
