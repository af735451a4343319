package io.provisioner.gateway.security;

import java.util.List;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import io.provisioner.gateway.api.CfError;

/**
 * Cloud Controller's role rules. Admins do anything; read-only admins and global auditors read
 * anything; everyone else needs a role: SpaceDeveloper to change a space's instances, any space role
 * or OrgManager to read them.
 */
@Component
public class Permissions {

    /** A SQL condition (ANDed to a list query) and its parameters. */
    public record Visibility(String condition, List<Object> params) {
        static final Visibility ALL = new Visibility("", List.of());
    }

    private final JdbcClient jdbc;

    Permissions(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public void requireAdmin(Caller caller) {
        if (!caller.admin()) {
            throw notAuthorized();
        }
    }

    public void requireSpaceDeveloper(Caller caller, String spaceGuid) {
        if (!caller.admin() && !hasSpaceRole(caller, spaceGuid, List.of("developer"))) {
            throw notAuthorized();
        }
    }

    /** Whether the caller may change the space's instances (and read secrets of them): an admin or a developer. */
    public boolean spaceDeveloper(Caller caller, String spaceGuid) {
        return caller.admin() || hasSpaceRole(caller, spaceGuid, List.of("developer"));
    }

    public void requireSpaceReader(Caller caller, String spaceGuid) {
        if (!canReadSpace(caller, spaceGuid)) {
            throw notAuthorized();
        }
    }

    public void requireOrganizationReader(Caller caller, String organizationGuid) {
        if (caller.readsEverything()) {
            return;
        }
        long roles = jdbc.sql("""
                SELECT (SELECT COUNT(*) FROM organization_roles WHERE organization_guid = ? AND user_id = ?)
                     + (SELECT COUNT(*) FROM space_roles r JOIN spaces s ON s.guid = r.space_guid
                        WHERE s.organization_guid = ? AND r.user_id = ?)""")
                .params(organizationGuid, caller.userId(), organizationGuid, caller.userId())
                .query(Long.class).single();
        if (roles == 0) {
            throw notAuthorized();
        }
    }

    /** Admins, or the organization's managers, assign roles in it. */
    public void requireOrganizationManager(Caller caller, String organizationGuid) {
        if (caller.admin()) {
            return;
        }
        long managers = jdbc.sql("""
                SELECT COUNT(*) FROM organization_roles WHERE organization_guid = ? AND user_id = ? AND role = 'manager'""")
                .params(organizationGuid, caller.userId()).query(Long.class).single();
        if (managers == 0) {
            throw notAuthorized();
        }
    }

    private boolean canReadSpace(Caller caller, String spaceGuid) {
        if (caller.readsEverything()) {
            return true;
        }
        long roles = jdbc.sql("""
                SELECT (SELECT COUNT(*) FROM space_roles WHERE space_guid = ? AND user_id = ?)
                     + (SELECT COUNT(*) FROM organization_roles o JOIN spaces s ON s.organization_guid = o.organization_guid
                        WHERE s.guid = ? AND o.user_id = ? AND o.role = 'manager')""")
                .params(spaceGuid, caller.userId(), spaceGuid, caller.userId()).query(Long.class).single();
        return roles > 0;
    }

    private boolean hasSpaceRole(Caller caller, String spaceGuid, List<String> roles) {
        return jdbc.sql("SELECT COUNT(*) FROM space_roles WHERE space_guid = :space AND user_id = :user AND role IN (:roles)")
                .param("space", spaceGuid).param("user", caller.userId()).param("roles", roles)
                .query(Long.class).single() > 0;
    }

    /** Spaces (by a column holding a space guid, and one holding its organization guid) the caller may read. */
    public Visibility spaces(Caller caller, String spaceColumn, String organizationColumn) {
        if (caller.readsEverything()) {
            return Visibility.ALL;
        }
        return new Visibility(" AND (" + spaceColumn + " IN (SELECT space_guid FROM space_roles WHERE user_id = ?) OR "
                + organizationColumn + " IN (SELECT organization_guid FROM organization_roles WHERE user_id = ? "
                + "AND role = 'manager'))", List.of(caller.userId(), caller.userId()));
    }

    /** Organizations the caller has a role in, directly or through a space. */
    public Visibility organizations(Caller caller, String organizationColumn) {
        if (caller.readsEverything()) {
            return Visibility.ALL;
        }
        return new Visibility(" AND (" + organizationColumn + " IN (SELECT organization_guid FROM organization_roles "
                + "WHERE user_id = ?) OR " + organizationColumn + " IN (SELECT s.organization_guid FROM spaces s "
                + "JOIN space_roles r ON r.space_guid = s.guid WHERE r.user_id = ?))",
                List.of(caller.userId(), caller.userId()));
    }

    /** Brokers are an admin's business; others see none. */
    public Visibility brokers(Caller caller) {
        return caller.readsEverything() ? Visibility.ALL : new Visibility(" AND 1 = 0", List.of());
    }

    private static RuntimeException notAuthorized() {
        return CfError.NOT_AUTHORIZED.exception("You are not authorized to perform the requested action");
    }
}
