import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * converse-thinking-opus-4-6 (adaptive thinking and effort through Converse, the reasoning block
 * sent back with its signature, --temperature refused) and converse-service-tier-nova-2-lite (the
 * tier sent, echoed and printed; a refused tier in one line), run as child processes against a
 * fresh local endpoint; what was sent is read from the endpoint's request log.
 */
class FeatureThinkingTierTest {
    static final String THINKING = "converse-thinking-opus-4-6";
    static final String TIER = "converse-service-tier-nova-2-lite";
    static final String OPUS_46 = "global.anthropic.claude-opus-4-6-v1";
    static final String NOVA = "global.amazon.nova-2-lite-v1:0";

    @BeforeAll
    static void build() {
        SampleHarness.assertBuilt(SampleHarness.alias(THINKING));
        SampleHarness.assertBuilt(SampleHarness.alias(TIER));
    }

    // ------------------------------------------------------------------ converse-thinking-opus-4-6

    /**
     * Turn 1 asks for adaptive thinking (additionalModelRequestFields) at the chosen effort
     * (outputConfig.effort); turn 2 sends the turn-1 assistant message back with the reasoning block,
     * text and signature as printed, and the endpoint (which checks the signature) accepts it.
     */
    @Test
    void thinkingSendsTheReasoningBlockBackInTheSecondTurn() {
        try (LocalBedrock lb = SampleHarness.start()) {
            SampleHarness.Result r = SampleHarness.runAlias(lb, THINKING, "--effort", "medium", "--max-tokens", "2000",
                    "--prompt", "Should a batch job use the flex tier", "--follow-up", "Say it in one sentence");
            SampleHarness.assertSuccess(r);
            List<RequestLog.Entry> calls = SampleHarness.runtimeEntries(lb, 2, r);
            for (RequestLog.Entry e : calls) {
                assertEquals("Converse", e.operation());
                assertEquals(OPUS_46, e.modelId());
                assertEquals(200, e.status(), () -> "both turns must succeed " + SampleHarness.describe(calls) + "\n" + r.all());
                JsonNode body = e.bodyJson();
                assertEquals("adaptive", body.at("/additionalModelRequestFields/thinking/type").asText(), () -> body.toString());
                assertEquals("medium", body.at("/outputConfig/effort").asText(), () -> body.toString());
                assertEquals(2000, body.at("/inferenceConfig/maxTokens").asInt(), () -> body.toString());
                assertTrue(body.at("/inferenceConfig/temperature").isMissingNode(), () -> "no temperature with thinking: " + body);
            }
            JsonNode first = calls.get(0).bodyJson().path("messages");
            assertEquals(1, first.size(), () -> first.toString());
            JsonNode second = calls.get(1).bodyJson().path("messages");
            assertEquals(3, second.size(), () -> second.toString());
            assertEquals("Should a batch job use the flex tier", second.at("/0/content/0/text").asText());
            assertEquals("assistant", second.at("/1/role").asText());
            assertEquals("Say it in one sentence", second.at("/2/content/0/text").asText());

            JsonNode reasoning = second.at("/1/content/0/reasoningContent/reasoningText");
            assertTrue(reasoning.isObject(), () -> "the assistant message must start with its reasoning block: " + second);
            String signature = reasoning.path("signature").asText("");
            assertFalse(signature.isEmpty(), () -> "the reasoning block goes back with its signature: " + second);
            // what the sample printed as turn 1's reasoning and signature is exactly what it sent back
            String printed = turnOneReasoning(r);
            assertFalse(printed.isEmpty(), () -> "no 🧠 reasoning lines printed for turn 1\n" + r.all());
            assertEquals(printed, reasoning.path("text").asText(), () -> "reasoning text sent back unchanged\n" + r.all());
            assertTrue(r.stdout().contains("🔏 Signature: " + signature.length() + " characters"), () -> r.all());
            String firstAnswer = r.answer();
            assertEquals(firstAnswer, second.at("/1/content/1/text").asText(), () -> "turn-1 answer sent back\n" + r.all());

            assertEquals(2, SampleHarness.count(r.stdout(), "💬 Response:"), () -> r.all());
            Usage.Totals t = lb.usage().of(OPUS_46);
            assertEquals(Long.valueOf(t.inputTokens()), r.tokens("Input"), () -> "both turns' input tokens vs endpoint " + t + "\n" + r.all());
            assertEquals(Long.valueOf(t.outputTokens()), r.tokens("Output"), () -> "both turns' output tokens vs endpoint " + t + "\n" + r.all());
        }
    }

    /** --temperature with thinking: exit 2 with the reason, and no request at all. */
    @Test
    void thinkingRefusesTemperatureBeforeSending() {
        try (LocalBedrock lb = SampleHarness.start()) {
            SampleHarness.Result r = SampleHarness.runAlias(lb, THINKING, "--temperature", "0.5");
            SampleHarness.assertUsageError(r, "--temperature cannot be used with thinking");
            SampleHarness.assertNoRequests(lb, r);
            SampleHarness.Result effort = SampleHarness.runAlias(lb, THINKING, "--effort", "extreme");
            SampleHarness.assertUsageError(effort, "--effort");
            SampleHarness.assertNoRequests(lb, effort);
        }
    }

    // ------------------------------------------------------------------ converse-service-tier-nova-2-lite

    /** Each tier is sent as serviceTier.type, and the tier from the response and metrics.latencyMs are printed. */
    @Test
    void serviceTierIsSentAndTheServingTierPrinted() {
        for (String tier : List.of("priority", "flex", "default")) {
            try (LocalBedrock lb = SampleHarness.start()) {
                SampleHarness.Result r = SampleHarness.runAlias(lb, TIER, "--tier", tier, "--max-tokens", "200");
                SampleHarness.assertSuccess(r);
                RequestLog.Entry e = SampleHarness.runtimeEntries(lb, 1, r).get(0);
                assertEquals("Converse", e.operation());
                assertEquals(NOVA, e.modelId());
                assertEquals(tier, e.bodyJson().at("/serviceTier/type").asText(), () -> e.body());
                assertEquals(200, e.bodyJson().at("/inferenceConfig/maxTokens").asInt());
                assertTrue(r.stdout().contains("🏷️ Service tier that served the request: " + tier), () -> r.all());
                Matcher latency = Pattern.compile("⏱️ Latency: (\\d+) ms \\(metrics\\.latencyMs\\)").matcher(r.stdout());
                assertTrue(latency.find(), () -> "latency line\n" + r.all());
                assertTrue(r.answer() != null && r.answer().contains("no AWS model was called"), () -> r.all());
                assertEquals(Long.valueOf(lb.usage().of(NOVA).inputTokens()), r.tokens("Input"), () -> r.all());
            }
        }
    }

    /**
     * Bedrock answers a tier the model or Region does not offer with a ValidationException: the
     * sample says so in one line with what to try, exit 1. (The local endpoint refuses the tier through
     * its local-only fault tier-unavailable: which model/tier pairs the real service refuses is not
     * documented.)
     */
    @Test
    void refusedTierIsOneLineWithWhatToTry() {
        try (LocalBedrock lb = SampleHarness.start()) {
            lb.faults().tierUnavailable("flex");
            SampleHarness.Result r = SampleHarness.runAlias(lb, TIER, "--tier", "flex");
            assertEquals(1, r.exit(), () -> r.all());
            String line = SampleHarness.assertOneLineError(r);
            assertTrue(line.contains("Bedrock refused the request in the flex tier (The service tier flex is not available")
                    && line.contains("try --tier default") && line.contains("service-tiers-inference.html"), () -> line + "\n" + r.all());
            RequestLog.Entry e = SampleHarness.runtimeEntries(lb, 1, r).get(0);
            assertEquals(400, e.status(), () -> r.all());
            assertEquals("ValidationException", e.errorCode(), () -> r.all());
            assertEquals("flex", e.bodyJson().at("/serviceTier/type").asText());

            // the same endpoint still serves the default tier: the one-line advice works
            lb.requestLog().clear();
            SampleHarness.Result retry = SampleHarness.runAlias(lb, TIER, "--tier", "default");
            SampleHarness.assertSuccess(retry);
            assertTrue(retry.stdout().contains("🏷️ Service tier that served the request: default"), () -> retry.all());
        }
    }

    @Test
    void unknownTierIsRefusedBeforeSending() {
        try (LocalBedrock lb = SampleHarness.start()) {
            SampleHarness.Result r = SampleHarness.runAlias(lb, TIER, "--tier", "reserved");
            SampleHarness.assertUsageError(r, "--tier must be one of priority, default, flex");
            SampleHarness.assertNoRequests(lb, r);
        }
    }

    /** The 🧠 lines printed for turn 1, joined as the reasoning text. */
    private static String turnOneReasoning(SampleHarness.Result r) {
        String out = r.stdout();
        String turnOne = out.substring(out.indexOf("🧑 Turn 1:"), out.indexOf("🔁 Turn 2:"));
        StringBuilder b = new StringBuilder();
        for (String line : turnOne.split("\n")) {
            if (line.startsWith("🧠 ")) {
                if (b.length() > 0) b.append('\n');
                b.append(line.substring("🧠 ".length()));
            }
        }
        return b.toString();
    }
}
