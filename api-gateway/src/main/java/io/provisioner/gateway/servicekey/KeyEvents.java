package io.provisioner.gateway.servicekey;

import java.time.OffsetDateTime;
import java.util.Map;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

import io.provisioner.gateway.api.CfError;
import io.provisioner.gateway.outbox.OutboxWriter;
import io.provisioner.schemas.EventEnvelope;
import io.provisioner.schemas.EventTypes;
import io.provisioner.schemas.OperationState;
import io.provisioner.schemas.OperationType;
import io.provisioner.schemas.ServiceInstanceEvent;
import io.provisioner.schemas.ServiceKeyEvent;
import io.provisioner.schemas.Topics;

/**
 * Writes the public events of service keys to {@code service-instance.events} through the outbox, inside the
 * transaction of the change they announce. They are keyed by the key's instance, so they keep their order with
 * the instance's events, and carry the key as {@code GET} shows it but never its credentials, not even sealed:
 * the stream is read by systems that may not read secrets. Each change takes the key's next version; callers
 * hold the key's row (locked or just written).
 */
@Component
class KeyEvents {

    private static final String SOURCE = OutboxWriter.SOURCE;

    private final JdbcClient jdbc;
    private final OutboxWriter outbox;
    private final JsonMapper json;

    KeyEvents(JdbcClient jdbc, OutboxWriter outbox, JsonMapper json) {
        this.jdbc = jdbc;
        this.outbox = outbox;
        this.json = json;
    }

    /** A bind or unbind was accepted. */
    void started(ServiceKeyRecord key, String commandId, String requestIdentity, String userId, OffsetDateTime now) {
        change(EventTypes.SERVICE_KEY_STARTED, key, nextVersion(key.guid()), commandId, requestIdentity, userId, now);
    }

    /** The key's operation ended, as the record now reads: a create's {@code succeeded}, or {@code failed}. */
    void ended(ServiceKeyRecord key, String requestIdentity, OffsetDateTime now) {
        String type = key.operationState() == OperationState.SUCCEEDED ? EventTypes.SERVICE_KEY_SUCCEEDED
                : EventTypes.SERVICE_KEY_FAILED;
        change(type, key, nextVersion(key.guid()), null, requestIdentity, null, now);
    }

    /** The key is gone; {@code last} is how it read before, {@code lastVersion} the version it had then. */
    void deleted(ServiceKeyRecord last, long lastVersion, String requestIdentity, OffsetDateTime now) {
        ServiceKeyRecord gone = new ServiceKeyRecord(last.guid(), last.name(), last.instanceGuid(), last.spaceGuid(), null,
                last.operationId(), OperationType.DELETE, OperationState.SUCCEEDED, last.operationDescription(),
                last.operationCreatedAt(), now, last.createdAt(), now);
        change(EventTypes.SERVICE_KEY_DELETED, gone, lastVersion + 1, null, requestIdentity, null, now);
    }

    /** A command was refused; it changes nothing, so it takes no version. {@code current} may be null. */
    void rejected(String instanceGuid, String keyGuid, ServiceKeyRecord current, String commandId, String userId,
            CfError error, String description, OffsetDateTime now) {
        ServiceKeyEvent event = new ServiceKeyEvent(instanceGuid, keyGuid, null, null,
                current == null ? null : view(current), commandId, null, userId,
                new ServiceInstanceEvent.Error(error.errorCode(), error.code(), description), now.toInstant());
        outbox.append(Topics.EVENTS, EventEnvelope.of(EventTypes.SERVICE_KEY_REJECTED, SOURCE, now.toInstant(),
                instanceGuid, event));
    }

    /** The version the key's last event took (0 before its first). */
    long version(String keyGuid) {
        return jdbc.sql("SELECT event_version FROM service_keys WHERE guid = ?").param(keyGuid).query(Long.class)
                .optional().orElse(0L);
    }

    private long nextVersion(String keyGuid) {
        jdbc.sql("UPDATE service_keys SET event_version = event_version + 1 WHERE guid = ?").param(keyGuid).update();
        return version(keyGuid);
    }

    private void change(String type, ServiceKeyRecord key, long version, String commandId, String requestIdentity,
            String userId, OffsetDateTime now) {
        ServiceKeyEvent event = new ServiceKeyEvent(key.instanceGuid(), key.guid(), version,
                new ServiceInstanceEvent.Operation(key.operationId(), key.operationType(), key.operationState(),
                        key.operationDescription() == null ? "" : key.operationDescription()),
                view(key), commandId, requestIdentity, userId, null, now.toInstant());
        outbox.append(Topics.EVENTS, EventEnvelope.of(type, SOURCE, now.toInstant(), key.instanceGuid(), event));
    }

    private Map<String, Object> view(ServiceKeyRecord key) {
        return ServiceKeyView.withoutCredentials(key, json);
    }
}
