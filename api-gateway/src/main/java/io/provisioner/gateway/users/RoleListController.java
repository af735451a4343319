package io.provisioner.gateway.users;

import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

import io.provisioner.gateway.api.CfError;
import io.provisioner.gateway.api.JsonBody;
import io.provisioner.gateway.api.ListQuery;
import io.provisioner.gateway.api.Page;
import io.provisioner.gateway.api.Resource;
import io.provisioner.gateway.api.SqlList;
import io.provisioner.gateway.catalog.CatalogRows;
import io.provisioner.gateway.security.Callers;
import io.provisioner.gateway.security.Permissions;
import io.provisioner.gateway.security.RoleAssignments;
import io.provisioner.gateway.security.UserDirectory;

/**
 * The role lists of an organization ({@code managers}, {@code billing_managers}, {@code auditors},
 * {@code users}) and of a space ({@code managers}, {@code developers}, {@code auditors}): {@code GET} lists
 * the users ({@code cf org-users}, {@code cf space-users}); {@code PUT} and {@code DELETE} with
 * {@code {"username": …}} give and take the role by name ({@code cf set-org-role}, {@code cf create-org}),
 * as the {@code set_roles_by_username} and {@code unset_roles_by_username} feature flags allow (both on).
 */
@RestController
class RoleListController {

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final Callers callers;
    private final Permissions permissions;
    private final RoleAssignments roles;
    private final UserViews views;
    private final ObjectProvider<UserDirectory> directory;

    RoleListController(JdbcClient jdbc, JsonMapper json, Callers callers, Permissions permissions,
            RoleAssignments roles, UserViews views, ObjectProvider<UserDirectory> directory) {
        this.jdbc = jdbc;
        this.json = json;
        this.callers = callers;
        this.permissions = permissions;
        this.roles = roles;
        this.views = views;
        this.directory = directory;
    }

    @GetMapping("/v2/organizations/{guid}/{role}")
    Page<Resource<Map<String, Object>>> organizationRole(@PathVariable String guid, @PathVariable String role,
            HttpServletRequest request) {
        String stored = RoleAssignments.role(RoleAssignments.ORGANIZATION_ROLES, role);
        organization(guid);
        permissions.requireOrganizationReader(callers.current(), guid);
        return users(request, "SELECT user_id FROM organization_roles WHERE organization_guid = ? AND role = ?", guid,
                stored, "/v2/organizations/" + guid + "/" + role);
    }

    @GetMapping("/v2/spaces/{guid}/{role}")
    Page<Resource<Map<String, Object>>> spaceRole(@PathVariable String guid, @PathVariable String role,
            HttpServletRequest request) {
        String stored = RoleAssignments.role(RoleAssignments.SPACE_ROLES, role);
        space(guid);
        permissions.requireSpaceReader(callers.current(), guid);
        return users(request, "SELECT user_id FROM space_roles WHERE space_guid = ? AND role = ?", guid, stored,
                "/v2/spaces/" + guid + "/" + role);
    }

    @PutMapping("/v2/organizations/{guid}/{role}")
    ResponseEntity<Resource<Map<String, Object>>> grantOrganizationRole(@PathVariable String guid,
            @PathVariable String role, @RequestBody(required = false) byte[] body) {
        String stored = RoleAssignments.role(RoleAssignments.ORGANIZATION_ROLES, role);
        Resource<Map<String, Object>> organization = organization(guid);
        permissions.requireOrganizationManager(callers.current(), guid);
        roles.grantOrganizationRole(guid, userNamed(body), stored);
        return ResponseEntity.status(HttpStatus.CREATED).body(organization);
    }

    @DeleteMapping("/v2/organizations/{guid}/{role}")
    ResponseEntity<Void> revokeOrganizationRole(@PathVariable String guid, @PathVariable String role,
            @RequestBody(required = false) byte[] body) {
        String stored = RoleAssignments.role(RoleAssignments.ORGANIZATION_ROLES, role);
        organization(guid);
        permissions.requireOrganizationManager(callers.current(), guid);
        roles.revokeOrganizationRole(guid, userNamed(body), stored);
        return ResponseEntity.noContent().build();
    }

    @PutMapping("/v2/spaces/{guid}/{role}")
    ResponseEntity<Resource<Map<String, Object>>> grantSpaceRole(@PathVariable String guid, @PathVariable String role,
            @RequestBody(required = false) byte[] body) {
        String stored = RoleAssignments.role(RoleAssignments.SPACE_ROLES, role);
        Resource<Map<String, Object>> space = space(guid);
        String organization = (String) space.entity().get("organization_guid");
        permissions.requireOrganizationManager(callers.current(), organization);
        roles.grantSpaceRole(guid, organization, userNamed(body), stored);
        return ResponseEntity.status(HttpStatus.CREATED).body(space);
    }

    @DeleteMapping("/v2/spaces/{guid}/{role}")
    ResponseEntity<Void> revokeSpaceRole(@PathVariable String guid, @PathVariable String role,
            @RequestBody(required = false) byte[] body) {
        String stored = RoleAssignments.role(RoleAssignments.SPACE_ROLES, role);
        Resource<Map<String, Object>> space = space(guid);
        permissions.requireOrganizationManager(callers.current(), (String) space.entity().get("organization_guid"));
        roles.revokeSpaceRole(guid, userNamed(body), stored);
        return ResponseEntity.noContent().build();
    }

    /** The user guid for the body's {@code username}, as Cloud Controller asks UAA for it. */
    private String userNamed(byte[] body) {
        String username = JsonBody.parse(body, json).requiredString("username");
        UserDirectory users = directory.getIfAvailable();
        if (users == null) {
            throw CfError.UAA_UNAVAILABLE.exception("The UAA service is currently unavailable");
        }
        return users.idForUsername(username)
                .orElseThrow(() -> CfError.USER_NOT_FOUND.exception("The user could not be found: " + username));
    }

    private Page<Resource<Map<String, Object>>> users(HttpServletRequest request, String holders, String guid,
            String role, String path) {
        ListQuery query = ListQuery.parse(request.getParameterMap(), List.of(), List.of("id", "created_at"));
        SqlList list = new SqlList(UserViews.COLUMNS, "cc_users u WHERE u.guid IN (" + holders + ")",
                Map.of("id", "u.created_at", "created_at", "u.created_at"), "u.guid");
        return views.named(list.page(jdbc, query, List.of(guid, role), path, UserViews::row, r -> r));
    }

    private Resource<Map<String, Object>> organization(String guid) {
        return jdbc.sql("SELECT " + CatalogRows.ORGANIZATION_COLUMNS + " FROM organizations o WHERE o.guid = ?")
                .param(guid).query(CatalogRows::organization).optional()
                .orElseThrow(() -> CfError.ORGANIZATION_NOT_FOUND.exception("The organization could not be found: "
                        + guid));
    }

    private Resource<Map<String, Object>> space(String guid) {
        return jdbc.sql("SELECT " + CatalogRows.SPACE_COLUMNS + " FROM spaces s WHERE s.guid = ?").param(guid)
                .query(CatalogRows::space).optional()
                .orElseThrow(() -> CfError.SPACE_NOT_FOUND.exception("The app space could not be found: " + guid));
    }
}
