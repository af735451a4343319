package io.provisioner.gateway.outbox;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import io.provisioner.schemas.EventCodec;
import io.provisioner.schemas.EventEnvelope;

/**
 * Records an event in the outbox inside the caller's transaction: the event exists exactly when the
 * change it announces does. The relay is woken when the transaction commits.
 */
@Component
public class OutboxWriter {

    private final JdbcClient jdbc;
    private final EventCodec codec;
    private final Clock clock;
    private final OutboxRelay relay;

    OutboxWriter(JdbcClient jdbc, EventCodec codec, Clock clock, OutboxRelay relay) {
        this.jdbc = jdbc;
        this.codec = codec;
        this.clock = clock;
        this.relay = relay;
    }

    public void append(String topic, EventEnvelope<?> event) {
        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalStateException("the outbox is written only inside the transaction of the change");
        }
        jdbc.sql("INSERT INTO outbox (topic, message_key, payload, created_at) VALUES (?, ?, ?, ?)")
                .params(topic, event.subject(), codec.writeString(event),
                        OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC))
                .update();
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                relay.wakeUp();
            }
        });
    }
}
