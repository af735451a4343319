package io.provisioner.gateway.servicekey;

import tools.jackson.databind.json.JsonMapper;

import io.provisioner.gateway.api.JsonBody;

/**
 * A create request's body ({@code name}, {@code service_instance_guid}, {@code parameters}), parsed with
 * Cloud Controller's rules: wrong shapes and missing fields are parse errors.
 *
 * @param parameters the {@code parameters} object exactly as the caller wrote it (JSON text), or null
 */
public record NewServiceKey(String name, String instanceGuid, String parameters) {

    public static NewServiceKey parse(byte[] body, JsonMapper json) {
        JsonBody request = JsonBody.parse(body, json);
        return new NewServiceKey(request.requiredString("name"), request.requiredString("service_instance_guid"),
                request.rawObject("parameters"));
    }

    /** Parameters are secrets: never in a log line or an exception message. */
    @Override
    public String toString() {
        return "NewServiceKey[name=" + name + ", instanceGuid=" + instanceGuid + "]";
    }
}
