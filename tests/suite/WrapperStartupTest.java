import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The ./jbang wrapper's start-up levers for catalog aliases, as README.md describes them: the cached
 * launch line (no JBang launcher JVM) and the start-up archive per JDK build and dependency set, built
 * in the background from a real run's class list: a static CDS archive that also holds picocli on Java
 * 17-24, the JDK's AOT cache on JDK 25+. Each test gives the wrapper its own cache directory
 * (JBANG_WRAPPER_CACHE_DIR), so it does not depend on what earlier runs left in .jbang/, and sets
 * JAVA_HOME to the JDK it is about (found under /usr/lib/jvm by their {@code release} files); a test
 * whose JDK is not installed is reported as skipped.
 */
class WrapperStartupTest {
    static final String ALIAS = "converse-stream-haiku";
    /** Same dependencies as {@link #ALIAS}, so it shares its archive. */
    static final String SAME_DEPS_ALIAS = "converse-stream-sonnet-4-5";
    static final String SDK_CLIENT = "software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient";

    @BeforeAll
    static void buildScripts() {
        SampleHarness.buildAll();
    }

    /** An installed JDK: its home and feature version (from its {@code release} file). */
    record Jdk(Path home, int major) {}

    @Test
    void java17ArchiveHoldsPicocliAndIsSharedByASecondAlias() throws Exception {
        Jdk jdk = cdsJdk();
        Path cache = freshCache();
        Map<String, String> env = settings(cache, jdk);

        // run 1: JBang works out the command line, the wrapper keeps it and the run records its class list
        happyRun(ALIAS, env);
        assertTrue(cdsFiles(cache).anyMatch(n -> n.contains(".classlist.")), () -> "run 1 recorded no class list: " + list(cache));

        // run 2: served from the cached line; it starts writing the static archive in the background
        happyRun(ALIAS, env);
        Path archive = awaitArchive(cache, ".jsa");

        // run 3: maps the static archive; JBang's own (dynamic) archive cannot hold picocli on Java 17
        String loaded = classLoadLog(ALIAS, env, cache);
        assertTrue(loaded.contains("picocli.CommandLine source: shared objects file"),
                () -> "picocli was not loaded from a CDS archive in run 3:\n" + line(loaded, "picocli.CommandLine "));
        assertTrue(loaded.contains(SDK_CLIENT + " source: shared objects file"), "the SDK client class was not loaded from the archive");
        assertFalse(cdsFiles(cache).anyMatch(n -> n.contains(".classlist.")), () -> "class list left behind: " + list(cache));

        // another alias with the same dependencies maps the same archive on its first run, and adds none
        String second = classLoadLog(SAME_DEPS_ALIAS, env, cache);
        assertEquals(archiveOf(cache, ALIAS), archiveOf(cache, SAME_DEPS_ALIAS), "the two aliases' lines name different archives");
        assertTrue(second.contains(SDK_CLIENT + " source: shared objects file"),
                () -> SAME_DEPS_ALIAS + " did not map the shared archive:\n" + line(second, SDK_CLIENT + " "));
        assertEquals(List.of(archive.getFileName().toString()), cdsFiles(cache).toList(), "expected one shared archive");
    }

    @Test
    void jdk25AotCacheIsTrainedThenMappedAndSharedByASecondAlias() throws Exception {
        Jdk jdk = aotJdk();
        Path cache = freshCache();
        Map<String, String> env = settings(cache, jdk);

        happyRun(ALIAS, env);                                  // training: records the class list
        assertTrue(cdsFiles(cache).anyMatch(n -> n.contains(".classlist.")), () -> "run 1 recorded no class list: " + list(cache));
        happyRun(ALIAS, env);                                  // writes the AOT cache in the background
        Path cacheFile = awaitArchive(cache, ".aot");

        // the JVM's own logging: it opened the AOT cache, and the SDK's classes came from it
        String aot = aotLog(ALIAS, env, cache);
        assertTrue(aot.contains("Opened AOT cache " + cacheFile), () -> "run 3 did not open " + cacheFile + ":\n" + tail(aot));
        String loaded = classLoadLog(ALIAS, env, cache);
        assertTrue(loaded.contains(SDK_CLIENT + " source: shared objects file"), () -> "SDK client not from the AOT cache:\n" + line(loaded, SDK_CLIENT + " "));

        String second = aotLog(SAME_DEPS_ALIAS, env, cache);
        assertTrue(second.contains("Opened AOT cache " + cacheFile), () -> SAME_DEPS_ALIAS + " did not open the shared cache:\n" + tail(second));
        assertFalse(second.contains("mismatch"), () -> "the shared cache was refused:\n" + tail(second));
        assertEquals(List.of(cacheFile.getFileName().toString()), cdsFiles(cache).toList(), "expected one shared AOT cache");
    }

    /** JAVA_HOME 17 → 25 → 17 → 25 (as jenv/SDKMAN users switch): each JDK keeps and maps its own archive. */
    @Test
    void switchingJavaHomeBackAndForthKeepsBothArchivesInUse() throws Exception {
        Jdk old = cdsJdk();
        Jdk neu = aotJdk();
        Path cache = freshCache();
        Map<String, String> on17 = settings(cache, old);
        Map<String, String> on25 = settings(cache, neu);
        happyRun(ALIAS, on17);
        happyRun(ALIAS, on17);                                 // starts the Java 17 dump
        happyRun(ALIAS, on25);
        happyRun(ALIAS, on25);                                 // starts the JDK 25 dump
        Path jsa = awaitArchive(cache, ".jsa");
        Path aot = awaitArchive(cache, ".aot");

        String back17 = classLoadLog(ALIAS, on17, cache);
        assertTrue(back17.contains(SDK_CLIENT + " source: shared objects file") && back17.contains("picocli.CommandLine source: shared objects file"),
                () -> "back on Java 17, its archive was not mapped:\n" + line(back17, SDK_CLIENT + " "));
        String back25 = aotLog(ALIAS, on25, cache);
        assertTrue(back25.contains("Opened AOT cache " + aot), () -> "back on JDK 25, its AOT cache was not opened:\n" + tail(back25));
        assertTrue(Files.exists(jsa) && Files.exists(aot), () -> "an archive was dropped: " + list(cache));
        assertEquals(2, launchFiles(cache, ALIAS).size(), "expected one cached line per JAVA_HOME");
    }

    /**
     * A dump that was killed (its run's process group ended) leaves its lock directory, a partial
     * archive and the class list behind. The next run clears the lock at once (its pid is gone) and
     * dumps again: it costs a retry, not a blocked archive. The leftovers are made here as a kill leaves
     * them, with the pid of a process that was killed.
     */
    @Test
    void aKilledDumpIsRetriedByTheNextRun() throws Exception {
        Jdk jdk = cdsJdk();
        Path cache = freshCache();
        Map<String, String> env = settings(cache, jdk);
        happyRun(ALIAS, env);
        Path classList = cdsDir(cache).resolve(cdsFiles(cache).filter(n -> n.contains(".classlist.")).findFirst()
                .orElseGet(() -> fail("run 1 recorded no class list: " + list(cache))));
        String base = classList.getFileName().toString().replaceAll("\\.classlist\\.\\d+$", "");

        Process victim = new ProcessBuilder("sleep", "60").start();
        victim.destroyForcibly();
        victim.waitFor();
        Path lock = Files.createDirectories(cdsDir(cache).resolve(base + ".dumping"));
        Files.writeString(lock.resolve("pid"), victim.pid() + "\n");
        Files.writeString(lock.resolve("archive"), "partial");

        happyRun(ALIAS, env);                                  // clears the dead lock, dumps again
        Path archive = awaitArchive(cache, ".jsa");
        assertEquals(base + ".jsa", archive.getFileName().toString());
        String loaded = classLoadLog(ALIAS, env, cache);
        assertTrue(loaded.contains(SDK_CLIENT + " source: shared objects file"), () -> "the retried archive was not mapped: " + list(cache));
    }

    /**
     * The very first run of an alias (no archive of JBang's yet, here in a throw-away JBANG_DIR): JBang
     * asks for its dynamic archive to be written at exit; the wrapper records a class list instead.
     */
    @Test
    void firstRunRecordsAClassListInsteadOfJBangsDynamicArchive() throws Exception {
        Path jbangDir = Files.createTempDirectory(SampleHarness.scratch(), "jbang-dir-");
        Path cache = freshCache();
        Map<String, String> env = new HashMap<>(settings(cache, cdsJdk()));
        env.put("JBANG_DIR", jbangDir.toString());
        happyRun(ALIAS, env);
        assertFalse(firstLines(cache, ALIAS).isEmpty(), "the first run's command line was not kept in " + cache.resolve("launch"));
        assertTrue(cdsFiles(cache).anyMatch(n -> n.contains(".classlist.")), () -> "no class list recorded: " + list(cache));
        try (Stream<Path> files = Files.walk(jbangDir)) {
            List<Path> dynamic = files.filter(p -> p.toString().endsWith(".jsa")).toList();
            assertEquals(List.of(), dynamic, "JBang's dynamic archive was written");
        }
        happyRun(ALIAS, env);   // the kept line names no archive of JBang's; it starts the static dump
        awaitArchive(cache, ".jsa");   // let it finish before the JBANG_DIR goes
    }

    /**
     * The prewarm lever on JDK 25+, whose class-initialisation log names the thread: the JDK's trust store
     * is loaded by the wrapper's "jbang-wrapper-prewarm" thread, not by the sample's main thread, and the
     * run is checked like every other; JBANG_WRAPPER_NO_PREWARM=1 leaves it to the main thread.
     */
    @Test
    void prewarmLoadsTheTrustStoreOnItsOwnThread() throws Exception {
        Path cache = freshCache();
        Map<String, String> env = settings(cache, aotJdk());
        happyRun(ALIAS, env);                                  // compiles the Prewarm class in the background
        happyRun(ALIAS, env);                                  // starts the dump (which would log to the same file)
        awaitArchive(cache, ".aot");
        awaitFile(cache.resolve("prewarm/Prewarm.class"));
        String on = loggedRun(ALIAS, env, "class+init=info");
        assertTrue(line(on, "Initializing 'sun/security/ssl/TrustStoreManager' ").contains("by thread \"jbang-wrapper-prewarm\""),
                () -> "the trust store was not loaded by the prewarm thread:\n" + line(on, "Initializing 'sun/security/ssl/TrustStoreManager' "));

        Map<String, String> off = new HashMap<>(env);
        off.put("JBANG_WRAPPER_NO_PREWARM", "1");
        String plain = loggedRun(ALIAS, off, "class+init=info");
        assertTrue(line(plain, "Initializing 'sun/security/ssl/TrustStoreManager' ").contains("by thread \"main\""),
                () -> "with JBANG_WRAPPER_NO_PREWARM=1 the main thread did not load the trust store:\n" + line(plain, "Initializing 'sun/security/ssl/TrustStoreManager' "));
        assertFalse(plain.contains("jbang-wrapper-prewarm"), "the prewarm thread ran although turned off");
    }

    /** On Java 17 the sample runs through the Prewarm class (from .jbang/prewarm/) and still maps its archive. */
    @Test
    void prewarmKeepsTheJava17ArchiveInUse() throws Exception {
        Path cache = freshCache();
        Map<String, String> env = settings(cache, cdsJdk());
        happyRun(ALIAS, env);
        happyRun(ALIAS, env);                                  // starts the dump
        awaitArchive(cache, ".jsa");
        awaitFile(cache.resolve("prewarm/Prewarm.class"));
        String loaded = classLoadLog(ALIAS, env, cache);
        assertTrue(loaded.contains("Prewarm source: file:" + cache.resolve("prewarm")),
                () -> "the run did not go through the Prewarm class:\n" + line(loaded, "Prewarm "));
        assertTrue(loaded.contains(SDK_CLIENT + " source: shared objects file"), () -> "the archive was not mapped:\n" + line(loaded, SDK_CLIENT + " "));
    }

    @Test
    void noArchiveWhenTurnedOff() throws Exception {
        Path cache = freshCache();
        Map<String, String> env = new HashMap<>(settings(cache, cdsJdk()));
        env.put("JBANG_WRAPPER_NO_STATIC_CDS", "1");
        for (int i = 1; i <= 2; i++) happyRun(ALIAS, env);
        assertFalse(firstLines(cache, ALIAS).isEmpty(), "no cached launch line for " + ALIAS);
        assertEquals(List.of(), cdsFiles(cache).toList());
        // the prewarm lever is its own: it still applies with the archives off
        awaitFile(cache.resolve("prewarm/Prewarm.class"));
        String loaded = classLoadLog(ALIAS, env, cache);
        assertTrue(loaded.contains("Prewarm source: file:" + cache.resolve("prewarm")), () -> "no prewarm with the archives off:\n" + line(loaded, "Prewarm "));
        assertEquals(List.of(), cdsFiles(cache).toList());
    }

    // ------------------------------------------------------------------ JDKs

    /** The JDKs under /usr/lib/jvm and the one running the suite, by their release files. */
    static List<Jdk> jdks() {
        List<Path> homes = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"))));
        String javaHome = System.getenv("JAVA_HOME");
        if (javaHome != null && !javaHome.isBlank()) homes.add(Path.of(javaHome));
        try (Stream<Path> dirs = Files.list(Path.of("/usr/lib/jvm"))) {
            dirs.forEach(homes::add);
        } catch (IOException e) {
            // no /usr/lib/jvm (macOS): only the JDKs above
        }
        Map<Path, Jdk> byRealPath = new LinkedHashMap<>();
        for (Path home : homes) {
            try {
                Path real = home.toRealPath();
                if (!Files.isExecutable(real.resolve("bin/java")) || !Files.isRegularFile(real.resolve("release"))) continue;
                for (String l : Files.readAllLines(real.resolve("release"))) {
                    if (l.startsWith("JAVA_VERSION=")) {
                        String v = l.substring("JAVA_VERSION=".length()).replace("\"", "");
                        byRealPath.putIfAbsent(real, new Jdk(real, Integer.parseInt(v.split("[^0-9]")[0])));
                    }
                }
            } catch (IOException | RuntimeException e) {
                // not a JDK
            }
        }
        return new ArrayList<>(byRealPath.values());
    }

    /** A JDK 17-24 (the static CDS path), preferring the one running the suite. */
    static Jdk cdsJdk() {
        Optional<Jdk> jdk = jdks().stream().filter(j -> j.major() >= 17 && j.major() < 25).findFirst();
        Assumptions.assumeTrue(jdk.isPresent(), "no JDK 17-24 found (JAVA_HOME, java.home, /usr/lib/jvm): the static CDS path is not checked");
        return jdk.get();
    }

    /** The newest JDK 25+ (the AOT cache path). */
    static Jdk aotJdk() {
        Optional<Jdk> jdk = jdks().stream().filter(j -> j.major() >= 25).max(Comparator.comparingInt(Jdk::major));
        Assumptions.assumeTrue(jdk.isPresent(), "no JDK 25 or newer found (JAVA_HOME, java.home, /usr/lib/jvm release files): the AOT cache path is not checked");
        return jdk.get();
    }

    // ------------------------------------------------------------------ runs

    static Path freshCache() throws IOException {
        return Files.createTempDirectory(SampleHarness.scratch(), "wrapper-cache-");
    }

    /** The wrapper's settings for a test: its own cache directory and JDK, archives on. */
    static Map<String, String> settings(Path cache, Jdk jdk) {
        return Map.of("JBANG_WRAPPER_NO_PATH", "1", "JBANG_WRAPPER_CACHE_DIR", cache.toString(), "JAVA_HOME", jdk.home().toString());
    }

    /**
     * One run of the alias with the suite's environment, its JBANG_WRAPPER_* settings and JAVA_HOME
     * replaced by {@code settings}, against its own fresh endpoint, checked like every sample run.
     */
    static void happyRun(String aliasName, Map<String, String> settings) {
        SampleHarness.Alias alias = SampleHarness.alias(aliasName);
        try (LocalBedrock lb = SampleHarness.start()) {
            Map<String, String> env = SampleHarness.baseEnv(lb);
            env.keySet().removeIf(k -> k.startsWith("JBANG_WRAPPER_") || k.equals("JBANG_DIR") || k.equals("JAVA_HOME") || k.equals("JAVA_TOOL_OPTIONS"));
            env.putAll(settings);
            SampleHarness.assertHappyRun(alias, lb, SampleHarness.runAlias(env, aliasName, SampleHarness.happyArgs(alias).toArray(String[]::new)), 1);
        }
    }

    /** A happy run with the JVM's class-loading log (JAVA_TOOL_OPTIONS), which it returns. */
    static String classLoadLog(String alias, Map<String, String> settings, Path cache) throws IOException {
        return loggedRun(alias, settings, "class+load=info");
    }

    /** A happy run with the JVM's AOT log, which it returns. */
    static String aotLog(String alias, Map<String, String> settings, Path cache) throws IOException {
        return loggedRun(alias, settings, "aot=info");
    }

    static String loggedRun(String alias, Map<String, String> settings, String what) throws IOException {
        Path log = Files.createTempFile(SampleHarness.scratch(), "jvm-log", ".txt");
        Map<String, String> env = new HashMap<>(settings);
        env.put("JAVA_TOOL_OPTIONS", "-Xlog:" + what + ":file=" + log);
        happyRun(alias, env);
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    /** Waits for the background dump and returns its archive (name ending in {@code ext}) in cds/. */
    static Path awaitArchive(Path cache, String ext) throws Exception {
        long deadline = System.nanoTime() + 240_000_000_000L;   // the dump runs niced; the suite keeps both CPUs busy
        while (true) {
            Optional<String> done = cdsFiles(cache).filter(n -> n.endsWith(ext)).findFirst();
            if (done.isPresent() && cdsFiles(cache).noneMatch(n -> n.endsWith(".dumping"))) return cdsDir(cache).resolve(done.get());
            if (System.nanoTime() > deadline) fail("no " + ext + " archive after 240 s: " + list(cache));
            Thread.sleep(250);
        }
    }

    /** Waits for a file the wrapper writes in the background. */
    static void awaitFile(Path file) throws Exception {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (!Files.isRegularFile(file)) {
            if (System.nanoTime() > deadline) fail("no " + file + " after 120 s");
            Thread.sleep(100);
        }
    }

    // ------------------------------------------------------------------ the wrapper's files

    static Path cdsDir(Path cache) {
        return cache.resolve("cds");
    }

    /** Names of the files in the cache's cds/ directory (archives, class lists, dump locks). */
    static Stream<String> cdsFiles(Path cache) throws IOException {
        if (!Files.isDirectory(cdsDir(cache))) return Stream.empty();
        try (Stream<Path> files = Files.list(cdsDir(cache))) {
            return files.map(p -> p.getFileName().toString()).sorted().toList().stream();
        }
    }

    /** The archive named by the alias's cached launch line (its second line); fails if there is not exactly one line. */
    static String archiveOf(Path cache, String alias) throws IOException {
        List<Path> lines = launchFiles(cache, alias);
        assertEquals(1, lines.size(), () -> "cached lines of " + alias + ": " + lines);
        String base = Files.readAllLines(lines.get(0), StandardCharsets.UTF_8).get(1);
        assertNotEquals("", base, alias + "'s line names no archive");
        return base;
    }

    static List<Path> launchFiles(Path cache, String alias) throws IOException {
        Path dir = cache.resolve("launch");
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().matches(java.util.regex.Pattern.quote(alias) + "-\\d+\\.cmd")).toList();
        }
    }

    /** The first lines (settings) of the alias's cached launch lines. */
    static List<String> firstLines(Path cache, String alias) throws IOException {
        List<String> out = new ArrayList<>();
        for (Path p : launchFiles(cache, alias)) out.add(Files.readAllLines(p, StandardCharsets.UTF_8).stream().findFirst().orElse(""));
        return out;
    }

    static String list(Path cache) {
        try {
            return cdsFiles(cache).toList().toString();
        } catch (IOException e) {
            return "(cannot list: " + e + ")";
        }
    }

    static String line(String log, String containing) {
        return log.lines().filter(l -> l.contains(containing)).findFirst().orElse("(" + containing.trim() + " not loaded at all)");
    }

    static String tail(String log) {
        return SampleHarness.tail(log, 2000);
    }
}
