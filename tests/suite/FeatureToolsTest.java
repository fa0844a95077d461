import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * converse-tools-haiku and converse-stream-tools-haiku run as child processes against a fresh local
 * endpoint, whose deterministic model calls the declared tools one per turn in declared order. What
 * the samples sent is read from the endpoint's request log: the tool specifications, each assistant
 * turn sent back with its toolUse, and the toolResult that answers it (same toolUseId, status, the
 * tool's real output). The endpoint's final answer quotes every toolResult, so the printed answer
 * proves the results reached the model.
 */
class FeatureToolsTest {
    static final String TOOLS = "converse-tools-haiku";
    static final String STREAM_TOOLS = "converse-stream-tools-haiku";
    static final String HAIKU = "global.anthropic.claude-haiku-4-5-20251001-v1:0";
    static final Pattern TOOL_USE_ID = Pattern.compile("tooluse_[A-Za-z0-9_-]{22}");

    @BeforeAll
    static void build() {
        SampleHarness.assertBuilt(SampleHarness.alias(TOOLS));
        SampleHarness.assertBuilt(SampleHarness.alias(STREAM_TOOLS));
    }

    static String operation(String alias) {
        return alias.equals(STREAM_TOOLS) ? "ConverseStream" : "Converse";
    }

    /** The two-tool task: three model calls, each toolResult answering the toolUse before it, the answer quoting both results. */
    @TestFactory
    Stream<DynamicTest> twoToolStepsThenTheAnswer() {
        return Stream.of(TOOLS, STREAM_TOOLS).map(alias -> dynamicTest(alias, () -> {
            try (LocalBedrock lb = SampleHarness.start()) {
                SampleHarness.Result r = SampleHarness.runAlias(lb, alias, "--max-tokens", "700", "--prompt", "Time in Tokyo and a marathon in miles?");
                SampleHarness.assertSuccess(r);
                List<RequestLog.Entry> calls = runtime(lb, alias, 3, r);

                JsonNode first = calls.get(0).bodyJson();
                assertEquals(1, first.path("messages").size(), () -> "first call: the user message only: " + first);
                assertEquals("Time in Tokyo and a marathon in miles?", first.at("/messages/0/content/0/text").asText(), () -> first.toString());
                assertEquals(700, first.at("/inferenceConfig/maxTokens").asInt(), () -> first.toString());
                JsonNode tools = first.at("/toolConfig/tools");
                assertEquals(List.of("current_time", "convert_units"), names(tools), () -> "declared tools: " + first);
                for (JsonNode t : tools) {
                    JsonNode schema = t.at("/toolSpec/inputSchema/json");
                    assertEquals("object", schema.path("type").asText(), () -> "input schema is an object schema: " + t);
                    assertFalse(schema.path("additionalProperties").asBoolean(true), () -> "additionalProperties false: " + t);
                    assertTrue(schema.path("required").size() >= 1, () -> "required fields: " + t);
                    assertFalse(t.at("/toolSpec/description").asText().isBlank(), () -> "description: " + t);
                }

                // call 2: [user, assistant(toolUse current_time), user(toolResult)]
                JsonNode second = calls.get(1).bodyJson();
                JsonNode timeResult = assertAnswered(second, 1, "current_time");
                assertEquals("success", timeResult.path("status").asText(), () -> second.toString());
                assertEquals("Asia/Tokyo", timeResult.at("/content/0/json/timeZone").asText(), () -> "the tool's output: " + second);
                assertTrue(timeResult.at("/content/0/json/localDateTime").asText().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d"),
                        () -> "java.time's local date-time: " + second);
                assertEquals("+09:00", timeResult.at("/content/0/json/utcOffset").asText(), () -> second.toString());
                assertTrue(second.path("toolConfig").has("tools"), () -> "toolConfig sent again with tool blocks: " + second);

                // call 3: the whole conversation again, plus the convert_units pair
                JsonNode third = calls.get(2).bodyJson();
                assertEquals(second.path("messages"), sub(third.path("messages"), 0, 3), () -> "the history is resent unchanged: " + third);
                JsonNode unitResult = assertAnswered(third, 3, "convert_units");
                assertEquals("success", unitResult.path("status").asText(), () -> third.toString());
                JsonNode unitInput = third.at("/messages/3/content").findValue("toolUse").path("input");
                assertEquals("km", unitInput.path("fromUnit").asText(), () -> "input steered by enum: " + unitInput);
                assertEquals("mi", unitInput.path("toUnit").asText(), () -> "input steered by enum: " + unitInput);
                assertEquals(42.195, unitInput.path("value").asDouble(), 1e-9, () -> "input steered by examples: " + unitInput);
                assertEquals(26.219, unitResult.at("/content/0/json/result").asDouble(), 1e-9, () -> "42.195 km in miles: " + third);

                String out = r.stdout();
                assertTrue(out.contains("🔧 current_time {\"timeZone\":\"Asia/Tokyo\"}"), () -> "step 1 printed\n" + r.all());
                assertTrue(out.contains("🔧 convert_units {\"value\":42.195,\"fromUnit\":\"km\",\"toUnit\":\"mi\"}"), () -> "step 2 printed\n" + r.all());
                assertTrue(out.contains("\"result\":26.219"), () -> "tool result printed\n" + r.all());
                assertTrue(out.contains("current_time (success): {\"timeZone\":\"Asia/Tokyo\""), () -> "the final answer quotes the time result\n" + r.all());
                assertTrue(out.contains("convert_units (success): {\"value\":42.195"), () -> "the final answer quotes the conversion\n" + r.all());
                assertTrue(out.contains("🛑 Stop reason: end_turn"), () -> r.all());
                assertTrue(out.contains("🔁 Model calls: 3 (2 tool steps)"), () -> r.all());
                Usage.Totals t = lb.usage().of(HAIKU);
                assertEquals(3, t.calls(), () -> lb.usage().byModelId().toString());
                assertEquals(Long.valueOf(t.inputTokens()), r.tokens("Input"), () -> "input tokens summed over the calls vs endpoint " + t + "\n" + r.all());
                assertEquals(Long.valueOf(t.outputTokens()), r.tokens("Output"), () -> "output tokens summed over the calls vs endpoint " + t + "\n" + r.all());
            }
        }));
    }

    /**
     * current_time gets a zone that java.time rejects (the tool throws) and convert_units a pair of units
     * that do not convert (invalid input): both answer with an error toolResult, the model still answers
     * and the sample exits 0 with that answer printed.
     */
    @TestFactory
    Stream<DynamicTest> failingToolsAnswerWithErrorResults() {
        return Stream.of(TOOLS, STREAM_TOOLS).map(alias -> dynamicTest(alias, () -> {
            try (LocalBedrock lb = SampleHarness.start()) {
                lb.faults().toolInput("current_time", "{\"timeZone\":\"Mars/Olympus\"}");
                lb.faults().toolInput("convert_units", "{\"value\":3,\"fromUnit\":\"kg\",\"toUnit\":\"mi\"}");
                SampleHarness.Result r = SampleHarness.runAlias(lb, alias);
                SampleHarness.assertSuccess(r);
                List<RequestLog.Entry> calls = runtime(lb, alias, 3, r);
                JsonNode timeResult = assertAnswered(calls.get(1).bodyJson(), 1, "current_time");
                assertEquals("error", timeResult.path("status").asText(), () -> "error status: " + timeResult);
                assertTrue(timeResult.at("/content/0/text").asText().contains("unknown time zone 'Mars/Olympus'"),
                        () -> "the error message goes to the model: " + timeResult);
                JsonNode unitResult = assertAnswered(calls.get(2).bodyJson(), 3, "convert_units");
                assertEquals("error", unitResult.path("status").asText(), () -> "error status: " + unitResult);
                assertTrue(unitResult.at("/content/0/text").asText().contains("cannot convert kg to mi"), () -> unitResult.toString());

                String out = r.stdout();
                assertTrue(out.contains("❗ error: unknown time zone 'Mars/Olympus'"), () -> "the failed step is printed\n" + r.all());
                assertTrue(out.contains("current_time (error): unknown time zone 'Mars/Olympus'"), () -> "the model's answer is printed\n" + r.all());
                assertTrue(out.contains("convert_units (error): cannot convert kg to mi"), () -> r.all());
            }
        }));
    }

    /** The two-step task with --max-steps 1: the second tool request is refused, exit 1, one line, no third call. */
    @TestFactory
    Stream<DynamicTest> maxStepsReachedExitsOne() {
        return Stream.of(TOOLS, STREAM_TOOLS).map(alias -> dynamicTest(alias, () -> {
            try (LocalBedrock lb = SampleHarness.start()) {
                SampleHarness.Result r = SampleHarness.runAlias(lb, alias, "--max-steps", "1");
                assertEquals(1, r.exit(), () -> r.all());
                String line = SampleHarness.assertOneLineError(r);
                assertTrue(line.contains("--max-steps 1"), () -> "the error names the limit\n" + r.all());
                List<RequestLog.Entry> calls = runtime(lb, alias, 2, r);
                assertAnswered(calls.get(1).bodyJson(), 1, "current_time");
                assertTrue(r.stdout().contains("🔧 current_time"), () -> "the first step ran\n" + r.all());
                assertFalse(r.stdout().contains("🔧 convert_units"), () -> "no tool beyond the limit\n" + r.all());
            }
        }));
    }

    /** A stream cut before messageStop is a failure, not a tool call or a half answer. */
    @Test
    void cutStreamFails() {
        try (LocalBedrock lb = SampleHarness.start()) {
            lb.faults().cutStreamAfter(3);
            SampleHarness.Result r = SampleHarness.runAlias(lb, STREAM_TOOLS);
            String line = SampleHarness.assertOneLineError(r);
            assertTrue(line.toLowerCase(Locale.ROOT).contains("stream") || line.contains("incomplete"), () -> r.all());
            assertFalse(r.stdout().contains("🔧"), () -> "no tool runs on an incomplete turn\n" + r.all());
            assertEquals(1, SampleHarness.runtimeEntries(lb).size(), () -> r.all());
        }
    }

    /** Invalid options: exit 2, nothing sent. */
    @TestFactory
    Stream<DynamicTest> invalidOptionsAreRefusedBeforeSending() {
        List<DynamicTest> tests = new ArrayList<>();
        for (String alias : List.of(TOOLS, STREAM_TOOLS)) {
            tests.add(dynamicTest(alias + " --max-steps 0", () -> usageError(alias, "--max-steps", "--max-steps", "0")));
        }
        tests.add(dynamicTest(STREAM_TOOLS + " --timeout 0", () -> usageError(STREAM_TOOLS, "--timeout", "--timeout", "0")));
        tests.add(dynamicTest(TOOLS + " bare model id", () -> usageError(TOOLS, "inference profile", "--model-id", "anthropic.claude-haiku-4-5-20251001-v1:0")));
        return tests.stream();
    }

    static void usageError(String alias, String mentions, String... args) {
        try (LocalBedrock lb = SampleHarness.start()) {
            SampleHarness.Result r = SampleHarness.runAlias(lb, alias, args);
            SampleHarness.assertUsageError(r, mentions);
            SampleHarness.assertNoRequests(lb, r);
        }
    }

    // ------------------------------------------------------------------ helpers

    /** The runtime calls, checked: the count, the operation, the model, the signature, HTTP 200. */
    static List<RequestLog.Entry> runtime(LocalBedrock lb, String alias, int expected, SampleHarness.Result r) {
        List<RequestLog.Entry> calls = SampleHarness.runtimeEntries(lb, expected, r);
        for (RequestLog.Entry e : calls) {
            assertEquals(operation(alias), e.operation(), () -> SampleHarness.describe(calls));
            assertEquals(HAIKU, e.modelId(), () -> SampleHarness.describe(calls));
            assertEquals("valid", e.signature(), () -> SampleHarness.describe(calls));
            assertEquals(200, e.status(), () -> SampleHarness.describe(calls) + "\n" + r.all());
        }
        return calls;
    }

    /**
     * In {@code body}, messages[assistantIndex] is an assistant turn with exactly one toolUse of {@code tool}
     * and messages[assistantIndex + 1] a user turn with exactly one toolResult for that toolUseId; returns it.
     */
    static JsonNode assertAnswered(JsonNode body, int assistantIndex, String tool) {
        JsonNode messages = body.path("messages");
        assertEquals(assistantIndex + 2, messages.size(), () -> "messages: " + body);
        JsonNode assistant = messages.get(assistantIndex);
        assertEquals("assistant", assistant.path("role").asText(), () -> body.toString());
        List<JsonNode> uses = blocks(assistant, "toolUse");
        assertEquals(1, uses.size(), () -> "one toolUse in the assistant turn: " + assistant);
        JsonNode use = uses.get(0);
        assertEquals(tool, use.path("name").asText(), () -> "tools are called in declared order: " + assistant);
        assertTrue(TOOL_USE_ID.matcher(use.path("toolUseId").asText()).matches(), () -> "the endpoint's toolUseId sent back: " + use);
        assertTrue(use.path("input").isObject(), () -> "toolUse input is a JSON object: " + use);
        JsonNode user = messages.get(assistantIndex + 1);
        assertEquals("user", user.path("role").asText(), () -> body.toString());
        List<JsonNode> results = blocks(user, "toolResult");
        assertEquals(1, results.size(), () -> "one toolResult: " + user);
        assertEquals(1, user.path("content").size(), () -> "nothing but the toolResult: " + user);
        JsonNode result = results.get(0);
        assertEquals(use.path("toolUseId").asText(), result.path("toolUseId").asText(), () -> "toolResult answers the toolUse: " + body);
        return result;
    }

    static List<JsonNode> blocks(JsonNode message, String kind) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode block : message.path("content")) {
            if (block.has(kind)) out.add(block.get(kind));
        }
        return out;
    }

    static List<String> names(JsonNode tools) {
        List<String> out = new ArrayList<>();
        for (JsonNode t : tools) out.add(t.at("/toolSpec/name").asText());
        return out;
    }

    static JsonNode sub(JsonNode array, int from, int to) {
        var copy = SampleHarness.JSON.createArrayNode();
        for (int i = from; i < to; i++) copy.add(array.get(i));
        return copy;
    }
}
