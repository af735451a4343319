package io.provisioner.worker.broker;

import java.time.Duration;
import java.util.Locale;

/**
 * A broker call got no HTTP answer: connection refused or reset, timeouts, an open circuit, or no free
 * slot under the broker's concurrency limit. The message names the call and the attempts, never the
 * broker's credentials.
 */
public class BrokerUnreachable extends Exception {

    /** Why the last attempt got no answer, or why there was none. */
    enum Reason { NO_ANSWER, CIRCUIT_OPEN, BULKHEAD_FULL }

    private final int attempts;
    private final Reason reason;
    private final boolean timedOut;

    BrokerUnreachable(OsbCall call, int attempts, Duration elapsed, Throwable last, Reason reason, boolean timedOut) {
        super(message(call, attempts, elapsed, last, reason, timedOut), last);
        this.attempts = attempts;
        this.reason = reason;
        this.timedOut = timedOut;
    }

    public int attempts() {
        return attempts;
    }

    public boolean circuitOpen() {
        return reason == Reason.CIRCUIT_OPEN;
    }

    /**
     * True when at least one attempt was sent and the broker did not answer it in time: it may have done
     * the work (a provision then needs orphan mitigation). A connect timeout does not count: nothing
     * reached the broker.
     */
    public boolean timedOut() {
        return timedOut;
    }

    private static String message(OsbCall call, int attempts, Duration elapsed, Throwable last, Reason reason,
            boolean timedOut) {
        if (attempts == 0) {
            return call.describe() + " was not attempted: " + (reason == Reason.BULKHEAD_FULL
                    ? "this worker already sends as many calls to this broker as it may at once"
                    : "the circuit breaker for this broker is open after repeated failures");
        }
        String times = attempts == 1 ? "once" : attempts + " times";
        String message = call.describe() + " was attempted " + times + " in " + seconds(elapsed)
                + (timedOut ? " and the broker did not answer in time" : " and got no answer")
                + " (last error: " + summary(last) + ")";
        return switch (reason) {
            case CIRCUIT_OPEN -> message + "; then the circuit breaker for this broker opened";
            case BULKHEAD_FULL -> message + "; then no slot was free under this broker's concurrency limit";
            case NO_ANSWER -> message;
        };
    }

    static String summary(Throwable error) {
        String text = error.getMessage();
        return error.getClass().getSimpleName() + (text == null || text.isBlank() ? "" : ": " + text);
    }

    private static String seconds(Duration elapsed) {
        return String.format(Locale.ROOT, "%.1f s", elapsed.toMillis() / 1000.0);
    }
}
