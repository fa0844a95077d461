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
 * NodeHttpHandler (HTTP/1.1), checked on both sides (node's output and the request log).
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
