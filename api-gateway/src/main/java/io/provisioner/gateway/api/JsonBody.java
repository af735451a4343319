package io.provisioner.gateway.api;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A request body read with Cloud Controller's rules: it must be a JSON object; a field of the wrong
 * type is a parse error (1001); JSON {@code null} counts as absent.
 */
public final class JsonBody {

    private final byte[] body;
    private final JsonNode root;
    private final JsonMapper json;

    private JsonBody(byte[] body, JsonNode root, JsonMapper json) {
        this.body = body;
        this.root = root;
        this.json = json;
    }

    /**
     * How deep a body may nest objects and arrays: one limit for every request, far below what the
     * event writer allows (an event wraps parameters in two more levels), so what is accepted can be sent.
     */
    public static final int MAX_DEPTH = 64;

    public static JsonBody parse(byte[] body, JsonMapper json) {
        JsonNode root;
        String text = body == null || body.length == 0 ? null : utf8(body);
        try {
            root = text == null ? null : json.readTree(text);
        } catch (RuntimeException e) {
            throw parseError("the body is not valid JSON");
        }
        if (root == null || !root.isObject()) {
            throw parseError("the body must be a JSON object");
        }
        if (deeperThan(root, MAX_DEPTH)) {
            throw parseError("the body nests objects and arrays deeper than " + MAX_DEPTH + " levels");
        }
        return new JsonBody(body, root, json);
    }

    /**
     * The body decoded as strict UTF-8: an overlong form (such as {@code C0 AD} for "-"), a lone
     * surrogate or a truncated sequence is refused, never silently turned into another character.
     */
    private static String utf8(byte[] body) {
        try {
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body)).toString();
            return text.startsWith("\uFEFF") ? text.substring(1) : text;
        } catch (CharacterCodingException e) {
            throw parseError("the body is not valid UTF-8");
        }
    }

    /** Walks the tree without recursion, so depth itself cannot exhaust the stack. */
    static boolean deeperThan(JsonNode root, int limit) {
        Deque<JsonNode> level = new ArrayDeque<>();
        level.add(root);
        for (int depth = 1; !level.isEmpty(); depth++) {
            if (depth > limit) {
                return true;
            }
            Deque<JsonNode> next = new ArrayDeque<>();
            for (JsonNode node : level) {
                for (JsonNode child : node) {
                    if (child.isContainer()) {
                        next.add(child);
                    }
                }
            }
            level = next;
        }
        return false;
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

    /** A boolean field, or null when absent. */
    public Boolean bool(String field) {
        JsonNode value = root.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isBoolean()) {
            throw parseError(field + " must be a boolean");
        }
        return value.asBoolean();
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

    /**
     * A top-level field's JSON object exactly as the caller wrote it (its text, whitespace and number
     * spellings included), or null when absent or JSON {@code null}. Nothing is re-read or re-written:
     * {@code 1E2} stays {@code 1E2} and {@code 1e309} does not become {@code Infinity}. A duplicated
     * field counts once, the last one, as in the parsed tree.
     */
    public String rawObject(String field) {
        JsonNode value = root.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isObject()) {
            throw parseError(field + " must be a JSON object");
        }
        String raw = null;
        try (JsonParser parser = json.createParser(body)) {
            parser.nextToken();
            while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                boolean wanted = field.equals(parser.currentName());
                JsonToken token = parser.nextToken();
                long start = parser.currentTokenLocation().getByteOffset();
                parser.skipChildren();
                if (wanted && token == JsonToken.START_OBJECT) {
                    long end = parser.currentLocation().getByteOffset();
                    raw = new String(body, (int) start, (int) (end - start), java.nio.charset.StandardCharsets.UTF_8);
                }
            }
        } catch (JacksonException | IndexOutOfBoundsException e) {
            throw parseError("the body is not valid JSON");
        }
        if (raw == null || !raw.startsWith("{") || !raw.endsWith("}")) {
            // Only a body that is not UTF-8 (a UTF-16 or UTF-32 one) gets here: its byte offsets are not ours.
            throw parseError("the body must be UTF-8");
        }
        return raw;
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
