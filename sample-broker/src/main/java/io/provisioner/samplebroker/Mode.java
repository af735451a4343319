package io.provisioner.samplebroker;

import java.util.Locale;

/** How a plan (or a per-request override) answers provision, update and deprovision requests. */
enum Mode {
    /** Answer 200/201 at once; the operation is already done. */
    SYNC,
    /** Answer 202; the operation succeeds after the delay. */
    ASYNC,
    /** Answer 202; the operation fails after the delay (deprovision still succeeds, or nothing could clean up). */
    FAIL;

    boolean async() {
        return this != SYNC;
    }

    static Mode parse(String value) {
        return valueOf(value.trim().toUpperCase(Locale.ROOT));
    }
}
