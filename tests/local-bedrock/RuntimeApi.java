import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

/**
 * bedrock-runtime: Converse, ConverseStream, InvokeModel and InvokeModelWithResponseStream for
 * the Claude models, Nova 2 Lite, Pegasus 1.2 (Invoke* only) and Cohere Embed v4 (InvokeModel
 * only). Request checks give the errors AWS gives for the same mistakes; answers are deterministic
 * (see {@link Answers}); token usage is added to {@link Usage} under the modelId as sent.
 */
final class RuntimeApi {
    /** Allows long strings: a Pegasus base64 video of 25 MB is about 35 million characters. */
    static final ObjectMapper JSON = new ObjectMapper(com.fasterxml.jackson.core.JsonFactory.builder()
            .streamReadConstraints(com.fasterxml.jackson.core.StreamReadConstraints.builder()
                    .maxStringLength((int) Router.MAX_JSON_BODY).build())
            .build());
    static final JsonNodeFactory F = JsonNodeFactory.instance;
    static final long PEGASUS_BASE64_LIMIT = 25L * 1024 * 1024;
    static final int DEFAULT_MAX_TOKENS = 4096;

    static final String UNSUPPORTED_CONVERSE =
            "This action doesn't support the model that you provided. Try again with a supported text or chat model.";
    static final String TEMPERATURE_AND_TOP_P = "The model returned the following errors: `temperature` and `top_p` "
            + "cannot both be specified for this model. Please use only one.";

    private static final Set<String> CLAUDE_KEYS = Set.of("anthropic_version", "anthropic_beta", "max_tokens", "system",
            "messages", "temperature", "top_p", "top_k", "stop_sequences", "tools", "tool_choice", "thinking",
            "output_config", "output_format", "context_management", "metadata", "container", "mcp_servers", "service_tier");

    private final Faults faults;
    private final Usage usage;
    private final ControlPlane controlPlane;
    private final S3Store s3;

    RuntimeApi(Faults faults, Usage usage, ControlPlane controlPlane, S3Store s3) {
        this.faults = faults;
        this.usage = usage;
        this.controlPlane = controlPlane;
        this.s3 = s3;
    }

    // ------------------------------------------------------------------ routing

    void handle(Exchange ex) throws IOException {
        long start = System.nanoTime();
        int last = ex.rawPath.lastIndexOf('/');
        String rawId = last > "/model/".length() - 1 ? ex.rawPath.substring("/model/".length(), last) : "";
        String op = last >= 0 ? ex.rawPath.substring(last + 1) : "";
        ex.operation = switch (op) {
            case "converse" -> "Converse";
            case "converse-stream" -> "ConverseStream";
            case "invoke" -> "InvokeModel";
            case "invoke-with-response-stream" -> "InvokeModelWithResponseStream";
            default -> null;
        };
        try {
            ex.modelId = Exchange.decode(rawId);
        } catch (IllegalArgumentException e) {
            ex.modelId = rawId;
            throw ApiError.validation(Models.INVALID_ID);
        }
        if (ex.operation == null || rawId.isEmpty() || !"POST".equals(ex.method)) {
            throw new ApiError(404, "UnknownOperationException", "The requested operation is not recognized by the service.");
        }
        Faults.StreamPlan plan = faults.onRuntimeCall(ex.modelId);
        Models.Resolved r = Models.resolve(ex.modelId, controlPlane::resolveApplicationProfile);
        Call call = new Call(ex, r.model(), plan, start);
        switch (ex.operation) {
            case "Converse", "ConverseStream" -> {
                if (!r.model().supportsConverse()) throw ApiError.validation(UNSUPPORTED_CONVERSE);
                converse(call, ex.operation.equals("ConverseStream"));
            }
            case "InvokeModel" -> invoke(call, false);
            default -> {
                if (!r.model().supportsStreaming()) {
                    throw ApiError.validation("The model is unsupported for streaming.");
                }
                invoke(call, true);
            }
        }
    }

    /** One runtime call in progress. */
    private final class Call {
        final Exchange ex;
        final Models.Model model;
        final Faults.StreamPlan plan;
        final long startNanos;

        Call(Exchange ex, Models.Model model, Faults.StreamPlan plan, long startNanos) {
            this.ex = ex;
            this.model = model;
            this.plan = plan;
            this.startNanos = startNanos;
        }

        long latencyMs() {
            return Math.max(1, (System.nanoTime() - startNanos) / 1_000_000);
        }

        void record(long in, long out) {
            usage.add(ex.modelId, in, out);
        }

        void json(JsonNode body, Map<String, String> headers) throws IOException {
            ex.responseHeaders.putAll(headers);
            ex.respond(200, "application/json", JSON.writeValueAsBytes(body));
        }

        EventStreams.Writer stream(boolean invoke) throws IOException {
            Map<String, String> h = new LinkedHashMap<>();
            h.put("Content-Type", "application/vnd.amazon.eventstream");
            if (invoke) h.put("X-Amzn-Bedrock-Content-Type", "application/json");
            OutputStream out = ex.startStream(200, h);
            return new EventStreams.Writer(out, plan, ex);
        }
    }

    // ------------------------------------------------------------------ Converse

    private void converse(Call call, boolean stream) throws IOException {
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
            if (temp != null && anyTopP) throw ApiError.validation(TEMPERATURE_AND_TOP_P);
            thinking = claudeThinking(call.model, extra.path("thinking"), max, temp);
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
            content.addObject().put("text", a.text());
            ObjectNode out = F.objectNode();
            ObjectNode msg = out.putObject("output").putObject("message");
            msg.put("role", "assistant");
            msg.set("content", content);
            out.put("stopReason", stop);
            out.set("usage", converseUsage(a));
            out.putObject("metrics").put("latencyMs", call.latencyMs());
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
            for (String piece : Answers.pieces(a.text(), 4)) {
                ObjectNode e = F.objectNode().put("contentBlockIndex", index);
                e.putObject("delta").put("text", piece);
                w.event("contentBlockDelta", e.put("p", EventStreams.pad(seq++)));
            }
            w.event("contentBlockStop", F.objectNode().put("contentBlockIndex", index).put("p", EventStreams.pad(seq++)));
            w.event("messageStop", F.objectNode().put("stopReason", stop).put("p", EventStreams.pad(seq++)));
            ObjectNode meta = F.objectNode();
            meta.set("usage", converseUsage(a));
            meta.putObject("metrics").put("latencyMs", call.latencyMs());
            w.event("metadata", meta.put("p", EventStreams.pad(seq)));
            call.record(a.inputTokens(), a.outputTokens());
        }
    }

    private static ObjectNode converseUsage(Answers.Answer a) {
        return F.objectNode().put("inputTokens", a.inputTokens()).put("outputTokens", a.outputTokens())
                .put("totalTokens", a.totalTokens()).put("cacheReadInputTokens", 0).put("cacheWriteInputTokens", 0);
    }

    /** Prompt facts: the last user text and the characters of everything sent. */
    private static final class Prompt {
        String lastUser = "";
        int chars;
    }

    private static Prompt converseMessages(JsonNode req) {
        JsonNode messages = req.get("messages");
        if (messages == null || messages.isNull()) {
            throw ApiError.validation("1 validation error detected: Value null at 'messages' failed to satisfy constraint: Member must not be null");
        }
        if (!messages.isArray()) throw ApiError.validation("1 validation error detected: Value at 'messages' failed to satisfy constraint: Member must be a list");
        if (messages.isEmpty() || !"user".equals(messages.get(0).path("role").asText())) {
            throw ApiError.validation("A conversation must start with a user message. Try again with a conversation that starts with a user message.");
        }
        Prompt p = new Prompt();
        for (JsonNode m : messages) {
            String role = m.path("role").asText("");
            if (!role.equals("user") && !role.equals("assistant")) {
                throw ApiError.validation("1 validation error detected: Value '" + role + "' at 'messages.member.role' failed to satisfy constraint: "
                        + "Member must satisfy enum value set: [user, assistant]");
            }
            JsonNode content = m.get("content");
            if (content == null || !content.isArray()) {
                throw ApiError.validation("1 validation error detected: Value at 'messages.member.content' failed to satisfy constraint: Member must be a list");
            }
            StringBuilder text = new StringBuilder();
            for (JsonNode block : content) {
                if (block.has("text")) {
                    if (!block.get("text").isTextual()) throw ApiError.validation("Value at 'messages.member.content.member.text' must be a string");
                    if (text.length() > 0) text.append(' ');
                    text.append(block.get("text").asText());
                } else {
                    p.chars += 256; // images, documents, tool results: a flat local estimate
                }
            }
            p.chars += text.length();
            if (role.equals("user") && text.length() > 0) p.lastUser = text.toString();
        }
        return p;
    }

    // ------------------------------------------------------------------ InvokeModel (+ stream)

    private void invoke(Call call, boolean stream) throws IOException {
        switch (call.model.family()) {
            case CLAUDE -> claudeInvoke(call, stream);
            case NOVA -> novaInvoke(call, stream);
            case PEGASUS -> pegasusInvoke(call, stream);
            default -> cohereEmbed(call);
        }
    }

    private static Map<String, String> tokenHeaders(Answers.Answer a, long latencyMs) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("X-Amzn-Bedrock-Input-Token-Count", Integer.toString(a.inputTokens()));
        h.put("X-Amzn-Bedrock-Output-Token-Count", Integer.toString(a.outputTokens()));
        h.put("X-Amzn-Bedrock-Invocation-Latency", Long.toString(latencyMs));
        return h;
    }

    private static ObjectNode invocationMetrics(Answers.Answer a, long latencyMs) {
        return F.objectNode().put("inputTokenCount", a.inputTokens()).put("outputTokenCount", a.outputTokens())
                .put("invocationLatency", latencyMs).put("firstByteLatency", Math.max(1, latencyMs / 2));
    }

    // ---- Anthropic Claude (Messages API)

    private static String malformed(String detail) {
        return "Malformed input request: " + detail + ", please reformat your input and try again.";
    }

    private void claudeInvoke(Call call, boolean stream) throws IOException {
        JsonNode req = parseObject(call.ex.body, true);
        for (Iterator<String> it = req.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!CLAUDE_KEYS.contains(k)) throw ApiError.validation(malformed("#: extraneous key [" + k + "] is not permitted"));
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
        boolean thinking = claudeThinking(call.model, req.path("thinking"), max, temperature);
        Prompt prompt = claudeMessages(req.get("messages"));
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
                ObjectNode bs = F.objectNode().put("type", "content_block_start").put("index", index);
                bs.putObject("content_block").put("type", "thinking").put("thinking", "");
                chunk(w, bs, seq);
                for (String piece : Answers.pieces(a.thinking(), 4)) {
                    ObjectNode d = F.objectNode().put("type", "content_block_delta").put("index", index);
                    d.putObject("delta").put("type", "thinking_delta").put("thinking", piece);
                    chunk(w, d, seq);
                }
                ObjectNode sig = F.objectNode().put("type", "content_block_delta").put("index", index);
                sig.putObject("delta").put("type", "signature_delta").put("signature", signature(a));
                chunk(w, sig, seq);
                chunk(w, F.objectNode().put("type", "content_block_stop").put("index", index), seq);
                index++;
            }
            ObjectNode ts = F.objectNode().put("type", "content_block_start").put("index", index);
            ts.putObject("content_block").put("type", "text").put("text", "");
            chunk(w, ts, seq);
            for (String piece : Answers.pieces(a.text(), 4)) {
                ObjectNode d = F.objectNode().put("type", "content_block_delta").put("index", index);
                d.putObject("delta").put("type", "text_delta").put("text", piece);
                chunk(w, d, seq);
            }
            chunk(w, F.objectNode().put("type", "content_block_stop").put("index", index), seq);
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

    private static void chunk(EventStreams.Writer w, JsonNode nativeChunk, int[] seq) throws IOException {
        w.event("chunk", EventStreams.chunk(nativeChunk, seq[0]++));
    }

    private static Prompt claudeMessages(JsonNode messages) {
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
    private static boolean claudeThinking(Models.Model model, JsonNode thinking, int maxTokens, Double temperature) {
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

    private static String reasoningText(Models.Model model, Answers.Answer a) {
        if (a.thinking() == null) return null;
        return model.family() == Models.Family.NOVA ? "[REDACTED]" : a.thinking();
    }

    /** A stable fake signature for thinking blocks (local-only, not verifiable). */
    private static String signature(Answers.Answer a) {
        if (a.thinking() == null) return null;
        return Base64.getEncoder().encodeToString(sha256("local-bedrock:" + a.thinking()));
    }

    // ---- Amazon Nova 2 Lite

    private void novaInvoke(Call call, boolean stream) throws IOException {
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

    private static ObjectNode wrap(String key, JsonNode value) {
        ObjectNode n = F.objectNode();
        n.set(key, value);
        return n;
    }

    // ---- TwelveLabs Pegasus 1.2

    private void pegasusInvoke(Call call, boolean stream) throws IOException {
        JsonNode req = parseObject(call.ex.body, true);
        JsonNode prompt = req.get("inputPrompt");
        if (prompt == null) throw ApiError.validation(malformed("#: required key [inputPrompt] not found"));
        if (!prompt.isTextual() || prompt.asText().isBlank()) {
            throw ApiError.validation(malformed("#/inputPrompt: expected a non-empty string"));
        }
        JsonNode media = req.get("mediaSource");
        if (media == null) throw ApiError.validation(malformed("#: required key [mediaSource] not found"));
        Double temperature = optRange(req, "temperature", "#/temperature", true);
        Integer max = optInt(req, "maxOutputTokens", "#/maxOutputTokens", true);
        if (max != null && (max < 1 || max > 4096)) {
            throw ApiError.validation(malformed("#/maxOutputTokens: " + max + " is not between 1 and 4096"));
        }
        boolean hasS3 = media.has("s3Location");
        boolean hasB64 = media.has("base64String");
        if (hasS3 == hasB64) {
            throw ApiError.validation(malformed("#/mediaSource: exactly one of [s3Location, base64String] is required"));
        }
        int videoChars;
        if (hasS3) {
            checkPegasusS3(media.get("s3Location"));
            videoChars = 2000;
        } else {
            JsonNode b64 = media.get("base64String");
            if (!b64.isTextual()) throw ApiError.validation(malformed("#/mediaSource/base64String: expected type: String"));
            String s = b64.asText();
            long decoded = (long) s.length() / 4 * 3 - (s.endsWith("==") ? 2 : s.endsWith("=") ? 1 : 0);
            if (decoded > PEGASUS_BASE64_LIMIT) {
                throw ApiError.validation("The provided base64String media is " + decoded + " bytes; the maximum size for base64 "
                        + "input is 25 MB. Upload larger videos to Amazon S3 and use s3Location instead.");
            }
            try {
                Base64.getDecoder().decode(s);
            } catch (IllegalArgumentException e) {
                throw ApiError.validation(malformed("#/mediaSource/base64String: not valid base64"));
            }
            videoChars = 2000;
        }
        Answers.Answer a = Answers.answer(call.model, prompt.asText(), prompt.asText().length() + videoChars,
                max == null ? 2048 : max, false);
        String finish = a.truncated() ? "length" : "stop";
        if (!stream) {
            ObjectNode out = F.objectNode().put("message", a.text()).put("finishReason", finish);
            call.json(out, tokenHeaders(a, call.latencyMs()));
            call.record(a.inputTokens(), a.outputTokens());
            return;
        }
        try (EventStreams.Writer w = call.stream(true)) {
            int[] seq = {0};
            for (String piece : Answers.pieces(a.text(), 4)) {
                chunk(w, F.objectNode().put("message", piece), seq);
            }
            ObjectNode fin = F.objectNode().put("message", "").put("stopReason", finish).put("finishReason", finish);
            fin.set("amazon-bedrock-invocationMetrics", invocationMetrics(a, call.latencyMs()));
            chunk(w, fin, seq);
            call.record(a.inputTokens(), a.outputTokens());
        }
    }

    /** Bedrock may read the video only if the caller owns the bucket and its policy grants bedrock.amazonaws.com s3:GetObject. */
    private void checkPegasusS3(JsonNode loc) {
        String uri = loc.path("uri").asText("");
        if (!uri.startsWith("s3://") || uri.indexOf('/', 5) < 0 || uri.endsWith("/")) {
            throw ApiError.validation("The provided S3 URI is invalid: '" + uri + "'. Use the form s3://bucket/key.");
        }
        String bucket = uri.substring(5, uri.indexOf('/', 5));
        String key = uri.substring(uri.indexOf('/', 5) + 1);
        String owner = loc.path("bucketOwner").asText("");
        if (!owner.isEmpty() && !owner.equals(LocalBedrock.ACCOUNT_ID)) {
            throw ApiError.accessDenied("Access denied to " + uri + ": the bucket is not owned by account " + owner + ".");
        }
        Optional<String> policy = s3.bucketPolicy(bucket);
        if (policy.isEmpty() || !policyAllowsBedrock(policy.get(), bucket, key)) {
            throw ApiError.accessDenied("Amazon Bedrock cannot read " + uri + ". The bucket policy must allow the service principal "
                    + "bedrock.amazonaws.com to perform s3:GetObject on the object.");
        }
        if (!s3.objectExists(bucket, key)) {
            throw ApiError.validation("The provided S3 object " + uri + " does not exist.");
        }
    }

    static boolean policyAllowsBedrock(String policyJson, String bucket, String key) {
        JsonNode policy;
        try {
            policy = JSON.readTree(policyJson);
        } catch (IOException e) {
            return false;
        }
        JsonNode statements = policy.path("Statement");
        List<JsonNode> list = new ArrayList<>();
        if (statements.isArray()) statements.forEach(list::add);
        else if (statements.isObject()) list.add(statements);
        String objectArn = "arn:aws:s3:::" + bucket + "/" + key;
        for (JsonNode st : list) {
            if (!"Allow".equals(st.path("Effect").asText())) continue;
            if (!anyMatches(st.path("Principal").path("Service"), "bedrock.amazonaws.com")
                    && !"*".equals(st.path("Principal").asText(null))) continue;
            if (!anyMatches(st.path("Action"), "s3:GetObject")) continue;
            if (anyMatches(st.path("Resource"), objectArn)) return true;
        }
        return false;
    }

    private static boolean anyMatches(JsonNode patterns, String value) {
        List<String> ps = new ArrayList<>();
        if (patterns.isTextual()) ps.add(patterns.asText());
        else if (patterns.isArray()) patterns.forEach(p -> ps.add(p.asText()));
        for (String p : ps) {
            String regex = ("\\Q" + p + "\\E").replace("*", "\\E.*\\Q").replace("?", "\\E.\\Q");
            if (value.matches("(?i)" + regex)) return true;
        }
        return false;
    }

    // ---- Cohere Embed v4

    private static final List<String> EMBEDDING_TYPES = List.of("float", "int8", "uint8", "binary", "ubinary");

    private void cohereEmbed(Call call) throws IOException {
        JsonNode req = parseObject(call.ex.body, true);
        JsonNode inputType = req.get("input_type");
        if (inputType == null) throw ApiError.validation(malformed("#: required key [input_type] not found"));
        if (!Set.of("search_document", "search_query", "classification", "clustering").contains(inputType.asText())) {
            throw ApiError.validation(malformed("#/input_type: " + inputType.asText() + " is not a valid enum value"));
        }
        List<String> items = new ArrayList<>();
        String echoKey = null;
        JsonNode texts = req.get("texts");
        JsonNode images = req.get("images");
        JsonNode inputs = req.get("inputs");
        if (texts != null && images != null) throw ApiError.validation(malformed("#: only one of [texts, images] may be given"));
        if (texts != null) {
            if (!texts.isArray()) throw ApiError.validation(malformed("#/texts: expected type: JSONArray, found: " + typeName(texts)));
            for (JsonNode t : texts) {
                if (!t.isTextual()) throw ApiError.validation(malformed("#/texts: expected type: String, found: " + typeName(t)));
                items.add(t.asText());
            }
            echoKey = "texts";
        } else if (images != null && images.isArray()) {
            images.forEach(i -> items.add(i.asText()));
            echoKey = "images";
        } else if (inputs != null && inputs.isArray()) {
            for (JsonNode in : inputs) {
                StringBuilder b = new StringBuilder();
                for (JsonNode c : in.path("content")) {
                    b.append("text".equals(c.path("type").asText()) ? c.path("text").asText("") : c.toString());
                }
                items.add(b.toString());
            }
            echoKey = "inputs";
        }
        if (items.isEmpty()) throw ApiError.validation(malformed("#: one of [texts, images, inputs] with at least one item is required"));
        if (items.size() > 96) throw ApiError.validation(malformed("#/" + echoKey + ": expected maximum item count: 96, found: " + items.size()));
        int dim = 1536;
        JsonNode od = req.get("output_dimension");
        if (od != null) {
            if (!od.isIntegralNumber() || !Set.of(256, 512, 1024, 1536).contains(od.asInt())) {
                throw ApiError.validation(malformed("#/output_dimension: " + od + " is not a valid enum value (256, 512, 1024, 1536)"));
            }
            dim = od.asInt();
        }
        JsonNode truncate = req.get("truncate");
        if (truncate != null && !Set.of("NONE", "LEFT", "RIGHT").contains(truncate.asText())) {
            throw ApiError.validation(malformed("#/truncate: " + truncate.asText() + " is not a valid enum value"));
        }
        List<String> types = new ArrayList<>();
        JsonNode et = req.get("embedding_types");
        if (et != null) {
            if (!et.isArray()) throw ApiError.validation(malformed("#/embedding_types: expected type: JSONArray, found: " + typeName(et)));
            for (JsonNode t : et) {
                if (!EMBEDDING_TYPES.contains(t.asText())) {
                    throw ApiError.validation(malformed("#/embedding_types: " + t.asText() + " is not a valid enum value"));
                }
                if (!types.contains(t.asText())) types.add(t.asText());
            }
        }
        ObjectNode out = F.objectNode().put("id", call.ex.requestId);
        List<float[]> vectors = new ArrayList<>();
        int inputTokens = 0;
        for (String item : items) {
            vectors.add(Embeddings.unitVector(item, dim));
            inputTokens += Math.max(1, Answers.tokens(item));
        }
        if (types.isEmpty()) {
            ArrayNode list = out.putArray("embeddings");
            for (float[] v : vectors) list.add(Embeddings.toJson(v, "float"));
            out.put("response_type", "embeddings_floats");
        } else {
            ObjectNode byType = out.putObject("embeddings");
            for (String type : types) {
                ArrayNode list = byType.putArray(type);
                for (float[] v : vectors) list.add(Embeddings.toJson(v, type));
            }
            out.put("response_type", "embeddings_by_type");
        }
        if ("inputs".equals(echoKey)) out.set("inputs", inputs);
        else if ("texts".equals(echoKey)) out.set("texts", texts);
        Map<String, String> h = new LinkedHashMap<>();
        h.put("X-Amzn-Bedrock-Input-Token-Count", Integer.toString(inputTokens));
        h.put("X-Amzn-Bedrock-Invocation-Latency", Long.toString(call.latencyMs()));
        call.json(out, h);
        call.record(inputTokens, 0);
    }

    /** Deterministic embeddings: a unit vector seeded by the text's hash, and its quantised forms. */
    static final class Embeddings {
        static float[] unitVector(String text, int dim) {
            byte[] h = sha256(text);
            long seed = 0;
            for (int i = 0; i < 8; i++) seed = (seed << 8) | (h[i] & 0xff);
            Random r = new Random(seed);
            float[] v = new float[dim];
            double norm = 0;
            for (int i = 0; i < dim; i++) {
                v[i] = (float) r.nextGaussian();
                norm += v[i] * v[i];
            }
            norm = Math.sqrt(norm);
            for (int i = 0; i < dim; i++) v[i] = (float) (v[i] / norm);
            return v;
        }

        static ArrayNode toJson(float[] v, String type) {
            ArrayNode a = F.arrayNode();
            float maxAbs = 1e-9f;
            for (float x : v) maxAbs = Math.max(maxAbs, Math.abs(x));
            switch (type) {
                case "float" -> { for (float x : v) a.add(x); }
                case "int8" -> { for (float x : v) a.add(Math.round(x / maxAbs * 127f)); }
                case "uint8" -> { for (float x : v) a.add(Math.round(x / maxAbs * 127f) + 128); }
                default -> { // binary / ubinary: one bit per dimension (1 when > 0), packed 8 per value
                    for (int i = 0; i < v.length; i += 8) {
                        int b = 0;
                        for (int j = 0; j < 8; j++) b = (b << 1) | (v[i + j] > 0 ? 1 : 0);
                        a.add("binary".equals(type) ? b - 128 : b);
                    }
                }
            }
            return a;
        }

        private Embeddings() {}
    }

    // ------------------------------------------------------------------ JSON helpers

    private static JsonNode parseObject(byte[] body, boolean nativeBody) {
        JsonNode n;
        try {
            n = JSON.readTree(body);
        } catch (IOException e) {
            String why = e instanceof com.fasterxml.jackson.core.JsonProcessingException jp ? jp.getOriginalMessage() : e.getMessage();
            throw ApiError.validation(nativeBody ? malformed("request body is not valid JSON (" + why + ")")
                    : "The request body is not valid JSON: " + why);
        }
        if (n == null || n.isMissingNode() || !n.isObject()) {
            throw ApiError.validation(nativeBody ? malformed("#: expected type: JSONObject, found: " + (n == null || n.isMissingNode() ? "empty body" : typeName(n)))
                    : "The request body must be a JSON object.");
        }
        return n;
    }

    private static Integer optInt(JsonNode parent, String field, String path, boolean nativeBody) {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) return null;
        if (!n.isIntegralNumber() || !n.canConvertToInt()) {
            throw ApiError.validation(nativeBody ? malformed(path + ": expected type: Integer, found: " + typeName(n))
                    : "1 validation error detected: Value '" + n.asText() + "' at '" + path + "' failed to satisfy constraint: Member must be an integer");
        }
        return n.asInt();
    }

    private static Double optRange(JsonNode parent, String field, String path, boolean nativeBody) {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) return null;
        if (!n.isNumber()) {
            throw ApiError.validation(nativeBody ? malformed(path + ": expected type: Number, found: " + typeName(n))
                    : "1 validation error detected: Value '" + n.asText() + "' at '" + path + "' failed to satisfy constraint: Member must be a number");
        }
        double d = n.asDouble();
        if (d < 0 || d > 1) {
            throw ApiError.validation(nativeBody ? malformed(path + ": " + n + " is not between 0 and 1")
                    : "1 validation error detected: Value '" + n + "' at '" + path + "' failed to satisfy constraint: "
                    + "Member must have value " + (d < 0 ? "greater than or equal to 0" : "less than or equal to 1"));
        }
        return d;
    }

    private static String typeName(JsonNode n) {
        if (n.isTextual()) return "String";
        if (n.isIntegralNumber()) return "Integer";
        if (n.isNumber()) return "BigDecimal";
        if (n.isBoolean()) return "Boolean";
        if (n.isArray()) return "JSONArray";
        if (n.isObject()) return "JSONObject";
        return "Null";
    }

    static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
