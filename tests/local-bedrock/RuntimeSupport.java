import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the runtime operations share: the call in progress, body checks that answer with AWS's
 * messages, token headers, invocation metrics and stream chunks. The per-family classes extend
 * it only to use these helpers unqualified.
 */
abstract class RuntimeSupport {
    /** Allows long strings: a Pegasus base64 video of 25 MB is about 35 million characters. Refuses trailing data. */
    static final ObjectMapper JSON = new ObjectMapper(com.fasterxml.jackson.core.JsonFactory.builder()
            .streamReadConstraints(com.fasterxml.jackson.core.StreamReadConstraints.builder()
                    .maxStringLength((int) Router.MAX_JSON_BODY).build())
            .build())
            // a body is one JSON value: anything after it makes the body invalid JSON, not ignored
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    static final JsonNodeFactory F = JsonNodeFactory.instance;
    static final int DEFAULT_MAX_TOKENS = 4096;

    /** One runtime call in progress. */
    static final class Call {
        final Exchange ex;
        final Models.Model model;
        final Faults.StreamPlan plan;
        final long startNanos;
        final Usage usage;
        final S3Store s3;
        /** What Simulation.java simulated for this call, appended to Converse answers ("" when nothing). */
        String simulationNote = "";
        /** Set by RuntimeApi for the Converse feature faults (tool-input, structured-invalid); may be null. */
        Faults faults;
        /** Set by RuntimeApi: the endpoint's prompt-cache store for Converse cache points; may be null. */
        PromptCache promptCache;

        Call(Exchange ex, Models.Model model, Faults.StreamPlan plan, long startNanos, Usage usage, S3Store s3) {
            this.ex = ex;
            this.model = model;
            this.plan = plan;
            this.startNanos = startNanos;
            this.usage = usage;
            this.s3 = s3;
        }

        long latencyMs() {
            return Math.max(1, (System.nanoTime() - startNanos) / 1_000_000);
        }

        void record(long in, long out) {
            usage.add(ex.modelId, in, out);
        }

        void json(JsonNode body, Map<String, String> headers) throws IOException {
            ex.responseHeaders.putAll(headers);
            // InvokeModel echoes the latency and tier settings it was sent
            for (String h : new String[] {"X-Amzn-Bedrock-PerformanceConfig-Latency", "X-Amzn-Bedrock-Service-Tier"}) {
                String v = ex.header(h);
                if (v != null && ex.operation.startsWith("Invoke")) ex.responseHeaders.put(h, v);
            }
            ex.respond(200, "application/json", JSON.writeValueAsBytes(body));
        }

        EventStreams.Writer stream(boolean invoke) throws IOException {
            Map<String, String> h = new LinkedHashMap<>();
            h.put("Content-Type", "application/vnd.amazon.eventstream");
            if (invoke) h.put("X-Amzn-Bedrock-Content-Type", "application/json");
            // InvokeModelWithResponseStream echoes the latency and tier settings it was sent, as InvokeModel does
            for (String name : new String[] {"X-Amzn-Bedrock-PerformanceConfig-Latency", "X-Amzn-Bedrock-Service-Tier"}) {
                String v = ex.header(name);
                if (v != null && invoke) h.put(name, v);
            }
            OutputStream out = ex.startStream(200, h);
            return new EventStreams.Writer(out, plan, ex);
        }
    }

    /** Prompt facts: the last user text and the characters of everything sent. */
    static final class Prompt {
        String lastUser = "";
        int chars;
    }

    static Prompt converseMessages(JsonNode req) {
        JsonNode messages = req.get("messages");
        if (messages == null || messages.isNull()) {
            throw ApiError.missing("messages");
        }
        if (!messages.isArray()) throw ApiError.validation("1 validation error detected: Value at 'messages' failed to satisfy constraint: Member must be a list");
        if (messages.isEmpty() || !"user".equals(messages.get(0).path("role").asText())) {
            throw ApiError.validation("A conversation must start with a user message. Try again with a conversation that starts with a user message.");
        }
        Prompt p = new Prompt();
        for (JsonNode m : messages) {
            String role = m.path("role").asText("");
            if (!role.equals("user") && !role.equals("assistant")) {
                throw ApiError.notInSet(role, "messages.member.role", "user, assistant");
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

    static Map<String, String> tokenHeaders(Answers.Answer a, long latencyMs) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("X-Amzn-Bedrock-Input-Token-Count", Integer.toString(a.inputTokens()));
        h.put("X-Amzn-Bedrock-Output-Token-Count", Integer.toString(a.outputTokens()));
        h.put("X-Amzn-Bedrock-Invocation-Latency", Long.toString(latencyMs));
        return h;
    }

    static ObjectNode invocationMetrics(Answers.Answer a, long latencyMs) {
        return F.objectNode().put("inputTokenCount", a.inputTokens()).put("outputTokenCount", a.outputTokens())
                .put("invocationLatency", latencyMs).put("firstByteLatency", Math.max(1, latencyMs / 2));
    }

    static String malformed(String detail) {
        return "Malformed input request: " + detail + ", please reformat your input and try again.";
    }

    static void chunk(EventStreams.Writer w, JsonNode nativeChunk, int[] seq) throws IOException {
        w.event("chunk", EventStreams.chunk(nativeChunk, seq[0]++));
    }

    static ObjectNode wrap(String key, JsonNode value) {
        ObjectNode n = F.objectNode();
        n.set(key, value);
        return n;
    }

    /** A stable fake signature for thinking blocks (local-only, not verifiable). */
    static String signature(Answers.Answer a) {
        if (a.thinking() == null) return null;
        return Base64.getEncoder().encodeToString(sha256("local-bedrock:" + a.thinking()));
    }

    static JsonNode parseObject(byte[] body, boolean nativeBody) {
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

    static Integer optInt(JsonNode parent, String field, String path, boolean nativeBody) {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) return null;
        if (!n.isIntegralNumber() || !n.canConvertToInt()) {
            throw ApiError.validation(nativeBody ? malformed(path + ": expected type: Integer, found: " + typeName(n))
                    : "1 validation error detected: Value '" + n.asText() + "' at '" + path + "' failed to satisfy constraint: Member must be an integer");
        }
        return n.asInt();
    }

    static Double optRange(JsonNode parent, String field, String path, boolean nativeBody) {
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

    static String typeName(JsonNode n) {
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
    RuntimeSupport() {}
}
