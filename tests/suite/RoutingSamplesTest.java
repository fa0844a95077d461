import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The global-routing samples as child processes against an in-process endpoint: what they sent
 * (request log), what they printed, their exit codes. list-global-profiles follows every page;
 * compare-global-geo derives the geography from --region, sends both profiles interleaved and
 * refuses a model without a geographic profile; burst-haiku absorbs throttles, fails with the count
 * when the quota is too low, sends nothing after --deadline and rejects bad options before any request.
 */
class RoutingSamplesTest {
    static final String HAIKU = "anthropic.claude-haiku-4-5-20251001-v1:0";
    static final String GLOBAL_HAIKU = "global." + HAIKU;

    @BeforeAll
    static void buildScripts() {
        SampleHarness.buildAll();
        for (String a : List.of("list-global-profiles", "compare-global-geo", "burst-haiku")) {
            SampleHarness.assertBuilt(SampleHarness.alias(a));
        }
    }

    static List<RequestLog.Entry> operation(LocalBedrock lb, String op) {
        return lb.requestLog().entries().stream().filter(e -> op.equals(e.operation())).collect(Collectors.toList());
    }

    // ------------------------------------------------------------------ list-global-profiles

    @Test
    void listFollowsEveryPageAndShowsEachGlobalProfileOnce() {
        try (LocalBedrock lb = SampleHarness.start()) {
            SampleHarness.Result r = SampleHarness.runAlias(lb, "list-global-profiles", "--region", "us-east-1");
            SampleHarness.assertSuccess(r);
            List<RequestLog.Entry> lists = operation(lb, "ListInferenceProfiles");
            int expectedPages = (Models.systemProfileIds("us-east-1").size() + ControlPlane.SERVER_PAGE_SIZE - 1) / ControlPlane.SERVER_PAGE_SIZE;
            assertTrue(expectedPages >= 2, "the us-east-1 catalogue must need two pages");
            assertEquals(expectedPages, lists.size(), () -> "one ListInferenceProfiles per page\n" + r.all());
            assertTrue(lists.stream().allMatch(e -> e.status() == 200 && "valid".equals(e.signature())), () -> SampleHarness.describe(lists));
            assertTrue(r.stdout().contains("📄 " + expectedPages + " pages, " + Models.systemProfileIds("us-east-1").size()
                    + " system-defined profiles (8 global, 8 geographic)"), r::all);
            for (String id : Models.GLOBAL_PROFILE_IDS) {
                assertEquals(1, SampleHarness.count(r.stdout(), "🌍 " + id + "  "), () -> id + " must be listed exactly once\n" + r.all());
            }
            assertFalse(r.stdout().contains("us.anthropic"), () -> "geographic profiles only with --all\n" + r.all());
            assertTrue(operation(lb, "GetInferenceProfile").isEmpty(), "no GetInferenceProfile without --details");
        }
    }

    @Test
    void listAllWithDetailsAsJsonPutsGlobalFirstWithDestinations() throws Exception {
        try (LocalBedrock lb = SampleHarness.start()) {
            SampleHarness.Result r = SampleHarness.runAlias(lb, "list-global-profiles", "--region", "eu-west-1", "--all", "--details",
                    "--model", "haiku", "--json");
            assertEquals(0, r.exit(), r::all);
            JsonNode doc = SampleHarness.JSON.readTree(r.stdout());
            assertEquals(List.of(GLOBAL_HAIKU, "eu." + HAIKU), ids(doc));
            assertEquals("global", doc.at("/profiles/0/scope").asText());
            assertEquals("eu", doc.at("/profiles/1/scope").asText());
            assertTrue(doc.at("/profiles/0/models").toString().contains("arn:aws:bedrock:::foundation-model/" + HAIKU), doc::toString);
            assertEquals(Models.DESTINATIONS.get("eu").size(), doc.at("/profiles/1/models").size(), doc::toString);
            assertEquals(2, operation(lb, "GetInferenceProfile").size(), "one GetInferenceProfile per profile shown");
            assertEquals(doc.path("pages").asInt(), operation(lb, "ListInferenceProfiles").size());
        }
    }

    static List<String> ids(JsonNode doc) {
        List<String> out = new ArrayList<>();
        doc.path("profiles").forEach(p -> out.add(p.path("id").asText()));
        return out;
    }

    // ------------------------------------------------------------------ compare-global-geo

    @Test
    void compareSendsBothProfilesInterleavedForEachGeography() {
        String[][] cases = {{"eu-west-1", "eu."}, {"us-east-1", "us."}, {"ap-northeast-1", "jp."}, {"ap-southeast-2", "au."}};
        for (String[] c : cases) {
            try (LocalBedrock lb = SampleHarness.start()) {
                String geo = c[1] + HAIKU;
                if (c[0].equals("us-east-1")) lb.simulation().latency(geo, 150);
                SampleHarness.Result r = SampleHarness.runAlias(lb, "compare-global-geo", "--region", c[0], "--rounds",
                        c[0].equals("eu-west-1") ? "3" : "1", "--max-tokens", "60");
                SampleHarness.assertSuccess(r);
                int rounds = c[0].equals("eu-west-1") ? 3 : 1;
                List<String> sent = operation(lb, "Converse").stream().map(RequestLog.Entry::modelId).collect(Collectors.toList());
                List<String> expected = new ArrayList<>();
                for (int i = 0; i < rounds; i++) {
                    expected.add(GLOBAL_HAIKU);
                    expected.add(geo);
                }
                assertEquals(expected, sent, () -> c[0] + ": global and geographic, interleaved\n" + r.all());
                assertTrue(operation(lb, "Converse").stream().allMatch(e -> e.status() == 200 && e.bodyJson().at("/inferenceConfig/maxTokens").asInt() == 60));
                assertTrue(r.stdout().contains("🚀 Comparing " + GLOBAL_HAIKU + " with " + geo + " from " + c[0]), r::all);
                assertTrue(r.stdout().contains("📊 " + geo + " (geographic " + c[1].replace(".", "") + ")"), r::all);
                Usage.Totals g = lb.usage().of(GLOBAL_HAIKU);
                assertTrue(r.stdout().contains("🔢 tokens: input " + g.inputTokens() + ", output " + g.outputTokens()), r::all);
                // the price line: 10% more per token through the geographic profile (table in the sample)
                assertTrue(r.stdout().contains("the geographic one costs 10.0% more"), r::all);
                if (c[0].equals("us-east-1")) {
                    // the latency is local-only: the output that shows it also says so
                    assertTrue(r.stdout().contains("(simulated locally on " + geo + ": latency 150 ms)"), r::all);
                    Matcher m = Pattern.compile("📊 " + Pattern.quote(geo) + "[\\s\\S]*?metrics\\.latencyMs p50 (\\d+)").matcher(r.stdout());
                    assertTrue(m.find() && Integer.parseInt(m.group(1)) >= 150, r::all);
                }
            }
        }
    }

    @Test
    void compareRefusesAModelWithoutAGeographicProfile() {
        try (LocalBedrock lb = SampleHarness.start()) {
            // Opus 4.5 has us. and eu. profiles only: nothing for Tokyo (jp., apac.)
            SampleHarness.Result r = SampleHarness.runAlias(lb, "compare-global-geo", "--region", "ap-northeast-1",
                    "--model-id", "global.anthropic.claude-opus-4-5-20251101-v1:0");
            String line = SampleHarness.assertOneLineError(r);
            assertEquals(1, r.exit(), r::all);
            assertTrue(line.contains("has no geographic inference profile in ap-northeast-1")
                    && line.contains("jp.anthropic.claude-opus-4-5-20251101-v1:0") && line.contains("apac."), line);
            List<String> looked = operation(lb, "GetInferenceProfile").stream().map(e -> e.rawPath().substring(e.rawPath().lastIndexOf('/') + 1))
                    .collect(Collectors.toList());
            assertEquals(List.of("global.anthropic.claude-opus-4-5-20251101-v1%3A0", "jp.anthropic.claude-opus-4-5-20251101-v1%3A0",
                    "apac.anthropic.claude-opus-4-5-20251101-v1%3A0"), looked, () -> "the global profile, then jp., then apac.\n" + r.all());
            assertTrue(SampleHarness.runtimeEntries(lb).isEmpty(), "no Converse call without a profile to compare");

            // GovCloud: a geographic us-gov. profile, but no global one to compare it with
            lb.requestLog().clear();
            SampleHarness.Result gov = SampleHarness.runAlias(lb, "compare-global-geo", "--region", "us-gov-west-1",
                    "--model-id", "global.anthropic.claude-sonnet-4-5-20250929-v1:0");
            assertEquals(1, gov.exit(), gov::all);
            assertTrue(SampleHarness.assertOneLineError(gov).contains("is not offered in us-gov-west-1"), gov::all);
            assertTrue(SampleHarness.runtimeEntries(lb).isEmpty());

            lb.requestLog().clear();
            SampleHarness.Result unknown = SampleHarness.runAlias(lb, "compare-global-geo", "--region", "sa-east-1");
            SampleHarness.assertUsageError(unknown, "no geographic cross-Region inference is known");
            SampleHarness.assertNoRequests(lb, unknown);
        }
    }

    // ------------------------------------------------------------------ burst-haiku

    static final Pattern ABSORBED = Pattern.compile("🔁 Throttles absorbed by retries: (\\d+)");

    @Test
    void burstWithTwentyPercentThrottlingFinishesEveryRequest() {
        try (LocalBedrock lb = SampleHarness.start()) {
            lb.faults().throttlePercent(20);
            // 10 attempts: a call throttled on every attempt (0.2^10) does not happen here
            SampleHarness.Result r = SampleHarness.runAlias(lb, "burst-haiku", "--requests", "20", "--concurrency", "4",
                    "--max-tokens", "50", "--max-attempts", "10");
            SampleHarness.assertSuccess(r);
            List<RequestLog.Entry> calls = operation(lb, "Converse");
            long ok = calls.stream().filter(e -> e.status() == 200).count();
            long throttled = calls.stream().filter(e -> e.status() == 429 && "ThrottlingException".equals(e.errorCode())).count();
            assertEquals(20, ok, () -> SampleHarness.describe(calls));
            assertEquals(calls.size(), ok + throttled, () -> SampleHarness.describe(calls));
            assertTrue(throttled > 0, "the fault must have throttled some calls");
            Matcher m = ABSORBED.matcher(r.stdout());
            assertTrue(m.find(), r::all);
            assertEquals(throttled, Long.parseLong(m.group(1)), () -> "reported retries vs 429s in the request log\n" + r.all());
            assertTrue(r.stdout().contains("📊 20 of 20 requests succeeded"), r::all);
            assertTrue(r.stdout().contains("🧯 Failed for good: 0"), r::all);
            assertTrue(calls.stream().allMatch(e -> GLOBAL_HAIKU.equals(e.modelId()) && "h2c".equals(e.protocol())),
                    () -> "one async client, HTTP/2: " + SampleHarness.describe(calls));
            assertEquals(20, lb.usage().of(GLOBAL_HAIKU).calls(), "the endpoint answered each request once");
        }
    }

    @Test
    void burstPastTheQuotaFailsWithTheCount() {
        try (LocalBedrock lb = SampleHarness.start()) {
            lb.simulation().quota(GLOBAL_HAIKU, 5);
            SampleHarness.Result r = SampleHarness.runAlias(lb, "burst-haiku", "--requests", "10", "--concurrency", "2", "--max-tokens", "50");
            String line = SampleHarness.assertOneLineError(r);
            assertEquals(1, r.exit(), r::all);
            assertTrue(line.contains("5 of 10 requests failed for good"), line);
            assertTrue(line.contains("simulated locally: quota of 5 requests per minute"), () -> "the error says the quota is local\n" + line);
            List<RequestLog.Entry> calls = operation(lb, "Converse");
            assertEquals(5, calls.stream().filter(e -> e.status() == 200).count(), () -> SampleHarness.describe(calls));
            // each of the 5 failed calls was tried 3 times (the adaptive mode's default attempts)
            assertEquals(15, calls.stream().filter(e -> e.status() == 429).count(), () -> SampleHarness.describe(calls));
            assertTrue(r.stdout().contains("🧯 Failed for good: 5"), r::all);
            assertTrue(r.stdout().contains("(and 15 on requests that failed for good)"), r::all);
            assertTrue(r.stdout().contains("📊 5 of 10 requests succeeded"), r::all);
        }
    }

    @Test
    void burstSendsNothingAfterTheDeadline() {
        try (LocalBedrock lb = SampleHarness.start()) {
            // 2 in flight × 800 ms: at most about 12 of the 40 calls fit into 5 s (the first needs a
            // second or two on a busy machine: the client's first connection)
            lb.simulation().latency(GLOBAL_HAIKU, 800);
            SampleHarness.Result r = SampleHarness.runAlias(lb, "burst-haiku", "--requests", "40", "--concurrency", "2", "--deadline", "5");
            String line = SampleHarness.assertOneLineError(r);
            assertTrue(line.contains("requests were not sent before the --deadline of 5 s"), line);
            Matcher m = Pattern.compile("⏱️  Deadline: 5 s \\(until (\\S+)\\)").matcher(r.stdout());
            assertTrue(m.find(), r::all);
            Instant deadline = Instant.parse(m.group(1));
            List<Simulation.Arrival> arrivals = lb.simulation().arrivals();
            assertFalse(arrivals.isEmpty(), r::all);
            assertTrue(arrivals.size() < 40, () -> arrivals.size() + " calls arrived\n" + r.all());
            // an attempt sent just before the deadline may arrive a moment later (1 s for the trip on a
            // busy machine); a burst that ignored the deadline would keep sending one call every ~400 ms
            for (Simulation.Arrival a : arrivals) {
                assertTrue(!a.time().isAfter(deadline.plus(Duration.ofMillis(1000))), () -> "call arrived at " + a.time()
                        + ", after the deadline " + deadline + "\n" + r.all());
            }
            Matcher notSent = Pattern.compile("not sent \\(deadline\\): (\\d+)").matcher(r.stdout());
            assertTrue(notSent.find(), r::all);
            // dispatched = requests - not sent; at most the calls in flight (2) were dispatched but never transmitted
            int dispatched = 40 - Integer.parseInt(notSent.group(1));
            assertTrue(dispatched >= arrivals.size() && dispatched - arrivals.size() <= 2,
                    () -> dispatched + " dispatched, " + arrivals.size() + " arrived\n" + r.all());
        }
    }

    @Test
    void burstRejectsBadOptionsBeforeAnyRequest() {
        try (LocalBedrock lb = SampleHarness.start()) {
            String[][] bad = {{"--concurrency", "0"}, {"--requests", "0"}, {"--concurrency", "many"}, {"--requests", "-5"}};
            String[] mentions = {"--concurrency", "--requests", "--concurrency", "--requests"};
            for (int i = 0; i < bad.length; i++) {
                SampleHarness.Result r = SampleHarness.runAlias(lb, "burst-haiku", bad[i]);
                SampleHarness.assertUsageError(r, mentions[i]);
                SampleHarness.assertNoRequests(lb, r);
            }
        }
    }
}
