import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * Member types of the JSON request bodies, checked before any handler reads them, so that a wrong
 * type (a number where a string belongs, a string where a list belongs…) is refused the same way
 * for every operation instead of being read leniently with a default. Types follow the service
 * models (bedrock-runtime and bedrock {@code service-2.json}: Converse, the control plane's profile
 * and tag operations) and the model providers' native body schemas (InvokeModel); only members
 * listed here are checked, unknown ones are left to the handlers, null counts as absent.
 *
 * <p>Paths: {@code a.b} for members, {@code a[]} for every element of a list.
 * Types: string, int, number, boolean, object, list, or alternatives such as {@code string|list}.
 */
final class BodyTypes {
    /** Larger bodies (Pegasus base64 video) are not parsed twice; their handler checks them. */
    private static final int MAX_CHECKED = 1 << 20;

    static final Map<String, String> CONVERSE = Map.ofEntries(
            Map.entry("messages", "list"), Map.entry("messages[]", "object"), Map.entry("messages[].role", "string"),
            Map.entry("messages[].content", "list"), Map.entry("messages[].content[]", "object"),
            Map.entry("messages[].content[].text", "string"),
            Map.entry("system", "list"), Map.entry("system[]", "object"), Map.entry("system[].text", "string"),
            Map.entry("inferenceConfig", "object"), Map.entry("inferenceConfig.maxTokens", "int"),
            Map.entry("inferenceConfig.temperature", "number"), Map.entry("inferenceConfig.topP", "number"),
            Map.entry("inferenceConfig.stopSequences", "list"), Map.entry("inferenceConfig.stopSequences[]", "string"),
            Map.entry("toolConfig", "object"), Map.entry("toolConfig.tools", "list"), Map.entry("toolConfig.tools[]", "object"),
            Map.entry("toolConfig.toolChoice", "object"), Map.entry("guardrailConfig", "object"),
            Map.entry("additionalModelResponseFieldPaths", "list"), Map.entry("additionalModelResponseFieldPaths[]", "string"),
            Map.entry("promptVariables", "object"), Map.entry("requestMetadata", "object"),
            Map.entry("performanceConfig", "object"), Map.entry("performanceConfig.latency", "string"),
            Map.entry("serviceTier", "object"), Map.entry("serviceTier.type", "string"));

    /** Anthropic Messages on Bedrock: content and system are a string or a list of blocks. */
    static final Map<String, String> CLAUDE = Map.ofEntries(
            Map.entry("anthropic_version", "string"), Map.entry("max_tokens", "int"), Map.entry("system", "string|list"),
            Map.entry("system[]", "object"), Map.entry("system[].type", "string"), Map.entry("system[].text", "string"),
            Map.entry("messages", "list"), Map.entry("messages[]", "object"), Map.entry("messages[].role", "string"),
            Map.entry("messages[].content", "string|list"), Map.entry("messages[].content[]", "object"),
            Map.entry("messages[].content[].type", "string"), Map.entry("messages[].content[].text", "string"),
            Map.entry("temperature", "number"), Map.entry("top_p", "number"), Map.entry("top_k", "int"),
            Map.entry("stop_sequences", "list"), Map.entry("stop_sequences[]", "string"), Map.entry("thinking", "object"),
            Map.entry("thinking.type", "string"), Map.entry("thinking.budget_tokens", "int"), Map.entry("tools", "list"),
            Map.entry("tools[]", "object"), Map.entry("tool_choice", "object"), Map.entry("anthropic_beta", "list"),
            Map.entry("anthropic_beta[]", "string"));

    /** Amazon Nova (messages-v1). */
    static final Map<String, String> NOVA = Map.ofEntries(
            Map.entry("schemaVersion", "string"), Map.entry("messages", "list"), Map.entry("messages[]", "object"),
            Map.entry("messages[].role", "string"), Map.entry("messages[].content", "list"), Map.entry("messages[].content[]", "object"),
            Map.entry("messages[].content[].text", "string"), Map.entry("system", "list"), Map.entry("system[]", "object"),
            Map.entry("system[].text", "string"), Map.entry("inferenceConfig", "object"), Map.entry("inferenceConfig.maxTokens", "int"),
            Map.entry("inferenceConfig.max_new_tokens", "int"), Map.entry("inferenceConfig.temperature", "number"),
            Map.entry("inferenceConfig.topP", "number"), Map.entry("inferenceConfig.top_p", "number"),
            Map.entry("inferenceConfig.topK", "int"), Map.entry("inferenceConfig.top_k", "int"),
            Map.entry("inferenceConfig.stopSequences", "list"), Map.entry("inferenceConfig.stopSequences[]", "string"),
            Map.entry("toolConfig", "object"), Map.entry("additionalModelRequestFields", "object"));

    /** Cohere Embed v4. */
    static final Map<String, String> COHERE = Map.ofEntries(
            Map.entry("texts", "list"), Map.entry("texts[]", "string"), Map.entry("images", "list"), Map.entry("images[]", "string"),
            Map.entry("inputs", "list"), Map.entry("inputs[]", "object"), Map.entry("input_type", "string"),
            Map.entry("embedding_types", "list"), Map.entry("embedding_types[]", "string"), Map.entry("output_dimension", "int"),
            Map.entry("max_tokens", "int"), Map.entry("truncate", "string"));

    /** TwelveLabs Pegasus 1.2. */
    static final Map<String, String> PEGASUS = Map.ofEntries(
            Map.entry("inputPrompt", "string"), Map.entry("mediaSource", "object"), Map.entry("mediaSource.base64String", "string"),
            Map.entry("mediaSource.s3Location", "object"), Map.entry("mediaSource.s3Location.uri", "string"),
            Map.entry("mediaSource.s3Location.bucketOwner", "string"), Map.entry("temperature", "number"),
            Map.entry("maxOutputTokens", "int"), Map.entry("responseFormat", "object"));

    static final Map<String, String> CREATE_PROFILE = Map.ofEntries(
            Map.entry("inferenceProfileName", "string"), Map.entry("description", "string"), Map.entry("clientRequestToken", "string"),
            Map.entry("modelSource", "object"), Map.entry("modelSource.copyFrom", "string"), Map.entry("tags", "list"),
            Map.entry("tags[]", "object"), Map.entry("tags[].key", "string"), Map.entry("tags[].value", "string"));
    static final Map<String, String> TAG = Map.of("resourceARN", "string", "tags", "list", "tags[]", "object",
            "tags[].key", "string", "tags[].value", "string");
    static final Map<String, String> UNTAG = Map.of("resourceARN", "string", "tagKeys", "list", "tagKeys[]", "string");
    static final Map<String, String> LIST_TAGS = Map.of("resourceARN", "string");

    /** An S3 bucket policy (IAM policy grammar: Statement is one statement or a list of them). */
    static final Map<String, String> POLICY = Map.ofEntries(
            Map.entry("Version", "string"), Map.entry("Id", "string"), Map.entry("Statement", "object|list"),
            Map.entry("Statement[]", "object"), Map.entry("Statement.Sid", "string"), Map.entry("Statement[].Sid", "string"),
            Map.entry("Statement.Effect", "string"), Map.entry("Statement[].Effect", "string"),
            Map.entry("Statement.Principal", "string|object"), Map.entry("Statement[].Principal", "string|object"),
            Map.entry("Statement.Action", "string|list"), Map.entry("Statement[].Action", "string|list"),
            Map.entry("Statement[].Action[]", "string"), Map.entry("Statement.Action[]", "string"),
            Map.entry("Statement.Resource", "string|list"), Map.entry("Statement[].Resource", "string|list"),
            Map.entry("Statement[].Resource[]", "string"), Map.entry("Statement.Resource[]", "string"),
            Map.entry("Statement.Condition", "object"), Map.entry("Statement[].Condition", "object"));

    /** The member types for this request, or null when no table applies. */
    static Map<String, String> tableFor(Exchange ex) {
        String path = ex.rawPath;
        switch (ex.service == null ? "" : ex.service) {
            case "bedrock-runtime": {
                if (path.endsWith("/converse") || path.endsWith("/converse-stream")) return CONVERSE;
                if (!path.endsWith("/invoke") && !path.endsWith("/invoke-with-response-stream")) return null;
                String id = path.toLowerCase(java.util.Locale.ROOT);
                if (id.contains("anthropic.")) return CLAUDE;
                if (id.contains("amazon.nova")) return NOVA;
                if (id.contains("cohere.")) return COHERE;
                if (id.contains("twelvelabs.")) return PEGASUS;
                return null; // an application profile ARN: the family is known only after resolving it
            }
            case "bedrock":
                if (!"POST".equals(ex.method)) return null;
                if (path.equals("/inference-profiles") || path.equals("/inference-profiles/")) return CREATE_PROFILE;
                if (path.equals("/tagResource")) return TAG;
                if (path.equals("/untagResource")) return UNTAG;
                if (path.equals("/listTagsForResource")) return LIST_TAGS;
                return null;
            case "s3":
                return "PUT".equals(ex.method) && ex.query().containsKey("policy") ? POLICY : null;
            default:
                return null;
        }
    }

    /** Throws the service's error for the first member of the wrong type; does nothing for bodies it cannot parse. */
    static void check(Exchange ex) {
        Map<String, String> table = tableFor(ex);
        if (table == null || ex.body == null || ex.body.length == 0 || ex.body.length > MAX_CHECKED) return;
        JsonNode root;
        try {
            root = RuntimeSupport.JSON.readTree(ex.body); // the handlers' parser: trailing data is unparseable here too
        } catch (Exception e) {
            return; // the handler answers unparseable bodies with its own message
        }
        if (root == null || !root.isObject()) return;
        String[] bad = walk(root, "", "#", table);
        if (bad == null) return;
        String generic = bad[0], pointer = bad[1], expected = bad[2];
        JsonNode value = root.at(pointer.substring(1));
        boolean invoke = ex.rawPath.endsWith("/invoke") || ex.rawPath.endsWith("/invoke-with-response-stream");
        switch (ex.service) {
            case "s3" -> throw new ApiError(400, "MalformedPolicy", "Invalid policy syntax.");
            case "bedrock" -> throw new ApiError(400, "SerializationException",
                    value.isContainerNode() ? "Start of " + (value.isArray() ? "list" : "structure or map") + " found where not expected."
                            : "Unexpected value at '" + generic + "': expected " + expected.replace("|", " or ") + ".");
            default -> {
                if (invoke) {
                    throw ApiError.validation(RuntimeSupport.malformed(pointer + ": expected type: " + schemaName(expected)
                            + ", found: " + RuntimeSupport.typeName(value)));
                }
                throw ApiError.validation("1 validation error detected: Value at '" + generic.replace("[]", ".member")
                        + "' failed to satisfy constraint: Member must be " + article(expected));
            }
        }
    }

    /** {generic path, JSON pointer, expected type} of the first mismatch below node, or null. */
    private static String[] walk(JsonNode node, String generic, String pointer, Map<String, String> table) {
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                String g = generic.isEmpty() ? e.getKey() : generic + "." + e.getKey();
                String[] bad = member(e.getValue(), g, pointer + "/" + e.getKey(), table);
                if (bad != null) return bad;
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                String[] bad = member(node.get(i), generic + "[]", pointer + "/" + i, table);
                if (bad != null) return bad;
            }
        }
        return null;
    }

    private static String[] member(JsonNode value, String generic, String pointer, Map<String, String> table) {
        String type = table.get(generic);
        if (type == null) return null; // not a member this table knows: left to the handler (documents stay free-form)
        if (value.isNull()) return null;
        if (!matches(value, type)) return new String[] {generic, pointer, type};
        return walk(value, generic, pointer, table);
    }

    private static boolean matches(JsonNode v, String types) {
        for (String t : types.split("\\|")) {
            boolean ok = switch (t) {
                case "string" -> v.isTextual();
                case "int" -> v.isIntegralNumber() && v.canConvertToInt();
                case "number" -> v.isNumber();
                case "boolean" -> v.isBoolean();
                case "object" -> v.isObject();
                case "list" -> v.isArray();
                default -> false;
            };
            if (ok) return true;
        }
        return false;
    }

    /** Type names as the providers' JSON-schema messages spell them. */
    private static String schemaName(String types) {
        return String.join(" or ", java.util.Arrays.stream(types.split("\\|")).map(t -> switch (t) {
            case "string" -> "String";
            case "int" -> "Integer";
            case "number" -> "Number";
            case "boolean" -> "Boolean";
            case "object" -> "JSONObject";
            default -> "JSONArray";
        }).toList());
    }

    private static String article(String types) {
        return String.join(" or ", java.util.Arrays.stream(types.split("\\|")).map(t -> switch (t) {
            case "string" -> "a string";
            case "int" -> "an integer";
            case "number" -> "a number";
            case "boolean" -> "a boolean";
            case "object" -> "a structure";
            default -> "a list";
        }).toList());
    }

    private BodyTypes() {}
}
