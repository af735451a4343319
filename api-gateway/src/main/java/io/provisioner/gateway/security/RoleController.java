package io.provisioner.gateway.security;

import java.util.Map;

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

    private final JdbcClient jdbc;
    private final Callers callers;
    private final Permissions permissions;
    private final RoleAssignments roles;

    RoleController(JdbcClient jdbc, Callers callers, Permissions permissions, RoleAssignments roles) {
        this.jdbc = jdbc;
        this.callers = callers;
        this.permissions = permissions;
        this.roles = roles;
    }

    @PutMapping("/v2/spaces/{guid}/{role}/{userGuid}")
    ResponseEntity<Map<String, Object>> addToSpace(@PathVariable String guid, @PathVariable String role,
            @PathVariable String userGuid) {
        String stored = RoleAssignments.role(RoleAssignments.SPACE_ROLES, role);
        String organization = organizationOfSpace(guid);
        permissions.requireOrganizationManager(callers.current(), organization);
        roles.grantSpaceRole(guid, organization, userGuid, stored);
        return ResponseEntity.status(HttpStatus.CREATED).body(Map.of("space_guid", guid, "user_guid", userGuid,
                "role", stored));
    }

    @DeleteMapping("/v2/spaces/{guid}/{role}/{userGuid}")
    ResponseEntity<Void> removeFromSpace(@PathVariable String guid, @PathVariable String role,
            @PathVariable String userGuid) {
        String stored = RoleAssignments.role(RoleAssignments.SPACE_ROLES, role);
        permissions.requireOrganizationManager(callers.current(), organizationOfSpace(guid));
        roles.revokeSpaceRole(guid, userGuid, stored);
        return ResponseEntity.noContent().build();
    }

    @PutMapping("/v2/organizations/{guid}/{role}/{userGuid}")
    ResponseEntity<Map<String, Object>> addToOrganization(@PathVariable String guid, @PathVariable String role,
            @PathVariable String userGuid) {
        String stored = RoleAssignments.role(RoleAssignments.ORGANIZATION_ROLES, role);
        requireOrganization(guid);
        permissions.requireOrganizationManager(callers.current(), guid);
        roles.grantOrganizationRole(guid, userGuid, stored);
        return ResponseEntity.status(HttpStatus.CREATED).body(Map.of("organization_guid", guid, "user_guid", userGuid,
                "role", stored));
    }

    @DeleteMapping("/v2/organizations/{guid}/{role}/{userGuid}")
    ResponseEntity<Void> removeFromOrganization(@PathVariable String guid, @PathVariable String role,
            @PathVariable String userGuid) {
        String stored = RoleAssignments.role(RoleAssignments.ORGANIZATION_ROLES, role);
        requireOrganization(guid);
        permissions.requireOrganizationManager(callers.current(), guid);
        roles.revokeOrganizationRole(guid, userGuid, stored);
        return ResponseEntity.noContent().build();
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
