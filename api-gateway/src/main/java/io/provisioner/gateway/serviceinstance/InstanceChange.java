package io.provisioner.gateway.serviceinstance;

import java.util.List;
import java.util.Map;

import tools.jackson.databind.json.JsonMapper;

import io.provisioner.gateway.api.JsonBody;

/** An update request's body: every field optional; absent or null means "leave as it is". */
record InstanceChange(String name, List<String> tags, Map<String, Object> parameters, String planGuid,
        Map<String, Object> maintenanceInfo, String spaceGuid) {

    static InstanceChange parse(byte[] body, JsonMapper json) {
        JsonBody request = JsonBody.parse(body, json);
        Map<String, Object> maintenance = request.object("maintenance_info");
        if (maintenance != null && maintenance.containsKey("version") && !(maintenance.get("version") instanceof String)) {
            throw JsonBody.parseError("maintenance_info.version must be a string");
        }
        return new InstanceChange(request.string("name"), request.strings("tags"), request.object("parameters"),
                request.string("service_plan_guid"), maintenance, request.string("space_guid"));
    }
}
