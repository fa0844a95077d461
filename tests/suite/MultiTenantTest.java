import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The multi-tenant sample: one application inference profile per tenant, created with the tenant's
 * tags and copied from the global Sonnet 4.5 profile; each call goes through (and is counted against)
 * its tenant's profile ARN; the per-tenant usage printed equals the endpoint's; no profile is left
 * behind — also when the second call fails.
 */
class MultiTenantTest {
    static final String ALIAS = "multi-tenant-profile";
    static final List<String> TENANTS = List.of("acme", "globex");
    static final List<String> PROMPTS = List.of("First tenant question about invoices", "Second tenant question about refunds",
            "Third tenant question about shipping");
    static final Pattern CREATED = Pattern.compile("📝 ([A-Za-z0-9_-]+): created (arn:aws:bedrock:\\S+:application-inference-profile/\\S+)");
    static final Pattern USAGE = Pattern.compile("🏢 ([A-Za-z0-9_-]+): input=(\\d+) output=(\\d+) total=(\\d+)");

    @BeforeAll
    static void buildScripts() {
        SampleHarness.buildAll();
    }

    static SampleHarness.Result run(LocalBedrock lb) {
        List<String> args = new ArrayList<>(List.of("--tenants", String.join(",", TENANTS), "--max-tokens", "120", "--temperature", "0.5"));
        for (String p : PROMPTS) {
            args.add("--prompt");
            args.add(p);
        }
        return SampleHarness.runAlias(lb, ALIAS, args.toArray(String[]::new));
    }

    @Test
    void profilesPerTenantCallsCountedAndCleanedUp() {
        SampleHarness.assertBuilt(SampleHarness.alias(ALIAS));
        try (LocalBedrock lb = SampleHarness.start()) {
            SampleHarness.Result r = run(lb);
            SampleHarness.assertSuccess(r);
            Map<String, String> arns = createdArns(r);
            assertCreatedWithTags(lb, r);

            // requests go round-robin: acme, globex, acme — each through its tenant's profile ARN
            List<RequestLog.Entry> calls = SampleHarness.runtimeEntries(lb);
            assertEquals(PROMPTS.size(), calls.size(), () -> SampleHarness.describe(calls) + "\n" + r.all());
            for (int i = 0; i < calls.size(); i++) {
                RequestLog.Entry e = calls.get(i);
                String tenant = TENANTS.get(i % TENANTS.size());
                assertEquals("Converse", e.operation());
                assertEquals(arns.get(tenant), e.modelId(), "call " + (i + 1) + " must use " + tenant + "'s profile ARN");
                assertEquals(200, e.status());
                assertEquals("valid", e.signature());
                JsonNode body = e.bodyJson();
                assertEquals(PROMPTS.get(i), body.at("/messages/0/content/0/text").asText(), () -> "prompt of call in " + body);
                assertEquals(120, body.at("/inferenceConfig/maxTokens").asInt(), () -> "maxTokens in " + body);
                assertEquals(0.5, body.at("/inferenceConfig/temperature").asDouble(), 1e-6, () -> "temperature in " + body);
            }
            assertEquals(2, lb.usage().of(arns.get("acme")).calls(), () -> "acme's calls " + lb.usage().byModelId());
            assertEquals(1, lb.usage().of(arns.get("globex")).calls(), () -> "globex's calls " + lb.usage().byModelId());
            assertEquals(0, lb.usage().of(SampleHarness.MULTI_TENANT_SOURCE_MODEL).calls(), "calls must not bypass the tenant profiles");
            assertPrintedUsageMatches(lb, r, arns, TENANTS);
            assertCleanedUp(lb, r, arns);
        }
    }

    @Test
    void secondCallFailsProfilesStillDeleted() {
        SampleHarness.assertBuilt(SampleHarness.alias(ALIAS));
        try (LocalBedrock lb = SampleHarness.start()) {
            lb.faults().failCall(2, "AccessDeniedException");
            SampleHarness.Result r = run(lb);
            assertNotEquals(0, r.exit(), () -> "a failed tenant call must make the exit code non-zero\n" + r.all());
            SampleHarness.assertNoStackTrace(r);
            assertFalse(r.completed(), () -> r.all());
            assertTrue(r.errLines().lines().anyMatch(l -> l.startsWith("❌ globex:") && l.contains("access denied")),
                    () -> "the failed call must be reported as one line for its tenant\n" + r.all());
            Map<String, String> arns = createdArns(r);
            List<RequestLog.Entry> calls = SampleHarness.runtimeEntries(lb);
            assertEquals(403, calls.get(1).status(), () -> SampleHarness.describe(calls));
            assertEquals(arns.get("globex"), calls.get(1).modelId());
            assertEquals(0, lb.usage().of(arns.get("globex")).calls(), "the failed call is not counted");
            assertPrintedUsageMatches(lb, r, arns, List.of("acme"));
            assertCleanedUp(lb, r, arns);
        }
    }

    /**
     * The second tenant's profile cannot be created: the run fails (non-zero, one line, no stack
     * trace), makes no runtime call, and still deletes the first tenant's profile (the finally).
     */
    @Test
    void secondCreateFailsFirstProfileStillDeleted() {
        SampleHarness.assertBuilt(SampleHarness.alias(ALIAS));
        try (LocalBedrock lb = SampleHarness.start()) {
            lb.faults().failOperation("CreateInferenceProfile", 2, "ServiceQuotaExceededException");
            SampleHarness.Result r = run(lb);
            assertNotEquals(0, r.exit(), () -> "a failed profile creation must make the exit code non-zero\n" + r.all());
            SampleHarness.assertNoStackTrace(r);
            assertFalse(r.completed(), () -> r.all());
            assertTrue(r.errLines().lines().anyMatch(l -> l.startsWith("❌ ")), () -> "one ❌ line expected\n" + r.all());
            Matcher m = CREATED.matcher(r.stdout());
            assertTrue(m.find(), () -> "the first tenant's profile is created\n" + r.all());
            String first = m.group(2);
            assertFalse(m.find(), () -> "only one profile can have been created\n" + r.all());
            assertEquals(0, SampleHarness.runtimeEntries(lb).size(), () -> "no tenant call without all profiles\n" + r.all());
            assertCleanedUp(lb, r, Map.of(TENANTS.get(0), first));
        }
    }

    /** tenant → ARN from the "📝 tenant: created ARN" lines; one per tenant, all different. */
    static Map<String, String> createdArns(SampleHarness.Result r) {
        Map<String, String> arns = new LinkedHashMap<>();
        Matcher m = CREATED.matcher(r.stdout());
        while (m.find()) arns.put(m.group(1), m.group(2));
        assertEquals(TENANTS, new ArrayList<>(arns.keySet()), () -> "one created profile per tenant\n" + r.all());
        assertEquals(TENANTS.size(), arns.values().stream().distinct().count(), () -> "profile ARNs must differ\n" + r.all());
        for (String arn : arns.values()) {
            assertTrue(arn.startsWith("arn:aws:bedrock:us-east-1:" + LocalBedrock.ACCOUNT_ID + ":application-inference-profile/"), arn);
        }
        return arns;
    }

    static void assertCreatedWithTags(LocalBedrock lb, SampleHarness.Result r) {
        List<RequestLog.Entry> creates = lb.requestLog().entries().stream()
                .filter(e -> "CreateInferenceProfile".equals(e.operation())).collect(Collectors.toList());
        assertEquals(TENANTS.size(), creates.size(), () -> SampleHarness.describe(creates) + "\n" + r.all());
        for (int i = 0; i < TENANTS.size(); i++) {
            String tenant = TENANTS.get(i);
            RequestLog.Entry e = creates.get(i);
            assertTrue(e.status() >= 200 && e.status() < 300, () -> SampleHarness.describe(creates));
            JsonNode body = e.bodyJson();
            assertTrue(body.path("modelSource").path("copyFrom").asText()
                    .endsWith(":inference-profile/" + SampleHarness.MULTI_TENANT_SOURCE_MODEL), () -> "copyFrom in " + body);
            Map<String, String> tags = new LinkedHashMap<>();
            body.path("tags").forEach(t -> tags.put(t.path("key").asText(), t.path("value").asText()));
            assertEquals(tenant, tags.get("tenant_id"), () -> "tenant_id tag in " + body);
            assertTrue(body.path("inferenceProfileName").asText().contains(tenant), () -> "profile name in " + body);
        }
    }

    static void assertPrintedUsageMatches(LocalBedrock lb, SampleHarness.Result r, Map<String, String> arns, List<String> tenants) {
        Map<String, long[]> printed = new LinkedHashMap<>();
        Matcher m = USAGE.matcher(r.stdout());
        while (m.find()) {
            printed.put(m.group(1), new long[] {Long.parseLong(m.group(2)), Long.parseLong(m.group(3)), Long.parseLong(m.group(4))});
        }
        for (String tenant : tenants) {
            long[] p = printed.get(tenant);
            assertTrue(p != null, () -> "no usage line for " + tenant + "\n" + r.all());
            Usage.Totals t = lb.usage().of(arns.get(tenant));
            assertTrue(t.calls() > 0);
            assertEquals(t.inputTokens(), p[0], () -> tenant + " input tokens vs endpoint\n" + r.all());
            assertEquals(t.outputTokens(), p[1], () -> tenant + " output tokens vs endpoint\n" + r.all());
            assertEquals(t.inputTokens() + t.outputTokens(), p[2], () -> tenant + " total\n" + r.all());
        }
    }

    static void assertCleanedUp(LocalBedrock lb, SampleHarness.Result r, Map<String, String> arns) {
        assertTrue(lb.controlPlane().applicationProfiles().isEmpty(),
                () -> "application profiles left behind: " + lb.controlPlane().applicationProfiles() + "\n" + r.all());
        List<String> deleted = lb.requestLog().entries().stream()
                .filter(e -> "DeleteInferenceProfile".equals(e.operation()) && e.status() == 200)
                .map(RequestLog.Entry::rawPath).collect(Collectors.toList());
        assertEquals(arns.size(), deleted.size(), () -> "DeleteInferenceProfile calls " + deleted + "\n" + r.all());
        for (Map.Entry<String, String> e : arns.entrySet()) {
            assertTrue(r.stdout().contains("🧹 " + e.getKey() + ": deleted " + e.getValue()), () -> "cleanup line\n" + r.all());
        }
    }
}
