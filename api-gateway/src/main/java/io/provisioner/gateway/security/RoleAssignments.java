package io.provisioner.gateway.security;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

import io.provisioner.gateway.api.CfError;

/**
 * Giving and taking Cloud Controller roles, by user guid. Whoever gets a role becomes a Cloud Controller
 * user; a space role needs the user in the space's organization first (the organization's {@code users}),
 * as in Cloud Controller.
 */
@Component
public class RoleAssignments {

    /** The path segment of each role list and the role stored for it. */
    public static final Map<String, String> SPACE_ROLES = Map.of("developers", "developer", "auditors", "auditor",
            "managers", "manager");
    public static final Map<String, String> ORGANIZATION_ROLES = Map.of("managers", "manager", "users", "user",
            "auditors", "auditor", "billing_managers", "billing_manager");

    private final JdbcClient jdbc;
    private final Clock clock;

    RoleAssignments(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** The stored role for a list's path segment, or 404 {@code CF-NotFound} for a list that does not exist. */
    public static String role(Map<String, String> roles, String path) {
        String role = roles.get(path);
        if (role == null) {
            throw CfError.NOT_FOUND.exception("Unknown request");
        }
        return role;
    }

    @Transactional
    public void grantOrganizationRole(String organizationGuid, String userGuid, String role) {
        ensureUser(userGuid);
        insert("INSERT INTO organization_roles (organization_guid, user_id, role, created_at) VALUES (?, ?, ?, ?)",
                organizationGuid, userGuid, role);
    }

    @Transactional
    public void grantSpaceRole(String spaceGuid, String organizationGuid, String userGuid, String role) {
        boolean member = jdbc.sql("""
                SELECT COUNT(*) FROM organization_roles WHERE organization_guid = ? AND user_id = ? AND role = 'user'""")
                .params(organizationGuid, userGuid).query(Long.class).single() > 0;
        if (!member) {
            throw CfError.INVALID_RELATION.exception("The user must be a member of the space's organization first "
                    + "(PUT /v2/organizations/" + organizationGuid + "/users): " + userGuid);
        }
        ensureUser(userGuid);
        insert("INSERT INTO space_roles (space_guid, user_id, role, created_at) VALUES (?, ?, ?, ?)", spaceGuid,
                userGuid, role);
    }

    public void revokeOrganizationRole(String organizationGuid, String userGuid, String role) {
        jdbc.sql("DELETE FROM organization_roles WHERE organization_guid = ? AND user_id = ? AND role = ?")
                .params(organizationGuid, userGuid, role).update();
    }

    public void revokeSpaceRole(String spaceGuid, String userGuid, String role) {
        jdbc.sql("DELETE FROM space_roles WHERE space_guid = ? AND user_id = ? AND role = ?")
                .params(spaceGuid, userGuid, role).update();
    }

    /** Whoever holds a role is a Cloud Controller user (as Cloud Controller creates one on a by-username grant). */
    public void ensureUser(String userGuid) {
        if (jdbc.sql("SELECT COUNT(*) FROM cc_users WHERE guid = ?").param(userGuid).query(Long.class).single() == 0) {
            try {
                jdbc.sql("INSERT INTO cc_users (guid, created_at) VALUES (?, ?)").params(userGuid, now()).update();
            } catch (DuplicateKeyException e) {
                // Made by a concurrent grant: the same outcome.
            }
        }
    }

    private void insert(String sql, String guid, String user, String role) {
        try {
            jdbc.sql(sql).params(guid, user, role, now()).update();
        } catch (DuplicateKeyException e) {
            // Already in the role: PUT is idempotent.
        }
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    }
}
