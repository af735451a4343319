package io.provisioner.gateway.serviceinstance;

import java.util.List;
import java.util.Map;

import tools.jackson.databind.json.JsonMapper;

import io.provisioner.gateway.api.JsonBody;

/** A create request's body, parsed with Cloud Controller's rules: wrong shapes are parse errors. */
record NewServiceInstance(String name, String spaceGuid, String planGuid, Map<String, Object> parameters,
        List<String> tags) {

    static NewServiceInstance parse(byte[] body, JsonMapper json) {
        JsonBody request = JsonBody.parse(body, json);
        String name = request.requiredString("name");
        String space = request.requiredString("space_guid");
        String plan = request.requiredString("service_plan_guid");
        Map<String, Object> parameters = request.object("parameters");
        List<String> tags = request.strings("tags");
        return new NewServiceInstance(name, space, plan, parameters, tags == null ? List.of() : tags);
    }
}
