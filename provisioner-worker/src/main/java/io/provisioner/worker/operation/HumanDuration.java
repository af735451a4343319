package io.provisioner.worker.operation;

import java.time.Duration;

/** Durations as a person reads them in a description: "24 hours", "90 seconds". */
final class HumanDuration {

    private HumanDuration() {
    }

    /** Whole seconds, rounded up, so a wait is never told shorter than it is. */
    static String of(Duration duration) {
        long seconds = (duration.toMillis() + 999) / 1000;
        if (seconds > 0 && seconds % 3600 == 0) {
            return plural(seconds / 3600, "hour");
        }
        if (seconds > 0 && seconds % 60 == 0) {
            return plural(seconds / 60, "minute");
        }
        return plural(seconds, "second");
    }

    static String times(int count, String what) {
        return plural(count, what);
    }

    private static String plural(long count, String unit) {
        return count + " " + unit + (count == 1 ? "" : "s");
    }
}
