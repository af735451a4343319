package io.provisioner.gateway.servicekey;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import io.provisioner.gateway.api.ListQuery;
import io.provisioner.gateway.api.Page;
import io.provisioner.gateway.api.SqlList;
import io.provisioner.gateway.security.Permissions;
import io.provisioner.schemas.BindingStatusChanged;
import io.provisioner.schemas.BrokerText;
import io.provisioner.schemas.OperationState;
import io.provisioner.schemas.OperationType;

/** Service key rows. Status changes are single conditional statements, as for instances. */
@Repository
class ServiceKeyStore {

    private static final String COLUMNS = """
            k.guid, k.name, k.service_instance_guid, i.space_guid, k.sealed_credentials, k.operation_id,
            k.operation_type, k.operation_state, k.operation_description, k.operation_created_at,
            k.operation_updated_at, k.created_at, k.updated_at""";
    private static final String FROM = """
            service_keys k JOIN service_instances i ON i.guid = k.service_instance_guid
            JOIN spaces sp ON sp.guid = i.space_guid""";
    static final List<String> FILTERS = List.of("name", "service_instance_guid");
    static final List<String> ORDERS = List.of("id", "name", "created_at");
    private static final SqlList LIST = new SqlList(COLUMNS, FROM + " WHERE TRUE", Map.of("name", "k.name",
            "service_instance_guid", "k.service_instance_guid", "id", "k.created_at", "created_at", "k.created_at"),
            "k.guid");

    private final JdbcClient jdbc;

    ServiceKeyStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The instance, locked until the transaction ends: no operation of it can start meanwhile. */
    Optional<InstanceOfKey> lockInstance(String instanceGuid) {
        jdbc.sql("SELECT guid FROM service_instances WHERE guid = ? FOR UPDATE").param(instanceGuid).query(String.class)
                .list();
        return instance(instanceGuid);
    }

    /** The instance as it is, without a lock. */
    Optional<InstanceOfKey> instance(String instanceGuid) {
        return jdbc.sql("""
                SELECT i.guid, i.name, i.space_guid, i.service_plan_guid, i.operation_id, i.operation_type,
                       i.operation_state, COALESCE(p.bindable, s.bindable) AS bindable
                FROM service_instances i JOIN service_plans p ON p.guid = i.service_plan_guid
                JOIN services s ON s.guid = p.service_guid WHERE i.guid = ?""")
                .param(instanceGuid)
                .query((rs, n) -> new InstanceOfKey(rs.getString("guid"), rs.getString("name"),
                        rs.getString("space_guid"), rs.getString("service_plan_guid"), rs.getString("operation_id"),
                        OperationType.fromWire(rs.getString("operation_type")),
                        OperationState.fromWire(rs.getString("operation_state")), rs.getBoolean("bindable")))
                .optional();
    }

    void insert(ServiceKeyRecord key, OffsetDateTime deadline) {
        jdbc.sql("""
                INSERT INTO service_keys (guid, name, service_instance_guid, operation_id, operation_type,
                  operation_state, operation_description, operation_sequence, operation_created_at,
                  operation_updated_at, operation_deadline, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?)""")
                .params(key.guid(), key.name(), key.instanceGuid(), key.operationId(), key.operationType().wire(),
                        key.operationState().wire(), key.operationDescription(), key.operationCreatedAt(),
                        key.operationUpdatedAt(), deadline, key.createdAt(), key.updatedAt())
                .update();
    }

    Optional<ServiceKeyRecord> find(String guid) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM " + FROM + " WHERE k.guid = ?").param(guid)
                .query(ServiceKeyStore::map).optional();
    }

    /** Locks the key's row until the transaction ends. */
    Optional<ServiceKeyRecord> lock(String guid) {
        jdbc.sql("SELECT guid FROM service_keys WHERE guid = ? FOR UPDATE").param(guid).query(String.class).list();
        return find(guid);
    }

    List<ServiceKeyRecord> ofInstance(String instanceGuid) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM " + FROM + " WHERE k.service_instance_guid = ? ORDER BY k.created_at")
                .param(instanceGuid).query(ServiceKeyStore::map).list();
    }

    <R> Page<R> list(ListQuery query, String path, String instanceGuid, Permissions.Visibility visible,
            Function<ServiceKeyRecord, R> view) {
        List<Object> params = new ArrayList<>();
        SqlList list = LIST;
        if (instanceGuid != null) {
            list = list.and(" AND k.service_instance_guid = ?");
            params.add(instanceGuid);
        }
        params.addAll(visible.params());
        return list.and(visible.condition()).page(jdbc, query, params, path, ServiceKeyStore::map, view);
    }

    void startDelete(String guid, String operationId, OffsetDateTime now, OffsetDateTime deadline) {
        jdbc.sql("""
                UPDATE service_keys
                SET operation_id = ?, operation_type = 'delete', operation_state = 'in progress',
                    operation_description = '', operation_sequence = 0, operation_created_at = ?,
                    operation_updated_at = ?, broker_operation = NULL, operation_deadline = ?, updated_at = ?
                WHERE guid = ?""")
                .params(operationId, now, now, deadline, now, guid).update();
    }

    /**
     * Applies a status event when it names the key's current operation, that operation is still in progress
     * and the event is newer than the last one applied (a terminal event of the same step applies too, as for
     * instances). A succeeded delete removes the row; a succeeded create stores the sealed credentials.
     */
    boolean apply(BindingStatusChanged event, OffsetDateTime now) {
        if (event.state() == OperationState.SUCCEEDED && event.operationType() == OperationType.DELETE) {
            return jdbc.sql("""
                    DELETE FROM service_keys WHERE guid = ? AND operation_id = ? AND operation_state = 'in progress'""")
                    .params(event.bindingGuid(), event.operationId()).update() > 0;
        }
        boolean terminal = event.state().terminal();
        OffsetDateTime deadline = event.deadline() == null ? null : event.deadline().atOffset(ZoneOffset.UTC);
        String description = BrokerText.bounded(event.description());
        String changed = "(operation_state <> ? OR COALESCE(operation_description, '') <> COALESCE(?, operation_description, ''))";
        return jdbc.sql("""
                UPDATE service_keys
                SET operation_state = ?, operation_description = COALESCE(?, operation_description),
                    sealed_credentials = COALESCE(?, sealed_credentials),
                    broker_operation = COALESCE(?, broker_operation),
                    operation_deadline = COALESCE(?, operation_deadline), operation_sequence = ?,
                    operation_updated_at = CASE WHEN %1$s THEN ? ELSE operation_updated_at END,
                    updated_at = CASE WHEN %1$s THEN ? ELSE updated_at END
                WHERE guid = ? AND operation_id = ? AND operation_state = 'in progress'
                  AND (operation_sequence < ? OR (? AND operation_sequence = ?))""".formatted(changed))
                .params(event.state().wire(), description, event.sealedCredentials(), event.brokerOperation(), deadline,
                        event.sequence(), event.state().wire(), description, now, event.state().wire(), description,
                        now, event.bindingGuid(), event.operationId(), event.sequence(), terminal, event.sequence())
                .update() > 0;
    }

    /** Key operations still in progress past their deadline (their events were lost), oldest first. */
    List<ServiceKeyRecord> overdue(OffsetDateTime before, int limit) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM " + FROM
                + " WHERE k.operation_state = 'in progress' AND k.operation_deadline < ? ORDER BY k.operation_deadline LIMIT ?")
                .params(before, limit).query(ServiceKeyStore::map).list();
    }

    void failLost(String guid, String operationId, String description, OffsetDateTime now) {
        jdbc.sql("""
                UPDATE service_keys SET operation_state = 'failed', operation_description = ?, operation_updated_at = ?,
                    updated_at = ?
                WHERE guid = ? AND operation_id = ? AND operation_state = 'in progress'""")
                .params(description, now, now, guid, operationId).update();
    }

    /** A recursive delete's deprovision request, held until the instance's last key is unbound. */
    void hold(String instanceGuid, String operationId, String payload, OffsetDateTime now) {
        jdbc.sql("""
                INSERT INTO instance_deletes_after_unbind (service_instance_guid, operation_id, payload, created_at)
                VALUES (?, ?, ?, ?)""").params(instanceGuid, operationId, payload, now).update();
    }

    /** The held deprovision of the instance, removed from the table in the caller's transaction. */
    Optional<HeldDelete> release(String instanceGuid) {
        Optional<HeldDelete> held = jdbc.sql("""
                SELECT operation_id, payload FROM instance_deletes_after_unbind WHERE service_instance_guid = ?
                FOR UPDATE""")
                .param(instanceGuid).query((rs, n) -> new HeldDelete(instanceGuid, rs.getString("operation_id"),
                        rs.getString("payload")))
                .optional();
        held.ifPresent(h -> jdbc.sql("DELETE FROM instance_deletes_after_unbind WHERE service_instance_guid = ?")
                .param(instanceGuid).update());
        return held;
    }

    boolean holds(String instanceGuid) {
        return jdbc.sql("SELECT COUNT(*) FROM instance_deletes_after_unbind WHERE service_instance_guid = ?")
                .param(instanceGuid).query(Long.class).single() > 0;
    }

    /** The instance's current operation, if it is still {@code operationId} and in progress. */
    boolean instanceOperationInProgress(String instanceGuid, String operationId) {
        return jdbc.sql("""
                SELECT COUNT(*) FROM service_instances WHERE guid = ? AND operation_id = ? AND operation_state = 'in progress'""")
                .params(instanceGuid, operationId).query(Long.class).single() > 0;
    }

    /** The instance's delete fails: a key could not be unbound, so its deprovision never goes out. */
    void failInstanceDelete(String instanceGuid, String operationId, String description, OffsetDateTime now) {
        jdbc.sql("""
                UPDATE service_instances SET operation_state = 'failed', operation_description = ?,
                    operation_updated_at = ?, updated_at = ?
                WHERE guid = ? AND operation_id = ? AND operation_state = 'in progress'""")
                .params(BrokerText.bounded(description), now, now, instanceGuid, operationId).update();
    }

    Optional<String> instanceSpace(String instanceGuid) {
        return jdbc.sql("SELECT space_guid FROM service_instances WHERE guid = ?").param(instanceGuid)
                .query(String.class).optional();
    }

    record HeldDelete(String instanceGuid, String operationId, String payload) {
    }

    private static ServiceKeyRecord map(ResultSet rs, int row) throws SQLException {
        return new ServiceKeyRecord(rs.getString("guid"), rs.getString("name"), rs.getString("service_instance_guid"),
                rs.getString("space_guid"), rs.getString("sealed_credentials"), rs.getString("operation_id"),
                OperationType.fromWire(rs.getString("operation_type")),
                OperationState.fromWire(rs.getString("operation_state")), rs.getString("operation_description"),
                rs.getObject("operation_created_at", OffsetDateTime.class),
                rs.getObject("operation_updated_at", OffsetDateTime.class),
                rs.getObject("created_at", OffsetDateTime.class), rs.getObject("updated_at", OffsetDateTime.class));
    }
}
