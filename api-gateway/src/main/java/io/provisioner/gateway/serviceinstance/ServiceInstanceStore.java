package io.provisioner.gateway.serviceinstance;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import io.provisioner.gateway.api.ListQuery;
import io.provisioner.gateway.api.Page;
import io.provisioner.gateway.api.SqlList;
import io.provisioner.gateway.security.Permissions;
import io.provisioner.schemas.BrokerText;
import io.provisioner.schemas.OperationState;
import io.provisioner.schemas.OperationStatusChanged;
import io.provisioner.schemas.OperationType;

/** Service instance rows. Status changes are single conditional statements: no read-modify-write race. */
@Repository
class ServiceInstanceStore {

    private static final String COLUMNS = """
            i.guid, i.name, i.space_guid, i.service_plan_guid, p.service_guid, i.tags,
            i.dashboard_url, i.maintenance_info, i.operation_id, i.operation_type, i.operation_state,
            i.operation_description, i.operation_created_at, i.operation_updated_at, i.created_at, i.updated_at""";
    private static final String FROM = """
            service_instances i JOIN service_plans p ON p.guid = i.service_plan_guid
            JOIN spaces sp ON sp.guid = i.space_guid""";
    private static final String SELECT = "SELECT " + COLUMNS + " FROM " + FROM;

    /** Filters Cloud Controller knows but we have nothing for (bindings, keys, v1 gateways) match nothing. */
    private static final String NOTHING = "CAST(NULL AS VARCHAR(36))";
    static final List<String> FILTERS = List.of("name", "space_guid", "service_plan_guid", "organization_guid",
            "service_binding_guid", "gateway_name", "service_key_guid");
    static final List<String> ORDERS = List.of("id", "name", "created_at");
    private static final SqlList LIST = new SqlList(COLUMNS, FROM + " WHERE TRUE", Map.of(
            "name", "i.name", "space_guid", "i.space_guid", "service_plan_guid", "i.service_plan_guid",
            "organization_guid", "sp.organization_guid", "service_binding_guid", NOTHING, "gateway_name", NOTHING,
            "service_key_guid", NOTHING, "id", "i.created_at", "created_at", "i.created_at"), "i.guid");
    private static final SqlList IN_SPACE = new SqlList(COLUMNS, FROM + " WHERE i.space_guid = ?", LIST.columns(),
            "i.guid");

    private static final SqlList ON_PLAN = new SqlList(COLUMNS, FROM + " WHERE i.service_plan_guid = ?", LIST.columns(),
            "i.guid");

    private final JdbcClient jdbc;

    ServiceInstanceStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void insert(ServiceInstanceRecord r, OffsetDateTime deadline) {
        jdbc.sql("""
                INSERT INTO service_instances (guid, name, space_guid, service_plan_guid, tags,
                  dashboard_url, maintenance_info, operation_id, operation_type, operation_state,
                  operation_description, operation_sequence, operation_created_at, operation_updated_at,
                  operation_deadline, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?)""")
                .params(r.guid(), r.name(), r.spaceGuid(), r.planGuid(), r.tags(), r.dashboardUrl(),
                        r.maintenanceInfo(), r.operationId(), r.operationType().wire(), r.operationState().wire(),
                        r.operationDescription(), r.operationCreatedAt(), r.operationUpdatedAt(), deadline,
                        r.createdAt(), r.updatedAt())
                .update();
    }

    Optional<ServiceInstanceRecord> find(String guid) {
        return jdbc.sql(SELECT + " WHERE i.guid = ?").param(guid).query(ServiceInstanceStore::map).optional();
    }

    /** Reads the row and locks it until the transaction ends, so two changes cannot both start. */
    Optional<ServiceInstanceRecord> lock(String guid) {
        jdbc.sql("SELECT guid FROM service_instances WHERE guid = ? FOR UPDATE").param(guid).query(String.class).list();
        return find(guid);
    }

    <R> Page<R> list(ListQuery query, String path, Permissions.Visibility visible,
            java.util.function.Function<ServiceInstanceRecord, R> view) {
        return LIST.and(visible.condition()).page(jdbc, query, visible.params(), path, ServiceInstanceStore::map, view);
    }

    <R> Page<R> listInSpace(String spaceGuid, ListQuery query, String path,
            java.util.function.Function<ServiceInstanceRecord, R> view) {
        return IN_SPACE.page(jdbc, query, List.of(spaceGuid), path, ServiceInstanceStore::map, view);
    }

    <R> Page<R> listOnPlan(String planGuid, ListQuery query, String path, Permissions.Visibility visible,
            java.util.function.Function<ServiceInstanceRecord, R> view) {
        List<Object> params = new java.util.ArrayList<>();
        params.add(planGuid);
        params.addAll(visible.params());
        return ON_PLAN.and(visible.condition()).page(jdbc, query, params, path, ServiceInstanceStore::map, view);
    }

    /** Changes applied at once: name and tags. */
    void rename(String guid, String name, String tags, OffsetDateTime now) {
        jdbc.sql("UPDATE service_instances SET name = ?, tags = ?, updated_at = ? WHERE guid = ?")
                .params(name, tags, now, guid).update();
    }

    /**
     * Starts a new operation; what it changes at the broker waits in the pending columns. Parameters have
     * none: they travel only in the sealed request event.
     */
    void startOperation(String guid, String operationId, OperationType type, String pendingPlanGuid,
            String pendingMaintenanceInfo, OffsetDateTime now, OffsetDateTime deadline) {
        jdbc.sql("""
                UPDATE service_instances
                SET operation_id = ?, operation_type = ?, operation_state = 'in progress', operation_description = '',
                    operation_sequence = 0, operation_created_at = ?, operation_updated_at = ?, broker_operation = NULL,
                    pending_plan_guid = ?, pending_maintenance_info = ?, updated_at = ?,
                    operation_deadline = ?
                WHERE guid = ?""")
                .params(operationId, type.wire(), now, now, pendingPlanGuid, pendingMaintenanceInfo,
                        now, deadline, guid)
                .update();
    }

    /** The services part of {@code /v2/spaces/:guid/summary}: at most {@code limit}, from {@code offset} on. */
    List<Map<String, Object>> summaries(String spaceGuid, int limit, long offset) {
        return jdbc.sql("""
                SELECT i.guid, i.name, i.dashboard_url, i.operation_type, i.operation_state, i.operation_description,
                       i.operation_created_at, i.operation_updated_at, p.guid AS plan_guid, p.name AS plan_name,
                       s.guid AS service_guid, s.label
                FROM service_instances i JOIN service_plans p ON p.guid = i.service_plan_guid
                JOIN services s ON s.guid = p.service_guid WHERE i.space_guid = ? ORDER BY i.created_at, i.guid
                LIMIT ? OFFSET ?""")
                .params(spaceGuid, limit, offset)
                .query((rs, n) -> {
                    Map<String, Object> service = new java.util.LinkedHashMap<>();
                    service.put("guid", rs.getString("service_guid"));
                    service.put("label", rs.getString("label"));
                    service.put("provider", null);
                    service.put("version", null);
                    Map<String, Object> plan = new java.util.LinkedHashMap<>();
                    plan.put("guid", rs.getString("plan_guid"));
                    plan.put("name", rs.getString("plan_name"));
                    plan.put("service", service);
                    Map<String, Object> lastOperation = new java.util.LinkedHashMap<>();
                    lastOperation.put("type", rs.getString("operation_type"));
                    lastOperation.put("state", rs.getString("operation_state"));
                    String description = rs.getString("operation_description");
                    lastOperation.put("description", description == null ? "" : description);
                    lastOperation.put("updated_at", io.provisioner.gateway.api.CfTime.format(
                            rs.getObject("operation_updated_at", OffsetDateTime.class)));
                    lastOperation.put("created_at", io.provisioner.gateway.api.CfTime.format(
                            rs.getObject("operation_created_at", OffsetDateTime.class)));
                    Map<String, Object> summary = new java.util.LinkedHashMap<>();
                    summary.put("guid", rs.getString("guid"));
                    summary.put("name", rs.getString("name"));
                    summary.put("bound_app_count", 0);
                    summary.put("dashboard_url", rs.getString("dashboard_url"));
                    summary.put("last_operation", lastOperation);
                    summary.put("service_plan", plan);
                    return summary;
                })
                .list();
    }

    void failLost(String guid, String operationId, String description, OffsetDateTime now) {
        jdbc.sql("""
                UPDATE service_instances
                SET operation_state = 'failed', operation_description = ?, operation_updated_at = ?, updated_at = ?,
                    pending_plan_guid = NULL, pending_maintenance_info = NULL
                WHERE guid = ? AND operation_id = ? AND operation_state = 'in progress'""")
                .params(description, now, now, guid, operationId).update();
    }

    /** When the operation began, while it is still the current one. */
    /** When the operation began and under which plan, if it is still the instance's current one. */
    Optional<OperationStart> operationStart(String guid, String operationId) {
        return jdbc.sql("SELECT service_plan_guid, operation_created_at FROM service_instances WHERE guid = ? AND operation_id = ?")
                .params(guid, operationId)
                .query((rs, n) -> new OperationStart(rs.getString(1), rs.getObject(2, OffsetDateTime.class)))
                .optional();
    }

    record OperationStart(String planGuid, OffsetDateTime at) {
    }

    double inFlightForMetrics() {
        try {
            return jdbc.sql("SELECT COUNT(*) FROM service_instances WHERE operation_state = 'in progress'")
                    .query(Long.class).single();
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }

    void purge(String guid) {
        jdbc.sql("DELETE FROM service_instances WHERE guid = ?").param(guid).update();
    }

    /**
     * Applies a status event when it names the current operation, that operation is still in progress,
     * and the event is newer than the last one applied. A terminal event of the same step as the last
     * in-progress one also applies: a worker that re-runs a step after a crash may find it finished
     * (the fault-test suite caught operations stuck this way); once ended, nothing applies. A succeeded delete removes the row; a succeeded
     * update makes its pending changes real. The deadline an event reports (counted from the broker's 202)
     * replaces the one set at the request, for the reconciler. The broker's description is stored bounded. Returns whether anything changed.
     */
    boolean apply(OperationStatusChanged event, OffsetDateTime now) {
        if (event.state() == OperationState.SUCCEEDED && event.operationType() == OperationType.DELETE) {
            return jdbc.sql("""
                    DELETE FROM service_instances
                    WHERE guid = ? AND operation_id = ? AND operation_state = 'in progress'""")
                    .params(event.instanceGuid(), event.operationId()).update() > 0;
        }
        boolean succeeded = event.state() == OperationState.SUCCEEDED;
        boolean terminal = event.state().terminal();
        OffsetDateTime deadline = event.deadline() == null ? null : event.deadline().atOffset(ZoneOffset.UTC);
        // last_operation.updated_at moves only when the state or the description changes, not on every poll
        // that brings nothing new (the right-hand sides below see the row as it was).
        String changed = "(operation_state <> ? OR COALESCE(operation_description, '') <> COALESCE(?, operation_description, ''))";
        return jdbc.sql("""
                UPDATE service_instances
                SET operation_state = ?, operation_description = COALESCE(?, operation_description),
                    dashboard_url = COALESCE(?, dashboard_url), broker_operation = COALESCE(?, broker_operation),
                    operation_deadline = COALESCE(?, operation_deadline), operation_sequence = ?,
                    operation_updated_at = CASE WHEN %1$s THEN ? ELSE operation_updated_at END,
                    updated_at = CASE WHEN %1$s THEN ? ELSE updated_at END,
                    service_plan_guid = CASE WHEN ? THEN COALESCE(pending_plan_guid, service_plan_guid) ELSE service_plan_guid END,
                    maintenance_info = CASE WHEN ? THEN COALESCE(pending_maintenance_info, maintenance_info) ELSE maintenance_info END,
                    pending_plan_guid = CASE WHEN ? THEN NULL ELSE pending_plan_guid END,
                    pending_maintenance_info = CASE WHEN ? THEN NULL ELSE pending_maintenance_info END
                WHERE guid = ? AND operation_id = ? AND operation_state = 'in progress'
                  AND (operation_sequence < ? OR (? AND operation_sequence = ?))""".formatted(changed))
                .params(event.state().wire(), BrokerText.bounded(event.description()), event.dashboardUrl(), event.brokerOperation(),
                        deadline, event.sequence(), event.state().wire(), BrokerText.bounded(event.description()), now,
                        event.state().wire(), BrokerText.bounded(event.description()), now,
                        succeeded, succeeded, terminal, terminal,
                        event.instanceGuid(), event.operationId(), event.sequence(), terminal, event.sequence())
                .update() > 0;
    }

    private static ServiceInstanceRecord map(ResultSet rs, int row) throws SQLException {
        return new ServiceInstanceRecord(rs.getString("guid"), rs.getString("name"), rs.getString("space_guid"),
                rs.getString("service_plan_guid"), rs.getString("service_guid"), rs.getString("tags"), rs.getString("dashboard_url"), rs.getString("maintenance_info"),
                rs.getString("operation_id"), OperationType.fromWire(rs.getString("operation_type")),
                OperationState.fromWire(rs.getString("operation_state")), rs.getString("operation_description"),
                rs.getObject("operation_created_at", OffsetDateTime.class),
                rs.getObject("operation_updated_at", OffsetDateTime.class),
                rs.getObject("created_at", OffsetDateTime.class), rs.getObject("updated_at", OffsetDateTime.class));
    }
}
