package io.provisioner.gateway.serviceinstance;

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
import io.provisioner.schemas.Topics;

/**
 * Writes the public lifecycle events ({@code service-instance.events}) inside the transaction of the change
 * they announce: to the outbox, which publishes them, and to {@code instance_events}, the history the
 * event stream resumes from. Each change gets the instance's next version; callers hold the instance's
 * row (locked or just written), so two changes of one instance cannot take the same version.
 */
@Component
class InstanceEvents {

    private final JdbcClient jdbc;
    private final OutboxWriter outbox;
    private final JsonMapper json;
    private final java.time.Clock clock;
    private final java.time.Duration retention;

    InstanceEvents(JdbcClient jdbc, OutboxWriter outbox, JsonMapper json, java.time.Clock clock,
            @org.springframework.beans.factory.annotation.Value("${provisioner.commands.retention:8d}")
            java.time.Duration retention) {
        this.clock = clock;
        this.retention = retention;
        this.jdbc = jdbc;
        this.outbox = outbox;
        this.json = json;
    }

    /** An operation was accepted: {@code started}, with the instance as the caller's answer shows it. */
    void started(ServiceInstanceRecord instance, Origin origin, String userId, OffsetDateTime now) {
        change(EventTypes.SERVICE_INSTANCE_STARTED, instance, origin.commandId(), origin.requestIdentity(), userId, now,
                nextVersion(instance.guid()));
    }

    /** A create under a guid generated for it: nothing was ever told of that guid, so its history starts at 1. */
    void createdUnderNewGuid(ServiceInstanceRecord instance, Origin origin, String userId, OffsetDateTime now) {
        change(EventTypes.SERVICE_INSTANCE_STARTED, instance, origin.commandId(), origin.requestIdentity(), userId, now,
                1);
    }

    /** A name or tags change applied at once. */
    void updated(ServiceInstanceRecord instance, Origin origin, String userId, OffsetDateTime now) {
        change(EventTypes.SERVICE_INSTANCE_UPDATED, instance, origin.commandId(), origin.requestIdentity(), userId, now,
                nextVersion(instance.guid()));
    }

    /** The current operation ended ({@code succeeded} or {@code failed}), as the record now reads. */
    void ended(ServiceInstanceRecord instance, String requestIdentity, OffsetDateTime now) {
        String type = instance.operationState() == OperationState.SUCCEEDED ? EventTypes.SERVICE_INSTANCE_SUCCEEDED
                : EventTypes.SERVICE_INSTANCE_FAILED;
        change(type, instance, null, requestIdentity, null, now, nextVersion(instance.guid()));
    }

    /** The instance is gone; {@code last} is how it read before, shown with its delete succeeded. */
    void deleted(ServiceInstanceRecord last, String requestIdentity, String userId, OffsetDateTime now) {
        ServiceInstanceRecord gone = new ServiceInstanceRecord(last.guid(), last.name(), last.spaceGuid(), last.planGuid(),
                last.serviceGuid(), last.tags(), last.dashboardUrl(), last.maintenanceInfo(), last.operationId(),
                OperationType.DELETE, OperationState.SUCCEEDED, last.operationDescription(), last.operationCreatedAt(),
                now, last.createdAt(), now);
        change(EventTypes.SERVICE_INSTANCE_DELETED, gone, null, requestIdentity, userId, now, nextVersion(gone.guid()));
    }

    /**
     * A command was refused: the CF error a REST caller would have got. It changes nothing, so it takes no
     * version and is not part of the instance's history; {@code current} is the instance as it is, or null.
     */
    void rejected(String guid, ServiceInstanceRecord current, String commandId, String userId, CfError error,
            String description, OffsetDateTime now) {
        ServiceInstanceEvent event = new ServiceInstanceEvent(guid, null, null, current == null ? null : view(current),
                commandId, null, userId, new ServiceInstanceEvent.Error(error.errorCode(), error.code(), description),
                now.toInstant());
        outbox.append(Topics.EVENTS, EventEnvelope.of(EventTypes.SERVICE_INSTANCE_REJECTED, ServiceInstances.SOURCE,
                now.toInstant(), guid, event));
    }

    private long nextVersion(String guid) {
        return jdbc.sql("SELECT COALESCE(MAX(version), 0) + 1 FROM instance_events WHERE instance_guid = ?")
                .param(guid).query(Long.class).single();
    }

    private void change(String type, ServiceInstanceRecord instance, String commandId, String requestIdentity,
            String userId, OffsetDateTime now, long version) {
        ServiceInstanceEvent event = new ServiceInstanceEvent(instance.guid(), version,
                new ServiceInstanceEvent.Operation(instance.operationId(), instance.operationType(),
                        instance.operationState(), instance.operationDescription() == null ? ""
                                : instance.operationDescription()),
                view(instance), commandId, requestIdentity, userId, null, now.toInstant());
        EventEnvelope<ServiceInstanceEvent> envelope = EventEnvelope.of(type, ServiceInstances.SOURCE, now.toInstant(),
                instance.guid(), event);
        String payload = outbox.append(Topics.EVENTS, envelope);
        jdbc.sql("""
                INSERT INTO instance_events (instance_guid, version, event_type, operation_id, payload, created_at)
                VALUES (?, ?, ?, ?, ?, ?)""")
                .params(instance.guid(), version, type, instance.operationId(), payload, now)
                .update();
    }

    /**
     * Forgets history older than the retention (what a stream can still resume from), but never an
     * instance's latest event, which the next version counts on.
     */
    @org.springframework.scheduling.annotation.Scheduled(fixedDelayString = "${provisioner.commands.prune-every:1h}",
            initialDelayString = "${provisioner.commands.prune-every:1h}")
    void prune() {
        jdbc.sql("""
                DELETE FROM instance_events WHERE created_at < ? AND version <
                  (SELECT MAX(l.version) FROM instance_events l WHERE l.instance_guid = instance_events.instance_guid)""")
                .param(OffsetDateTime.now(clock).minus(retention)).update();
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> view(ServiceInstanceRecord instance) {
        return json.convertValue(ServiceInstanceView.of(instance, json), Map.class);
    }
}
