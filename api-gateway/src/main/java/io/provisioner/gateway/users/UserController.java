package io.provisioner.gateway.users;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
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
import io.provisioner.gateway.security.Caller;
import io.provisioner.gateway.security.Callers;
import io.provisioner.gateway.security.Permissions;
import io.provisioner.gateway.security.RoleAssignments;

/**
 * {@code /v2/users}: admins list, make ({@code cf create-user} sends UAA's new id) and delete users; anyone
 * reads themselves. A user's organizations and spaces are listed per role, as Cloud Controller links them.
 */
@RestController
class UserController {

    /** Each relation Cloud Controller links from a user, and the role table and role behind it. */
    static final Map<String, String[]> RELATIONS = new java.util.LinkedHashMap<>();

    static {
        RELATIONS.put("spaces", new String[] {"space", "developer"});
        RELATIONS.put("organizations", new String[] {"organization", "user"});
        RELATIONS.put("managed_organizations", new String[] {"organization", "manager"});
        RELATIONS.put("billing_managed_organizations", new String[] {"organization", "billing_manager"});
        RELATIONS.put("audited_organizations", new String[] {"organization", "auditor"});
        RELATIONS.put("managed_spaces", new String[] {"space", "manager"});
        RELATIONS.put("audited_spaces", new String[] {"space", "auditor"});
    }

    private static final SqlList LIST = new SqlList(UserViews.COLUMNS, "cc_users u WHERE TRUE",
            Map.of("id", "u.created_at", "created_at", "u.created_at"), "u.guid");

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final Callers callers;
    private final Permissions permissions;
    private final RoleAssignments roles;
    private final UserViews views;

    UserController(JdbcClient jdbc, JsonMapper json, Callers callers, Permissions permissions, RoleAssignments roles,
            UserViews views) {
        this.jdbc = jdbc;
        this.json = json;
        this.callers = callers;
        this.permissions = permissions;
        this.roles = roles;
        this.views = views;
    }

    @GetMapping("/v2/users")
    Page<Resource<Map<String, Object>>> list(HttpServletRequest request) {
        requireReadsEverything(callers.current());
        ListQuery query = ListQuery.parse(request.getParameterMap(), List.of(), List.of("id", "created_at"));
        return views.named(LIST.page(jdbc, query, List.of(), "/v2/users", UserViews::row, r -> r));
    }

    @GetMapping("/v2/users/{guid}")
    Resource<Map<String, Object>> get(@PathVariable String guid) {
        Resource<Map<String, Object>> user = find(guid);
        Caller caller = callers.current();
        if (!guid.equals(caller.userId())) {
            requireReadsEverything(caller);
        }
        return views.named(user);
    }

    @PostMapping("/v2/users")
    ResponseEntity<Resource<Map<String, Object>>> create(@RequestBody(required = false) byte[] body) {
        permissions.requireAdmin(callers.current());
        String guid = JsonBody.parse(body, json).requiredString("guid");
        if (guid.isBlank() || guid.length() > 255) {
            throw CfError.MESSAGE_PARSE_ERROR.exception("Request invalid due to parse error: guid must be 1 to 255 "
                    + "characters");
        }
        if (exists(guid)) {
            throw CfError.UAA_ID_TAKEN.exception("The UAA ID is taken: " + guid);
        }
        roles.ensureUser(guid);
        return ResponseEntity.status(HttpStatus.CREATED).location(URI.create("/v2/users/" + guid))
                .body(views.named(find(guid)));
    }

    /** Deletes the user and every role they hold (their UAA account is UAA's business). */
    @DeleteMapping("/v2/users/{guid}")
    @Transactional
    public ResponseEntity<Void> delete(@PathVariable String guid) {
        permissions.requireAdmin(callers.current());
        find(guid);
        jdbc.sql("DELETE FROM space_roles WHERE user_id = ?").param(guid).update();
        jdbc.sql("DELETE FROM organization_roles WHERE user_id = ?").param(guid).update();
        jdbc.sql("DELETE FROM cc_users WHERE guid = ?").param(guid).update();
        return ResponseEntity.noContent().build();
    }

    @GetMapping("/v2/users/{guid}/{relation}")
    Page<Resource<Map<String, Object>>> relation(@PathVariable String guid, @PathVariable String relation,
            HttpServletRequest request) {
        String[] kind = RELATIONS.get(relation);
        if (kind == null) {
            throw CfError.NOT_FOUND.exception("Unknown request");
        }
        get(guid);
        ListQuery query = ListQuery.parse(request.getParameterMap(), List.of("name"), List.of("id", "name", "created_at"));
        String path = "/v2/users/" + guid + "/" + relation;
        List<Object> params = new ArrayList<>(List.of(guid, kind[1]));
        if (kind[0].equals("organization")) {
            SqlList organizations = new SqlList(CatalogRows.ORGANIZATION_COLUMNS, "organizations o WHERE o.guid IN ("
                    + "SELECT organization_guid FROM organization_roles WHERE user_id = ? AND role = ?)",
                    Map.of("name", "o.name", "id", "o.created_at", "created_at", "o.created_at"), "o.guid");
            return organizations.page(jdbc, query, params, path, CatalogRows::organization, r -> r);
        }
        SqlList spaces = new SqlList(CatalogRows.SPACE_COLUMNS, "spaces s WHERE s.guid IN ("
                + "SELECT space_guid FROM space_roles WHERE user_id = ? AND role = ?)",
                Map.of("name", "s.name", "id", "s.created_at", "created_at", "s.created_at"), "s.guid");
        return spaces.page(jdbc, query, params, path, CatalogRows::space, r -> r);
    }

    private void requireReadsEverything(Caller caller) {
        if (!caller.readsEverything()) {
            throw CfError.NOT_AUTHORIZED.exception("You are not authorized to perform the requested action");
        }
    }

    private boolean exists(String guid) {
        return jdbc.sql("SELECT COUNT(*) FROM cc_users WHERE guid = ?").param(guid).query(Long.class).single() > 0;
    }

    private Resource<Map<String, Object>> find(String guid) {
        return jdbc.sql("SELECT " + UserViews.COLUMNS + " FROM cc_users u WHERE u.guid = ?").param(guid)
                .query(UserViews::row).optional()
                .orElseThrow(() -> CfError.USER_NOT_FOUND.exception("The user could not be found: " + guid));
    }
}
