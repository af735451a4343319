package io.provisioner.gateway.serviceinstance;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import tools.jackson.databind.json.JsonMapper;

import io.provisioner.gateway.api.JsonBody;

/**
 * An update request's body: every field optional; absent or null means "leave as it is".
 *
 * @param parameters the {@code parameters} object exactly as the caller wrote it (JSON text), or null
 * @param maintenanceInfo {@code maintenance_info}: at most a string {@code version}, nothing else
 */
public record InstanceChange(String name, List<String> tags, String parameters, String planGuid,
        Map<String, Object> maintenanceInfo, String spaceGuid) {

    /** The fields of {@code maintenance_info} a caller may send (Cloud Controller accepts the version only). */
    private static final Set<String> MAINTENANCE_INFO_FIELDS = Set.of("version");

    public static InstanceChange parse(byte[] body, JsonMapper json) {
        JsonBody request = JsonBody.parse(body, json);
        Map<String, Object> maintenance = request.object("maintenance_info");
        if (maintenance != null) {
            Set<String> unknown = new TreeSet<>(maintenance.keySet());
            unknown.removeAll(MAINTENANCE_INFO_FIELDS);
            if (!unknown.isEmpty()) {
                throw JsonBody.parseError("maintenance_info has unknown field(s): "
                        + String.join(", ", unknown.stream().limit(5)
                                .map(f -> "'" + (f.length() > 64 ? f.substring(0, 64) + "…" : f) + "'").toList()));
            }
            if (maintenance.get("version") != null && !(maintenance.get("version") instanceof String)) {
                throw JsonBody.parseError("maintenance_info.version must be a string");
            }
        }
        return new InstanceChange(request.string("name"), request.strings("tags"), request.rawObject("parameters"),
                request.string("service_plan_guid"), maintenance, request.string("space_guid"));
    }

    /** The version asked for, or null if maintenance_info was sent without one. */
    String maintenanceInfoVersion() {
        return maintenanceInfo == null ? null : (String) maintenanceInfo.get("version");
    }

    /** Parameters are secrets: never in a log line or an exception message. */
    @Override
    public String toString() {
        return "InstanceChange[name=" + name + ", planGuid=" + planGuid + ", maintenanceInfo=" + maintenanceInfo + "]";
    }
}
