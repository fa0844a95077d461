import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Converse and ConverseStream (wire doc §1.6, §1.7, §2.3) for the Claude models and Nova 2 Lite:
 * request checks, then one assistant turn built as Converse content blocks (reasoning, text, a
 * toolUse), sent as one JSON body or as events messageStart, [contentBlockStart] contentBlockDelta…
 * contentBlockStop per block, messageStop, metadata. Feature rules live in their own classes:
 * {@link Conversation} (multi-turn), {@link ConverseTools} (tool use), {@link StructuredOutput}
 * (outputConfig: JSON-schema answers, effort), {@link PromptCache} (cache points and their accounting),
 * {@link Attachments} (documents and images), {@link ReasoningSignatures} (reasoning blocks sent back),
 * {@link ServiceTiers} (serviceTier, echoed in the answer and the stream's metadata).
 */
final class ConverseApi extends RuntimeSupport {
    static final String UNSUPPORTED_MODEL =
            "This action doesn't support the model that you provided. Try again with a supported text or chat model.";

    /** The assistant turn: content blocks in Converse form, stop reason and token counts. */
    static final class Turn {
        final ArrayNode content = F.arrayNode();
        String stopReason;
        int inputTokens;
        int outputTokens;
        PromptCache.Accounting cache = PromptCache.Accounting.NONE;

        ObjectNode usage() {
            ObjectNode u = F.objectNode().put("inputTokens", inputTokens).put("outputTokens", outputTokens)
                    .put("totalTokens", inputTokens + outputTokens + cache.read() + cache.write())
                    .put("cacheReadInputTokens", cache.read()).put("cacheWriteInputTokens", cache.write());
            if (!cache.writtenPerTtl().isEmpty()) {
                ArrayNode details = u.putArray("cacheDetails");
                cache.writtenPerTtl().forEach((ttl, n) -> details.addObject().put("ttl", ttl).put("inputTokens", n));
            }
            return u;
        }
    }

    static void converse(Call call, boolean stream) throws IOException {
        JsonNode req = parseObject(call.ex.body, false);
        Prompt prompt = converseMessages(req);
        JsonNode messages = req.get("messages");
        JsonNode system = req.get("system");
        if (system != null && !system.isNull()) {
            if (!system.isArray()) throw ApiError.validation("1 validation error detected: Value at 'system' failed to satisfy constraint: Member must be a list of SystemContentBlock");
            for (JsonNode s : system) prompt.chars += s.path("text").asText("").length();
        }
        Conversation.check(messages, system);
        JsonNode cfg = req.path("inferenceConfig");
        if (!cfg.isMissingNode() && !cfg.isNull() && !cfg.isObject()) {
            throw ApiError.validation("1 validation error detected: Value at 'inferenceConfig' failed to satisfy constraint: Member must be a structure");
        }
        Integer maxTokens = optInt(cfg, "maxTokens", "inferenceConfig.maxTokens", false);
        if (maxTokens != null && maxTokens < 1) {
            throw ApiError.constraint(String.valueOf(maxTokens), "inferenceConfig.maxTokens", "Member must have value greater than or equal to 1");
        }
        Double temperature = optRange(cfg, "temperature", "inferenceConfig.temperature", false);
        Double topP = optRange(cfg, "topP", "inferenceConfig.topP", false);
        JsonNode extra = req.path("additionalModelRequestFields");
        ConverseTools.Config tools = ConverseTools.parse(req.get("toolConfig"));
        ConverseTools.checkHistory(messages, tools);
        if (tools != null) prompt.chars += req.get("toolConfig").toString().length();
        StructuredOutput.Spec output = StructuredOutput.parse(req.get("outputConfig"), extra, call.model);
        boolean structured = output != null && output.schema() != null;
        if (structured) prompt.chars += output.schemaText().length();
        List<Attachments.Item> attached = Attachments.check(messages);
        List<PromptCache.Point> cachePoints = PromptCache.points(req, call.model);
        ReasoningSignatures.verify(messages, call.model);
        ServiceTiers.checkConverse(req.get("serviceTier"), call.model, call.faults);
        int max = maxTokens == null ? DEFAULT_MAX_TOKENS : maxTokens;
        boolean thinking;
        if (call.model.family() == Models.Family.CLAUDE) {
            boolean anyTopP = topP != null || (extra.has("top_p") && !extra.get("top_p").isNull());
            Double temp = temperature != null ? temperature : (extra.has("temperature") ? extra.get("temperature").asDouble() : null);
            if (temp != null && anyTopP) throw ApiError.validation(ClaudeMessages.TEMPERATURE_AND_TOP_P);
            thinking = ClaudeMessages.thinking(call.model, extra.path("thinking"), max, temp);
            if (thinking && tools != null && tools.forcesTool()) {
                throw ApiError.validation("The model returned the following errors: Thinking may not be enabled when tool_choice forces tool use.");
            }
        } else {
            thinking = "enabled".equals(extra.path("reasoningConfig").path("type").asText(""));
        }

        Answers.Answer a = Answers.answer(call.model, prompt.lastUser, prompt.chars, max, thinking);
        ConverseTools.Call toolCall = ConverseTools.next(tools, messages, call.faults, call.ex.requestId);
        String text = null; // null: the default answer of Answers
        if (toolCall != null) {
            text = structured ? "" : "I'll use the " + toolCall.name() + " tool.";
        } else if (structured) {
            text = StructuredOutput.answer(output, call.faults);
        } else if (!ConverseTools.toolResultIds(messages.get(messages.size() - 1)).isEmpty()) {
            text = "[local-bedrock] Tool results: " + String.join("; ", ConverseTools.results(messages).values())
                    + ". This is a deterministic answer from the local Bedrock-compatible endpoint for "
                    + call.model.displayName() + "; no AWS model was called.";
        } else if (!attached.isEmpty()) {
            text = Answers.answer(call.model, prompt.lastUser, prompt.chars, Integer.MAX_VALUE / 2, false).text()
                    + " Received: " + Attachments.describe(attached) + ".";
        }
        Turn t = turn(call.model, a, text, toolCall, max);
        if (!call.simulationNote.isEmpty() && !structured) appendText(t, call.simulationNote); // JSON answers stay JSON
        if (call.promptCache != null) {
            t.cache = call.promptCache.account(cachePoints, System.currentTimeMillis());
            t.inputTokens -= t.cache.read() + t.cache.write();
        }
        if (!stream) {
            ObjectNode out = F.objectNode();
            ObjectNode msg = out.putObject("output").putObject("message");
            msg.put("role", "assistant");
            msg.set("content", t.content);
            out.put("stopReason", t.stopReason);
            out.set("usage", t.usage());
            out.putObject("metrics").put("latencyMs", call.latencyMs());
            echoSettings(req, out);
            call.json(out, Map.of());
            call.record(t.inputTokens, t.outputTokens);
            return;
        }
        try (EventStreams.Writer w = call.stream(false)) {
            int[] seq = {0};
            w.event("messageStart", F.objectNode().put("role", "assistant").put("p", EventStreams.pad(seq[0]++)));
            for (int index = 0; index < t.content.size(); index++) streamBlock(w, seq, index, t.content.get(index));
            w.event("messageStop", F.objectNode().put("stopReason", t.stopReason).put("p", EventStreams.pad(seq[0]++)));
            ObjectNode meta = F.objectNode();
            meta.set("usage", t.usage());
            meta.putObject("metrics").put("latencyMs", call.latencyMs());
            echoSettings(req, meta);
            w.event("metadata", meta.put("p", EventStreams.pad(seq[0])));
            call.record(t.inputTokens, t.outputTokens);
        }
    }

    /**
     * Builds the turn within the max-tokens budget: the reasoning block (when thinking), the text
     * ({@code text}, or the default answer when null) and the tool call; what does not fit is cut and
     * the stop reason is max_tokens.
     */
    static Turn turn(Models.Model model, Answers.Answer a, String text, ConverseTools.Call toolCall, int max) {
        Turn t = new Turn();
        t.inputTokens = a.inputTokens();
        String reasoning = reasoningText(model, a);
        if (reasoning != null) {
            ObjectNode rt = t.content.addObject().putObject("reasoningContent").putObject("reasoningText").put("text", reasoning);
            String signature = model.family() == Models.Family.CLAUDE ? ReasoningSignatures.sign(reasoning) : signature(a);
            if (signature != null) rt.put("signature", signature);
        }
        int used = Answers.tokens(a.thinking());
        boolean truncated;
        if (text == null) {
            text = a.text();
            truncated = a.truncated();
        } else {
            int left = Math.max(0, max - used);
            truncated = Answers.tokens(text) > left;
            if (truncated) text = text.substring(0, Math.min(text.length(), left * 4));
        }
        if (!text.isEmpty()) t.content.addObject().put("text", text);
        used += Answers.tokens(text);
        boolean called = false;
        if (toolCall != null && !truncated) {
            int need = Answers.tokens(toolCall.name() + toolCall.input().toString());
            if (used + need <= max) {
                t.content.add(ConverseTools.block(toolCall));
                used += need;
                called = true;
            } else {
                truncated = true;
            }
        }
        t.outputTokens = used;
        t.stopReason = truncated ? "max_tokens" : called ? "tool_use" : "end_turn";
        return t;
    }

    /** Appends Simulation.java's note ("simulated locally") to the turn's last text block. */
    static void appendText(Turn t, String note) {
        for (int i = t.content.size() - 1; i >= 0; i--) {
            JsonNode b = t.content.get(i);
            if (b.has("text")) {
                ((ObjectNode) b).put("text", b.get("text").asText() + note);
                return;
            }
        }
        t.content.addObject().put("text", note.strip());
    }

    /** One content block as stream events (index = contentBlockIndex). */
    static void streamBlock(EventStreams.Writer w, int[] seq, int index, JsonNode block) throws IOException {
        if (block.has("reasoningContent")) {
            JsonNode rt = block.get("reasoningContent").path("reasoningText");
            for (String piece : Answers.pieces(rt.path("text").asText(), 4)) {
                ObjectNode e = F.objectNode().put("contentBlockIndex", index);
                e.putObject("delta").putObject("reasoningContent").put("text", piece);
                w.event("contentBlockDelta", e.put("p", EventStreams.pad(seq[0]++)));
            }
            if (rt.has("signature")) {
                ObjectNode e = F.objectNode().put("contentBlockIndex", index);
                e.putObject("delta").putObject("reasoningContent").put("signature", rt.get("signature").asText());
                w.event("contentBlockDelta", e.put("p", EventStreams.pad(seq[0]++)));
            }
        } else if (block.has("toolUse")) {
            JsonNode u = block.get("toolUse");
            ObjectNode start = F.objectNode().put("contentBlockIndex", index);
            start.putObject("start").putObject("toolUse").put("toolUseId", u.get("toolUseId").asText()).put("name", u.get("name").asText());
            w.event("contentBlockStart", start.put("p", EventStreams.pad(seq[0]++)));
            for (String piece : jsonPieces(u.get("input").toString())) {
                ObjectNode e = F.objectNode().put("contentBlockIndex", index);
                e.putObject("delta").putObject("toolUse").put("input", piece);
                w.event("contentBlockDelta", e.put("p", EventStreams.pad(seq[0]++)));
            }
        } else {
            for (String piece : Answers.pieces(block.path("text").asText(), 4)) {
                ObjectNode e = F.objectNode().put("contentBlockIndex", index);
                e.putObject("delta").put("text", piece);
                w.event("contentBlockDelta", e.put("p", EventStreams.pad(seq[0]++)));
            }
        }
        w.event("contentBlockStop", F.objectNode().put("contentBlockIndex", index).put("p", EventStreams.pad(seq[0]++)));
    }

    /** A tool input's JSON text in at least two pieces (three when long enough), as the service streams it. */
    static List<String> jsonPieces(String json) {
        List<String> out = new ArrayList<>();
        int n = json.length() >= 9 ? 3 : 2;
        int size = Math.max(1, (json.length() + n - 1) / n);
        for (int i = 0; i < json.length(); i += size) out.add(json.substring(i, Math.min(json.length(), i + size)));
        return out;
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
