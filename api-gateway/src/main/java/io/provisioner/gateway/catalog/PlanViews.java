package io.provisioner.gateway.catalog;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

import io.provisioner.gateway.api.Resource;

/** The v2 shape of a service plan; also what other resources inline. */
@Component
public class PlanViews {

    private final JdbcClient jdbc;
    private final JsonMapper json;

    PlanViews(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    public Optional<Resource<Map<String, Object>>> find(String guid) {
        return jdbc.sql("SELECT " + ServiceController.PLANS.select() + " FROM " + ServiceController.PLANS.from()
                + " AND p.guid = ?").param(guid).query(this::row).optional();
    }

    Resource<Map<String, Object>> row(ResultSet rs, int n) throws SQLException {
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
        entity.put("public", rs.getBoolean("is_public"));
        entity.put("bindable", bindable != null ? bindable : rs.getBoolean("service_bindable"));
        entity.put("plan_updateable", rs.getObject("plan_updateable"));
        entity.put("active", rs.getBoolean("active"));
        entity.put("maximum_polling_duration", rs.getObject("maximum_polling_duration"));
        entity.put("maintenance_info", maintenance == null ? Map.of() : json.readValue(maintenance, Map.class));
        entity.put("service_url", "/v2/services/" + service);
        entity.put("service_instances_url", "/v2/service_plans/" + guid + "/service_instances");
        return new Resource<>(Resource.metadata("/v2/service_plans", rs), entity);
    }
}
