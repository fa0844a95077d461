import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Map;

/**
 * Converse and ConverseStream (wire doc §1.6, §1.7, §2.3) for the Claude models and Nova 2 Lite:
 * request checks, the answer as one JSON body, or as events messageStart, contentBlockDelta…,
 * contentBlockStop, messageStop, metadata (reasoning block first when thinking was asked for).
 */
final class ConverseApi extends RuntimeSupport {
    static final String UNSUPPORTED_MODEL =
            "This action doesn't support the model that you provided. Try again with a supported text or chat model.";

    static void converse(Call call, boolean stream) throws IOException {
        JsonNode req = parseObject(call.ex.body, false);
        Prompt prompt = converseMessages(req);
        JsonNode system = req.get("system");
        if (system != null && !system.isNull()) {
            if (!system.isArray()) throw ApiError.validation("1 validation error detected: Value at 'system' failed to satisfy constraint: Member must be a list of SystemContentBlock");
            for (JsonNode s : system) prompt.chars += s.path("text").asText("").length();
        }
        JsonNode cfg = req.path("inferenceConfig");
        if (!cfg.isMissingNode() && !cfg.isNull() && !cfg.isObject()) {
            throw ApiError.validation("1 validation error detected: Value at 'inferenceConfig' failed to satisfy constraint: Member must be a structure");
        }
        Integer maxTokens = optInt(cfg, "maxTokens", "inferenceConfig.maxTokens", false);
        if (maxTokens != null && maxTokens < 1) {
            throw ApiError.validation("1 validation error detected: Value '" + maxTokens + "' at 'inferenceConfig.maxTokens' "
                    + "failed to satisfy constraint: Member must have value greater than or equal to 1");
        }
        Double temperature = optRange(cfg, "temperature", "inferenceConfig.temperature", false);
        Double topP = optRange(cfg, "topP", "inferenceConfig.topP", false);
        JsonNode extra = req.path("additionalModelRequestFields");
        int max = maxTokens == null ? DEFAULT_MAX_TOKENS : maxTokens;
        boolean thinking = false;
        if (call.model.family() == Models.Family.CLAUDE) {
            boolean anyTopP = topP != null || (extra.has("top_p") && !extra.get("top_p").isNull());
            Double temp = temperature != null ? temperature : (extra.has("temperature") ? extra.get("temperature").asDouble() : null);
            if (temp != null && anyTopP) throw ApiError.validation(ClaudeMessages.TEMPERATURE_AND_TOP_P);
            thinking = ClaudeMessages.thinking(call.model, extra.path("thinking"), max, temp);
        } else {
            thinking = "enabled".equals(extra.path("reasoningConfig").path("type").asText(""));
        }
        Answers.Answer a = Answers.answer(call.model, prompt.lastUser, prompt.chars, max, thinking);
        String stop = a.truncated() ? "max_tokens" : "end_turn";
        String reasoning = reasoningText(call.model, a);
        String signature = signature(a);
        if (!stream) {
            ArrayNode content = F.arrayNode();
            if (reasoning != null) {
                ObjectNode rt = content.addObject().putObject("reasoningContent").putObject("reasoningText").put("text", reasoning);
                if (signature != null) rt.put("signature", signature);
            }
            content.addObject().put("text", a.text() + call.simulationNote);
            ObjectNode out = F.objectNode();
            ObjectNode msg = out.putObject("output").putObject("message");
            msg.put("role", "assistant");
            msg.set("content", content);
            out.put("stopReason", stop);
            out.set("usage", converseUsage(a));
            out.putObject("metrics").put("latencyMs", call.latencyMs());
            echoSettings(req, out);
            call.json(out, Map.of());
            call.record(a.inputTokens(), a.outputTokens());
            return;
        }
        try (EventStreams.Writer w = call.stream(false)) {
            int seq = 0;
            w.event("messageStart", F.objectNode().put("role", "assistant").put("p", EventStreams.pad(seq++)));
            int index = 0;
            if (reasoning != null) {
                for (String piece : Answers.pieces(reasoning, 4)) {
                    ObjectNode e = F.objectNode().put("contentBlockIndex", index);
                    e.putObject("delta").putObject("reasoningContent").put("text", piece);
                    w.event("contentBlockDelta", e.put("p", EventStreams.pad(seq++)));
                }
                if (signature != null) {
                    ObjectNode e = F.objectNode().put("contentBlockIndex", index);
                    e.putObject("delta").putObject("reasoningContent").put("signature", signature);
                    w.event("contentBlockDelta", e.put("p", EventStreams.pad(seq++)));
                }
                w.event("contentBlockStop", F.objectNode().put("contentBlockIndex", index).put("p", EventStreams.pad(seq++)));
                index++;
            }
            for (String piece : Answers.pieces(a.text() + call.simulationNote, 4)) {
                ObjectNode e = F.objectNode().put("contentBlockIndex", index);
                e.putObject("delta").put("text", piece);
                w.event("contentBlockDelta", e.put("p", EventStreams.pad(seq++)));
            }
            w.event("contentBlockStop", F.objectNode().put("contentBlockIndex", index).put("p", EventStreams.pad(seq++)));
            w.event("messageStop", F.objectNode().put("stopReason", stop).put("p", EventStreams.pad(seq++)));
            ObjectNode meta = F.objectNode();
            meta.set("usage", converseUsage(a));
            meta.putObject("metrics").put("latencyMs", call.latencyMs());
            echoSettings(req, meta);
            w.event("metadata", meta.put("p", EventStreams.pad(seq)));
            call.record(a.inputTokens(), a.outputTokens());
        }
    }

    static ObjectNode converseUsage(Answers.Answer a) {
        return F.objectNode().put("inputTokens", a.inputTokens()).put("outputTokens", a.outputTokens())
                .put("totalTokens", a.totalTokens()).put("cacheReadInputTokens", 0).put("cacheWriteInputTokens", 0);
    }

    static String reasoningText(Models.Model model, Answers.Answer a) {
        if (a.thinking() == null) return null;
        return model.family() == Models.Family.NOVA ? "[REDACTED]" : a.thinking();
    }

    /** Converse answers repeat the performanceConfig and serviceTier they were sent. */
    private static void echoSettings(JsonNode req, ObjectNode out) {
        if (req.path("performanceConfig").isObject()) out.set("performanceConfig", req.get("performanceConfig"));
        if (req.path("serviceTier").isObject()) out.set("serviceTier", req.get("serviceTier"));
    }

    private ConverseApi() {}
}
