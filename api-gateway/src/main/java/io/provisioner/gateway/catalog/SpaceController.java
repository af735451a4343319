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

/** {@code /v2/spaces} and the service listings under a space. */
@RestController
class SpaceController {

    private static final SqlList LIST = new SqlList("guid, name, organization_guid, created_at, updated_at",
            "spaces WHERE TRUE",
            Map.of("name", "name", "organization_guid", "organization_guid", "created_at", "created_at", "id", "created_at"),
            "guid");

    private static final SqlList IN_ORGANIZATION = new SqlList(LIST.select(), "spaces WHERE organization_guid = ?",
            LIST.columns(), LIST.tieBreaker());

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final Clock clock;
    private final Callers callers;
    private final Permissions permissions;
    private final PlanAccess access;

    SpaceController(JdbcClient jdbc, JsonMapper json, Clock clock, Callers callers, Permissions permissions,
            PlanAccess access) {
        this.access = access;
        this.callers = callers;
        this.permissions = permissions;
        this.jdbc = jdbc;
        this.json = json;
        this.clock = clock;
    }

    @PostMapping("/v2/spaces")
    ResponseEntity<Resource<Map<String, Object>>> create(@RequestBody(required = false) byte[] body) {
        permissions.requireAdmin(callers.current());
        JsonBody request = JsonBody.parse(body, json);
        String name = request.requiredString("name");
        String organization = request.requiredString("organization_guid");
        if (name.isBlank() || name.length() > 255) {
            throw CfError.SPACE_INVALID.exception("The app space info is invalid: name must be 1 to 255 characters");
        }
        boolean organizationExists = jdbc.sql("SELECT COUNT(*) FROM organizations WHERE guid = ?").param(organization)
                .query(Long.class).single() > 0;
        if (!organizationExists) {
            throw CfError.INVALID_RELATION.exception("Could not find the organization with guid: " + organization);
        }
        String guid = UUID.randomUUID().toString();
        try {
            jdbc.sql("INSERT INTO spaces (guid, name, organization_guid, created_at) VALUES (?, ?, ?, ?)")
                    .params(guid, name, organization, OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC))
                    .update();
        } catch (DuplicateKeyException e) {
            throw CfError.SPACE_NAME_TAKEN.exception("The app space name is taken: " + name);
        }
        return ResponseEntity.status(HttpStatus.CREATED).location(URI.create("/v2/spaces/" + guid)).body(find(guid));
    }

    @GetMapping("/v2/spaces")
    Page<Resource<Map<String, Object>>> list(HttpServletRequest request) {
        ListQuery query = ListQuery.parse(request.getParameterMap(), List.of("name", "organization_guid"),
                List.of("id", "name", "created_at"));
        Permissions.Visibility visible = permissions.spaces(callers.current(), "guid", "organization_guid");
        return LIST.and(visible.condition())
                .page(jdbc, query, visible.params(), "/v2/spaces", SpaceController::row, r -> r);
    }

    @GetMapping("/v2/organizations/{guid}/spaces")
    Page<Resource<Map<String, Object>>> inOrganization(@PathVariable String guid, HttpServletRequest request) {
        boolean exists = jdbc.sql("SELECT COUNT(*) FROM organizations WHERE guid = ?").param(guid)
                .query(Long.class).single() > 0;
        if (!exists) {
            throw CfError.ORGANIZATION_NOT_FOUND.exception("The organization could not be found: " + guid);
        }
        permissions.requireOrganizationReader(callers.current(), guid);
        ListQuery query = ListQuery.parse(request.getParameterMap(), List.of("name"), List.of("id", "name", "created_at"));
        Permissions.Visibility visible = permissions.spaces(callers.current(), "guid", "organization_guid");
        List<Object> params = new java.util.ArrayList<>();
        params.add(guid);
        params.addAll(visible.params());
        return IN_ORGANIZATION.and(visible.condition())
                .page(jdbc, query, params, "/v2/organizations/" + guid + "/spaces", SpaceController::row, r -> r);
    }

    @GetMapping("/v2/spaces/{guid}")
    Resource<Map<String, Object>> get(@PathVariable String guid) {
        Resource<Map<String, Object>> space = find(guid);
        permissions.requireSpaceReader(callers.current(), guid);
        return space;
    }

    private Resource<Map<String, Object>> find(String guid) {
        return jdbc.sql("SELECT guid, name, organization_guid, created_at, updated_at FROM spaces WHERE guid = ?")
                .param(guid).query(SpaceController::row).optional()
                .orElseThrow(() -> CfError.SPACE_NOT_FOUND.exception("The app space could not be found: " + guid));
    }

    /** Services with a plan usable in the space: public, or visible to the space's organization. */
    @GetMapping("/v2/spaces/{guid}/services")
    Page<Resource<Map<String, Object>>> services(@PathVariable String guid, HttpServletRequest request) {
        Resource<Map<String, Object>> space = get(guid);
        ListQuery query = ListQuery.parse(request.getParameterMap(), List.of("label", "service_broker_guid"),
                List.of("id", "label", "created_at"));
        Permissions.Visibility plans = access.plansOfOrganization(callers.current(), "vp.guid",
                (String) space.entity().get("organization_guid"));
        return ServiceController.SERVICES.and(plans.condition().isEmpty() ? "" : " AND s.guid IN (SELECT vp.service_guid "
                        + "FROM service_plans vp WHERE vp.active" + plans.condition() + ")")
                .page(jdbc, query, plans.params(), "/v2/spaces/" + guid + "/services", ServiceController::serviceRow,
                        r -> r);
    }

    static Resource<Map<String, Object>> row(ResultSet rs, int n) throws SQLException {
        String guid = rs.getString("guid");
        String url = "/v2/spaces/" + guid;
        String org = rs.getString("organization_guid");
        Map<String, Object> entity = new LinkedHashMap<>();
        entity.put("name", rs.getString("name"));
        entity.put("organization_guid", org);
        entity.put("space_quota_definition_guid", null);
        entity.put("isolation_segment_guid", null);
        entity.put("allow_ssh", true);
        entity.put("organization_url", "/v2/organizations/" + org);
        entity.put("developers_url", url + "/developers");
        entity.put("managers_url", url + "/managers");
        entity.put("auditors_url", url + "/auditors");
        entity.put("apps_url", url + "/apps");
        entity.put("routes_url", url + "/routes");
        entity.put("domains_url", url + "/domains");
        entity.put("service_instances_url", url + "/service_instances");
        entity.put("app_events_url", url + "/app_events");
        entity.put("events_url", url + "/events");
        entity.put("security_groups_url", url + "/security_groups");
        entity.put("staging_security_groups_url", url + "/staging_security_groups");
        return new Resource<>(Resource.metadata("/v2/spaces", rs), entity);
    }
}
