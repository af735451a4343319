package io.provisioner.gateway.orphan;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import io.provisioner.gateway.api.CfTime;
import io.provisioner.gateway.api.ListQuery;
import io.provisioner.gateway.api.Page;
import io.provisioner.gateway.api.Resource;
import io.provisioner.gateway.api.SqlList;
import io.provisioner.schemas.OrphanMitigationChanged;
import io.provisioner.schemas.OrphanMitigationState;

/** The orphan-mitigation jobs the worker reported; each change is one conditional statement. */
@Repository
class OrphanMitigationStore {

    static final String PATH = "/admin/orphan-mitigations";
    static final List<String> FILTERS = List.of("state", "broker_guid", "instance_guid");
    static final List<String> ORDERS = List.of("id", "created_at", "updated_at");

    private static final String COLUMNS = """
            instance_guid, operation_id, broker_guid, broker_name, state, attempts, last_error, started_at, give_up_at,
            created_at, updated_at""";
    private static final Map<String, String> LIST_COLUMNS = Map.of("state", "state", "broker_guid", "broker_guid",
            "instance_guid", "instance_guid", "id", "created_at", "created_at", "created_at", "updated_at", "updated_at");
    private static final SqlList ALL = new SqlList(COLUMNS, "orphan_mitigations WHERE TRUE", LIST_COLUMNS,
            "instance_guid");
    /** What an operator has to look at, unless the query names states itself. */
    private static final SqlList OPEN = ALL.and(" AND state IN ('pending', 'abandoned')");

    /** One job as a row. */
    record Job(String instanceGuid, String operationId, String brokerGuid, String brokerName,
            OrphanMitigationState state, int attempts, String lastError, OffsetDateTime startedAt,
            OffsetDateTime giveUpAt, OffsetDateTime createdAt, OffsetDateTime updatedAt) {
    }

    private final JdbcClient jdbc;

    OrphanMitigationStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Applies a reported change unless a later one was applied already; returns whether it changed anything. */
    boolean apply(OrphanMitigationChanged change, OffsetDateTime now) {
        OffsetDateTime occurred = utc(change.occurredAt());
        int updated = jdbc.sql("""
                UPDATE orphan_mitigations
                SET operation_id = ?, broker_guid = ?, broker_name = ?, state = ?, attempts = ?, last_error = ?,
                    started_at = ?, give_up_at = ?, occurred_at = ?, updated_at = ?
                WHERE instance_guid = ? AND occurred_at <= ?""")
                .params(change.operationId(), change.brokerGuid(), change.brokerName(), change.state().wire(),
                        change.attempts(), change.lastError(), utc(change.startedAt()), utc(change.giveUpAt()), occurred,
                        now, change.instanceGuid(), occurred)
                .update();
        if (updated > 0) {
            return true;
        }
        try {
            return jdbc.sql("""
                    INSERT INTO orphan_mitigations (instance_guid, operation_id, broker_guid, broker_name, state, attempts,
                      last_error, started_at, give_up_at, occurred_at, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                    .params(change.instanceGuid(), change.operationId(), change.brokerGuid(), change.brokerName(),
                            change.state().wire(), change.attempts(), change.lastError(), utc(change.startedAt()),
                            utc(change.giveUpAt()), occurred, now, now)
                    .update() > 0;
        } catch (DuplicateKeyException e) {
            return false; // the row holds a later change
        }
    }

    Optional<Job> find(String instanceGuid) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM orphan_mitigations WHERE instance_guid = ?").param(instanceGuid)
                .query(OrphanMitigationStore::map).optional();
    }

    /** An abandoned job is pending again: the worker runs it anew. Returns false when it was not abandoned. */
    boolean reopen(String instanceGuid, OffsetDateTime now) {
        return jdbc.sql("""
                UPDATE orphan_mitigations SET state = 'pending', attempts = 0, last_error = NULL, started_at = ?,
                    updated_at = ?
                WHERE instance_guid = ? AND state = 'abandoned'""")
                .params(now, now, instanceGuid).update() > 0;
    }

    Page<Resource<Map<String, Object>>> list(ListQuery query) {
        boolean statesNamed = query.filters().stream().anyMatch(filter -> filter.key().equals("state"));
        return (statesNamed ? ALL : OPEN).page(jdbc, query, List.of(), PATH, OrphanMitigationStore::map,
                OrphanMitigationStore::resource);
    }

    static Resource<Map<String, Object>> resource(Job job) {
        Map<String, Object> entity = new LinkedHashMap<>();
        entity.put("instance_guid", job.instanceGuid());
        entity.put("operation_id", job.operationId());
        entity.put("broker_guid", job.brokerGuid());
        entity.put("broker_name", job.brokerName());
        entity.put("state", job.state().wire());
        entity.put("attempts", job.attempts());
        entity.put("last_error", job.lastError());
        entity.put("started_at", CfTime.format(job.startedAt()));
        entity.put("give_up_at", CfTime.format(job.giveUpAt()));
        return new Resource<>(new Resource.Metadata(job.instanceGuid(), PATH + "/" + job.instanceGuid(),
                CfTime.format(job.createdAt()), CfTime.format(job.updatedAt())), entity);
    }

    private static Job map(ResultSet rs, int row) throws SQLException {
        return new Job(rs.getString("instance_guid"), rs.getString("operation_id"), rs.getString("broker_guid"),
                rs.getString("broker_name"), OrphanMitigationState.fromWire(rs.getString("state")), rs.getInt("attempts"),
                rs.getString("last_error"), rs.getObject("started_at", OffsetDateTime.class),
                rs.getObject("give_up_at", OffsetDateTime.class), rs.getObject("created_at", OffsetDateTime.class),
                rs.getObject("updated_at", OffsetDateTime.class));
    }

    private static OffsetDateTime utc(java.time.Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
