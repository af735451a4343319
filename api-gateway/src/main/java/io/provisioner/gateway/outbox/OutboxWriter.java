package io.provisioner.gateway.outbox;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import io.provisioner.gateway.api.CfError;
import io.provisioner.schemas.EventCodec;
import io.provisioner.schemas.EventEnvelope;

/**
 * Records an event in the outbox inside the caller's transaction: the event exists exactly when the
 * change it announces does. The relay is woken when the transaction commits.
 *
 * <p>The event is measured here, as it will travel: one that Kafka could not carry is refused before the
 * transaction commits (413, nothing stored), so no request can leave a row behind that blocks the relay.
 *
 * <p>The rows of one transaction are inserted together just before it commits, as one JDBC batch: one
 * round trip to the database whether the transaction announces one change or a whole poll of status
 * events. A failure of that insert fails the commit, so the change and its events still go together.
 */
@Component
public class OutboxWriter {

    /** The CloudEvents {@code source} of every event this gateway writes. */
    public static final String SOURCE = "/provisioner/api-gateway";

    private final JdbcTemplate jdbc;
    private final EventCodec codec;
    private final Clock clock;
    private final OutboxRelay relay;
    private final int maxEventBytes;
    private final OutboxTraces traces;

    OutboxWriter(JdbcTemplate jdbc, EventCodec codec, Clock clock, OutboxRelay relay, OutboxSettings settings,
            OutboxTraces traces) {
        this.jdbc = jdbc;
        this.traces = traces;
        this.codec = codec;
        this.clock = clock;
        this.relay = relay;
        this.maxEventBytes = settings.maxEventBytes();
    }

    /** @return the event as it will be published (callers that keep a copy need not encode it again) */
    public String append(String topic, EventEnvelope<?> event) {
        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalStateException("the outbox is written only inside the transaction of the change");
        }
        String payload = encode(codec, event, maxEventBytes);
        pending().rows.add(new Row(topic, event.subject(), payload,
                OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC), traces.current()));
        return payload;
    }

    /** This transaction's rows; synchronizations are suspended with their transaction, so a nested one has its own. */
    private Pending pending() {
        for (TransactionSynchronization synchronization : TransactionSynchronizationManager.getSynchronizations()) {
            if (synchronization instanceof Pending pending && pending.writer() == this) {
                return pending;
            }
        }
        Pending pending = new Pending(this, new ArrayList<>());
        TransactionSynchronizationManager.registerSynchronization(pending);
        return pending;
    }

    private record Row(String topic, String key, String payload, OffsetDateTime createdAt, String traceparent) {
    }

    private record Pending(OutboxWriter writer, List<Row> rows) implements TransactionSynchronization {

        @Override
        public void beforeCommit(boolean readOnly) {
            writer.jdbc.batchUpdate("""
                    INSERT INTO outbox (topic, message_key, payload, created_at, traceparent) VALUES (?, ?, ?, ?, ?)""",
                    rows, rows.size(), (statement, row) -> {
                        statement.setString(1, row.topic());
                        statement.setString(2, row.key());
                        statement.setString(3, row.payload());
                        statement.setObject(4, row.createdAt());
                        statement.setString(5, row.traceparent());
                    });
        }

        @Override
        public void afterCommit() {
            writer.relay.wakeUp();
        }
    }

    /** The event as the relay will send it; refused with 413 when its UTF-8 form exceeds {@code maxBytes}. */
    static String encode(EventCodec codec, EventEnvelope<?> event, int maxBytes) {
        String payload = codec.writeString(event);
        long size = utf8Length(payload);
        if (size > maxBytes) {
            throw CfError.REQUEST_TOO_LARGE.exception("The request is too large: the operation's event would be "
                    + size + " bytes, more than the " + maxBytes + " bytes the platform carries to the service "
                    + "broker. Send smaller parameters.");
        }
        return payload;
    }

    /** The UTF-8 length of a string without encoding it (payloads can be megabytes). */
    static long utf8Length(String text) {
        long bytes = 0;
        for (int i = 0, n = text.length(); i < n; i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
