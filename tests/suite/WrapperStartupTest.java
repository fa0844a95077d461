import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The ./jbang wrapper's start-up levers for catalog aliases, as README.md describes them: the cached
 * launch line (no JBang launcher JVM) and the per-alias static CDS archive, built from a real run's class
 * list, that also holds picocli. Each test runs under its own JBANG_* setting, so it gets its own cache
 * entry in .jbang/launch/ and does not depend on what earlier runs left there.
 */
class WrapperStartupTest {
    static final String ALIAS = "converse-stream-haiku";

    @BeforeAll
    static void buildScripts() {
        SampleHarness.buildAll();
    }

    @Test
    void thirdRunMapsAStaticArchiveThatHoldsPicocli() throws Exception {
        SampleHarness.Alias alias = SampleHarness.alias(ALIAS);
        String marker = UUID.randomUUID().toString();
        Map<String, String> env = new HashMap<>(Map.of("JBANG_WRAPPER_NO_PATH", "1", "JBANG_WRAPPER_TEST_RUN", marker));

        // run 1: JBang works out the command line, the wrapper keeps it and the run records its class list
        happyRun(alias, env);
        Path launch = launchFile(marker).orElseGet(() -> fail("no cached launch line for " + ALIAS + " in .jbang/launch"));
        assertTrue(siblings(launch).anyMatch(n -> n.contains(".classlist.")), () -> "run 1 recorded no class list: " + list(launch));

        // run 2: served from the cached line; it starts writing the static archive in the background
        happyRun(alias, env);
        awaitArchive(launch);

        // run 3: maps the static archive; JBang's own (dynamic) archive cannot hold picocli on Java 17
        Path classLog = Files.createTempFile(SampleHarness.scratch(), "class-load", ".txt");
        env.put("JAVA_TOOL_OPTIONS", "-Xlog:class+load=info:file=" + classLog);
        happyRun(alias, env);
        String loaded = Files.readString(classLog, StandardCharsets.UTF_8);
        assertTrue(loaded.contains("picocli.CommandLine source: shared objects file"),
                () -> "picocli was not loaded from a CDS archive in run 3:\n" + loaded.lines().filter(l -> l.contains("picocli.CommandLine "))
                        .findFirst().orElse("(picocli.CommandLine not loaded at all)"));
        assertTrue(loaded.contains("software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient source: shared objects file"),
                "the SDK client class was not loaded from the archive");
        assertFalse(siblings(launch).anyMatch(n -> n.contains(".classlist.")), () -> "class list left behind: " + list(launch));
    }

    /**
     * The very first run of an alias (no archive of JBang's yet, here in a throw-away JBANG_DIR): JBang
     * asks for its dynamic archive to be written at exit; the wrapper records a class list instead.
     */
    @Test
    void firstRunRecordsAClassListInsteadOfJBangsDynamicArchive() throws Exception {
        SampleHarness.Alias alias = SampleHarness.alias(ALIAS);
        Path jbangDir = Files.createTempDirectory(SampleHarness.scratch(), "jbang-dir-");
        String marker = UUID.randomUUID().toString();
        Map<String, String> env = Map.of("JBANG_WRAPPER_NO_PATH", "1", "JBANG_WRAPPER_TEST_RUN", marker, "JBANG_DIR", jbangDir.toString());
        happyRun(alias, env);
        Path launch = launchFile(marker).orElseGet(() -> fail("the first run's command line was not kept in .jbang/launch"));
        assertTrue(siblings(launch).anyMatch(n -> n.contains(".classlist.")), () -> "no class list recorded: " + list(launch));
        try (Stream<Path> files = Files.walk(jbangDir)) {
            List<Path> dynamic = files.filter(p -> p.toString().endsWith(".jsa")).toList();
            assertEquals(List.of(), dynamic, "JBang's dynamic archive was written");
        }
        happyRun(alias, env);   // the kept line names JBang's archive, which does not exist: the JVM runs without it
        awaitArchive(launch);   // that run started the static dump: let it finish before the JBANG_DIR goes
    }

    /** Waits for the background dump that the second run started, and for its archive. */
    static void awaitArchive(Path launch) throws InterruptedException {
        Path jsa = launch.resolveSibling(launch.getFileName() + ".jsa");
        Path lock = launch.resolveSibling(launch.getFileName() + ".dumping");
        long deadline = System.nanoTime() + 240_000_000_000L;   // the dump runs niced; the suite keeps both CPUs busy
        while (!(Files.exists(jsa) && !Files.exists(lock))) {
            if (System.nanoTime() > deadline) fail("no static archive after 240 s: " + list(launch));
            Thread.sleep(250);
        }
    }

    @Test
    void noStaticArchiveWhenTurnedOff() throws Exception {
        SampleHarness.Alias alias = SampleHarness.alias(ALIAS);
        String marker = UUID.randomUUID().toString();
        Map<String, String> env = Map.of("JBANG_WRAPPER_NO_PATH", "1", "JBANG_WRAPPER_NO_STATIC_CDS", "1", "JBANG_WRAPPER_TEST_RUN", marker);
        for (int i = 1; i <= 2; i++) happyRun(alias, env);
        Path launch = launchFile(marker).orElseGet(() -> fail("no cached launch line for " + ALIAS));
        assertEquals(List.of(), siblings(launch).filter(n -> n.contains(".classlist.") || n.endsWith(".jsa")).toList());
    }

    /**
     * One run of the alias with the suite's environment, its JBANG_WRAPPER_* settings replaced by
     * {@code settings}, against its own fresh endpoint, checked like every sample run.
     */
    static void happyRun(SampleHarness.Alias alias, Map<String, String> settings) {
        try (LocalBedrock lb = SampleHarness.start()) {
            Map<String, String> env = SampleHarness.baseEnv(lb);
            env.keySet().removeIf(k -> k.startsWith("JBANG_WRAPPER_") || k.equals("JBANG_DIR"));
            env.putAll(settings);
            SampleHarness.assertHappyRun(alias, lb, SampleHarness.runAlias(env, ALIAS, SampleHarness.happyArgs(alias).toArray(String[]::new)), 1);
        }
    }

    /** The cache entry whose first line (the settings it was made under) carries {@code marker}. */
    static Optional<Path> launchFile(String marker) throws IOException {
        Path dir = SampleHarness.repoRoot().resolve(".jbang/launch");
        if (!Files.isDirectory(dir)) return Optional.empty();
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().startsWith(ALIAS + "-") && p.getFileName().toString().endsWith(".cmd"))
                    .filter(p -> firstLine(p).contains(marker))
                    .findFirst();
        }
    }

    /** Names of the files that belong to a cache entry (class lists, archive, lock). */
    static Stream<String> siblings(Path launch) throws IOException {
        String prefix = launch.getFileName().toString();
        try (Stream<Path> files = Files.list(launch.getParent())) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(prefix) && !n.equals(prefix)).toList().stream();
        }
    }

    static String list(Path launch) {
        try {
            return siblings(launch).toList().toString();
        } catch (IOException e) {
            return "(cannot list: " + e + ")";
        }
    }

    static String firstLine(Path p) {
        try {
            return Files.readAllLines(p, StandardCharsets.UTF_8).stream().findFirst().orElse("");
        } catch (IOException e) {
            return "";
        }
    }
}
