package io.provisioner.gateway.catalog;

import java.net.URI;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
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
import io.provisioner.gateway.security.Caller;
import io.provisioner.gateway.security.Callers;
import io.provisioner.gateway.security.Permissions;

/**
 * {@code /v2/service_plan_visibilities}: which organizations may use a private plan
 * ({@code cf enable-service-access -o}). Admins change them; admins and read-only admins see all, others
 * those of their organizations.
 */
@RestController
class ServicePlanVisibilityController {

    private static final String COLLECTION = "/v2/service_plan_visibilities";

    private static final SqlList LIST = new SqlList("guid, service_plan_guid, organization_guid, created_at, updated_at",
            "service_plan_visibilities WHERE TRUE",
            Map.of("service_plan_guid", "service_plan_guid", "organization_guid", "organization_guid",
                    "id", "created_at", "created_at", "created_at"),
            "guid");

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final Clock clock;
    private final Callers callers;
    private final Permissions permissions;

    ServicePlanVisibilityController(JdbcClient jdbc, JsonMapper json, Clock clock, Callers callers,
            Permissions permissions) {
        this.jdbc = jdbc;
        this.json = json;
        this.clock = clock;
        this.callers = callers;
        this.permissions = permissions;
    }

    @GetMapping(COLLECTION)
    Page<Resource<Map<String, Object>>> list(HttpServletRequest request) {
        ListQuery query = ListQuery.parse(request.getParameterMap(), List.of("service_plan_guid", "organization_guid"),
                List.of("id", "created_at"));
        Permissions.Visibility visible = permissions.organizations(callers.current(), "organization_guid");
        return LIST.and(visible.condition()).page(jdbc, query, visible.params(), COLLECTION,
                ServicePlanVisibilityController::row, r -> r);
    }

    @GetMapping(COLLECTION + "/{guid}")
    Resource<Map<String, Object>> get(@PathVariable String guid) {
        Resource<Map<String, Object>> visibility = find(guid);
        Caller caller = callers.current();
        if (!caller.readsEverything()) {
            permissions.requireOrganizationReader(caller, (String) visibility.entity().get("organization_guid"));
        }
        return visibility;
    }

    @PostMapping(COLLECTION)
    ResponseEntity<Resource<Map<String, Object>>> create(@RequestBody(required = false) byte[] body) {
        permissions.requireAdmin(callers.current());
        JsonBody request = JsonBody.parse(body, json);
        String plan = request.requiredString("service_plan_guid");
        String organization = request.requiredString("organization_guid");
        if (!exists("service_plans", plan)) {
            throw CfError.INVALID_RELATION.exception("Could not find the service plan with guid: " + plan);
        }
        if (!exists("organizations", organization)) {
            throw CfError.INVALID_RELATION.exception("Could not find the organization with guid: " + organization);
        }
        String guid = UUID.randomUUID().toString();
        try {
            jdbc.sql("""
                    INSERT INTO service_plan_visibilities (guid, service_plan_guid, organization_guid, created_at)
                    VALUES (?, ?, ?, ?)""")
                    .params(guid, plan, organization, OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC))
                    .update();
        } catch (DuplicateKeyException e) {
            throw CfError.SERVICE_PLAN_VISIBILITY_ALREADY_EXISTS.exception("This combination of ServicePlan and "
                    + "Organization is already taken: organization_id and service_plan_id unique");
        }
        return ResponseEntity.status(HttpStatus.CREATED).location(URI.create(COLLECTION + "/" + guid)).body(find(guid));
    }

    @DeleteMapping(COLLECTION + "/{guid}")
    ResponseEntity<Void> delete(@PathVariable String guid) {
        permissions.requireAdmin(callers.current());
        find(guid);
        jdbc.sql("DELETE FROM service_plan_visibilities WHERE guid = ?").param(guid).update();
        return ResponseEntity.noContent().build();
    }

    private boolean exists(String table, String guid) {
        return jdbc.sql("SELECT COUNT(*) FROM " + table + " WHERE guid = ?").param(guid).query(Long.class).single() > 0;
    }

    private Resource<Map<String, Object>> find(String guid) {
        List<Object> params = new ArrayList<>();
        params.add(guid);
        return jdbc.sql("SELECT " + LIST.select() + " FROM " + LIST.from() + " AND guid = ?").params(params)
                .query(ServicePlanVisibilityController::row).optional()
                .orElseThrow(() -> CfError.SERVICE_PLAN_VISIBILITY_NOT_FOUND.exception(
                        "The service plan visibility could not be found: " + guid));
    }

    static Resource<Map<String, Object>> row(ResultSet rs, int n) throws SQLException {
        String plan = rs.getString("service_plan_guid");
        String organization = rs.getString("organization_guid");
        Map<String, Object> entity = new LinkedHashMap<>();
        entity.put("service_plan_guid", plan);
        entity.put("organization_guid", organization);
        entity.put("service_plan_url", "/v2/service_plans/" + plan);
        entity.put("organization_url", "/v2/organizations/" + organization);
        return new Resource<>(Resource.metadata(COLLECTION, rs), entity);
    }
}
