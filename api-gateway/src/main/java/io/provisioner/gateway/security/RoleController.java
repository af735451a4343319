package io.provisioner.gateway.security;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RestController;

import io.provisioner.gateway.api.CfError;

/**
 * Role assignment as Cloud Controller v2 does it: {@code PUT} adds the user to the role, {@code DELETE}
 * removes them. Admins and the organization's managers may assign.
 */
@RestController
class RoleController {

    private static final Map<String, String> SPACE_ROLES = Map.of("developers", "developer", "auditors", "auditor",
            "managers", "manager");
    private static final Map<String, String> ORGANIZATION_ROLES = Map.of("managers", "manager", "users", "user",
            "auditors", "auditor", "billing_managers", "billing_manager");

    private final JdbcClient jdbc;
    private final Callers callers;
    private final Permissions permissions;
    private final Clock clock;

    RoleController(JdbcClient jdbc, Callers callers, Permissions permissions, Clock clock) {
        this.jdbc = jdbc;
        this.callers = callers;
        this.permissions = permissions;
        this.clock = clock;
    }

    @PutMapping("/v2/spaces/{guid}/{role}/{userGuid}")
    ResponseEntity<Map<String, Object>> addToSpace(@PathVariable String guid, @PathVariable String role,
            @PathVariable String userGuid) {
        String stored = spaceRole(role);
        permissions.requireOrganizationManager(callers.current(), organizationOfSpace(guid));
        insert("INSERT INTO space_roles (space_guid, user_id, role, created_at) VALUES (?, ?, ?, ?)", guid, userGuid, stored);
        return ResponseEntity.status(HttpStatus.CREATED).body(Map.of("space_guid", guid, "user_guid", userGuid,
                "role", stored));
    }

    @DeleteMapping("/v2/spaces/{guid}/{role}/{userGuid}")
    ResponseEntity<Void> removeFromSpace(@PathVariable String guid, @PathVariable String role,
            @PathVariable String userGuid) {
        String stored = spaceRole(role);
        permissions.requireOrganizationManager(callers.current(), organizationOfSpace(guid));
        jdbc.sql("DELETE FROM space_roles WHERE space_guid = ? AND user_id = ? AND role = ?")
                .params(guid, userGuid, stored).update();
        return ResponseEntity.noContent().build();
    }

    @PutMapping("/v2/organizations/{guid}/{role}/{userGuid}")
    ResponseEntity<Map<String, Object>> addToOrganization(@PathVariable String guid, @PathVariable String role,
            @PathVariable String userGuid) {
        String stored = organizationRole(role);
        requireOrganization(guid);
        permissions.requireOrganizationManager(callers.current(), guid);
        insert("INSERT INTO organization_roles (organization_guid, user_id, role, created_at) VALUES (?, ?, ?, ?)",
                guid, userGuid, stored);
        return ResponseEntity.status(HttpStatus.CREATED).body(Map.of("organization_guid", guid, "user_guid", userGuid,
                "role", stored));
    }

    @DeleteMapping("/v2/organizations/{guid}/{role}/{userGuid}")
    ResponseEntity<Void> removeFromOrganization(@PathVariable String guid, @PathVariable String role,
            @PathVariable String userGuid) {
        String stored = organizationRole(role);
        requireOrganization(guid);
        permissions.requireOrganizationManager(callers.current(), guid);
        jdbc.sql("DELETE FROM organization_roles WHERE organization_guid = ? AND user_id = ? AND role = ?")
                .params(guid, userGuid, stored).update();
        return ResponseEntity.noContent().build();
    }

    private void insert(String sql, String guid, String user, String role) {
        try {
            jdbc.sql(sql).params(guid, user, role, OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC))
                    .update();
        } catch (DuplicateKeyException e) {
            // Already in the role: PUT is idempotent.
        }
    }

    private static String spaceRole(String path) {
        String role = SPACE_ROLES.get(path);
        if (role == null) {
            throw CfError.NOT_FOUND.exception("Unknown request");
        }
        return role;
    }

    private static String organizationRole(String path) {
        String role = ORGANIZATION_ROLES.get(path);
        if (role == null) {
            throw CfError.NOT_FOUND.exception("Unknown request");
        }
        return role;
    }

    private String organizationOfSpace(String spaceGuid) {
        return jdbc.sql("SELECT organization_guid FROM spaces WHERE guid = ?").param(spaceGuid).query(String.class)
                .optional().orElseThrow(() -> CfError.SPACE_NOT_FOUND.exception("The app space could not be found: "
                        + spaceGuid));
    }

    private void requireOrganization(String guid) {
        if (jdbc.sql("SELECT COUNT(*) FROM organizations WHERE guid = ?").param(guid).query(Long.class).single() == 0) {
            throw CfError.ORGANIZATION_NOT_FOUND.exception("The organization could not be found: " + guid);
        }
    }
}
