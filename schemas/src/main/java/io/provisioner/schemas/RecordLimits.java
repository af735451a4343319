package io.provisioner.schemas;

/**
 * The size limits of Provisioner's Kafka records, in one place, so that the gateway's request limits,
 * the producers' {@code max.request.size} and the topics' {@code max.message.bytes} cannot drift apart.
 *
 * <pre>
 *   request body (gateway)            1 MiB   provisioner.gateway.max-request-bytes
 *   event written to the outbox   &lt;= 1.875 MiB  MAX_EVENT_BYTES: larger requests are refused (413)
 *   record on any topic           &lt;= 2 MiB   MAX_RECORD_BYTES: producers and topics
 * </pre>
 *
 * The margin between an event and a record ({@link #MARGIN_BYTES}) holds what is added on the way: the
 * key, the headers, the record framing, the poll event that carries the request along, and the
 * exception headers of a dead letter.
 */
public final class RecordLimits {

    /** Topic {@code max.message.bytes} and producer {@code max.request.size} of every Provisioner topic. */
    public static final int MAX_RECORD_BYTES = 2 * 1024 * 1024;

    /** Room kept between the largest event and the largest record. */
    public static final int MARGIN_BYTES = 128 * 1024;

    /** The largest serialized event the gateway accepts to publish. */
    public static final int MAX_EVENT_BYTES = MAX_RECORD_BYTES - MARGIN_BYTES;

    private RecordLimits() {
    }
}
