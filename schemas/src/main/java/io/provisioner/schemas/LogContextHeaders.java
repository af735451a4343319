package io.provisioner.schemas;

/**
 * The record headers that carry an operation's log context from one app to the next, so every log line
 * of an operation names it wherever it is written. The names are also the log fields (MDC keys).
 */
public final class LogContextHeaders {

    public static final String INSTANCE_GUID = "instance_guid";
    public static final String OPERATION_ID = "operation_id";
    public static final String REQUEST_IDENTITY = "request_identity";

    /** Every header, in the order log lines show them. */
    public static final java.util.List<String> ALL = java.util.List.of(INSTANCE_GUID, OPERATION_ID, REQUEST_IDENTITY);

    private LogContextHeaders() {
    }
}
