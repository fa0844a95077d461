import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Bedrock API keys ({@code AWS_BEARER_TOKEN_BEDROCK}): the SDK sends them as a bearer token by itself
 * (sync and async clients, no SigV4 keys needed); the endpoint accepts only the keys it was given and
 * refuses any other with Bedrock's 403, which the sample explains in one line; {@code ./jbang offline
 * --api-key} runs a sample with the default key.
 */
class ApiKeyTest {
    static final String KEY = "ABSKQXBpS2V5VGVzdENvbmZpZ3VyZWRLZXk=";

    @BeforeAll
    static void buildScripts() {
        SampleHarness.buildAll();
    }

    /** The harness environment with the API key and without any SigV4 keys. */
    static Map<String, String> env(LocalBedrock lb, String apiKey) {
        Map<String, String> env = SampleHarness.baseEnv(lb);
        env.remove("AWS_ACCESS_KEY_ID");
        env.remove("AWS_SECRET_ACCESS_KEY");
        env.put("AWS_BEARER_TOKEN_BEDROCK", apiKey);
        return env;
    }

    @Test
    void configuredKeyWorksOtherKeysAreRefusedInOneLine() {
        for (String alias : List.of("converse-haiku", "converse-stream-haiku")) {
            SampleHarness.assertBuilt(SampleHarness.alias(alias));
            try (LocalBedrock lb = LocalBedrock.start(new LocalBedrock.Config().port(0).apiKey(KEY))) {
                SampleHarness.Result ok = SampleHarness.runAlias(env(lb, KEY), alias);
                SampleHarness.assertSuccess(ok);
                List<RequestLog.Entry> calls = SampleHarness.runtimeEntries(lb);
                assertEquals(1, calls.size(), () -> SampleHarness.describe(calls) + "\n" + ok.all());
                assertEquals("valid: api key", calls.get(0).signature(), () -> SampleHarness.describe(calls));

                // a well-formed key the endpoint was not given (here: the default key), and a token that is no API key at all
                for (String wrong : List.of(BearerAuth.DEFAULT_KEY, "not-an-api-key")) {
                    lb.requestLog().clear();
                    SampleHarness.Result r = SampleHarness.runAlias(env(lb, wrong), alias);
                    String line = SampleHarness.assertOneLineError(r);
                    assertEquals(1, r.exit(), () -> r.all());
                    assertTrue(line.contains("Bedrock did not accept the API key") && line.contains("AWS_BEARER_TOKEN_BEDROCK")
                            && line.contains("Region") && line.contains("expired"), () -> "the one line must say what to check\n" + r.all());
                    List<RequestLog.Entry> refused = SampleHarness.runtimeEntries(lb);
                    assertEquals(1, refused.size(), () -> "a refused key is not retried: " + SampleHarness.describe(refused));
                    assertEquals(403, refused.get(0).status());
                    assertEquals("AccessDeniedException", refused.get(0).errorCode());
                    assertTrue(refused.get(0).signature().startsWith("invalid: "), refused.get(0).signature());
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Test
    void offlineRunsAnySampleWithTheDefaultApiKey() throws Exception {
        SampleHarness.assertBuilt(SampleHarness.alias("invoke-haiku"));
        Path log = Files.createTempFile(SampleHarness.scratch(), "api-key-log", ".jsonl");
        SampleHarness.Result r = SampleHarness.run(SampleHarness.repoRoot(), SampleHarness.baseEnv(null), Duration.ofMinutes(3),
                SampleHarness.wrapper().toString(), "offline", "--api-key", "--request-log", log.toString(), "invoke-haiku");
        SampleHarness.assertSuccess(r);
        assertTrue(r.stderr().contains("with the Bedrock API key in AWS_BEARER_TOKEN_BEDROCK"), () -> r.all());
        List<String> runtime = Files.readAllLines(log).stream().filter(l -> l.contains("\"service\":\"bedrock-runtime\"")).collect(Collectors.toList());
        assertEquals(1, runtime.size(), () -> String.join("\n", runtime));
        assertTrue(runtime.get(0).contains("\"signature\":\"valid: api key\"") && runtime.get(0).contains("\"accessKeyId\":null"),
                () -> "the call must have used the API key, not SigV4: " + runtime.get(0));
        assertTrue(!runtime.get(0).contains(BearerAuth.DEFAULT_KEY), "the request log must not hold the key");
    }
}
