import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The AWS SDK for JavaScript v3 against the local endpoint: Converse, ConverseStream, InvokeModel and
 * InvokeModelWithResponseStream, once with the client's default HTTP/2 handler and once with
 * NodeHttpHandler (HTTP/1.1), checked on both sides (node's output and the request log); and the
 * Converse features of issue 12 (tools, streamed tool input, structured output, caching, documents
 * and images, reasoning signatures, service tiers), one exchange each.
 */
class JsSdkTest {
    static final List<String> OPS = List.of("Converse", "ConverseStream", "InvokeModel", "InvokeModelWithResponseStream");
    static final String MODEL = "global.anthropic.claude-haiku-4-5-20251001-v1:0";
    static final String PROMPT = "Hello from the JavaScript SDK suite check";

    static Path dir() {
        return SampleHarness.repoRoot().resolve("tests/js-sdk");
    }

    /** {@code npm ci} when node_modules is missing: the suite installs what it needs itself. */
    @BeforeAll
    static void install() {
        if (Files.isDirectory(dir().resolve("node_modules/@aws-sdk/client-bedrock-runtime"))
                && Files.isDirectory(dir().resolve("node_modules/@smithy/node-http-handler"))) {
            return;
        }
        SampleHarness.Result r = SampleHarness.run(dir(), SampleHarness.baseEnv(null), Duration.ofMinutes(5),
                "npm", "ci", "--no-audit", "--no-fund");
        assertEquals(0, r.exit(), () -> "npm ci failed in tests/js-sdk\n" + r.all());
    }

    @Test
    void http2DefaultHandler() throws Exception {
        check("h2", "h2c");
    }

    @Test
    void http11NodeHttpHandler() throws Exception {
        check("h1", "http/1.1");
    }

    /**
     * The Converse features of issue 12 through the JS SDK (default HTTP/2 handler), one call or one
     * exchange each: what node saw, and what the endpoint was sent (request log).
     */
    @Test
    void converseFeatures() throws Exception {
        try (LocalBedrock lb = SampleHarness.start()) {
            Map<String, String> env = SampleHarness.baseEnv(lb);
            env.remove("AWS_ENDPOINT_URL");
            SampleHarness.Result r = SampleHarness.run(dir(), env, Duration.ofSeconds(90), "node", "check.mjs",
                    "--endpoint", lb.endpoint().toString(), "--handler", "h2", "--features", "all");
            assertEquals(0, r.exit(), () -> "node check.mjs --features all failed\n" + r.all());
            Map<String, JsonNode> f = new java.util.LinkedHashMap<>();
            for (String line : r.stdout().split("\n")) {
                if (!line.startsWith("{")) continue;
                JsonNode n = SampleHarness.JSON.readTree(line);
                f.put(n.path("feature").asText(), n);
            }
            assertEquals(List.of("tools", "tools-stream", "structured", "cache", "attachments", "reasoning", "service-tier"),
                    new ArrayList<>(f.keySet()), r::all);

            JsonNode tools = f.get("tools");
            assertEquals("[\"tool_use\",\"end_turn\"]", tools.path("stopReasons").toString(), r::all);
            assertEquals("Asia/Kolkata", tools.path("input").path("timeZone").asText(), "input generated from the schema's examples");
            assertTrue(tools.path("text").asText().startsWith("[local-bedrock] Tool results: current_time (success): {\"time\":\"17:30 IST\"}."), r::all);
            JsonNode stream = f.get("tools-stream");
            assertTrue(stream.path("pieces").asInt() >= 2, r::all);
            assertEquals("Asia/Kolkata", stream.path("input").path("timeZone").asText(), r::all);
            assertEquals("tool_use", stream.path("stopReason").asText(), r::all);
            assertEquals("{\"city\":\"Mumbai\",\"population\":1000}", f.get("structured").path("answer").toString(), r::all);
            JsonNode cache = f.get("cache");
            int prefixTokens = (cache.path("prefixChars").asInt() + 3) / 4;
            assertEquals(prefixTokens, cache.path("write").asInt(), r::all);
            assertEquals(0, cache.path("firstRead").asInt(), r::all);
            assertEquals("1h", cache.path("ttl").asText(), r::all);
            assertEquals(prefixTokens, cache.path("read").asInt(), r::all);
            assertEquals(0, cache.path("secondWrite").asInt(), r::all);
            JsonNode att = f.get("attachments");
            assertTrue(att.path("text").asText().endsWith("Received: document \"CRIS overview\" (pdf, " + att.path("pdfBytes").asInt()
                    + " bytes); image (png, " + att.path("pngBytes").asInt() + " bytes, 32x16)."), r::all);
            JsonNode reasoning = f.get("reasoning");
            assertTrue(reasoning.path("signatureLength").asInt() > 0, r::all);
            assertEquals("end_turn", reasoning.path("secondStopReason").asText(), "the signed reasoning block went back unchanged");
            assertEquals("flex", f.get("service-tier").path("converse").asText(), r::all);
            assertEquals("priority", f.get("service-tier").path("invoke").asText(), r::all);

            List<RequestLog.Entry> runtime = SampleHarness.runtimeEntries(lb);
            assertEquals(List.of("Converse", "Converse", "ConverseStream", "Converse", "Converse", "Converse", "Converse", "Converse", "Converse",
                    "Converse", "InvokeModel"), runtime.stream().map(RequestLog.Entry::operation).toList(), () -> SampleHarness.describe(runtime));
            for (RequestLog.Entry e : runtime) {
                assertEquals(200, e.status(), () -> SampleHarness.describe(runtime));
                assertEquals("valid", e.signature(), () -> SampleHarness.describe(runtime));
                assertEquals("h2c", e.protocol(), () -> SampleHarness.describe(runtime));
            }
            JsonNode toolResult = runtime.get(1).bodyJson().path("messages").get(2).path("content").get(0).path("toolResult");
            assertEquals(tools.path("toolUseId").asText(), toolResult.path("toolUseId").asText(), "the JS SDK sent the toolResult for the toolUse");
            assertEquals("{\"time\":\"17:30 IST\"}", toolResult.path("content").get(0).path("json").toString());
            assertTrue(runtime.get(3).bodyJson().path("outputConfig").path("textFormat").path("structure").path("jsonSchema").path("schema").isTextual());
            assertEquals("1h", runtime.get(4).bodyJson().path("system").get(1).path("cachePoint").path("ttl").asText());
            assertEquals("CRIS overview", runtime.get(6).bodyJson().path("messages").get(0).path("content").get(1).path("document").path("name").asText());
            assertEquals("adaptive", runtime.get(7).bodyJson().path("additionalModelRequestFields").path("thinking").path("type").asText());
            assertEquals("low", runtime.get(7).bodyJson().path("outputConfig").path("effort").asText());
            assertTrue(runtime.get(8).bodyJson().path("messages").get(1).path("content").get(0).path("reasoningContent").path("reasoningText").has("signature"));
            assertEquals("flex", runtime.get(9).bodyJson().path("serviceTier").path("type").asText());
        }
    }

    void check(String handler, String expectedProtocol) throws Exception {
        try (LocalBedrock lb = SampleHarness.start()) {
            Map<String, String> env = SampleHarness.baseEnv(lb);
            env.remove("AWS_ENDPOINT_URL"); // check.mjs takes the endpoint explicitly
            SampleHarness.Result r = SampleHarness.run(dir(), env, Duration.ofSeconds(60), "node", "check.mjs",
                    "--endpoint", lb.endpoint().toString(), "--handler", handler, "--model", MODEL, "--prompt", PROMPT);
            assertEquals(0, r.exit(), () -> "node check.mjs failed\n" + r.all());

            List<JsonNode> results = new ArrayList<>();
            for (String line : r.stdout().split("\n")) if (line.startsWith("{")) results.add(SampleHarness.JSON.readTree(line));
            assertEquals(OPS.size(), results.size(), () -> "one result line per operation\n" + r.all());
            long in = 0;
            long out = 0;
            for (int i = 0; i < OPS.size(); i++) {
                JsonNode res = results.get(i);
                String op = OPS.get(i);
                assertEquals(op, res.path("op").asText(), () -> r.all());
                assertTrue(res.path("text").asText().startsWith("[local-bedrock] You asked: \"Hello from the JavaScript SDK suite\""),
                        () -> op + ": answer text\n" + r.all());
                assertEquals("end_turn", res.path("stopReason").asText(), () -> op + ": stop reason\n" + r.all());
                assertTrue(res.path("inputTokens").asLong() > 0 && res.path("outputTokens").asLong() > 0, () -> op + ": usage\n" + r.all());
                in += res.path("inputTokens").asLong();
                out += res.path("outputTokens").asLong();
            }

            List<RequestLog.Entry> runtime = SampleHarness.runtimeEntries(lb);
            assertEquals(OPS.size(), runtime.size(), () -> SampleHarness.describe(runtime));
            for (int i = 0; i < OPS.size(); i++) {
                RequestLog.Entry e = runtime.get(i);
                assertEquals(OPS.get(i), e.operation(), () -> SampleHarness.describe(runtime));
                assertEquals(MODEL, e.modelId(), () -> SampleHarness.describe(runtime));
                assertEquals(200, e.status(), () -> SampleHarness.describe(runtime));
                assertEquals("valid", e.signature(), () -> SampleHarness.describe(runtime));
                assertEquals(expectedProtocol, e.protocol(), () -> "HTTP protocol of the " + handler + " handler " + SampleHarness.describe(runtime));
            }
            Usage.Totals t = lb.usage().of(MODEL);
            assertEquals(OPS.size(), t.calls());
            assertEquals(t.inputTokens(), in, "input tokens seen by JS vs counted by the endpoint");
            assertEquals(t.outputTokens(), out, "output tokens seen by JS vs counted by the endpoint");
        }
    }
}
