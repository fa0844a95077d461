import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Bad input a user can give: no credentials, a wrong secret, an unknown or bare model id, out-of-range
 * option values, Pegasus without a bucket and without a console. Each must end with a non-zero exit
 * and an actionable message without a stack trace; where the sample can know the input is wrong, no
 * request may reach the endpoint.
 */
class SampleBadInputTest {
    /** One sample per API shape for the option checks. */
    static final List<String> REPRESENTATIVES = List.of("converse-haiku", "converse-stream-sonnet-4-5", "invoke-opus-4-5",
            "invoke-stream-nova-2-lite");

    @BeforeAll
    static void buildScripts() {
        SampleHarness.buildAll();
    }

    @TestFactory
    Stream<DynamicTest> badInput() {
        List<DynamicTest> t = new ArrayList<>();
        for (String name : List.of("converse-haiku", "invoke-stream-haiku")) {
            t.add(dynamicTest(name + " without credentials", () -> noCredentials(name)));
            t.add(dynamicTest(name + " with a wrong secret key", () -> wrongSecret(name)));
        }
        for (String name : List.of("converse-haiku", "invoke-stream-nova-2-lite")) {
            t.add(dynamicTest(name + " with an unknown model id", () -> unknownModel(name)));
        }
        for (String name : REPRESENTATIVES) {
            t.add(dynamicTest(name + " --temperature 1.5", () -> usageError(name, "--temperature", "--temperature", "1.5")));
            t.add(dynamicTest(name + " --max-tokens -5", () -> usageError(name, "--max-tokens", "--max-tokens", "-5")));
        }
        for (String name : List.of("converse-haiku", "converse-stream-sonnet-4-5", "invoke-opus-4-5", "invoke-stream-nova-2-lite",
                "embed-cohere", "invoke-opus-4-6-advanced")) {
            t.add(dynamicTest(name + " with the bare foundation-model id", () -> bareModelId(name)));
        }
        for (String name : List.of("invoke-pegasus", "invoke-stream-pegasus")) {
            t.add(dynamicTest(name + " without a bucket and without a console", () -> pegasusWithoutBucket(name)));
        }
        return t.stream();
    }

    static void noCredentials(String name) {
        SampleHarness.Alias a = SampleHarness.alias(name);
        SampleHarness.assertBuilt(a);
        try (LocalBedrock lb = SampleHarness.start()) {
            Map<String, String> env = SampleHarness.baseEnv(lb);
            env.remove("AWS_ACCESS_KEY_ID");
            env.remove("AWS_SECRET_ACCESS_KEY");
            SampleHarness.Result r = SampleHarness.runAlias(env, name);
            String line = SampleHarness.assertOneLineError(r);
            assertTrue(line.toLowerCase(Locale.ROOT).contains("credentials"), () -> "must say credentials are missing\n" + r.all());
            assertTrue(line.contains("aws configure") || line.contains("AWS_PROFILE") || line.contains("AWS_ACCESS_KEY_ID"),
                    () -> "must say how to configure credentials\n" + r.all());
            SampleHarness.assertNoRequests(lb, r);
        }
    }

    static void wrongSecret(String name) {
        SampleHarness.Alias a = SampleHarness.alias(name);
        SampleHarness.assertBuilt(a);
        try (LocalBedrock lb = SampleHarness.start()) {
            Map<String, String> env = SampleHarness.baseEnv(lb);
            env.put("AWS_SECRET_ACCESS_KEY", "not-the-secret");
            SampleHarness.Result r = SampleHarness.runAlias(env, name);
            String line = SampleHarness.assertOneLineError(r);
            assertTrue(line.toLowerCase(Locale.ROOT).contains("credentials") || line.toLowerCase(Locale.ROOT).contains("secret"),
                    () -> "must say the credentials were rejected\n" + r.all());
            List<RequestLog.Entry> runtime = SampleHarness.runtimeEntries(lb);
            assertFalse(runtime.isEmpty(), () -> "the request never reached the endpoint\n" + r.all());
            for (RequestLog.Entry e : runtime) {
                assertEquals(403, e.status(), () -> "the endpoint must reject the signature " + SampleHarness.describe(runtime));
                assertTrue(e.signature() != null && e.signature().startsWith("invalid"),
                        () -> "signature check " + SampleHarness.describe(runtime));
            }
            assertEquals(0, lb.usage().byModelId().size(), () -> "usage counted for a rejected call " + lb.usage().byModelId());
        }
    }

    static void unknownModel(String name) {
        SampleHarness.Alias a = SampleHarness.alias(name);
        SampleHarness.assertBuilt(a);
        String unknown = a.isNova() ? "global.amazon.nova-9-mega-v1:0" : "global.anthropic.claude-unknown-9-v1:0";
        try (LocalBedrock lb = SampleHarness.start()) {
            SampleHarness.Result r = SampleHarness.runAlias(lb, name, "--model-id", unknown);
            String line = SampleHarness.assertOneLineError(r);
            assertTrue(line.contains("model ID") || line.contains("model id") || line.contains("--model-id"),
                    () -> "must point at the model id\n" + r.all());
            List<RequestLog.Entry> runtime = SampleHarness.runtimeEntries(lb);
            assertEquals(1, runtime.size(), () -> "one request, not retried: " + SampleHarness.describe(runtime) + "\n" + r.all());
            assertEquals(unknown, runtime.get(0).modelId());
            assertTrue(runtime.get(0).status() >= 400 && runtime.get(0).status() < 500, () -> SampleHarness.describe(runtime));
        }
    }

    static void usageError(String name, String option, String... args) {
        SampleHarness.Alias a = SampleHarness.alias(name);
        SampleHarness.assertBuilt(a);
        try (LocalBedrock lb = SampleHarness.start()) {
            SampleHarness.Result r = SampleHarness.runAlias(lb, name, args);
            assertUsageError(r, option);
            SampleHarness.assertNoRequests(lb, r);
        }
    }

    /** exit 2, no stack trace, and the first line on stderr is the message naming the option. */
    static void assertUsageError(SampleHarness.Result r, String option) {
        SampleHarness.assertUsageError(r, option);
        List<String> lines = r.errLines().lines().filter(l -> !l.isBlank()).collect(Collectors.toList());
        assertTrue(!lines.isEmpty() && lines.get(0).contains(option),
                () -> "the first stderr line must be the message about " + option + "\n" + r.all());
    }

    static void bareModelId(String name) {
        SampleHarness.Alias a = SampleHarness.alias(name);
        SampleHarness.assertBuilt(a);
        String bare = a.modelId().substring("global.".length());
        try (LocalBedrock lb = SampleHarness.start()) {
            SampleHarness.Result r = SampleHarness.runAlias(lb, name, "--model-id", bare);
            assertUsageError(r, "--model-id");
            String first = r.errLines().lines().filter(l -> !l.isBlank()).findFirst().orElse("");
            assertTrue(first.contains("global." + bare) || first.contains("inference profile"),
                    () -> "must tell to use the inference profile id (global.…)\n" + r.all());
            SampleHarness.assertNoRequests(lb, r);
        }
    }

    static void pegasusWithoutBucket(String name) {
        SampleHarness.Alias a = SampleHarness.alias(name);
        SampleHarness.assertBuilt(a);
        try (LocalBedrock lb = SampleHarness.start()) {
            SampleHarness.Result r = SampleHarness.runAlias(lb, name, "--video", PegasusEndToEndTest.VIDEO);
            assertTrue(r.exit() != 0, () -> "must fail without a bucket\n" + r.all());
            SampleHarness.assertNoStackTrace(r);
            assertFalse(r.completed(), () -> r.all());
            String first = r.errLines().lines().filter(l -> !l.isBlank()).findFirst().orElse("");
            assertTrue(first.contains("--bucket"), () -> "the first stderr line must say to pass --bucket\n" + r.all());
            SampleHarness.assertNoRequests(lb, r);
        }
    }
}
