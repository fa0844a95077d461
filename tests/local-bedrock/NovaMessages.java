import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/**
 * Amazon Nova 2 Lite through InvokeModel / InvokeModelWithResponseStream (native messages-v1 body,
 * wire doc §4.2): accepts both max_new_tokens/maxTokens and topP/top_p spellings.
 */
final class NovaMessages extends RuntimeSupport {
    static void invoke(Call call, boolean stream) throws IOException {
        JsonNode req = parseObject(call.ex.body, true);
        if (!req.has("messages")) throw ApiError.validation(malformed("#: required key [messages] not found"));
        Prompt prompt = converseMessages(req);
        JsonNode system = req.get("system");
        if (system != null && system.isArray()) for (JsonNode s : system) prompt.chars += s.path("text").asText("").length();
        JsonNode cfg = req.path("inferenceConfig");
        Integer max = optInt(cfg, "max_new_tokens", "#/inferenceConfig/max_new_tokens", true);
        if (max == null) max = optInt(cfg, "maxTokens", "#/inferenceConfig/maxTokens", true);
        if (max != null && max < 1) throw ApiError.validation(malformed("#/inferenceConfig/max_new_tokens: " + max + " is not greater or equal to 1"));
        optRange(cfg, "temperature", "#/inferenceConfig/temperature", true);
        optRange(cfg, "topP", "#/inferenceConfig/topP", true);
        optRange(cfg, "top_p", "#/inferenceConfig/top_p", true);
        boolean thinking = "enabled".equals(req.path("reasoningConfig").path("type").asText(""));
        Answers.Answer a = Answers.answer(call.model, prompt.lastUser, prompt.chars, max == null ? DEFAULT_MAX_TOKENS : max, thinking);
        String stop = a.truncated() ? "max_tokens" : "end_turn";
        if (!stream) {
            ObjectNode out = F.objectNode();
            ObjectNode msg = out.putObject("output").putObject("message").put("role", "assistant");
            ArrayNode content = msg.putArray("content");
            if (thinking) content.addObject().putObject("reasoningContent").putObject("reasoningText").put("text", "[REDACTED]");
            content.addObject().put("text", a.text());
            out.put("stopReason", stop);
            out.putObject("usage").put("inputTokens", a.inputTokens()).put("outputTokens", a.outputTokens())
                    .put("totalTokens", a.totalTokens()).put("cacheReadInputTokenCount", 0).put("cacheWriteInputTokenCount", 0);
            call.json(out, tokenHeaders(a, call.latencyMs()));
            call.record(a.inputTokens(), a.outputTokens());
            return;
        }
        try (EventStreams.Writer w = call.stream(true)) {
            int[] seq = {0};
            chunk(w, wrap("messageStart", F.objectNode().put("role", "assistant")), seq);
            int index = 0;
            if (thinking) {
                ObjectNode d = F.objectNode();
                d.putObject("delta").putObject("reasoningContent").put("text", "[REDACTED]");
                chunk(w, wrap("contentBlockDelta", d.put("contentBlockIndex", index)), seq);
                chunk(w, wrap("contentBlockStop", F.objectNode().put("contentBlockIndex", index)), seq);
                index++;
            }
            for (String piece : Answers.pieces(a.text(), 4)) {
                ObjectNode d = F.objectNode();
                d.putObject("delta").put("text", piece);
                chunk(w, wrap("contentBlockDelta", d.put("contentBlockIndex", index)), seq);
            }
            chunk(w, wrap("contentBlockStop", F.objectNode().put("contentBlockIndex", index)), seq);
            chunk(w, wrap("messageStop", F.objectNode().put("stopReason", stop)), seq);
            ObjectNode meta = F.objectNode();
            ObjectNode md = meta.putObject("metadata");
            md.putObject("usage").put("inputTokens", a.inputTokens()).put("outputTokens", a.outputTokens());
            md.putObject("metrics");
            md.putObject("trace");
            meta.set("amazon-bedrock-invocationMetrics", invocationMetrics(a, call.latencyMs()));
            chunk(w, meta, seq);
            call.record(a.inputTokens(), a.outputTokens());
        }
    }

    private NovaMessages() {}
}
