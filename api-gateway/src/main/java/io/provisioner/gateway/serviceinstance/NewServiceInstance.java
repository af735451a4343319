package io.provisioner.gateway.serviceinstance;

import java.util.List;

import tools.jackson.databind.json.JsonMapper;

import io.provisioner.gateway.api.JsonBody;

/**
 * A create request's body, parsed with Cloud Controller's rules: wrong shapes are parse errors.
 *
 * @param parameters the {@code parameters} object exactly as the caller wrote it (JSON text), or null
 */
public record NewServiceInstance(String name, String spaceGuid, String planGuid, String parameters, List<String> tags) {

    public static NewServiceInstance parse(byte[] body, JsonMapper json) {
        JsonBody request = JsonBody.parse(body, json);
        String name = request.requiredString("name");
        String space = request.requiredString("space_guid");
        String plan = request.requiredString("service_plan_guid");
        String parameters = request.rawObject("parameters");
        List<String> tags = request.strings("tags");
        return new NewServiceInstance(name, space, plan, parameters, tags == null ? List.of() : tags);
    }

    /** Parameters are secrets: never in a log line or an exception message. */
    @Override
    public String toString() {
        return "NewServiceInstance[name=" + name + ", spaceGuid=" + spaceGuid + ", planGuid=" + planGuid + "]";
    }
}
