package io.provisioner.gateway.catalog;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;

/** Organizations, spaces, brokers, services and plans in the record store. */
@Repository
public class CatalogStore {

    private final JdbcClient jdbc;
    private final Clock clock;
    private final JsonMapper json;

    CatalogStore(JdbcClient jdbc, Clock clock, JsonMapper json) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.json = json;
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    }

    @Transactional
    public String ensureOrganization(String name) {
        return jdbc.sql("SELECT guid FROM organizations WHERE name = ?").param(name).query(String.class).optional()
                .orElseGet(() -> {
                    String guid = UUID.randomUUID().toString();
                    jdbc.sql("INSERT INTO organizations (guid, name, created_at) VALUES (?, ?, ?)")
                            .params(guid, name, now()).update();
                    return guid;
                });
    }

    @Transactional
    public String ensureSpace(String organizationGuid, String name) {
        return jdbc.sql("SELECT guid FROM spaces WHERE organization_guid = ? AND name = ?")
                .params(organizationGuid, name).query(String.class).optional()
                .orElseGet(() -> {
                    String guid = UUID.randomUUID().toString();
                    jdbc.sql("INSERT INTO spaces (guid, name, organization_guid, created_at) VALUES (?, ?, ?, ?)")
                            .params(guid, name, organizationGuid, now()).update();
                    return guid;
                });
    }

    /** Registers a new broker with its catalog. A taken name or URL fails on the unique constraints. */
    @Transactional
    public String insertBroker(String name, String url, String username, String sealedPassword,
            List<CatalogService> catalog) {
        OffsetDateTime now = now();
        String brokerGuid = UUID.randomUUID().toString();
        jdbc.sql("""
                INSERT INTO service_brokers (guid, name, broker_url, auth_username, auth_password_sealed, created_at)
                VALUES (?, ?, ?, ?, ?, ?)""").params(brokerGuid, name, url, username, sealedPassword, now).update();
        saveCatalog(brokerGuid, catalog, now);
        return brokerGuid;
    }

    /** Changes a broker and refreshes its catalog; plans it no longer offers become inactive. */
    @Transactional
    public void updateBroker(String brokerGuid, String name, String url, String username, String sealedPassword,
            List<CatalogService> catalog) {
        OffsetDateTime now = now();
        jdbc.sql("""
                UPDATE service_brokers SET name = ?, broker_url = ?, auth_username = ?, auth_password_sealed = ?,
                  updated_at = ? WHERE guid = ?""").params(name, url, username, sealedPassword, now, brokerGuid).update();
        saveCatalog(brokerGuid, catalog, now);
    }

    /** Makes every plan of a broker public (what the seed does for the brokers it registers). */
    @Transactional
    public void publishPlans(String brokerGuid) {
        jdbc.sql("""
                UPDATE service_plans SET is_public = TRUE, updated_at = ?
                WHERE NOT is_public AND service_guid IN (SELECT guid FROM services WHERE service_broker_guid = ?)""")
                .params(now(), brokerGuid).update();
    }

    public Optional<String> brokerGuidByName(String name) {
        return jdbc.sql("SELECT guid FROM service_brokers WHERE name = ?").param(name).query(String.class).optional();
    }

    private void saveCatalog(String brokerGuid, List<CatalogService> catalog, OffsetDateTime now) {
        jdbc.sql("""
                UPDATE service_plans SET active = FALSE, updated_at = ?
                WHERE service_guid IN (SELECT guid FROM services WHERE service_broker_guid = ?)""")
                .params(now, brokerGuid).update();
        jdbc.sql("UPDATE services SET active = FALSE, updated_at = ? WHERE service_broker_guid = ?")
                .params(now, brokerGuid).update();
        for (CatalogService service : catalog) {
            String serviceGuid = saveService(brokerGuid, service, now);
            for (CatalogService.CatalogPlan plan : service.plans()) {
                savePlan(serviceGuid, plan, now);
            }
        }
    }

    private String saveService(String brokerGuid, CatalogService s, OffsetDateTime now) {
        String tags = json.writeValueAsString(s.tags());
        Optional<String> existing = jdbc.sql("SELECT guid FROM services WHERE service_broker_guid = ? AND unique_id = ?")
                .params(brokerGuid, s.id()).query(String.class).optional();
        if (existing.isPresent()) {
            jdbc.sql("""
                    UPDATE services SET label = ?, description = ?, bindable = ?, plan_updateable = ?,
                      instances_retrievable = ?, bindings_retrievable = ?, tags = ?, active = TRUE, updated_at = ?
                    WHERE guid = ?""")
                    .params(s.name(), s.description(), s.bindable(), s.planUpdateable(), s.instancesRetrievable(),
                            s.bindingsRetrievable(), tags, now, existing.get()).update();
            return existing.get();
        }
        String guid = UUID.randomUUID().toString();
        jdbc.sql("""
                INSERT INTO services (guid, service_broker_guid, unique_id, label, description, bindable, plan_updateable,
                  instances_retrievable, bindings_retrievable, tags, active, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, TRUE, ?)""")
                .params(guid, brokerGuid, s.id(), s.name(), s.description(), s.bindable(), s.planUpdateable(),
                        s.instancesRetrievable(), s.bindingsRetrievable(), tags, now).update();
        return guid;
    }

    private void savePlan(String serviceGuid, CatalogService.CatalogPlan p, OffsetDateTime now) {
        Optional<String> existing = jdbc.sql("SELECT guid FROM service_plans WHERE service_guid = ? AND unique_id = ?")
                .params(serviceGuid, p.id()).query(String.class).optional();
        if (existing.isPresent()) {
            jdbc.sql("""
                    UPDATE service_plans SET name = ?, description = ?, free = ?, bindable = ?, plan_updateable = ?,
                      maximum_polling_duration = ?, maintenance_info = ?, active = TRUE, updated_at = ? WHERE guid = ?""")
                    .params(p.name(), p.description(), p.free(), p.bindable(), p.planUpdateable(),
                            p.maximumPollingDuration(), p.maintenanceInfo(), now, existing.get()).update();
            return;
        }
        jdbc.sql("""
                INSERT INTO service_plans (guid, service_guid, unique_id, name, description, free, bindable, plan_updateable,
                  maximum_polling_duration, maintenance_info, active, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, TRUE, ?)""")
                .params(UUID.randomUUID().toString(), serviceGuid, p.id(), p.name(), p.description(), p.free(),
                        p.bindable(), p.planUpdateable(), p.maximumPollingDuration(), p.maintenanceInfo(), now).update();
    }

    /** What an operation on a plan needs: the broker's ids and how to reach it (inactive plans too). */
    public Optional<PlanTarget> planTarget(String planGuid) {
        return jdbc.sql("""
                SELECT p.guid AS plan_guid, p.unique_id AS plan_id, p.maximum_polling_duration,
                       COALESCE(p.plan_updateable, s.plan_updateable) AS plan_updateable, p.active, p.maintenance_info,
                       s.guid AS service_guid, s.unique_id AS service_id,
                       b.guid AS broker_guid, b.name AS broker_name, b.broker_url, b.auth_username, b.auth_password_sealed
                FROM service_plans p JOIN services s ON s.guid = p.service_guid
                JOIN service_brokers b ON b.guid = s.service_broker_guid
                WHERE p.guid = ?""")
                .param(planGuid)
                .query((rs, n) -> new PlanTarget(rs.getString("plan_guid"), rs.getString("plan_id"),
                        rs.getString("service_guid"), rs.getString("service_id"),
                        (Integer) rs.getObject("maximum_polling_duration"), rs.getBoolean("plan_updateable"),
                        rs.getBoolean("active"), rs.getString("maintenance_info"),
                        new PlanTarget.Broker(rs.getString("broker_guid"), rs.getString("broker_name"),
                                rs.getString("broker_url"), rs.getString("auth_username"),
                                rs.getString("auth_password_sealed"))))
                .optional();
    }

    /** Whether the service's broker answers {@code GET /v2/service_instances/:id} (its catalog says so). */
    public boolean instancesRetrievable(String serviceGuid) {
        return jdbc.sql("SELECT instances_retrievable FROM services WHERE guid = ?").param(serviceGuid)
                .query(Boolean.class).optional().orElse(false);
    }

    /**
     * Whether the service's broker answers {@code GET /v2/service_instances/:id/service_bindings/:binding_id}
     * (its catalog says {@code bindings_retrievable}).
     */
    public boolean bindingsRetrievable(String planGuid) {
        return jdbc.sql("""
                SELECT s.bindings_retrievable FROM services s JOIN service_plans p ON p.service_guid = s.guid
                WHERE p.guid = ?""").param(planGuid).query(Boolean.class).optional().orElse(false);
    }

    public Optional<SpaceTarget> spaceTarget(String spaceGuid) {
        return jdbc.sql("""
                SELECT s.guid, s.name, o.guid AS org_guid, o.name AS org_name
                FROM spaces s JOIN organizations o ON o.guid = s.organization_guid WHERE s.guid = ?""")
                .param(spaceGuid)
                .query((rs, n) -> new SpaceTarget(rs.getString("guid"), rs.getString("name"),
                        rs.getString("org_guid"), rs.getString("org_name")))
                .optional();
    }
}
