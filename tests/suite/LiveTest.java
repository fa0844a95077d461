import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * A few samples against real AWS, only with {@code BEDROCK_LIVE=1} and the caller's own credentials
 * (no endpoint variables are passed on). Without it every test here is aborted by an assumption,
 * so the runner reports them as skipped, never as passed.
 */
class LiveTest {
    static final List<String> LIVE_ALIASES = List.of("converse-haiku", "converse-stream-haiku", "invoke-stream-nova-2-lite");

    @TestFactory
    Stream<DynamicTest> samplesAnswerOnRealBedrock() {
        return LIVE_ALIASES.stream().map(name -> dynamicTest(name + " on AWS", () -> {
            Assumptions.assumeTrue("1".equals(System.getenv("BEDROCK_LIVE")),
                    "live test: set BEDROCK_LIVE=1 with real AWS credentials to call Bedrock");
            SampleHarness.Alias a = SampleHarness.alias(name);
            SampleHarness.assertBuilt(a);
            Map<String, String> env = new LinkedHashMap<>(System.getenv());
            env.keySet().removeIf(k -> k.startsWith("AWS_ENDPOINT_URL") || k.equals("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"));
            env.put("JBANG_WRAPPER_NO_PATH", "1");
            SampleHarness.Result r = SampleHarness.runAlias(env, name, "--prompt", "Say hello in five words.", "--max-tokens", "100");
            SampleHarness.assertSuccess(r);
            assertTrue(r.stdout().contains("🚀 Calling " + a.modelId()), () -> r.all());
            assertNotNull(r.stopReason(), () -> r.all());
            Long in = r.tokens("Input");
            Long out = r.tokens("Output");
            assertTrue(in != null && in > 0 && out != null && out > 0, () -> "token usage\n" + r.all());
            assertTrue(r.answer() != null && !r.answer().isBlank() && !r.answer().contains("[local-bedrock]"), () -> r.all());
        }));
    }
}
