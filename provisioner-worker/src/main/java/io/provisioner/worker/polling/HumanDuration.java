package io.provisioner.worker.polling;

import java.time.Duration;

/** Durations as a person reads them in a description: "24 hours", "90 seconds". */
final class HumanDuration {

    private HumanDuration() {
    }

    static String of(Duration duration) {
        long seconds = duration.toSeconds();
        if (seconds > 0 && seconds % 3600 == 0) {
            return plural(seconds / 3600, "hour");
        }
        if (seconds > 0 && seconds % 60 == 0) {
            return plural(seconds / 60, "minute");
        }
        return plural(seconds, "second");
    }

    private static String plural(long count, String unit) {
        return count + " " + unit + (count == 1 ? "" : "s");
    }
}
