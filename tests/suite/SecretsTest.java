import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * No secret reaches any output: every catalog sample ({@link SampleHarness#samples()}, so aliases
 * added later are covered) runs with distinctive secret access key, session token and Bedrock API
 * key values under the failures that make programs print the most — a bad signature, throttling that
 * exhausts the SDK's retries, connection refused, a stream cut mid-answer, a wrong API key — and none
 * of those values (nor a long piece of one) may appear in stdout, stderr or the endpoint's request
 * log. Each scenario must also show in the log that it happened, so that a run which failed for
 * another reason cannot pass.
 *
 * <p>Bounded run time: a bad signature and throttling run for every sample, a cut stream for every
 * streaming one; connection refused and a wrong API key (whose output comes from the shared
 * {@code Utils.explain}) for the first sample of each kind. Two different samples run at a time
 * (scenario-major order, so that one alias never runs twice at once).
 */
class SecretsTest {
    static final String ACCESS_KEY = "AKIASECRETSTEST00001";
    static final String SECRET = "wJalrXUtnFEMIK7MDENGbPxRfiCYSecretsTestSecretKey01";
    static final String SESSION_TOKEN = "IQoJb3JpZ2luX2VjSecretsTestSessionTokenValue02xyz";
    static final String API_KEY = "ABSKU2VjcmV0c1Rlc3RSaWdodEFwaUtleVZhbHVlMDM=";
    static final String WRONG_API_KEY = "ABSKU2VjcmV0c1Rlc3RXcm9uZ0FwaUtleVZhbHVlMDQ=";
    static final List<String> SECRETS = List.of(SECRET, SESSION_TOKEN, API_KEY, WRONG_API_KEY);

    /** One failure to run a sample under: how to set up the endpoint and the environment, and what proves it happened. */
    record Scenario(String name, Predicate<SampleHarness.Alias> appliesTo, String endpointSecret, String faults,
                    String sampleApiKey, boolean refuseConnection, Predicate<List<RequestLog.Entry>> happened) {}

    static final List<Scenario> SCENARIOS = List.of(
            // SigV4 with a secret the endpoint does not share: InvalidSignatureException / SignatureDoesNotMatch
            new Scenario("bad signature", a -> true, "the-endpoint-expects-another-secret", null, null, false,
                    log -> log.stream().anyMatch(e -> String.valueOf(e.signature()).startsWith("invalid"))),
            // Bedrock through the API key, S3/STS through SigV4; every runtime call throttled until the SDK gives up
            new Scenario("throttled, retries exhausted", a -> a.modelId() != null, SECRET, "throttle-first=1000", API_KEY, false,
                    log -> log.stream().anyMatch(e -> "ThrottlingException".equals(e.errorCode()))),
            // nothing reaches the endpoint (the samples are pointed at a closed port); run() also asks for the one line saying so
            new Scenario("connection refused", SecretsTest::firstOfItsKind, SECRET, null, API_KEY, true, List::isEmpty),
            // SigV4 (with the session token) on a stream cut after two events
            new Scenario("stream cut", a -> a.kind().streaming || a.name().contains("stream"), SECRET, "cut-stream-after=2", null, false,
                    log -> log.stream().anyMatch(e -> "LocalStreamCut".equals(e.errorCode()))),
            new Scenario("wrong API key", SecretsTest::firstOfItsKind, SECRET, null, WRONG_API_KEY, false,
                    log -> log.stream().anyMatch(e -> "invalid: unknown api key".equals(e.signature()))));

    @BeforeAll
    static void buildScripts() {
        SampleHarness.buildAll();
    }

    @Test
    void noSecretInAnyOutputOfAnySample() throws Exception {
        long start = System.nanoTime();
        List<SampleHarness.Alias> samples = SampleHarness.samples();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<Future<String>> runs = new ArrayList<>();
        try {
            for (SampleHarness.Alias a : samples) SampleHarness.assertBuilt(a);
            for (Scenario s : SCENARIOS) {
                for (SampleHarness.Alias a : samples) {
                    if (s.appliesTo().test(a)) runs.add(pool.submit(() -> run(a, s)));
                }
            }
            List<String> problems = new ArrayList<>();
            for (Future<String> f : runs) {
                String problem = f.get();
                if (problem != null) problems.add(problem);
            }
            System.out.println("SecretsTest: " + runs.size() + " runs over " + samples.size() + " samples in "
                    + (System.nanoTime() - start) / 1_000_000 + " ms");
            assertTrue(problems.isEmpty(), () -> problems.size() + " of " + runs.size() + " runs failed:\n" + String.join("\n\n", problems));
        } finally {
            pool.shutdownNow();
        }
    }

    /** Runs one sample under one scenario; returns null when no secret leaked and the scenario happened. */
    static String run(SampleHarness.Alias a, Scenario s) throws Exception {
        // A bearer-token request carries no Region (on AWS the host name does): the endpoint then takes its
        // own Region as the source Region, so it runs in the samples' AWS_REGION (SampleHarness.baseEnv) —
        // compare-global-geo, for one, calls the us. profile there.
        LocalBedrock.Config config = new LocalBedrock.Config().port(0).region("us-east-1").accessKey(ACCESS_KEY)
                .secretKey(s.endpointSecret()).faults(s.faults()).apiKey(API_KEY);
        try (LocalBedrock lb = LocalBedrock.start(config)) {
            Map<String, String> env = SampleHarness.baseEnv(lb);
            env.put("AWS_ACCESS_KEY_ID", ACCESS_KEY);
            env.put("AWS_SECRET_ACCESS_KEY", SECRET);
            env.put("AWS_SESSION_TOKEN", SESSION_TOKEN);
            if (s.sampleApiKey() != null) env.put("AWS_BEARER_TOKEN_BEDROCK", s.sampleApiKey());
            if (s.refuseConnection()) env.put("AWS_ENDPOINT_URL", "http://127.0.0.1:" + closedPort());
            List<String> args = a.kind() == SampleHarness.Kind.PEGASUS || a.kind() == SampleHarness.Kind.PEGASUS_STREAM
                    ? List.of("--bucket", "secrets-test-bucket", "--video", PegasusEndToEndTest.VIDEO)
                    // a few calls are enough: every failure path is the same for the 50 of its default run
                    : a.name().equals("burst-haiku") ? List.of("--requests", "4", "--concurrency", "2", "--deadline", "30")
                    : a.name().equals("compare-global-geo") ? List.of("--rounds", "1")
                    : List.of();
            SampleHarness.Result r = SampleHarness.runAlias(env, a.name(), args.toArray(String[]::new));
            List<RequestLog.Entry> log = lb.requestLog().entries();
            String logText = log.stream().map(e -> e.toJson().toString()).collect(Collectors.joining("\n"));
            List<String> leaks = new ArrayList<>();
            for (String secret : SECRETS) {
                for (String piece : List.of(secret, secret.substring(8, 28))) {
                    if (r.stdout().contains(piece)) leaks.add("stdout holds " + piece);
                    if (r.stderr().contains(piece)) leaks.add("stderr holds " + piece);
                    if (logText.contains(piece)) leaks.add("request log holds " + piece);
                }
            }
            String where = a.name() + " / " + s.name() + ": ";
            if (!leaks.isEmpty()) return where + String.join(", ", leaks) + "\n" + r.all();
            if (!s.happened().test(log)) {
                return where + "the scenario did not happen (request log: " + SampleHarness.describe(log) + ")\n" + r.all();
            }
            if (s.refuseConnection() && (r.exit() != 1 || !r.errLines().contains("could not connect"))) {
                return where + "expected exit 1 with 'could not connect' (the endpoint refused the connection)\n" + r.all();
            }
            return null;
        }
    }

    static boolean firstOfItsKind(SampleHarness.Alias a) {
        return SampleHarness.samples().stream().filter(x -> x.kind() == a.kind()).findFirst().map(a::equals).orElse(false);
    }

    static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
