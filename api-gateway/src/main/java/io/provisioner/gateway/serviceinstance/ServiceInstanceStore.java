package io.provisioner.gateway.serviceinstance;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import io.provisioner.schemas.OperationState;
import io.provisioner.schemas.OperationStatusChanged;
import io.provisioner.schemas.OperationType;

/** Service instance rows. Status changes are single conditional statements: no read-modify-write race. */
@Repository
class ServiceInstanceStore {

    private static final String SELECT = """
            SELECT i.guid, i.name, i.space_guid, i.service_plan_guid, p.service_guid, i.parameters, i.tags,
                   i.dashboard_url, i.maintenance_info, i.operation_id, i.operation_type, i.operation_state,
                   i.operation_description, i.operation_created_at, i.operation_updated_at, i.created_at, i.updated_at
            FROM service_instances i JOIN service_plans p ON p.guid = i.service_plan_guid
            """;

    private final JdbcClient jdbc;

    ServiceInstanceStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void insert(ServiceInstanceRecord r, long sequence) {
        jdbc.sql("""
                INSERT INTO service_instances (guid, name, space_guid, service_plan_guid, parameters, tags,
                  dashboard_url, maintenance_info, operation_id, operation_type, operation_state,
                  operation_description, operation_sequence, operation_created_at, operation_updated_at,
                  created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(r.guid(), r.name(), r.spaceGuid(), r.planGuid(), r.parameters(), r.tags(), r.dashboardUrl(),
                        r.maintenanceInfo(), r.operationId(), r.operationType().wire(), r.operationState().wire(),
                        r.operationDescription(), sequence, r.operationCreatedAt(), r.operationUpdatedAt(),
                        r.createdAt(), r.updatedAt())
                .update();
    }

    Optional<ServiceInstanceRecord> find(String guid) {
        return jdbc.sql(SELECT + " WHERE i.guid = ?").param(guid).query(ServiceInstanceStore::map).optional();
    }

    /**
     * Applies a status event when it names the current operation, that operation is still in progress,
     * and the event is newer than the last one applied. Returns whether anything changed.
     */
    boolean apply(OperationStatusChanged event, OffsetDateTime now) {
        if (event.state() == OperationState.SUCCEEDED && event.operationType() == OperationType.DELETE) {
            return jdbc.sql("""
                    DELETE FROM service_instances
                    WHERE guid = ? AND operation_id = ? AND operation_state = 'in progress'""")
                    .params(event.instanceGuid(), event.operationId()).update() > 0;
        }
        return jdbc.sql("""
                UPDATE service_instances
                SET operation_state = ?, operation_description = COALESCE(?, operation_description),
                    dashboard_url = COALESCE(?, dashboard_url), broker_operation = COALESCE(?, broker_operation),
                    operation_sequence = ?, operation_updated_at = ?, updated_at = ?
                WHERE guid = ? AND operation_id = ? AND operation_state = 'in progress' AND operation_sequence < ?""")
                .params(event.state().wire(), event.description(), event.dashboardUrl(), event.brokerOperation(),
                        event.sequence(), now, now, event.instanceGuid(), event.operationId(), event.sequence())
                .update() > 0;
    }

    private static ServiceInstanceRecord map(ResultSet rs, int row) throws SQLException {
        return new ServiceInstanceRecord(rs.getString("guid"), rs.getString("name"), rs.getString("space_guid"),
                rs.getString("service_plan_guid"), rs.getString("service_guid"), rs.getString("parameters"),
                rs.getString("tags"), rs.getString("dashboard_url"), rs.getString("maintenance_info"),
                rs.getString("operation_id"), OperationType.fromWire(rs.getString("operation_type")),
                OperationState.fromWire(rs.getString("operation_state")), rs.getString("operation_description"),
                rs.getObject("operation_created_at", OffsetDateTime.class),
                rs.getObject("operation_updated_at", OffsetDateTime.class),
                rs.getObject("created_at", OffsetDateTime.class), rs.getObject("updated_at", OffsetDateTime.class));
    }
}
