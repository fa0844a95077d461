import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Iterator;
import java.util.Set;

/**
 * Anthropic Claude through InvokeModel / InvokeModelWithResponseStream (Messages API on Bedrock,
 * wire doc §4.1): body checks with the "Malformed input request" messages, thinking rules per
 * model, the native answer and its stream chunks (message_start … message_stop with
 * amazon-bedrock-invocationMetrics).
 */
final class ClaudeMessages extends RuntimeSupport {
    static final String TEMPERATURE_AND_TOP_P = "The model returned the following errors: `temperature` and `top_p` "
            + "cannot both be specified for this model. Please use only one.";

    private static final Set<String> KEYS = Set.of("anthropic_version", "anthropic_beta", "max_tokens", "system",
            "messages", "temperature", "top_p", "top_k", "stop_sequences", "tools", "tool_choice", "thinking",
            "output_config", "output_format", "context_management", "metadata", "container", "mcp_servers", "service_tier");

    static void invoke(Call call, boolean stream) throws IOException {
        JsonNode req = parseObject(call.ex.body, true);
        for (Iterator<String> it = req.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!KEYS.contains(k)) throw ApiError.validation(malformed("#: extraneous key [" + k + "] is not permitted"));
        }
        if (!req.has("anthropic_version")) throw ApiError.validation(malformed("#: required key [anthropic_version] not found"));
        if (!req.has("max_tokens")) throw ApiError.validation(malformed("#: required key [max_tokens] not found"));
        if (!req.has("messages")) throw ApiError.validation(malformed("#: required key [messages] not found"));
        String version = req.get("anthropic_version").asText("");
        if (!"bedrock-2023-05-31".equals(version)) {
            throw ApiError.validation(malformed("#/anthropic_version: " + version + " is not a valid enum value"));
        }
        JsonNode mt = req.get("max_tokens");
        if (!mt.isIntegralNumber()) throw ApiError.validation(malformed("#/max_tokens: expected type: Integer, found: " + typeName(mt)));
        int max = mt.asInt();
        if (max < 1) throw ApiError.validation(malformed("#/max_tokens: " + max + " is not greater or equal to 1"));
        Double temperature = optRange(req, "temperature", "#/temperature", true);
        Double topP = optRange(req, "top_p", "#/top_p", true);
        if (req.has("top_k") && !req.get("top_k").isIntegralNumber()) {
            throw ApiError.validation(malformed("#/top_k: expected type: Integer, found: " + typeName(req.get("top_k"))));
        }
        if (temperature != null && topP != null) throw ApiError.validation(TEMPERATURE_AND_TOP_P);
        JsonNode beta = req.get("anthropic_beta");
        if (beta != null && !beta.isArray()) {
            throw ApiError.validation(malformed("#/anthropic_beta: expected type: JSONArray, found: " + typeName(beta)));
        }
        JsonNode effort = req.path("output_config").path("effort");
        if (!effort.isMissingNode() && !Set.of("low", "medium", "high", "max").contains(effort.asText())) {
            throw ApiError.validation("The model returned the following errors: output_config.effort: Input should be 'low', 'medium', 'high' or 'max'");
        }
        boolean thinking = thinking(call.model, req.path("thinking"), max, temperature);
        Prompt prompt = messages(req.get("messages"));
        JsonNode system = req.get("system");
        if (system != null) {
            if (system.isTextual()) prompt.chars += system.asText().length();
            else if (system.isArray()) for (JsonNode s : system) prompt.chars += s.path("text").asText("").length();
            else throw ApiError.validation(malformed("#/system: expected type: String or JSONArray, found: " + typeName(system)));
        }
        Answers.Answer a = Answers.answer(call.model, prompt.lastUser, prompt.chars, max, thinking);
        String stop = a.truncated() ? "max_tokens" : "end_turn";
        String id = "msg_bdrk_01" + call.ex.requestId.replace("-", "").substring(0, 22);
        if (!stream) {
            ObjectNode out = F.objectNode().put("id", id).put("type", "message").put("role", "assistant")
                    .put("model", call.model.responseName());
            ArrayNode content = out.putArray("content");
            if (a.thinking() != null) {
                content.addObject().put("type", "thinking").put("thinking", a.thinking()).put("signature", signature(a));
            }
            content.addObject().put("type", "text").put("text", a.text());
            out.put("stop_reason", stop).putNull("stop_sequence");
            out.putObject("usage").put("input_tokens", a.inputTokens()).put("cache_creation_input_tokens", 0)
                    .put("cache_read_input_tokens", 0).put("output_tokens", a.outputTokens());
            long latency = call.latencyMs();
            call.json(out, tokenHeaders(a, latency));
            call.record(a.inputTokens(), a.outputTokens());
            return;
        }
        try (EventStreams.Writer w = call.stream(true)) {
            int[] seq = {0};
            ObjectNode start = F.objectNode().put("type", "message_start");
            ObjectNode m = start.putObject("message").put("id", id).put("type", "message").put("role", "assistant")
                    .put("model", call.model.responseName());
            m.putArray("content");
            m.putNull("stop_reason").putNull("stop_sequence");
            m.putObject("usage").put("input_tokens", a.inputTokens()).put("cache_creation_input_tokens", 0)
                    .put("cache_read_input_tokens", 0).put("output_tokens", 1);
            chunk(w, start, seq);
            int index = 0;
            if (a.thinking() != null) {
                ObjectNode sig = F.objectNode().put("type", "content_block_delta").put("index", index);
                sig.putObject("delta").put("type", "signature_delta").put("signature", signature(a));
                streamBlock(w, seq, index++, "thinking", a.thinking(), sig);
            }
            streamBlock(w, seq, index, "text", a.text());
            ObjectNode md = F.objectNode().put("type", "message_delta");
            md.putObject("delta").put("stop_reason", stop).putNull("stop_sequence");
            md.putObject("usage").put("output_tokens", a.outputTokens());
            chunk(w, md, seq);
            ObjectNode ms = F.objectNode().put("type", "message_stop");
            ms.set("amazon-bedrock-invocationMetrics", invocationMetrics(a, call.latencyMs()));
            chunk(w, ms, seq);
            call.record(a.inputTokens(), a.outputTokens());
        }
    }

    /**
     * One content block of type {@code type} ("text" or "thinking") as the stream sends it: its start, its
     * content in {@code <type>_delta} pieces, then {@code extra} deltas (a thinking block's signature), its stop.
     */
    private static void streamBlock(EventStreams.Writer w, int[] seq, int index, String type, String content, ObjectNode... extra)
            throws IOException {
        ObjectNode start = F.objectNode().put("type", "content_block_start").put("index", index);
        start.putObject("content_block").put("type", type).put(type, "");
        chunk(w, start, seq);
        for (String piece : Answers.pieces(content, 4)) {
            ObjectNode d = F.objectNode().put("type", "content_block_delta").put("index", index);
            d.putObject("delta").put("type", type + "_delta").put(type, piece);
            chunk(w, d, seq);
        }
        for (ObjectNode e : extra) chunk(w, e, seq);
        chunk(w, F.objectNode().put("type", "content_block_stop").put("index", index), seq);
    }

    static Prompt messages(JsonNode messages) {
        if (!messages.isArray()) throw ApiError.validation(malformed("#/messages: expected type: JSONArray, found: " + typeName(messages)));
        if (messages.isEmpty()) throw ApiError.validation(malformed("#/messages: expected minimum item count: 1, found: 0"));
        Prompt p = new Prompt();
        int i = 0;
        for (JsonNode m : messages) {
            String role = m.path("role").asText("");
            if (!role.equals("user") && !role.equals("assistant")) {
                throw ApiError.validation(malformed("#/messages/" + i + "/role: " + role + " is not a valid enum value"));
            }
            JsonNode content = m.get("content");
            String text;
            if (content == null) throw ApiError.validation(malformed("#/messages/" + i + ": required key [content] not found"));
            if (content.isTextual()) {
                text = content.asText();
            } else if (content.isArray()) {
                StringBuilder b = new StringBuilder();
                for (JsonNode block : content) {
                    if ("text".equals(block.path("type").asText())) {
                        if (b.length() > 0) b.append(' ');
                        b.append(block.path("text").asText(""));
                    } else {
                        p.chars += 256;
                    }
                }
                text = b.toString();
            } else {
                throw ApiError.validation(malformed("#/messages/" + i + "/content: expected type: String or JSONArray, found: " + typeName(content)));
            }
            p.chars += text.length();
            if (role.equals("user") && !text.isEmpty()) p.lastUser = text;
            i++;
        }
        return p;
    }

    /**
     * Checks a Claude {@code thinking} object (native or in additionalModelRequestFields):
     * adaptive only on the 4.6 models; enabled needs budget_tokens ≥ 1024 and below max tokens.
     * Returns whether thinking text is produced.
     */
    static boolean thinking(Models.Model model, JsonNode thinking, int maxTokens, Double temperature) {
        if (thinking.isMissingNode() || thinking.isNull()) return false;
        String type = thinking.path("type").asText("");
        switch (type) {
            case "disabled":
                return false;
            case "adaptive":
                if (!model.adaptiveThinking()) {
                    throw ApiError.validation("The model returned the following errors: thinking.type: Input tag 'adaptive' found using "
                            + "'type' does not match any of the expected tags: 'disabled', 'enabled'");
                }
                break;
            case "enabled": {
                JsonNode budget = thinking.get("budget_tokens");
                if (budget == null) throw ApiError.validation("The model returned the following errors: thinking.enabled.budget_tokens: Field required");
                if (!budget.isIntegralNumber() || budget.asInt() < 1024) {
                    throw ApiError.validation("The model returned the following errors: thinking.enabled.budget_tokens: "
                            + "Input should be greater than or equal to 1024");
                }
                if (budget.asInt() >= maxTokens) {
                    throw ApiError.validation("The model returned the following errors: `max_tokens` must be greater than "
                            + "`thinking.budget_tokens`.");
                }
                break;
            }
            default:
                throw ApiError.validation("The model returned the following errors: thinking: Input tag '" + type
                        + "' found using 'type' does not match any of the expected tags: 'adaptive', 'disabled', 'enabled'");
        }
        if (temperature != null && temperature != 1.0) {
            throw ApiError.validation("The model returned the following errors: `temperature` may only be set to 1 when thinking is enabled.");
        }
        return true;
    }

    private ClaudeMessages() {}
}
