import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * converse-structured-haiku (outputConfig with a JSON schema, the answer read into a record, defective
 * answers refused) and converse-cache-sonnet-4-6 (a long system prompt and a cachePoint, two calls:
 * cache write, then cache read; the warning below the model's minimum), run as child processes against
 * a fresh local endpoint; what was sent is read from the endpoint's request log.
 */
class FeatureStructuredCacheTest {
    static final String STRUCTURED = "converse-structured-haiku";
    static final String CACHE = "converse-cache-sonnet-4-6";
    static final String HAIKU = "global.anthropic.claude-haiku-4-5-20251001-v1:0";
    static final String SONNET_46 = "global.anthropic.claude-sonnet-4-6";
    static final Path HANDBOOK = SampleHarness.repoRoot()
            .resolve("global-cris/foundation_models/converse_features/global-cris-operations-handbook.txt");

    @BeforeAll
    static void build() {
        SampleHarness.assertBuilt(SampleHarness.alias(STRUCTURED));
        SampleHarness.assertBuilt(SampleHarness.alias(CACHE));
    }

    // ------------------------------------------------------------------ structured output

    /** The schema travels as JSON text in outputConfig; the answer generated from it is printed field by field. */
    @Test
    void structuredAnswerIsReadIntoTheRecord() throws IOException {
        try (LocalBedrock lb = SampleHarness.start()) {
            SampleHarness.Result r = SampleHarness.runAlias(lb, STRUCTURED, "--prompt", "Triage: Bedrock calls fail in eu-west-1", "--max-tokens", "300");
            SampleHarness.assertSuccess(r);
            RequestLog.Entry call = single(lb, "Converse", HAIKU, r);
            JsonNode body = call.bodyJson();
            assertEquals("Triage: Bedrock calls fail in eu-west-1", body.at("/messages/0/content/0/text").asText(), () -> body.toString());
            assertEquals(300, body.at("/inferenceConfig/maxTokens").asInt(), () -> body.toString());
            JsonNode format = body.at("/outputConfig/textFormat");
            assertEquals("json_schema", format.path("type").asText(), () -> "outputConfig.textFormat.type: " + body);
            JsonNode jsonSchema = format.at("/structure/jsonSchema");
            assertEquals("ticket_triage", jsonSchema.path("name").asText(), () -> body.toString());
            assertTrue(jsonSchema.path("schema").isTextual(), () -> "the schema is sent as JSON text: " + body);
            JsonNode schema = SampleHarness.JSON.readTree(jsonSchema.path("schema").asText());
            assertEquals("object", schema.path("type").asText(), () -> schema.toString());
            assertFalse(schema.path("additionalProperties").asBoolean(true), () -> "Claude needs additionalProperties false: " + schema);
            assertEquals(List.of("category", "priority", "summary", "needsHuman", "regions"), texts(schema.path("required")), () -> schema.toString());
            assertEquals("throttling", schema.at("/properties/category/enum/0").asText(), () -> schema.toString());
            assertEquals("urgent", schema.at("/properties/priority/enum/0").asText(), () -> schema.toString());

            // the local model's answer: enum → first value, examples → first, boolean → true, array → []
            String out = r.stdout();
            JsonNode printed = SampleHarness.JSON.readTree(line(out, "💬 Response (JSON):", 1));
            assertEquals("throttling", printed.path("category").asText(), () -> r.all());
            assertTrue(out.contains("📋 Category:    throttling"), () -> r.all());
            assertTrue(out.contains("📋 Priority:    urgent"), () -> r.all());
            assertTrue(out.contains("📋 Summary:     " + schema.at("/properties/summary/examples/0").asText()), () -> r.all());
            assertTrue(out.contains("📋 Needs human: yes"), () -> r.all());
            assertTrue(out.contains("📋 Regions:     (none named)"), () -> r.all());
            assertTrue(out.contains("🛑 Stop reason: end_turn"), () -> r.all());
        }
    }

    /** Local-only fault: the next structured answer lacks its first required property → exit 1, one line naming it. */
    @Test
    void structuredAnswerWithoutARequiredFieldFails() {
        try (LocalBedrock lb = SampleHarness.start()) {
            lb.faults().structuredInvalid("missing-required");
            SampleHarness.Result r = SampleHarness.runAlias(lb, STRUCTURED);
            assertEquals(1, r.exit(), () -> r.all());
            String line = SampleHarness.assertOneLineError(r);
            assertTrue(line.contains("lacks the required field 'category'"), () -> r.all());
            assertFalse(r.stdout().contains("📋"), () -> "no field printed from a defective answer\n" + r.all());
            single(lb, "Converse", HAIKU, r);
        }
    }

    /** Local-only fault: the next structured answer is not JSON → exit 1, one line. */
    @Test
    void structuredAnswerThatIsNotJsonFails() {
        try (LocalBedrock lb = SampleHarness.start()) {
            lb.faults().structuredInvalid("not-json");
            SampleHarness.Result r = SampleHarness.runAlias(lb, STRUCTURED);
            assertEquals(1, r.exit(), () -> r.all());
            String line = SampleHarness.assertOneLineError(r);
            assertTrue(line.contains("the answer is not JSON"), () -> r.all());
            assertFalse(r.stdout().contains("📋"), () -> r.all());
        }
    }

    /** Claude Sonnet 4.6 is not among the models AWS documents structured outputs for: Bedrock refuses, exit 1. */
    @Test
    void structuredOutputOnSonnet46IsRefused() {
        try (LocalBedrock lb = SampleHarness.start()) {
            SampleHarness.Result r = SampleHarness.runAlias(lb, STRUCTURED, "--model-id", SONNET_46);
            assertEquals(1, r.exit(), () -> r.all());
            String line = SampleHarness.assertOneLineError(r);
            assertTrue(line.contains("Bedrock rejected the request"), () -> r.all());
            List<RequestLog.Entry> calls = SampleHarness.runtimeEntries(lb);
            assertEquals(1, calls.size(), () -> SampleHarness.describe(calls));
            assertEquals("ValidationException", calls.get(0).errorCode(), () -> SampleHarness.describe(calls));
        }
    }

    // ------------------------------------------------------------------ prompt caching

    /**
     * The shipped handbook (found as a class-path resource, run from a subfolder so the working directory
     * cannot help) and a 1h cache point: call 1 writes the prefix, call 2 reads the same number of tokens.
     */
    @Test
    void secondCallReadsTheCachedSystemPrompt() throws IOException {
        String handbook = Files.readString(HANDBOOK, StandardCharsets.UTF_8);
        assertTrue(handbook.length() >= 20_000, "the shipped prompt must be ≥ 20 KB of text (> 4,096 real tokens)");
        assertTrue((handbook.length() + 3) / 4 > 4096, "and > 4,096 tokens by the endpoint's estimate");
        try (LocalBedrock lb = SampleHarness.start()) {
            SampleHarness.Result r = SampleHarness.run(SampleHarness.repoRoot().resolve("tests"), SampleHarness.baseEnv(lb),
                    SampleHarness.DEFAULT_TIMEOUT, "../jbang", CACHE, "--ttl", "1h", "--max-tokens", "200");
            SampleHarness.assertSuccess(r);
            List<RequestLog.Entry> calls = SampleHarness.runtimeEntries(lb);
            assertEquals(2, calls.size(), () -> SampleHarness.describe(calls) + "\n" + r.all());
            String[] questions = {Questions.FIRST, Questions.SECOND};
            for (int i = 0; i < 2; i++) {
                RequestLog.Entry e = calls.get(i);
                int n = i;
                assertEquals("Converse", e.operation());
                assertEquals(SONNET_46, e.modelId());
                assertEquals(200, e.status(), () -> SampleHarness.describe(calls) + "\n" + r.all());
                JsonNode body = e.bodyJson();
                assertEquals(2, body.path("system").size(), () -> "system: text + cachePoint: " + body.path("system").size());
                assertEquals(handbook, body.at("/system/0/text").asText(), () -> "call " + n + ": the shipped handbook, whole, as the system prompt");
                assertEquals("default", body.at("/system/1/cachePoint/type").asText(), () -> body.path("system").get(1).toString());
                assertEquals("1h", body.at("/system/1/cachePoint/ttl").asText(), () -> body.path("system").get(1).toString());
                assertEquals(200, body.at("/inferenceConfig/maxTokens").asInt());
                assertTrue(body.at("/messages/0/content/0/text").asText().startsWith(questions[i]), () -> body.path("messages").toString());
            }
            String out = r.stdout();
            long written = number(out, "💾 Call 1 wrote (\\d+) tokens to the cache \\(ttl 1h\\)", r);
            assertTrue(written > 4096, () -> "the whole handbook is written: " + written + "\n" + r.all());
            long read = number(out, "📖 Call 2 read (\\d+) tokens from the cache: (\\d+) input tokens saved", r);
            assertEquals(written, read, () -> "call 2 reads what call 1 wrote\n" + r.all());
            assertTrue(out.contains("🔢 Cache write input tokens: " + written), () -> r.all());
            assertTrue(out.contains("🔢 Cache read input tokens: " + read), () -> r.all());
            assertFalse(out.contains("⚠️"), () -> "no warning when the prefix is cached\n" + r.all());
        }
    }

    /** A short --system-file: nothing is cached (no cache counters at all), the sample warns and still succeeds. */
    @Test
    void shortPrefixIsNotCachedAndTheSampleWarns() throws IOException {
        Path shortPrompt = Files.createTempFile(SampleHarness.scratch(), "short-system-", ".txt");
        String text = "You answer questions about global cross-Region inference in one sentence.";
        Files.writeString(shortPrompt, text, StandardCharsets.UTF_8);
        try (LocalBedrock lb = SampleHarness.start()) {
            SampleHarness.Result r = SampleHarness.runAlias(lb, CACHE, "--system-file", shortPrompt.toString());
            SampleHarness.assertSuccess(r);
            List<RequestLog.Entry> calls = SampleHarness.runtimeEntries(lb);
            assertEquals(2, calls.size(), () -> SampleHarness.describe(calls));
            for (RequestLog.Entry e : calls) {
                assertEquals(text, e.bodyJson().at("/system/0/text").asText(), () -> e.body());
                assertEquals("5m", e.bodyJson().at("/system/1/cachePoint/ttl").asText(), () -> "the default ttl: " + e.body());
            }
            String out = r.stdout();
            assertTrue(out.contains("⚠️ Nothing was cached: the prefix before the cache point (about " + (text.length() + 3) / 4 + " tokens)"),
                    () -> "the warning with the estimate\n" + r.all());
            assertFalse(out.contains("Cache write") || out.contains("Cache read") || out.contains("💾") || out.contains("📖"),
                    () -> "no cache tokens below the minimum\n" + r.all());
            assertEquals(2, SampleHarness.count(out, "💬 Response:"), () -> r.all());
        }
    }

    /** Invalid options: exit 2, nothing sent. */
    @Test
    void invalidCacheOptionsAreRefusedBeforeSending() {
        for (String[] args : new String[][] {{"--ttl", "2h"}, {"--system-file", "/no/such/file.txt"}, {"--max-tokens", "0"}}) {
            try (LocalBedrock lb = SampleHarness.start()) {
                SampleHarness.Result r = SampleHarness.runAlias(lb, CACHE, args);
                SampleHarness.assertUsageError(r, args[0]);
                SampleHarness.assertNoRequests(lb, r);
            }
        }
    }

    // ------------------------------------------------------------------ helpers

    /** The sample's default questions (repeated here on purpose: the test checks what the sample sent). */
    static final class Questions {
        static final String FIRST = "A team sees ThrottlingException on a global profile";
        static final String SECOND = "Why would access be denied only when calling a global profile";
    }

    static RequestLog.Entry single(LocalBedrock lb, String operation, String model, SampleHarness.Result r) {
        List<RequestLog.Entry> calls = SampleHarness.runtimeEntries(lb, 1, r);
        RequestLog.Entry e = calls.get(0);
        assertEquals(operation, e.operation());
        assertEquals(model, e.modelId());
        assertEquals("valid", e.signature());
        assertEquals(200, e.status(), () -> SampleHarness.describe(calls) + "\n" + r.all());
        return e;
    }

    static List<String> texts(JsonNode array) {
        List<String> out = new java.util.ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    /** The line {@code offset} lines after the line that starts with {@code marker}. */
    static String line(String out, String marker, int offset) {
        List<String> lines = out.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(marker)) return lines.get(i + offset);
        }
        throw new AssertionError("no line " + marker + " in\n" + out);
    }

    static long number(String out, String regex, SampleHarness.Result r) {
        Matcher m = Pattern.compile(regex).matcher(out);
        assertTrue(m.find(), () -> "no line matching " + regex + "\n" + r.all());
        if (m.groupCount() >= 2) assertEquals(m.group(1), m.group(2), () -> "tokens read = tokens saved\n" + r.all());
        assertNotNull(m.group(1));
        return Long.parseLong(m.group(1));
    }
}
