package io.provisioner.gateway.catalog;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

import io.provisioner.gateway.api.CfTime;
import io.provisioner.gateway.api.Page;
import io.provisioner.gateway.api.PageRequest;
import io.provisioner.gateway.api.Resource;

/** Read-only {@code /v2/spaces} and {@code /v2/service_plans}, so callers can find the guids to use. */
@RestController
class CatalogController {

    private final JdbcClient jdbc;
    private final JsonMapper json;

    CatalogController(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    @GetMapping("/v2/spaces")
    Page<Resource<Map<String, Object>>> spaces(@RequestParam Map<String, String> query) {
        PageRequest page = PageRequest.from(query);
        long total = jdbc.sql("SELECT COUNT(*) FROM spaces").query(Long.class).single();
        List<Resource<Map<String, Object>>> resources = jdbc.sql(
                "SELECT guid, name, organization_guid, created_at, updated_at FROM spaces ORDER BY created_at "
                        + (page.descending() ? "DESC" : "ASC") + ", guid LIMIT ? OFFSET ?")
                .params(page.perPage(), page.offset())
                .query((rs, n) -> {
                    String guid = rs.getString("guid");
                    String org = rs.getString("organization_guid");
                    Map<String, Object> entity = new LinkedHashMap<>();
                    entity.put("name", rs.getString("name"));
                    entity.put("organization_guid", org);
                    entity.put("space_quota_definition_guid", null);
                    entity.put("isolation_segment_guid", null);
                    entity.put("allow_ssh", true);
                    entity.put("organization_url", "/v2/organizations/" + org);
                    entity.put("service_instances_url", "/v2/spaces/" + guid + "/service_instances");
                    return new Resource<>(metadata("/v2/spaces/", guid, rs), entity);
                })
                .list();
        return Page.of(total, page, "/v2/spaces", resources);
    }

    @GetMapping("/v2/service_plans")
    Page<Resource<Map<String, Object>>> servicePlans(@RequestParam Map<String, String> query) {
        PageRequest page = PageRequest.from(query);
        long total = jdbc.sql("SELECT COUNT(*) FROM service_plans WHERE active").query(Long.class).single();
        List<Resource<Map<String, Object>>> resources = jdbc.sql("""
                SELECT p.guid, p.name, p.description, p.unique_id, p.free, p.bindable, p.plan_updateable,
                       p.maximum_polling_duration, p.maintenance_info, p.active, p.service_guid, p.created_at,
                       p.updated_at, s.bindable AS service_bindable
                FROM service_plans p JOIN services s ON s.guid = p.service_guid WHERE p.active
                ORDER BY p.created_at""" + (page.descending() ? " DESC" : " ASC") + ", p.guid LIMIT ? OFFSET ?")
                .params(page.perPage(), page.offset())
                .query((rs, n) -> {
                    String guid = rs.getString("guid");
                    String service = rs.getString("service_guid");
                    Object bindable = rs.getObject("bindable");
                    String maintenance = rs.getString("maintenance_info");
                    Map<String, Object> entity = new LinkedHashMap<>();
                    entity.put("name", rs.getString("name"));
                    entity.put("free", rs.getBoolean("free"));
                    entity.put("description", rs.getString("description"));
                    entity.put("service_guid", service);
                    entity.put("extra", null);
                    entity.put("unique_id", rs.getString("unique_id"));
                    entity.put("public", true);
                    entity.put("bindable", bindable != null ? bindable : rs.getBoolean("service_bindable"));
                    entity.put("plan_updateable", rs.getObject("plan_updateable"));
                    entity.put("active", rs.getBoolean("active"));
                    entity.put("maximum_polling_duration", rs.getObject("maximum_polling_duration"));
                    entity.put("maintenance_info", maintenance == null ? Map.of() : json.readValue(maintenance, Map.class));
                    entity.put("service_url", "/v2/services/" + service);
                    entity.put("service_instances_url", "/v2/service_plans/" + guid + "/service_instances");
                    return new Resource<>(metadata("/v2/service_plans/", guid, rs), entity);
                })
                .list();
        return Page.of(total, page, "/v2/service_plans", resources);
    }

    private static Resource.Metadata metadata(String prefix, String guid, java.sql.ResultSet rs)
            throws java.sql.SQLException {
        return new Resource.Metadata(guid, prefix + guid,
                CfTime.format(rs.getObject("created_at", java.time.OffsetDateTime.class)),
                CfTime.format(rs.getObject("updated_at", java.time.OffsetDateTime.class)));
    }
}
