package io.provisioner.fault;

import java.util.ArrayList;
import java.util.List;

/** The counts of one scenario, and whatever else went wrong. */
final class Verdict {

    final int number;
    final String title;
    int requested;
    int accepted;
    int succeeded;
    int failedAsExpected;
    int neverAccepted;
    int lost;
    int stuck;
    int wrong;
    int unabsorbed;
    int absorbed;
    /**
     * Whether repeated identical provisions may happen at all: only where a process is killed (a worker that dies
     * after its PUT but before its commit sends it again). Elsewhere every absorbed retry is a failure.
     */
    boolean absorbedRetriesAllowed;
    /**
     * Whether records may end on a dead-letter topic: only where poison is injected. Elsewhere a dead letter is a
     * change parked instead of applied (a status event given up on while the database was away, say).
     */
    boolean deadLettersAllowed;
    long tookSeconds;
    /** Facts worth printing (what was injected, when, client answers). */
    final List<String> notes = new ArrayList<>();
    /** Failures besides the counts (a fault not injected, poison not dead-lettered, …). */
    final List<String> problems = new ArrayList<>();
    /** Examples of lost/stuck/wrong operations, for the report. */
    final List<String> examples = new ArrayList<>();

    Verdict(int number, String title) {
        this.number = number;
        this.title = title;
    }

    boolean passed() {
        return neverAccepted == 0 && lost == 0 && stuck == 0 && wrong == 0 && unabsorbed == 0
                && (absorbedRetriesAllowed || absorbed == 0) && problems.isEmpty() && requested > 0;
    }

    void example(String text) {
        if (examples.size() < 12) {
            examples.add(text);
        }
    }

    String line() {
        StringBuilder s = new StringBuilder();
        s.append("scenario ").append(number).append(' ').append(title).append(": ")
                .append(requested).append(" requested, ");
        if (neverAccepted > 0) {
            s.append(neverAccepted).append(" never accepted, ");
        }
        s.append(succeeded).append(" succeeded, ");
        if (failedAsExpected > 0) {
            s.append(failedAsExpected).append(" failed as expected, ");
        }
        s.append(lost).append(" lost, ").append(stuck).append(" stuck, ").append(wrong).append(" wrong, ")
                .append(unabsorbed).append(" unabsorbed duplicate provisions (").append(absorbed)
                .append(" absorbed retries").append(absorbedRetriesAllowed || absorbed == 0 ? "" : ", none allowed")
                .append("), took ").append(tookSeconds).append(" s — ")
                .append(passed() ? "PASSED" : "FAILED");
        return s.toString();
    }

    String report() {
        StringBuilder s = new StringBuilder(line()).append('\n');
        notes.forEach(n -> s.append("    ").append(n).append('\n'));
        problems.forEach(p -> s.append("    PROBLEM: ").append(p).append('\n'));
        examples.forEach(e -> s.append("    e.g. ").append(e).append('\n'));
        return s.toString();
    }
}
