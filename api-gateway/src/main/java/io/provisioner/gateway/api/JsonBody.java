package io.provisioner.gateway.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A request body read with Cloud Controller's rules: it must be a JSON object; a field of the wrong
 * type is a parse error (1001); JSON {@code null} counts as absent.
 */
public final class JsonBody {

    private final JsonNode root;
    private final JsonMapper json;

    private JsonBody(JsonNode root, JsonMapper json) {
        this.root = root;
        this.json = json;
    }

    public static JsonBody parse(byte[] body, JsonMapper json) {
        JsonNode root;
        try {
            root = body == null || body.length == 0 ? null : json.readTree(body);
        } catch (RuntimeException e) {
            throw parseError("the body is not valid JSON");
        }
        if (root == null || !root.isObject()) {
            throw parseError("the body must be a JSON object");
        }
        return new JsonBody(root, json);
    }

    public boolean has(String field) {
        JsonNode value = root.get(field);
        return value != null && !value.isNull();
    }

    public String string(String field) {
        JsonNode value = root.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isString()) {
            throw parseError(field + " must be a string");
        }
        return text(field, value.asString());
    }

    /** PostgreSQL cannot store a NUL character in text, and no name or guid needs one. */
    private static String text(String field, String value) {
        if (value.indexOf('\u0000') >= 0) {
            throw parseError(field + " must not contain NUL characters");
        }
        return value;
    }

    public String requiredString(String field) {
        String value = string(field);
        if (value == null) {
            throw parseError(field + " is required");
        }
        return value;
    }

    public long requiredLong(String field) {
        JsonNode value = root.get(field);
        if (value == null || value.isNull()) {
            throw parseError(field + " is required");
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw parseError(field + " must be a whole number");
        }
        return value.asLong();
    }

    @SuppressWarnings("unchecked")
    public Map<String, Object> object(String field) {
        JsonNode value = root.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isObject()) {
            throw parseError(field + " must be a JSON object");
        }
        return json.treeToValue(value, Map.class);
    }

    public List<String> strings(String field) {
        JsonNode value = root.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isArray()) {
            throw parseError(field + " must be an array of strings");
        }
        List<String> result = new ArrayList<>(value.size());
        for (JsonNode item : value) {
            if (!item.isString()) {
                throw parseError(field + " must be an array of strings");
            }
            result.add(text(field, item.asString()));
        }
        return List.copyOf(result);
    }

    public static CfException parseError(String detail) {
        return CfError.MESSAGE_PARSE_ERROR.exception("Request invalid due to parse error: " + detail);
    }
}
