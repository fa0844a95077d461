import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Shared helpers for the sample tests (not a test itself): finds the repository, reads the catalog,
 * builds every script once, and runs an alias the way a user does — {@code ./jbang <alias> …} as a
 * child process with the SDK's standard environment variables pointing at an in-process
 * {@link LocalBedrock}, stdin closed and a timeout.
 */
final class SampleHarness {
    private SampleHarness() {}

    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(120);

    // ------------------------------------------------------------------ repository

    private static Path root;

    /** The repository root: system property {@code repo.root}, else the clone above the working directory. */
    static synchronized Path repoRoot() {
        if (root != null) return root;
        String prop = System.getProperty("repo.root");
        root = prop != null && !prop.isBlank() ? Path.of(prop).toAbsolutePath().normalize() : Tools.repoRoot();
        return root;
    }

    static Path wrapper() {
        return repoRoot().resolve("jbang");
    }

    // ------------------------------------------------------------------ catalog

    /** What kind of program an alias runs; decides which scenarios apply to it. */
    enum Kind {
        CONVERSE("Converse", false), CONVERSE_STREAM("ConverseStream", true),
        INVOKE("InvokeModel", false), INVOKE_STREAM("InvokeModelWithResponseStream", true),
        EMBED("InvokeModel", false), PEGASUS("InvokeModel", false), PEGASUS_STREAM("InvokeModelWithResponseStream", true),
        MULTI_TENANT("Converse", false),
        /** The Converse feature samples (tools, structured output, caching, chat, …): each has its own tests. */
        FEATURE(null, false),
        /** The samples about global routing itself (profile discovery, global vs geographic, throughput). */
        ROUTING(null, false),
        TOOL(null, false);

        final String operation;
        final boolean streaming;

        Kind(String operation, boolean streaming) {
            this.operation = operation;
            this.streaming = streaming;
        }
    }

    /** One catalog alias with the model id the suite expects it to call (independent of the sample's code). */
    record Alias(String name, String scriptRef, Kind kind, String modelId) {
        Path script() {
            return repoRoot().resolve(scriptRef);
        }

        boolean isSample() {
            return kind != Kind.TOOL;
        }

        /** Samples that call one runtime model directly with default options (no bucket, no profiles). */
        boolean isDirectRuntime() {
            return kind == Kind.CONVERSE || kind == Kind.CONVERSE_STREAM || kind == Kind.INVOKE
                    || kind == Kind.INVOKE_STREAM || kind == Kind.EMBED;
        }

        boolean isClaude() {
            return modelId != null && modelId.contains("anthropic");
        }

        boolean isNova() {
            return modelId != null && modelId.contains("nova");
        }

        boolean isAdvanced() {
            return name.endsWith("-advanced");
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** The model ids the issue names, by the model part of the alias (wire doc §5.1). */
    static final Map<String, String> MODEL_BY_SUFFIX = Map.of(
            "haiku", "global.anthropic.claude-haiku-4-5-20251001-v1:0",
            "sonnet-4-5", "global.anthropic.claude-sonnet-4-5-20250929-v1:0",
            "opus-4-5", "global.anthropic.claude-opus-4-5-20251101-v1:0",
            "sonnet-4-6", "global.anthropic.claude-sonnet-4-6",
            "opus-4-6", "global.anthropic.claude-opus-4-6-v1",
            "opus-4-6-advanced", "global.anthropic.claude-opus-4-6-v1",
            "nova-2-lite", "global.amazon.nova-2-lite-v1:0",
            "pegasus", "global.twelvelabs.pegasus-1-2-v1:0");
    static final String COHERE_MODEL = "global.cohere.embed-v4:0";
    static final String MULTI_TENANT_SOURCE_MODEL = "global.anthropic.claude-sonnet-4-5-20250929-v1:0";

    private static Map<String, Alias> catalog;

    static Path catalogFile() {
        return repoRoot().resolve("jbang-catalog.json");
    }

    static JsonNode catalogJson() {
        try {
            return JSON.readTree(catalogFile().toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every alias of jbang-catalog.json, in file order, classified. */
    static synchronized Map<String, Alias> catalog() {
        if (catalog != null) return catalog;
        Map<String, Alias> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : catalogJson().path("aliases").properties()) {
            String name = e.getKey();
            String ref = e.getValue().path("script-ref").asText();
            out.put(name, classify(name, ref));
        }
        catalog = out;
        return out;
    }

    /** Converse feature samples → the model id they call by default. */
    static final Map<String, String> FEATURE_ALIASES = Map.of(
            "converse-tools-haiku", "global.anthropic.claude-haiku-4-5-20251001-v1:0",
            "converse-stream-tools-haiku", "global.anthropic.claude-haiku-4-5-20251001-v1:0",
            "converse-structured-haiku", "global.anthropic.claude-haiku-4-5-20251001-v1:0",
            "converse-cache-sonnet-4-6", "global.anthropic.claude-sonnet-4-6",
            "chat-haiku", "global.anthropic.claude-haiku-4-5-20251001-v1:0",
            "converse-document-sonnet-4-6", "global.anthropic.claude-sonnet-4-6",
            "converse-thinking-opus-4-6", "global.anthropic.claude-opus-4-6-v1",
            "converse-service-tier-nova-2-lite", "global.amazon.nova-2-lite-v1:0");
    /** Global-routing samples → the model id they call by default (null: no runtime call). */
    static final Map<String, String> ROUTING_ALIASES = new java.util.HashMap<>(Map.of(
            "compare-global-geo", "global.anthropic.claude-haiku-4-5-20251001-v1:0",
            "burst-haiku", "global.anthropic.claude-haiku-4-5-20251001-v1:0"));
    static {
        ROUTING_ALIASES.put("list-global-profiles", null);
    }

    static Alias classify(String name, String ref) {
        if (ref.startsWith("tests/")) return new Alias(name, ref, Kind.TOOL, null);
        if (FEATURE_ALIASES.containsKey(name)) return new Alias(name, ref, Kind.FEATURE, FEATURE_ALIASES.get(name));
        if (ROUTING_ALIASES.containsKey(name)) return new Alias(name, ref, Kind.ROUTING, ROUTING_ALIASES.get(name));
        if (name.equals("embed-cohere")) return new Alias(name, ref, Kind.EMBED, COHERE_MODEL);
        if (name.equals("multi-tenant-profile")) return new Alias(name, ref, Kind.MULTI_TENANT, MULTI_TENANT_SOURCE_MODEL);
        String[][] prefixes = {
            {"converse-stream-", "CONVERSE_STREAM"}, {"converse-", "CONVERSE"},
            {"invoke-stream-", "INVOKE_STREAM"}, {"invoke-", "INVOKE"}};
        for (String[] p : prefixes) {
            if (name.startsWith(p[0])) {
                String suffix = name.substring(p[0].length());
                String model = MODEL_BY_SUFFIX.get(suffix);
                Kind kind = Kind.valueOf(p[1]);
                if (suffix.equals("pegasus")) kind = kind.streaming ? Kind.PEGASUS_STREAM : Kind.PEGASUS;
                return new Alias(name, ref, kind, model);
            }
        }
        return new Alias(name, ref, Kind.TOOL, null);
    }

    static List<Alias> aliases() {
        return new ArrayList<>(catalog().values());
    }

    static List<Alias> samples() {
        return aliases().stream().filter(Alias::isSample).collect(Collectors.toList());
    }

    static List<Alias> directRuntimeSamples() {
        return aliases().stream().filter(Alias::isDirectRuntime).collect(Collectors.toList());
    }

    static List<Alias> streamingSamples() {
        return aliases().stream().filter(a -> a.kind().streaming).collect(Collectors.toList());
    }

    static Alias alias(String name) {
        Alias a = catalog().get(name);
        if (a == null) fail("alias " + name + " is not in jbang-catalog.json");
        return a;
    }

    // ------------------------------------------------------------------ building

    private static final Object BUILD_LOCK = new Object();
    private static boolean built;
    private static final Map<String, Result> buildFailures = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * Builds every catalog script once per JVM ({@code ./jbang build <file>}, two at a time), so that the
     * timed runs that follow only start the JVM. Build failures are remembered and reported by
     * {@link #assertBuilt(Alias)} for the alias concerned instead of failing every test.
     */
    static void buildAll() {
        synchronized (BUILD_LOCK) {
            if (!built) {
                built = true;
                // SUITE_PREBUILD=0 skips the up-front build (each alias is then built on its first run)
                if (!"0".equals(System.getenv("SUITE_PREBUILD"))) buildAllNow();
            }
        }
    }

    private static void buildAllNow() {
        Path rootDir = repoRoot();
        String jbang = wrapper().toString();
        Map<String, String> env = baseEnv(null);
        List<Alias> toBuild = aliases().stream()
                .filter(a -> !a.scriptRef().equals("tests/RunTests.java"))
                .filter(a -> Files.isRegularFile(a.script()))
                .collect(Collectors.toList());
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Map<Alias, Future<Result>> futures = new LinkedHashMap<>();
            for (Alias a : toBuild) {
                futures.put(a, pool.submit(() -> run(rootDir, env, Duration.ofMinutes(5), jbang, "build", a.scriptRef())));
            }
            for (Map.Entry<Alias, Future<Result>> f : futures.entrySet()) {
                try {
                    Result r = f.getValue().get();
                    if (r.exit() != 0) buildFailures.put(f.getKey().name(), r);
                } catch (Exception e) {
                    buildFailures.put(f.getKey().name(), new Result(-1, "", String.valueOf(e), 0, List.of()));
                }
            }
            // JBang's dependency cache is a JSON file that two parallel builds can catch half-written
            // (MalformedJsonException, exit 4): build whatever failed once more, alone.
            for (Alias a : new ArrayList<>(buildFailures.keySet()).stream().map(SampleHarness::alias).collect(Collectors.toList())) {
                Result again = run(rootDir, env, Duration.ofMinutes(5), jbang, "build", a.scriptRef());
                if (again.exit() == 0) buildFailures.remove(a.name());
            }
            warmUp(toBuild.stream().filter(a -> a.isSample() && !buildFailures.containsKey(a.name())).collect(Collectors.toList()), pool);
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Runs each sample once, two different aliases at a time, before any test does. The catalog
     * gives the samples {@code cds}: a sample's first run writes its AppCDS archive, so this makes
     * that first run a real one (not a --help) and never two first runs of one alias at once.
     * Failures here are left to the tests that check each alias.
     */
    private static void warmUp(List<Alias> samples, ExecutorService pool) {
        try (LocalBedrock lb = start()) {
            List<Future<Result>> runs = new ArrayList<>();
            for (Alias a : samples) {
                String[] args = a.kind() == Kind.PEGASUS || a.kind() == Kind.PEGASUS_STREAM
                        ? new String[] {"--bucket", "warm-up-bucket", "--video", repoRoot().resolve("tests/fixtures/sample-video.mp4").toString()}
                        : new String[0];
                runs.add(pool.submit(() -> runAlias(lb, a.name(), args)));
            }
            for (Future<Result> f : runs) {
                try {
                    f.get();
                } catch (Exception e) {
                    // the tests report it
                }
            }
        }
    }

    static void assertBuilt(Alias a) {
        assertTrue(Files.isRegularFile(a.script()), a.name() + ": script " + a.scriptRef() + " does not exist");
        buildAll();
        Result failure = buildFailures.get(a.name());
        if (failure != null) fail(a.name() + " does not build (exit " + failure.exit() + "): " + tail(failure.stderr() + failure.stdout(), 1500));
    }

    // ------------------------------------------------------------------ running

    /** What a finished child process did. */
    record Result(int exit, String stdout, String stderr, long millis, List<String> command) {
        /**
         * stderr without JBang's and {@code ./jbang offline}'s own "[jbang] …"/"[offline] …" progress lines and
         * the JVM's "Picked up JAVA_TOOL_OPTIONS: …" (the tests that read the JVM's own logs set that variable).
         */
        String errLines() {
            return stderr.lines().filter(l -> !l.startsWith("[jbang]") && !l.startsWith("[offline]") && !l.startsWith("Picked up JAVA_TOOL_OPTIONS: "))
                    .collect(Collectors.joining("\n"));
        }

        String all() {
            return "$ " + String.join(" ", command) + "\n(exit " + exit + ", " + millis + " ms)\n--- stdout ---\n"
                    + tail(stdout, 3000) + "\n--- stderr ---\n" + tail(stderr, 3000);
        }

        /** The integer after "🔢 {label} tokens:" or null. */
        Long tokens(String label) {
            Matcher m = Pattern.compile("🔢 " + Pattern.quote(label) + " tokens:\\s*([0-9][0-9,]*)").matcher(stdout);
            return m.find() ? Long.parseLong(m.group(1).replace(",", "")) : null;
        }

        String stopReason() {
            Matcher m = Pattern.compile("🛑 Stop reason:\\s*(\\S+)").matcher(stdout);
            return m.find() ? m.group(1) : null;
        }

        /** The text between "💬 Response:" and the next emoji status line. */
        String answer() {
            int i = stdout.indexOf("💬 Response:");
            if (i < 0) return null;
            String rest = stdout.substring(i + "💬 Response:".length());
            StringBuilder out = new StringBuilder();
            for (String line : rest.split("\n", -1)) {
                if (line.startsWith("🛑") || line.startsWith("🔢") || line.startsWith("✅") || line.startsWith("📊")
                        || line.startsWith("⏱")) break;
                out.append(line).append('\n');
            }
            return out.toString().trim();
        }

        boolean completed() {
            return stdout.contains("✅ Completed successfully");
        }
    }

    /** Environment for a sample: the caller's minus every AWS_* variable, plus the endpoint and test keys. */
    static Map<String, String> baseEnv(LocalBedrock lb) {
        Map<String, String> env = new LinkedHashMap<>(System.getenv());
        env.keySet().removeIf(k -> k.startsWith("AWS_") || k.startsWith("BEDROCK_") || k.equals("JBANG_DIR") || k.equals("S3_BUCKET_NAME"));
        Path nowhere = scratch().resolve("no-such-aws-dir");
        env.put("AWS_CONFIG_FILE", nowhere.resolve("config").toString());
        env.put("AWS_SHARED_CREDENTIALS_FILE", nowhere.resolve("credentials").toString());
        env.put("AWS_EC2_METADATA_DISABLED", "true"); // never try 169.254.169.254 for credentials or Region
        env.put("JBANG_WRAPPER_NO_PATH", "1");        // always the wrapper's pinned JBang
        // no per-alias static CDS dumps (3 s of CPU each) behind the suite's back; WrapperStartupTest covers them
        env.put("JBANG_WRAPPER_NO_STATIC_CDS", "1");
        env.put("LC_ALL", "C.UTF-8");                 // the samples print emoji: make the JVM encode stdout as UTF-8
        if (lb != null) {
            env.put("AWS_ENDPOINT_URL", lb.endpoint().toString());
            env.put("AWS_ACCESS_KEY_ID", "test");
            env.put("AWS_SECRET_ACCESS_KEY", "test");
            env.put("AWS_REGION", "us-east-1");
        }
        return env;
    }

    private static Path scratch;

    /** A per-JVM temporary directory, removed at exit. */
    static synchronized Path scratch() {
        if (scratch == null) {
            try {
                scratch = Files.createTempDirectory("sample-suite-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Path s = scratch;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> Tools.deleteTree(s)));
        }
        return scratch;
    }

    /** Runs {@code ./jbang <alias> args…} from the repository root against {@code lb}. */
    static Result runAlias(LocalBedrock lb, String alias, String... args) {
        return runAlias(baseEnv(lb), alias, args);
    }

    static Result runAlias(Map<String, String> env, String alias, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(wrapper().toString());
        cmd.add(alias);
        cmd.addAll(Arrays.asList(args));
        return run(repoRoot(), env, DEFAULT_TIMEOUT, cmd.toArray(String[]::new));
    }

    /**
     * Runs a command with stdin closed (no console), stdout/stderr captured to files, and a timeout
     * after which the process and its children are killed and the test fails.
     */
    static Result run(Path cwd, Map<String, String> env, Duration timeout, String... command) {
        return runWithStdin(cwd, env, timeout, null, command);
    }

    /** Runs {@code ./jbang <alias> args…} against {@code lb} with {@code stdin} (UTF-8) as its standard input (redirected from a file: no console). */
    static Result runAliasWithStdin(LocalBedrock lb, String stdin, String alias, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(wrapper().toString());
        cmd.add(alias);
        cmd.addAll(Arrays.asList(args));
        return runWithStdin(repoRoot(), baseEnv(lb), DEFAULT_TIMEOUT, stdin, cmd.toArray(String[]::new));
    }

    /** {@link #run(Path, Map, Duration, String...)} with {@code stdin} as the standard input (null: closed, /dev/null). */
    static Result runWithStdin(Path cwd, Map<String, String> env, Duration timeout, String stdin, String... command) {
        long start = System.nanoTime();
        Path dir;
        File in = new File("/dev/null");
        try {
            dir = Files.createTempDirectory(scratch(), "run-");
            if (stdin != null) in = Files.writeString(dir.resolve("stdin"), stdin, StandardCharsets.UTF_8).toFile();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        File out = dir.resolve("stdout").toFile();
        File err = dir.resolve("stderr").toFile();
        ProcessBuilder pb = new ProcessBuilder(command).directory(cwd.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(in))
                .redirectOutput(out).redirectError(err);
        pb.environment().clear();
        pb.environment().putAll(env);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        boolean finished;
        try {
            finished = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            finished = false;
        }
        if (!finished) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Result r = new Result(finished ? p.exitValue() : -1, read(out.toPath()), read(err.toPath()),
                (System.nanoTime() - start) / 1_000_000, List.of(command));
        Tools.deleteTree(dir);
        if (!finished) fail("timed out after " + timeout.toSeconds() + " s: " + r.all());
        return r;
    }

    private static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "<unreadable: " + e + ">";
        }
    }

    static int count(String haystack, String needle) {
        int n = 0;
        for (int i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + needle.length())) n++;
        return n;
    }

    static String tail(String s, int max) {
        return s.length() <= max ? s : "…" + s.substring(s.length() - max);
    }

    // ------------------------------------------------------------------ assertions

    /** Exit 0, the answer printed, the completion line, and nothing on stderr but JBang's own lines. */
    static void assertSuccess(Result r) {
        assertEquals(0, r.exit(), () -> "expected exit 0\n" + r.all());
        assertTrue(r.completed(), () -> "no '✅ Completed successfully' line\n" + r.all());
        assertFalse(r.stdout().contains("❌") || r.errLines().contains("❌"), () -> "error line on success\n" + r.all());
        assertNoStackTrace(r);
        // e.g. the JVM's "WARNING: sun.misc.Unsafe::… has been called by io.netty…" on JDK 24+
        assertTrue(r.errLines().isBlank(), () -> "a successful run printed to stderr\n" + r.all());
    }

    static void assertNoStackTrace(Result r) {
        String both = r.stdout() + "\n" + r.stderr();
        assertFalse(both.contains("\tat ") || both.contains("Exception in thread") || both.contains("Caused by:"),
                () -> "stack trace printed\n" + r.all());
    }

    /**
     * A failure as the samples promise it: non-zero exit, exactly one "❌ …" line on stderr (JBang's own
     * progress lines aside), no stack trace, and no "Completed successfully".
     */
    static String assertOneLineError(Result r) {
        assertNotEquals(0, r.exit(), () -> "expected a non-zero exit\n" + r.all());
        assertNoStackTrace(r);
        assertFalse(r.completed(), () -> "printed '✅ Completed successfully' although it failed\n" + r.all());
        List<String> lines = r.errLines().lines().filter(l -> !l.isBlank()).collect(Collectors.toList());
        List<String> errorLines = lines.stream().filter(l -> l.startsWith("❌")).collect(Collectors.toList());
        assertEquals(1, errorLines.size(), () -> "expected exactly one '❌ …' line on stderr\n" + r.all());
        return errorLines.get(0);
    }

    /** A usage error (picocli): exit 2, a message naming the option, no stack trace. */
    static void assertUsageError(Result r, String mentions) {
        assertEquals(2, r.exit(), () -> "expected usage error exit 2\n" + r.all());
        assertNoStackTrace(r);
        assertFalse(r.completed(), () -> "printed '✅ Completed successfully'\n" + r.all());
        assertTrue(r.errLines().contains(mentions), () -> "usage error does not mention " + mentions + "\n" + r.all());
    }

    static void assertNoRequests(LocalBedrock lb, Result r) {
        List<RequestLog.Entry> entries = lb.requestLog().entries();
        assertTrue(entries.isEmpty(), () -> "expected no request to reach the endpoint, got " + entries.size() + ": "
                + entries.stream().map(e -> e.method() + " " + e.rawPath()).collect(Collectors.joining(", ")) + "\n" + r.all());
    }

    /** Runtime requests (bedrock-runtime service) from the log. */
    static List<RequestLog.Entry> runtimeEntries(LocalBedrock lb) {
        return lb.requestLog().entries().stream().filter(e -> "bedrock-runtime".equals(e.service())).collect(Collectors.toList());
    }

    /** The runtime requests once {@code n} have been logged (a stream's entry may land just after the client is done), asserting there are n. */
    static List<RequestLog.Entry> runtimeEntries(LocalBedrock lb, int n, Result r) {
        long deadline = System.nanoTime() + 5_000_000_000L;
        List<RequestLog.Entry> calls = runtimeEntries(lb);
        while (calls.size() < n && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            calls = runtimeEntries(lb);
        }
        List<RequestLog.Entry> got = calls;
        assertEquals(n, got.size(), () -> "runtime requests " + describe(got) + "\n" + r.all());
        return got;
    }

    // ------------------------------------------------------------------ the happy path

    static final String PROMPT = "Name three uses of global cross-Region inference please";
    static final int MAX_TOKENS = 321;
    static final double TEMPERATURE = 0.3;

    /** The options the suite passes to a sample for a normal run (what its model supports). */
    static List<String> happyArgs(Alias a) {
        if (a.kind() == Kind.EMBED) return List.of("--text", PROMPT, "--dimension", "512");
        if (a.isAdvanced()) return List.of("--prompt", PROMPT, "--max-tokens", "2000", "--effort", "medium");
        return List.of("--prompt", PROMPT, "--max-tokens", String.valueOf(MAX_TOKENS), "--temperature", String.valueOf(TEMPERATURE));
    }

    /** The answer text the local endpoint gives for {@link #PROMPT}: it echoes the first six words. */
    static String expectedAnswerStart() {
        return "[local-bedrock] You asked: \"" + String.join(" ", Arrays.asList(PROMPT.split(" ")).subList(0, 6)) + "\"";
    }

    /**
     * Everything a successful run of a direct runtime sample must show, on both sides: exit code,
     * the lines it prints, exactly one runtime request with the right operation, decoded model id,
     * body fields and signature, and printed usage equal to what the endpoint counted.
     */
    static void assertHappyRun(Alias a, LocalBedrock lb, Result r, int expectedRuntimeCalls) {
        assertSuccess(r);
        String api = a.kind().operation;
        assertTrue(r.stdout().contains("🚀 Calling " + a.modelId() + " with the " + api + " API in us-east-1"),
                () -> "missing or wrong '🚀 Calling …' line (expected model " + a.modelId() + ", API " + api + ")\n" + r.all());

        List<RequestLog.Entry> runtime = runtimeEntries(lb);
        assertEquals(expectedRuntimeCalls, runtime.size(), () -> "runtime requests: " + describe(runtime) + "\n" + r.all());
        RequestLog.Entry ok = runtime.get(runtime.size() - 1);
        assertEquals(200, ok.status(), () -> "last runtime request did not succeed: " + describe(runtime) + "\n" + r.all());
        for (RequestLog.Entry e : runtime) {
            assertEquals(api, e.operation(), () -> "operation " + describe(runtime));
            assertEquals(a.modelId(), e.modelId(), () -> "model id as decoded by the endpoint " + describe(runtime));
            assertEquals("valid", e.signature(), () -> "SigV4 signature " + describe(runtime));
            assertEquals("test", e.accessKeyId(), () -> "access key " + describe(runtime));
        }
        assertBody(a, ok.bodyJson(), r);

        Usage.Totals t = lb.usage().of(a.modelId());
        assertEquals(1, t.calls(), () -> "endpoint counted calls " + lb.usage().byModelId());
        assertEquals(Long.valueOf(t.inputTokens()), r.tokens("Input"), () -> "printed input tokens != endpoint's " + t + "\n" + r.all());
        if (a.kind() != Kind.EMBED) {
            assertEquals(Long.valueOf(t.outputTokens()), r.tokens("Output"), () -> "printed output tokens != endpoint's " + t + "\n" + r.all());
            assertEquals(Long.valueOf(t.inputTokens() + t.outputTokens()), r.tokens("Total"), () -> "total tokens\n" + r.all());
            assertEquals("end_turn", r.stopReason(), () -> "stop reason\n" + r.all());
            String answer = r.answer();
            assertTrue(answer != null && answer.contains(expectedAnswerStart()) && answer.contains("no AWS model was called."),
                    () -> "the endpoint's answer is not printed whole after '💬 Response:'\n" + r.all());
            assertEquals(1, count(r.stdout(), expectedAnswerStart()), () -> "the answer must be printed exactly once\n" + r.all());
        } else {
            assertTrue(r.stdout().contains("Vector length: 512"), () -> "vector length\n" + r.all());
        }
    }

    /** The request body fields each model family must carry (values from {@link #happyArgs}). */
    static void assertBody(Alias a, JsonNode body, Result r) {
        assertTrue(body != null && body.isObject(), () -> "request body is not JSON\n" + r.all());
        String b = body.toString();
        switch (a.kind()) {
            case CONVERSE, CONVERSE_STREAM -> {
                assertEquals(PROMPT, body.at("/messages/0/content/0/text").asText(), () -> "prompt in " + b);
                assertEquals("user", body.at("/messages/0/role").asText(), () -> "role in " + b);
                assertEquals(MAX_TOKENS, body.at("/inferenceConfig/maxTokens").asInt(), () -> "inferenceConfig.maxTokens in " + b);
                assertEquals(TEMPERATURE, body.at("/inferenceConfig/temperature").asDouble(), 1e-6, () -> "inferenceConfig.temperature in " + b);
                assertTrue(body.at("/inferenceConfig/topP").isMissingNode(), () -> "temperature and topP together: " + b);
            }
            case INVOKE, INVOKE_STREAM -> {
                if (a.isClaude()) {
                    assertEquals("bedrock-2023-05-31", body.path("anthropic_version").asText(), () -> "anthropic_version in " + b);
                    assertTrue(b.contains(PROMPT), () -> "prompt in " + b);
                    if (a.isAdvanced()) {
                        assertEquals(2000, body.path("max_tokens").asInt(), () -> "max_tokens in " + b);
                        assertEquals("adaptive", body.at("/thinking/type").asText(), () -> "thinking.type in " + b);
                        assertEquals("medium", body.at("/output_config/effort").asText(), () -> "output_config.effort in " + b);
                    } else {
                        assertEquals(MAX_TOKENS, body.path("max_tokens").asInt(), () -> "max_tokens in " + b);
                        assertEquals(TEMPERATURE, body.path("temperature").asDouble(), 1e-6, () -> "temperature in " + b);
                        assertTrue(body.path("top_p").isMissingNode(), () -> "temperature and top_p together: " + b);
                    }
                } else if (a.isNova()) {
                    JsonNode cfg = body.path("inferenceConfig");
                    int max = cfg.has("max_new_tokens") ? cfg.path("max_new_tokens").asInt() : cfg.path("maxTokens").asInt();
                    assertEquals(MAX_TOKENS, max, () -> "inferenceConfig max tokens in " + b);
                    assertEquals(TEMPERATURE, cfg.path("temperature").asDouble(), 1e-6, () -> "inferenceConfig.temperature in " + b);
                    assertEquals(PROMPT, body.at("/messages/0/content/0/text").asText(), () -> "prompt in " + b);
                } else {
                    fail("unexpected model for " + a + ": " + a.modelId());
                }
            }
            case EMBED -> {
                assertEquals(512, body.path("output_dimension").asInt(), () -> "output_dimension in " + b);
                assertTrue(body.path("embedding_types").isArray() && body.path("embedding_types").size() >= 1,
                        () -> "embedding_types in " + b);
                assertEquals(PROMPT, body.at("/texts/0").asText(), () -> "texts in " + b);
                assertTrue(body.path("input_type").isTextual(), () -> "input_type in " + b);
            }
            default -> fail("no body rules for " + a);
        }
    }

    /** A normal run: fresh endpoint, the alias with {@link #happyArgs}, every check. */
    static void happy(Alias a) {
        assertBuilt(a);
        try (LocalBedrock lb = start()) {
            Result r = runAlias(lb, a.name(), happyArgs(a).toArray(String[]::new));
            assertHappyRun(a, lb, r, 1);
        }
    }

    static String describe(List<RequestLog.Entry> entries) {
        return entries.stream().map(e -> e.operation() + " " + e.modelId() + " -> " + e.status()
                + (e.errorCode() == null ? "" : " " + e.errorCode()) + " [" + e.protocol() + ", sig " + e.signature() + "]")
                .collect(Collectors.joining("; ", "[", "]"));
    }

    static LocalBedrock start() {
        try {
            return LocalBedrock.start(new LocalBedrock.Config().port(0));
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the local endpoint", e);
        }
    }
}
