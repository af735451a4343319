package io.provisioner.gateway.catalog;

import java.util.List;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import io.provisioner.gateway.api.CfError;
import io.provisioner.gateway.security.Caller;
import io.provisioner.gateway.security.Permissions.Visibility;

/**
 * Service access as Cloud Controller decides it: a plan is public, or visible to the organizations a
 * {@code service_plan_visibilities} row names. Admins, read-only admins and global auditors see every plan;
 * anyone else sees the public ones and those visible to an organization they belong to (any organization
 * role, or a role in one of its spaces), and may create instances only on a plan visible to the space's own
 * organization. Instances already on a plan that became private are left alone.
 */
@Component
public class PlanAccess {

    /** Organizations the caller belongs to; two parameters, both the caller's user id. */
    private static final String CALLERS_ORGANIZATIONS = "SELECT organization_guid FROM organization_roles WHERE "
            + "user_id = ? UNION SELECT s.organization_guid FROM spaces s JOIN space_roles r ON r.space_guid = s.guid "
            + "WHERE r.user_id = ?";

    private final JdbcClient jdbc;

    PlanAccess(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Plans (by a column holding a plan guid) the caller may see. */
    public Visibility plans(Caller caller, String planColumn) {
        if (caller.readsEverything()) {
            return new Visibility("", List.of());
        }
        return new Visibility(" AND " + planColumn + " IN (SELECT guid FROM service_plans WHERE is_public UNION "
                + "SELECT service_plan_guid FROM service_plan_visibilities WHERE organization_guid IN ("
                + CALLERS_ORGANIZATIONS + "))", List.of(caller.userId(), caller.userId()));
    }

    /** Services (by a column holding a service guid) with at least one active plan the caller may see. */
    public Visibility services(Caller caller, String serviceColumn) {
        if (caller.readsEverything()) {
            return new Visibility("", List.of());
        }
        Visibility plans = plans(caller, "vp.guid");
        return new Visibility(" AND " + serviceColumn + " IN (SELECT vp.service_guid FROM service_plans vp WHERE vp.active"
                + plans.condition() + ")", plans.params());
    }

    /** Plans usable in an organization: public, or visible to it. */
    Visibility plansOfOrganization(Caller caller, String planColumn, String organizationGuid) {
        if (caller.readsEverything()) {
            return new Visibility("", List.of());
        }
        return new Visibility(" AND " + planColumn + " IN (SELECT guid FROM service_plans WHERE is_public UNION "
                + "SELECT service_plan_guid FROM service_plan_visibilities WHERE organization_guid = ?)",
                List.of(organizationGuid));
    }

    public boolean visible(Caller caller, String planGuid) {
        Visibility plans = plans(caller, "guid");
        List<Object> params = new java.util.ArrayList<>();
        params.add(planGuid);
        params.addAll(plans.params());
        return jdbc.sql("SELECT COUNT(*) FROM service_plans WHERE guid = ?" + plans.condition()).params(params)
                .query(Long.class).single() > 0;
    }

    /**
     * Cloud Controller's checks before an instance is made on a plan (or moved to one): a plan the caller
     * cannot see is 403 {@code CF-NotAuthorized}; one they see only through another organization is 403
     * {@code CF-ServiceInstanceOrganizationNotAuthorized}. Admins may use any plan anywhere.
     */
    public void requireUsable(Caller caller, String planGuid, String organizationGuid) {
        if (caller.admin()) {
            return;
        }
        if (!visible(caller, planGuid)) {
            throw CfError.NOT_AUTHORIZED.exception("You are not authorized to perform the requested action");
        }
        boolean inOrganization = jdbc.sql("""
                SELECT COUNT(*) FROM service_plans p WHERE p.guid = ? AND (p.is_public OR EXISTS (
                  SELECT 1 FROM service_plan_visibilities v WHERE v.service_plan_guid = p.guid AND v.organization_guid = ?))""")
                .params(planGuid, organizationGuid).query(Long.class).single() > 0;
        if (!inOrganization) {
            throw CfError.SERVICE_INSTANCE_ORGANIZATION_NOT_AUTHORIZED.exception("A service instance for the selected "
                    + "plan cannot be created in this organization. The plan is visible because another organization "
                    + "you belong to has access to it.");
        }
    }
}
