import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The JSON Schema subset the local "model" needs (local-only): a value generated from a schema (tool
 * input, structured answers) and a check of a value against a schema. Generation is deterministic:
 * per property (required first, then the others) {@code enum} → first value, else {@code default},
 * else {@code examples[0]} (or {@code example}), else by type — string "local", integer/number
 * {@code minimum} or 1, boolean true, array [] or one generated item when {@code minItems} ≥ 1,
 * object → recurse, null → null. {@code anyOf}/{@code oneOf} take their first branch; local
 * {@code $ref}s ({@code #/$defs/…}, {@code #/definitions/…}) are followed.
 */
final class JsonSchemas {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final int MAX_DEPTH = 16;

    /** A value that satisfies {@code schema} (as far as this subset goes). */
    static JsonNode generate(JsonNode schema) {
        return generate(schema, schema, 0);
    }

    private static JsonNode generate(JsonNode root, JsonNode schema, int depth) {
        schema = resolve(root, schema);
        if (schema == null || !schema.isObject() || depth > MAX_DEPTH) return F.nullNode();
        if (schema.has("const")) return schema.get("const");
        if (schema.path("enum").isArray() && !schema.get("enum").isEmpty()) return schema.get("enum").get(0);
        if (schema.has("default")) return schema.get("default");
        if (schema.path("examples").isArray() && !schema.get("examples").isEmpty()) return schema.get("examples").get(0);
        if (schema.has("example")) return schema.get("example");
        for (String k : new String[] {"anyOf", "oneOf"}) {
            if (schema.path(k).isArray() && !schema.get(k).isEmpty()) return generate(root, schema.get(k).get(0), depth + 1);
        }
        if (schema.path("allOf").isArray() && !schema.get("allOf").isEmpty()) return generate(root, schema.get("allOf").get(0), depth + 1);
        String type = firstType(schema);
        switch (type) {
            case "string":
                return F.textNode("local");
            case "integer":
                return schema.path("minimum").isNumber() ? F.numberNode((long) Math.ceil(schema.get("minimum").asDouble())) : F.numberNode(1);
            case "number":
                return schema.path("minimum").isNumber() ? schema.get("minimum") : F.numberNode(1);
            case "boolean":
                return F.booleanNode(true);
            case "null":
                return F.nullNode();
            case "array": {
                ArrayNode a = F.arrayNode();
                int n = schema.path("minItems").asInt(0);
                for (int i = 0; i < Math.min(n, 8); i++) a.add(generate(root, schema.path("items"), depth + 1));
                return a;
            }
            default: { // object, or no type with properties
                ObjectNode o = F.objectNode();
                JsonNode props = schema.path("properties");
                for (String name : propertyOrder(schema)) o.set(name, generate(root, props.get(name), depth + 1));
                return o;
            }
        }
    }

    /** Property names, required ones first (in their order), then the rest in declaration order. */
    static List<String> propertyOrder(JsonNode schema) {
        Set<String> names = new LinkedHashSet<>();
        for (JsonNode r : schema.path("required")) if (schema.path("properties").has(r.asText())) names.add(r.asText());
        for (Iterator<String> it = schema.path("properties").fieldNames(); it.hasNext(); ) names.add(it.next());
        return new ArrayList<>(names);
    }

    /**
     * Problems of {@code value} against {@code schema} (empty = valid): type, enum/const, required,
     * additionalProperties false, array items and minItems/maxItems, string minLength/maxLength,
     * number minimum/maximum. Each problem names its JSON path ({@code $.a.b[0]}).
     */
    static List<String> problems(JsonNode schema, JsonNode value) {
        List<String> out = new ArrayList<>();
        check(schema, schema, value, "$", out, 0);
        return out;
    }

    private static void check(JsonNode root, JsonNode schema, JsonNode v, String path, List<String> out, int depth) {
        schema = resolve(root, schema);
        if (schema == null || !schema.isObject() || depth > MAX_DEPTH) return;
        if (schema.has("const") && !schema.get("const").equals(v)) out.add(path + ": must be " + schema.get("const"));
        if (schema.path("enum").isArray()) {
            boolean found = false;
            for (JsonNode e : schema.get("enum")) found |= e.equals(v);
            if (!found) out.add(path + ": must be one of " + schema.get("enum"));
        }
        for (String k : new String[] {"anyOf", "oneOf"}) {
            if (!schema.path(k).isArray()) continue;
            boolean any = false;
            for (JsonNode branch : schema.get(k)) {
                List<String> p = new ArrayList<>();
                check(root, branch, v, path, p, depth + 1);
                any |= p.isEmpty();
            }
            if (!any) out.add(path + ": matches no " + k + " branch");
        }
        for (JsonNode branch : schema.path("allOf")) check(root, branch, v, path, out, depth + 1);
        JsonNode types = schema.get("type");
        if (types != null) {
            boolean ok = false;
            if (types.isArray()) for (JsonNode t : types) ok |= isType(v, t.asText());
            else ok = isType(v, types.asText());
            if (!ok) {
                out.add(path + ": expected " + types.asText(types.toString()) + ", found " + kind(v));
                return;
            }
        }
        if (v.isObject()) {
            JsonNode props = schema.path("properties");
            for (JsonNode r : schema.path("required")) {
                if (!v.has(r.asText())) out.add(path + ": required property '" + r.asText() + "' is missing");
            }
            for (Iterator<String> it = v.fieldNames(); it.hasNext(); ) {
                String name = it.next();
                if (props.has(name)) check(root, props.get(name), v.get(name), path + "." + name, out, depth + 1);
                else if (schema.path("additionalProperties").isBoolean() && !schema.get("additionalProperties").asBoolean()) {
                    out.add(path + ": property '" + name + "' is not allowed");
                } else if (schema.path("additionalProperties").isObject()) {
                    check(root, schema.get("additionalProperties"), v.get(name), path + "." + name, out, depth + 1);
                }
            }
        } else if (v.isArray()) {
            if (schema.path("minItems").isInt() && v.size() < schema.get("minItems").asInt()) out.add(path + ": fewer than " + schema.get("minItems") + " items");
            if (schema.path("maxItems").isInt() && v.size() > schema.get("maxItems").asInt()) out.add(path + ": more than " + schema.get("maxItems") + " items");
            for (int i = 0; i < v.size(); i++) check(root, schema.path("items"), v.get(i), path + "[" + i + "]", out, depth + 1);
        } else if (v.isTextual()) {
            int len = v.asText().codePointCount(0, v.asText().length());
            if (schema.path("minLength").isInt() && len < schema.get("minLength").asInt()) out.add(path + ": shorter than " + schema.get("minLength"));
            if (schema.path("maxLength").isInt() && len > schema.get("maxLength").asInt()) out.add(path + ": longer than " + schema.get("maxLength"));
        } else if (v.isNumber()) {
            if (schema.path("minimum").isNumber() && v.asDouble() < schema.get("minimum").asDouble()) out.add(path + ": below " + schema.get("minimum"));
            if (schema.path("maximum").isNumber() && v.asDouble() > schema.get("maximum").asDouble()) out.add(path + ": above " + schema.get("maximum"));
        }
    }

    /** Paths of every object schema (type object, or properties without type) that does not set additionalProperties false. */
    static List<String> openObjects(JsonNode schema) {
        List<String> out = new ArrayList<>();
        openObjects(schema, "$", out, 0);
        return out;
    }

    private static void openObjects(JsonNode s, String path, List<String> out, int depth) {
        if (s == null || !s.isObject() || depth > MAX_DEPTH) return;
        boolean object = "object".equals(s.path("type").asText()) || (s.path("type").isArray() && s.get("type").toString().contains("\"object\""))
                || (!s.has("type") && s.has("properties"));
        if (object && !(s.path("additionalProperties").isBoolean() && !s.get("additionalProperties").asBoolean())) out.add(path);
        for (Iterator<String> it = s.path("properties").fieldNames(); it.hasNext(); ) {
            String n = it.next();
            openObjects(s.path("properties").get(n), path + "." + n, out, depth + 1);
        }
        openObjects(s.get("items"), path + "[]", out, depth + 1);
        for (String k : new String[] {"anyOf", "oneOf", "allOf"}) for (JsonNode b : s.path(k)) openObjects(b, path, out, depth + 1);
        for (String k : new String[] {"$defs", "definitions"}) {
            for (Iterator<String> it = s.path(k).fieldNames(); it.hasNext(); ) {
                String n = it.next();
                openObjects(s.path(k).get(n), "#/" + k + "/" + n, out, depth + 1);
            }
        }
    }

    private static JsonNode resolve(JsonNode root, JsonNode schema) {
        for (int i = 0; i < 8 && schema != null && schema.path("$ref").isTextual(); i++) {
            String ref = schema.get("$ref").asText();
            if (!ref.startsWith("#/")) return null;
            JsonNode n = root;
            for (String part : ref.substring(2).split("/")) n = n.path(part.replace("~1", "/").replace("~0", "~"));
            schema = n.isMissingNode() ? null : n;
        }
        return schema;
    }

    private static String firstType(JsonNode schema) {
        JsonNode t = schema.get("type");
        if (t == null) return schema.has("items") ? "array" : "object";
        if (t.isArray()) {
            for (JsonNode x : t) if (!"null".equals(x.asText())) return x.asText();
            return "null";
        }
        return t.asText();
    }

    private static boolean isType(JsonNode v, String type) {
        return switch (type) {
            case "string" -> v.isTextual();
            case "integer" -> v.isIntegralNumber() || (v.isNumber() && v.asDouble() == Math.rint(v.asDouble()));
            case "number" -> v.isNumber();
            case "boolean" -> v.isBoolean();
            case "array" -> v.isArray();
            case "object" -> v.isObject();
            case "null" -> v.isNull();
            default -> true;
        };
    }

    private static String kind(JsonNode v) {
        if (v.isTextual()) return "string";
        if (v.isIntegralNumber()) return "integer";
        if (v.isNumber()) return "number";
        if (v.isBoolean()) return "boolean";
        if (v.isArray()) return "array";
        if (v.isObject()) return "object";
        return "null";
    }

    private JsonSchemas() {}
}
