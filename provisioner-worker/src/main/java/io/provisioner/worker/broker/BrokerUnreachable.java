package io.provisioner.worker.broker;

import java.time.Duration;

/**
 * A broker call got no HTTP answer: connection refused or reset, timeouts, or an open circuit.
 * The message names the call and the attempts, never the broker's credentials.
 */
public class BrokerUnreachable extends Exception {

    private final int attempts;
    private final boolean circuitOpen;

    BrokerUnreachable(OsbCall call, int attempts, Duration elapsed, Throwable last, boolean circuitOpen) {
        super(message(call, attempts, elapsed, last, circuitOpen), last);
        this.attempts = attempts;
        this.circuitOpen = circuitOpen;
    }

    public int attempts() {
        return attempts;
    }

    public boolean circuitOpen() {
        return circuitOpen;
    }

    private static String message(OsbCall call, int attempts, Duration elapsed, Throwable last, boolean circuitOpen) {
        if (attempts == 0) {
            return call.describe() + " was not attempted: the circuit breaker for this broker is open after "
                    + "repeated failures";
        }
        String times = attempts == 1 ? "once" : attempts + " times";
        String message = call.describe() + " was attempted " + times + " in " + seconds(elapsed)
                + " and got no answer (last error: " + summary(last) + ")";
        return circuitOpen ? message + "; then the circuit breaker for this broker opened" : message;
    }

    static String summary(Throwable error) {
        String text = error.getMessage();
        return error.getClass().getSimpleName() + (text == null || text.isBlank() ? "" : ": " + text);
    }

    private static String seconds(Duration elapsed) {
        return String.format(java.util.Locale.ROOT, "%.1f s", elapsed.toMillis() / 1000.0);
    }
}
