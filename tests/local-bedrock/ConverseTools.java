import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Tool use through Converse/ConverseStream: the {@code toolConfig} checks, the toolUse/toolResult
 * pairing checks on the history (AWS's messages where they could be found, wire doc §12), and the
 * local "model" that calls tools (local-only, deterministic): the declared tools one per assistant
 * turn in declared order, each once per conversation ({@code toolChoice.tool} first; {@code any}:
 * the next uncalled tool, else the first), with an input generated from the tool's input schema
 * ({@link JsonSchemas#generate}) unless the {@code tool-input} fault overrides it; once every tool
 * was called, the answer quotes each toolResult.
 */
final class ConverseTools {
    static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_-]+");
    static final String NEEDS_TOOL_CONFIG = "The toolConfig field must be defined when using toolUse and toolResult content blocks.";

    /** One declared tool. */
    record Tool(String name, JsonNode schema) {}

    /** A validated toolConfig: the tools in order and the choice ("auto", "any" or "tool"). */
    record Config(List<Tool> tools, String choice, String choiceName, int cachePoints) {
        Tool tool(String name) {
            for (Tool t : tools) if (t.name.equals(name)) return t;
            return null;
        }

        boolean forcesTool() {
            return choice.equals("any") || choice.equals("tool");
        }
    }

    /** A tool call the model makes this turn. */
    record Call(String toolUseId, String name, JsonNode input) {}

    /** Checks {@code toolConfig} (null when absent). */
    static Config parse(JsonNode toolConfig) {
        if (toolConfig == null || toolConfig.isNull()) return null;
        if (!toolConfig.isObject()) throw ApiError.validation("1 validation error detected: Value at 'toolConfig' failed to satisfy constraint: Member must be a structure");
        JsonNode tools = toolConfig.get("tools");
        if (tools == null || tools.isNull()) {
            throw ApiError.missing("toolConfig.tools");
        }
        if (!tools.isArray()) throw ApiError.validation("1 validation error detected: Value at 'toolConfig.tools' failed to satisfy constraint: Member must be a list");
        if (tools.isEmpty()) {
            throw ApiError.constraint("[]", "toolConfig.tools", "Member must have length greater than or equal to 1");
        }
        List<Tool> out = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        int cachePoints = 0;
        for (int i = 0; i < tools.size(); i++) {
            JsonNode t = tools.get(i);
            String at = "toolConfig.tools." + (i + 1) + ".member";
            if (t.has("cachePoint")) {
                cachePoints++;
                continue;
            }
            if (t.has("systemTool")) continue; // system tools are not modelled locally
            JsonNode spec = t.get("toolSpec");
            if (spec == null || !spec.isObject()) {
                throw ApiError.validation("1 validation error detected: Value at '" + at + "' failed to satisfy constraint: "
                        + "Member must have exactly one of toolSpec, systemTool, cachePoint");
            }
            JsonNode name = spec.get("name");
            if (name == null || name.isNull()) {
                throw ApiError.missing(at + ".toolSpec.name");
            }
            String n = name.asText();
            if (n.length() > 64) {
                throw ApiError.constraint(n, at + ".toolSpec.name", "Member must have length less than or equal to 64");
            }
            if (!NAME.matcher(n).matches()) {
                throw ApiError.constraint(n, at + ".toolSpec.name", "Member must satisfy regular expression pattern: [a-zA-Z0-9_-]+");
            }
            JsonNode description = spec.get("description");
            if (description != null && description.isTextual() && description.asText().isEmpty()) {
                throw ApiError.constraint("", at + ".toolSpec.description", "Member must have length greater than or equal to 1");
            }
            JsonNode schema = spec.path("inputSchema").get("json");
            if (schema == null || schema.isNull()) {
                throw ApiError.missing(at + ".toolSpec.inputSchema");
            }
            if (!schema.isObject() || !"object".equals(schema.path("type").asText())) {
                throw ApiError.validation("The model returned the following errors: tools." + out.size() + ".custom.input_schema.type: Input should be 'object'");
            }
            if (!names.add(n)) throw ApiError.validation("The model returned the following errors: tools: Tool names must be unique.");
            out.add(new Tool(n, schema));
        }
        String choice = "auto";
        String choiceName = null;
        JsonNode tc = toolConfig.get("toolChoice");
        if (tc != null && !tc.isNull()) {
            if (!tc.isObject() || tc.size() != 1) {
                throw ApiError.validation("1 validation error detected: Value at 'toolConfig.toolChoice' failed to satisfy constraint: "
                        + "Member must have exactly one of auto, any, tool");
            }
            choice = tc.fieldNames().next();
            if (!Set.of("auto", "any", "tool").contains(choice)) {
                throw ApiError.validation("1 validation error detected: Value at 'toolConfig.toolChoice' failed to satisfy constraint: "
                        + "Member must have exactly one of auto, any, tool");
            }
            if (choice.equals("tool")) {
                choiceName = tc.path("tool").path("name").asText("");
                if (!names.contains(choiceName)) {
                    throw ApiError.validation("The model returned the following errors: tool_choice.name: Tool '" + choiceName
                            + "' not found in the provided tools");
                }
            }
        }
        if (out.isEmpty()) {
            throw ApiError.validation("1 validation error detected: Value at 'toolConfig.tools' failed to satisfy constraint: "
                    + "Member must contain at least one toolSpec");
        }
        return new Config(out, choice, choiceName, cachePoints);
    }

    /**
     * The history's tool blocks: toolUse/toolResult need a toolConfig; each toolResult answers a
     * toolUse of the immediately preceding assistant turn, and every such toolUse is answered.
     */
    static void checkHistory(JsonNode messages, Config cfg) {
        boolean any = false;
        for (JsonNode m : messages) for (JsonNode b : m.path("content")) any |= b.has("toolUse") || b.has("toolResult");
        if (!any) return;
        if (cfg == null) throw ApiError.validation(NEEDS_TOOL_CONFIG);
        for (int i = 0; i < messages.size(); i++) {
            JsonNode m = messages.get(i);
            JsonNode content = m.path("content");
            List<String> results = new ArrayList<>();
            for (int j = 0; j < content.size(); j++) {
                JsonNode b = content.get(j);
                JsonNode use = b.get("toolUse");
                if (use != null) {
                    String at = "messages." + (i + 1) + ".member.content." + (j + 1) + ".member.toolUse";
                    for (String f : new String[] {"toolUseId", "name"}) {
                        if (!use.path(f).isTextual()) {
                            throw ApiError.missing(at + "." + f);
                        }
                        if (!NAME.matcher(use.get(f).asText()).matches()) {
                            throw ApiError.constraint(use.get(f).asText(), at + "." + f,
                                    "Member must satisfy regular expression pattern: [a-zA-Z0-9_-]+");
                        }
                    }
                }
                JsonNode res = b.get("toolResult");
                if (res == null) continue;
                String at = "messages." + (i + 1) + ".member.content." + (j + 1) + ".member.toolResult";
                if (!res.path("toolUseId").isTextual()) {
                    throw ApiError.missing(at + ".toolUseId");
                }
                JsonNode status = res.get("status");
                if (status != null && !status.isNull() && !Set.of("success", "error").contains(status.asText())) {
                    throw ApiError.notInSet(status.asText(), at + ".status", "success, error");
                }
                JsonNode rc = res.get("content");
                if (rc == null || rc.isNull()) {
                    throw ApiError.missing(at + ".content");
                }
                if (rc.isEmpty() && status != null && "error".equals(status.asText())) {
                    throw ApiError.validation("The content field at messages." + i + ".content." + j
                            + ".toolResult cannot be empty when status value is error.");
                }
                results.add(res.get("toolUseId").asText());
            }
            if (!results.isEmpty()) {
                List<String> uses = i > 0 ? toolUseIds(messages.get(i - 1)) : List.of();
                if (results.size() > uses.size()) {
                    throw ApiError.validation("The number of toolResult blocks at messages." + i
                            + ".content exceeds the number of toolUse blocks of previous turn.");
                }
                for (int j = 0; j < content.size(); j++) {
                    JsonNode res = content.get(j).get("toolResult");
                    if (res != null && !uses.contains(res.get("toolUseId").asText())) {
                        throw ApiError.validation("The model returned the following errors: messages." + i + ".content." + j
                                + ": unexpected `tool_use_id` found in `tool_result` blocks: " + res.get("toolUseId").asText()
                                + ". Each `tool_result` block must have a corresponding `tool_use` block in the previous message.");
                    }
                }
            }
        }
        for (int i = 0; i < messages.size(); i++) {
            JsonNode m = messages.get(i);
            if ("assistant".equals(m.path("role").asText())) {
                List<String> uses = toolUseIds(m);
                if (uses.isEmpty()) continue;
                List<String> answered = i + 1 < messages.size() ? toolResultIds(messages.get(i + 1)) : List.of();
                List<String> missing = new ArrayList<>();
                for (String id : uses) if (!answered.contains(id)) missing.add(id);
                if (!missing.isEmpty()) {
                    throw ApiError.validation("Expected toolResult blocks at messages." + (i + 1) + ".content for the following Ids: "
                            + String.join(", ", missing));
                }
            }
        }
    }

    static List<String> toolUseIds(JsonNode message) {
        List<String> ids = new ArrayList<>();
        for (JsonNode b : message.path("content")) if (b.has("toolUse")) ids.add(b.get("toolUse").path("toolUseId").asText());
        return ids;
    }

    static List<String> toolResultIds(JsonNode message) {
        List<String> ids = new ArrayList<>();
        for (JsonNode b : message.path("content")) if (b.has("toolResult")) ids.add(b.get("toolResult").path("toolUseId").asText());
        return ids;
    }

    /** The tool the model calls this turn, or null when it answers with text. */
    static Call next(Config cfg, JsonNode messages, Faults faults, String requestId) {
        if (cfg == null) return null;
        Set<String> called = new LinkedHashSet<>();
        for (JsonNode m : messages) {
            if (!"assistant".equals(m.path("role").asText())) continue;
            for (JsonNode b : m.path("content")) if (b.has("toolUse")) called.add(b.get("toolUse").path("name").asText());
        }
        Tool pick = null;
        if (cfg.choice().equals("tool") && !called.contains(cfg.choiceName())) pick = cfg.tool(cfg.choiceName());
        if (pick == null) for (Tool t : cfg.tools()) if (!called.contains(t.name())) { pick = t; break; }
        if (pick == null && cfg.forcesTool()) pick = cfg.choice().equals("tool") ? cfg.tool(cfg.choiceName()) : cfg.tools().get(0);
        if (pick == null) return null;
        JsonNode input = faults == null ? null : faults.toolInputFor(pick.name());
        if (input == null) input = JsonSchemas.generate(pick.schema());
        return new Call(toolUseId(requestId, pick.name()), pick.name(), input);
    }

    /** {@code tooluse_} + 22 url-safe characters, derived from the request id and the tool name. */
    static String toolUseId(String requestId, String name) {
        byte[] h = RuntimeSupport.sha256(requestId + ":" + name);
        return "tooluse_" + Base64.getUrlEncoder().withoutPadding().encodeToString(h).substring(0, 22);
    }

    /** The tool results of the conversation in order, toolUseId → "name (status): content". */
    static Map<String, String> results(JsonNode messages) {
        Map<String, String> names = new LinkedHashMap<>();
        Map<String, String> out = new LinkedHashMap<>();
        for (JsonNode m : messages) {
            for (JsonNode b : m.path("content")) {
                if (b.has("toolUse")) names.put(b.get("toolUse").path("toolUseId").asText(), b.get("toolUse").path("name").asText());
                JsonNode r = b.get("toolResult");
                if (r == null) continue;
                String id = r.path("toolUseId").asText();
                StringBuilder s = new StringBuilder();
                for (JsonNode c : r.path("content")) {
                    if (s.length() > 0) s.append(' ');
                    if (c.has("text")) s.append(c.get("text").asText());
                    else if (c.has("json")) s.append(c.get("json").toString());
                    else if (c.has("image")) s.append("[image]");
                    else if (c.has("document")) s.append("[document]");
                    else s.append("[content]");
                }
                String status = r.path("status").asText("success");
                out.put(id, names.getOrDefault(id, "tool") + " (" + status + "): " + s);
            }
        }
        return out;
    }

    /** The toolUse content block of a call. */
    static ObjectNode block(Call c) {
        ObjectNode b = RuntimeSupport.F.objectNode();
        ObjectNode u = b.putObject("toolUse");
        u.put("toolUseId", c.toolUseId()).put("name", c.name());
        u.set("input", c.input());
        return b;
    }

    private ConverseTools() {}
}
