package io.provisioner.gateway.catalog;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;

import io.provisioner.gateway.api.CfError;
import io.provisioner.gateway.api.JsonBody;
import io.provisioner.gateway.security.Callers;
import io.provisioner.gateway.security.Permissions;
import io.provisioner.gateway.security.Permissions.Visibility;
import io.provisioner.gateway.api.ListQuery;
import io.provisioner.gateway.api.Page;
import io.provisioner.gateway.api.Resource;
import io.provisioner.gateway.api.SqlList;

/** {@code /v2/services} and {@code /v2/service_plans}: what the registered brokers offer. */
@RestController
class ServiceController {

    static final SqlList SERVICES = new SqlList("""
            s.guid, s.label, s.description, s.unique_id, s.bindable, s.plan_updateable, s.instances_retrievable,
            s.bindings_retrievable, s.tags, s.active, s.service_broker_guid, b.name AS service_broker_name, s.created_at, s.updated_at""",
            "services s JOIN service_brokers b ON b.guid = s.service_broker_guid WHERE s.active",
            Map.of("label", "s.label", "service_broker_guid", "s.service_broker_guid", "unique_id", "s.unique_id",
                    "id", "s.created_at", "created_at", "s.created_at"),
            "s.guid");

    static final SqlList PLANS = new SqlList("""
            p.guid, p.name, p.description, p.unique_id, p.free, p.bindable, p.plan_updateable,
            p.maximum_polling_duration, p.maintenance_info, p.active, p.is_public, p.service_guid, p.created_at,
            p.updated_at, s.bindable AS service_bindable""",
            "service_plans p JOIN services s ON s.guid = p.service_guid WHERE p.active",
            Map.of("service_guid", "p.service_guid", "service_broker_guid", "s.service_broker_guid",
                    "unique_id", "p.unique_id", "name", "p.name", "id", "p.created_at", "created_at", "p.created_at"),
            "p.guid");

    private static final JsonMapper TAGS = JsonMapper.builder().build();

    static final SqlList PLANS_OF_SERVICE = PLANS.and(" AND p.service_guid = ?");

    private final JdbcClient jdbc;
    private final PlanViews plans;
    private final Callers callers;
    private final Permissions permissions;
    private final PlanAccess access;
    private final JsonMapper json;
    private final Clock clock;

    ServiceController(JdbcClient jdbc, PlanViews plans, Callers callers, Permissions permissions, PlanAccess access,
            JsonMapper json, Clock clock) {
        this.jdbc = jdbc;
        this.plans = plans;
        this.callers = callers;
        this.permissions = permissions;
        this.access = access;
        this.json = json;
        this.clock = clock;
    }

    /** Services with a plan the caller may see (every one for admins). */
    @GetMapping("/v2/services")
    Page<Resource<Map<String, Object>>> services(HttpServletRequest request) {
        ListQuery query = ListQuery.parse(request.getParameterMap(),
                List.of("label", "service_broker_guid", "unique_id"), List.of("id", "label", "created_at"));
        Visibility visible = access.services(callers.current(), "s.guid");
        return SERVICES.and(visible.condition()).page(jdbc, query, visible.params(), "/v2/services",
                ServiceController::serviceRow, r -> r);
    }

    @GetMapping("/v2/services/{guid}")
    Resource<Map<String, Object>> service(@PathVariable String guid) {
        Resource<Map<String, Object>> service = jdbc.sql("SELECT " + SERVICES.select() + " FROM " + SERVICES.from()
                        + " AND s.guid = ?").param(guid)
                .query(ServiceController::serviceRow).optional()
                .orElseThrow(() -> CfError.SERVICE_NOT_FOUND.exception("The service could not be found: " + guid));
        Visibility visible = access.services(callers.current(), "guid");
        List<Object> params = new ArrayList<>();
        params.add(guid);
        params.addAll(visible.params());
        if (jdbc.sql("SELECT COUNT(*) FROM services WHERE guid = ?" + visible.condition()).params(params)
                .query(Long.class).single() == 0) {
            throw notAuthorized();
        }
        return service;
    }

    @GetMapping("/v2/services/{guid}/service_plans")
    Page<Resource<Map<String, Object>>> plansOfService(@PathVariable String guid, HttpServletRequest request) {
        service(guid);
        ListQuery query = ListQuery.parse(request.getParameterMap(), List.of("name", "unique_id"),
                List.of("id", "name", "created_at"));
        Visibility visible = access.plans(callers.current(), "p.guid");
        List<Object> params = new ArrayList<>();
        params.add(guid);
        params.addAll(visible.params());
        return PLANS_OF_SERVICE.and(visible.condition()).page(jdbc, query, params,
                "/v2/services/" + guid + "/service_plans", plans::row, r -> r);
    }

    /** Plans the caller may see: public ones and those visible to an organization of theirs (all for admins). */
    @GetMapping("/v2/service_plans")
    Page<Resource<Map<String, Object>>> plans(HttpServletRequest request) {
        ListQuery query = ListQuery.parse(request.getParameterMap(),
                List.of("service_guid", "service_broker_guid", "unique_id", "name"),
                List.of("id", "name", "created_at"));
        Visibility visible = access.plans(callers.current(), "p.guid");
        return PLANS.and(visible.condition()).page(jdbc, query, visible.params(), "/v2/service_plans", plans::row,
                r -> r);
    }

    @GetMapping("/v2/service_plans/{guid}")
    Resource<Map<String, Object>> plan(@PathVariable String guid) {
        Resource<Map<String, Object>> plan = plans.find(guid).orElseThrow(() -> CfError.SERVICE_PLAN_NOT_FOUND.exception(
                        "The service plan could not be found: " + guid));
        if (!access.visible(callers.current(), guid)) {
            throw notAuthorized();
        }
        return plan;
    }

    /** {@code cf enable-service-access} / {@code disable-service-access}: an admin makes a plan public or private. */
    @PutMapping("/v2/service_plans/{guid}")
    ResponseEntity<Resource<Map<String, Object>>> updatePlan(@PathVariable String guid,
            @RequestBody(required = false) byte[] body) {
        permissions.requireAdmin(callers.current());
        JsonBody request = JsonBody.parse(body, json);
        plans.find(guid).orElseThrow(() -> CfError.SERVICE_PLAN_NOT_FOUND.exception(
                "The service plan could not be found: " + guid));
        Boolean makePublic = request.bool("public");
        if (makePublic != null) {
            jdbc.sql("UPDATE service_plans SET is_public = ?, updated_at = ? WHERE guid = ?")
                    .params(makePublic, OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC), guid).update();
        }
        return ResponseEntity.status(HttpStatus.CREATED).body(plans.find(guid).orElseThrow());
    }

    private static RuntimeException notAuthorized() {
        return CfError.NOT_AUTHORIZED.exception("You are not authorized to perform the requested action");
    }

    static Resource<Map<String, Object>> serviceRow(ResultSet rs, int n) throws SQLException {
        String guid = rs.getString("guid");
        Map<String, Object> entity = new LinkedHashMap<>();
        entity.put("label", rs.getString("label"));
        entity.put("provider", null);
        entity.put("url", null);
        entity.put("description", rs.getString("description"));
        entity.put("long_description", null);
        entity.put("version", null);
        entity.put("info_url", null);
        entity.put("active", rs.getBoolean("active"));
        entity.put("bindable", rs.getBoolean("bindable"));
        entity.put("unique_id", rs.getString("unique_id"));
        entity.put("extra", null);
        entity.put("tags", TAGS.readValue(rs.getString("tags"), List.class));
        entity.put("requires", List.of());
        entity.put("documentation_url", null);
        entity.put("service_broker_guid", rs.getString("service_broker_guid"));
        entity.put("service_broker_name", rs.getString("service_broker_name"));
        entity.put("plan_updateable", rs.getBoolean("plan_updateable"));
        entity.put("bindings_retrievable", rs.getBoolean("bindings_retrievable"));
        entity.put("instances_retrievable", rs.getBoolean("instances_retrievable"));
        entity.put("allow_context_updates", false);
        entity.put("service_plans_url", "/v2/services/" + guid + "/service_plans");
        return new Resource<>(Resource.metadata("/v2/services", rs), entity);
    }


}
