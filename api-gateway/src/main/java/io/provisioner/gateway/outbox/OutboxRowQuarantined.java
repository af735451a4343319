package io.provisioner.gateway.outbox;

/**
 * An outbox row that Kafka refused for a reason that will not change (too large, not serialisable, an
 * invalid topic) was moved to {@code outbox_quarantine}. Published inside the relay's transaction, so
 * what a listener changes (failing the operation the row carried) commits together with the quarantine.
 *
 * @param id the row's outbox id, kept in the quarantine
 * @param topic the topic the row was meant for
 * @param key the record key (the instance guid)
 * @param payload the event as it was stored
 * @param reason why Kafka refused it
 */
public record OutboxRowQuarantined(long id, String topic, String key, String payload, String reason) {
}
