package io.provisioner.gateway.catalog;

import java.net.URI;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
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
import io.provisioner.gateway.security.Callers;
import io.provisioner.gateway.security.Permissions;

/** {@code /v2/organizations}. */
@RestController
class OrganizationController {

    private static final SqlList LIST = new SqlList("guid, name, created_at, updated_at", "organizations WHERE TRUE",
            Map.of("name", "name", "created_at", "created_at", "id", "created_at"), "guid");

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final Clock clock;
    private final Callers callers;
    private final Permissions permissions;

    OrganizationController(JdbcClient jdbc, JsonMapper json, Clock clock, Callers callers, Permissions permissions) {
        this.callers = callers;
        this.permissions = permissions;
        this.jdbc = jdbc;
        this.json = json;
        this.clock = clock;
    }

    @PostMapping("/v2/organizations")
    ResponseEntity<Resource<Map<String, Object>>> create(@RequestBody(required = false) byte[] body) {
        permissions.requireAdmin(callers.current());
        String name = JsonBody.parse(body, json).requiredString("name");
        if (name.isBlank() || name.length() > 255) {
            throw CfError.ORGANIZATION_INVALID.exception(
                    "The organization info is invalid: name must be 1 to 255 characters");
        }
        String guid = UUID.randomUUID().toString();
        try {
            jdbc.sql("INSERT INTO organizations (guid, name, created_at) VALUES (?, ?, ?)")
                    .params(guid, name, OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC)).update();
        } catch (DuplicateKeyException e) {
            throw CfError.ORGANIZATION_NAME_TAKEN.exception("The organization name is taken: " + name);
        }
        return ResponseEntity.status(HttpStatus.CREATED).location(URI.create("/v2/organizations/" + guid))
                .body(find(guid));
    }

    @GetMapping("/v2/organizations")
    Page<Resource<Map<String, Object>>> list(HttpServletRequest request) {
        ListQuery query = ListQuery.parse(request.getParameterMap(), List.of("name"), List.of("id", "name", "created_at"));
        Permissions.Visibility visible = permissions.organizations(callers.current(), "guid");
        return LIST.and(visible.condition())
                .page(jdbc, query, visible.params(), "/v2/organizations", OrganizationController::row, r -> r);
    }

    @GetMapping("/v2/organizations/{guid}")
    Resource<Map<String, Object>> get(@PathVariable String guid) {
        Resource<Map<String, Object>> organization = find(guid);
        permissions.requireOrganizationReader(callers.current(), guid);
        return organization;
    }

    private Resource<Map<String, Object>> find(String guid) {
        return jdbc.sql("SELECT guid, name, created_at, updated_at FROM organizations WHERE guid = ?").param(guid)
                .query(OrganizationController::row).optional()
                .orElseThrow(() -> CfError.ORGANIZATION_NOT_FOUND.exception(
                        "The organization could not be found: " + guid));
    }

    static Resource<Map<String, Object>> row(ResultSet rs, int n) throws SQLException {
        String guid = rs.getString("guid");
        String url = "/v2/organizations/" + guid;
        Map<String, Object> entity = new LinkedHashMap<>();
        entity.put("name", rs.getString("name"));
        entity.put("billing_enabled", false);
        entity.put("quota_definition_guid", PlatformListsController.DEFAULT_QUOTA_GUID);
        entity.put("status", "active");
        entity.put("default_isolation_segment_guid", null);
        entity.put("quota_definition_url", "/v2/quota_definitions/" + PlatformListsController.DEFAULT_QUOTA_GUID);
        entity.put("spaces_url", url + "/spaces");
        entity.put("users_url", url + "/users");
        entity.put("managers_url", url + "/managers");
        entity.put("billing_managers_url", url + "/billing_managers");
        entity.put("auditors_url", url + "/auditors");
        entity.put("private_domains_url", url + "/private_domains");
        entity.put("space_quota_definitions_url", url + "/space_quota_definitions");
        return new Resource<>(Resource.metadata("/v2/organizations", rs), entity);
    }
}
