package io.provisioner.gateway.serviceinstance;

import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.provisioner.gateway.api.CfError;

/** A create request's body, parsed with Cloud Controller's rules: wrong shapes are parse errors. */
record NewServiceInstance(String name, String spaceGuid, String planGuid, Map<String, Object> parameters,
        List<String> tags) {

    static NewServiceInstance parse(byte[] body, JsonMapper json) {
        JsonNode root;
        try {
            root = body == null || body.length == 0 ? null : json.readTree(body);
        } catch (RuntimeException e) {
            throw parseError("the body is not valid JSON");
        }
        if (root == null || !root.isObject()) {
            throw parseError("the body must be a JSON object");
        }
        String name = string(root, "name", true);
        String space = string(root, "space_guid", true);
        String plan = string(root, "service_plan_guid", true);
        JsonNode params = root.get("parameters");
        Map<String, Object> parameters = null;
        if (params != null && !params.isNull()) {
            if (!params.isObject()) {
                throw parseError("parameters must be a JSON object");
            }
            parameters = json.treeToValue(params, Map.class);
        }
        JsonNode tagsNode = root.get("tags");
        List<String> tags = List.of();
        if (tagsNode != null && !tagsNode.isNull()) {
            if (!tagsNode.isArray()) {
                throw parseError("tags must be an array of strings");
            }
            tags = new java.util.ArrayList<>(tagsNode.size());
            for (JsonNode tag : tagsNode) {
                if (!tag.isString()) {
                    throw parseError("tags must be an array of strings");
                }
                tags.add(tag.asString());
            }
        }
        return new NewServiceInstance(name, space, plan, parameters, List.copyOf(tags));
    }

    private static String string(JsonNode root, String field, boolean required) {
        JsonNode value = root.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                throw parseError(field + " is required");
            }
            return null;
        }
        if (!value.isString()) {
            throw parseError(field + " must be a string");
        }
        return value.asString();
    }

    private static RuntimeException parseError(String detail) {
        return CfError.MESSAGE_PARSE_ERROR.exception("Request invalid due to parse error: " + detail);
    }
}
