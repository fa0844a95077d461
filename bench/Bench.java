///usr/bin/env jbang "$0" "$@" ; exit $?
//DESCRIPTION Time-to-answer benchmark: ./jbang converse-haiku / converse-stream-haiku vs the same calls with the AWS SDK for JavaScript v3, against the local endpoint.
//JAVA 17+
//DEPS software.amazon.awssdk:bom:2.57.8@pom
//DEPS software.amazon.awssdk:eventstream
//DEPS software.amazon.awssdk:http-auth-aws
//DEPS org.eclipse.jetty:jetty-server:12.1.14
//DEPS org.eclipse.jetty.http2:jetty-http2-server:12.1.14
//DEPS info.picocli:picocli:4.7.7
//DEPS com.fasterxml.jackson.core:jackson-databind:2.21.3
//DEPS org.slf4j:slf4j-nop:2.0.17
//DEPS org.jfree:jfreechart:1.5.6
//SOURCES ../tests/local-bedrock/*.java
//SOURCES Throughput.java
//RUNTIME_OPTIONS -Djava.awt.headless=true

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import javax.imageio.ImageIO;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.labels.StandardCategoryItemLabelGenerator;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.data.category.DefaultCategoryDataset;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./jbang benchmark}: starts the local endpoint in-process on a free port, then runs
 * {@code ./jbang converse-haiku} against {@code node bench/node/converse.mjs} and
 * {@code ./jbang converse-stream-haiku} against {@code node bench/node/converse-stream.mjs},
 * interleaved (A B A B …) after a warm-up, as child processes exactly as a user would start them.
 *
 * <p>Per run it measures the wall time (spawn to exit), the time to the first answer text printed after
 * the {@code 💬 Response:} line (streaming: the first token) and the peak RSS: the largest VmHWM of any
 * process in the child's tree, sampled from /proc every few milliseconds (the ./jbang wrapper runs the
 * JBang launcher JVM as a child, then execs the sample JVM in its own pid; the two JVMs never overlap).
 * Writes medians and Java/Node ratios to {@code bench/results/latest.md}, a chart to
 * {@code latest.png} and every run to {@code latest.json}.
 *
 * <p>{@code --variant NAME=DIR} adds the Java sample of another copy of the repository (e.g. one with a
 * start-up lever applied) to the same interleaved rounds, so before/after ratios share one machine state.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Time to answer: the JBang samples vs the AWS SDK for JavaScript v3, against the local endpoint.",
                "Example: ./jbang benchmark --warmup 2 --runs 7"})
public class Bench implements Callable<Integer> {

    @Option(names = "--warmup", defaultValue = "2", description = "Unmeasured rounds per comparison (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--runs", defaultValue = "7", description = "Measured rounds per comparison (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--only", split = ",", paramLabel = "converse|stream|throughput",
            description = "Comparisons to run (default: converse,stream,throughput; throughput: Throughput.java).")
    List<String> only = new ArrayList<>(List.of("converse", "stream", "throughput"));

    @Option(names = "--prompt", description = "Prompt sent by every program (default: each sample's own default prompt; "
            + "the Node.js programs use the same defaults).")
    String prompt;

    @Option(names = "--variant", paramLabel = "NAME=DIR",
            description = "Also time the Java sample of another copy of the repository, e.g. cds=/tmp/lever-cds (repeatable).")
    Map<String, Path> variants = new LinkedHashMap<>();

    @Option(names = "--switch", paramLabel = "JBANG_WRAPPER_…",
            description = "Also time each Java row with this wrapper switch set to 1, in the same rounds (repeatable), "
                    + "e.g. --switch JBANG_WRAPPER_NO_PREWARM: one lever measured on its own, per JDK.")
    List<String> switches = new ArrayList<>();

    @Option(names = "--main-java", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Time this repository's own Java sample (default: ${DEFAULT-VALUE}; --no-main-java with --variant).")
    boolean mainJava;

    @Option(names = "--java", paramLabel = "PATH",
            description = "JDK (home or bin/java) to run the Java samples with (repeatable; default: the default JDK, JAVA_HOME or "
                    + "java on PATH, and the newest JDK found under /usr/lib/jvm, ~/.sdkman/candidates/java or ~/.jdks).")
    List<Path> javas = new ArrayList<>();

    @Option(names = "--launcher-row", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Add an informational row for the JBang launcher path (JBANG_WRAPPER_NO_CACHE=1, what "
                    + "`jbang <alias>@catalog` users get), on the first JDK (default: ${DEFAULT-VALUE}).")
    boolean launcherRow;

    @Option(names = "--endpoint", paramLabel = "URL",
            description = "Use this running Bedrock-compatible endpoint instead of starting the local one in-process.")
    String endpointUrl;

    @Option(names = "--out", paramLabel = "DIR", description = "Where to write latest.md/.png/.json (default: bench/results of this repository).")
    Path outDir;

    @Option(names = "--poll-ms", defaultValue = "5", description = "How often /proc is sampled for RSS (default: ${DEFAULT-VALUE} ms).")
    long pollMs;

    @Option(names = "--timeout", defaultValue = "180", description = "Seconds before a run is killed and counted as failed (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    List<Jdk> usedJdks = List.of();

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    static final String MARKER = "💬 Response:";
    static final Path TIME = Path.of("/usr/bin/time");

    /** One program to time: a display name, a command line, a working directory, extra environment. */
    record Program(String name, String kind, List<String> command, Path dir, Map<String, String> env) {
        Program(String name, String kind, List<String> command, Path dir) {
            this(name, kind, command, dir, Map.of());
        }
    }

    /** A JDK the Java samples run with: its home and feature version. */
    record Jdk(Path home, int major, String version) {}

    /** What the report helpers (median, pairedRatio) need of a run; Throughput's runs have it too. */
    interface Measured {
        String program();
        int round();
        int exitCode();
    }

    /** One timed run. Times in milliseconds; -1 when not observed. */
    record Run(String program, int round, int exitCode, double wallMs, double firstTextMs, double execMs,
               double peakRssMb, double launcherRssMb, double cpuMs, double rusageMaxRssMb, String stderrTail) implements Measured {}

    /** One comparison: its programs (Java first, Node last) and the measured runs. */
    record Comparison(String id, String title, List<Program> programs, List<Run> runs) {}

    public static void main(String[] args) {
        System.exit(new CommandLine(new Bench()).setExecutionExceptionHandler(Tools::oneLineError).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        for (String sw : switches) {
            if (!sw.matches("JBANG_WRAPPER_[A-Z_]+")) {
                throw new CommandLine.ParameterException(new CommandLine(this), "--switch: '" + sw + "' is not a JBANG_WRAPPER_* switch (e.g. JBANG_WRAPPER_NO_PREWARM)");
            }
        }
        for (String what : only) { // before any run: an unknown name must not cost the comparisons listed before it
            if (!List.of("converse", "stream", "throughput").contains(what)) {
                throw new CommandLine.ParameterException(new CommandLine(this), "--only: unknown comparison " + what);
            }
        }
        Path root = Tools.repoRoot();
        Path nodeDir = root.resolve("bench/node");
        Path out = outDir != null ? outDir : root.resolve("bench/results");
        Files.createDirectories(out);
        try {
            ensureNodeModules(nodeDir);
        } catch (IOException | IllegalStateException e) {
            System.err.println("❌ the Node.js side needs node and npm on the PATH (" + e.getMessage() + ") — install Node.js 18 or newer");
            return 1;
        }

        Path scratch = Files.createTempDirectory("bedrock-bench");
        LocalBedrock endpoint = null;
        try {
            String url = endpointUrl;
            if (url == null) {
                endpoint = LocalBedrock.start(new LocalBedrock.Config().port(0).dataDir(scratch.resolve("data")));
                url = endpoint.endpoint().toString();
            }
            Map<String, String> env = childEnvironment(url, scratch);
            System.err.printf("[bench] endpoint %s; %d warm-up + %d measured rounds per comparison%n", url, warmup, runs);

            List<Jdk> jdks = javasToUse();
            usedJdks = jdks;
            for (Jdk j : jdks) System.err.printf("[bench] Java rows: JDK %d at %s (JAVA_HOME for ./jbang)%n", j.major(), j.home());

            List<Comparison> results = new ArrayList<>();
            boolean throughputFailed = false;
            for (String what : only) {
                if (what.equals("throughput")) { throughputFailed = Throughput.compare(root, nodeDir, out, env, warmup, runs, timeoutSeconds) != 0; continue; }
                String alias = switch (what) {
                    case "converse" -> "converse-haiku";
                    case "stream" -> "converse-stream-haiku";
                    default -> throw new CommandLine.ParameterException(new CommandLine(this), "--only: unknown comparison " + what);
                };
                String script = what.equals("converse") ? "converse.mjs" : "converse-stream.mjs";
                List<Program> programs = new ArrayList<>();
                if (mainJava) {
                    for (Jdk j : jdks) {
                        programs.add(new Program("Java " + j.major() + " (./jbang " + alias + ")", "java", jbangCommand(root, alias), root,
                                Map.of("JAVA_HOME", j.home().toString())));
                        for (String sw : switches) {
                            programs.add(new Program("Java " + j.major() + ", " + sw + "=1", "java", jbangCommand(root, alias), root,
                                    Map.of("JAVA_HOME", j.home().toString(), sw, "1")));
                        }
                    }
                    if (launcherRow) {
                        programs.add(new Program("JBang launcher, Java " + jdks.get(0).major() + " (JBANG_WRAPPER_NO_CACHE=1)", "launcher",
                                jbangCommand(root, alias), root, Map.of("JAVA_HOME", jdks.get(0).home().toString(), "JBANG_WRAPPER_NO_CACHE", "1")));
                    }
                }
                for (Map.Entry<String, Path> v : variants.entrySet()) {
                    Path dir = v.getValue().toAbsolutePath().normalize();
                    programs.add(new Program("Java " + v.getKey(), "java", jbangCommand(dir, alias), dir));
                }
                programs.add(new Program("Node.js (" + script + ")", "node",
                        withPrompt(List.of("node", nodeDir.resolve(script).toString())), nodeDir));
                results.add(compare(what, alias, programs, env));
            }

            if (!results.isEmpty()) writeReport(results, out, url);
            return throughputFailed || results.stream().flatMap(c -> c.runs().stream()).anyMatch(r -> r.exitCode() != 0 || r.firstTextMs() < 0) ? 1 : 0;
        } finally {
            if (endpoint != null) endpoint.close();
            Tools.deleteTree(scratch);
        }
    }

    List<String> jbangCommand(Path repo, String alias) {
        return withPrompt(List.of(repo.resolve("jbang").toString(), alias));
    }

    List<String> withPrompt(List<String> command) {
        if (prompt == null) return command;
        List<String> c = new ArrayList<>(command);
        c.addAll(List.of("--prompt", prompt));
        return c;
    }

    Comparison compare(String id, String alias, List<Program> programs, Map<String, String> env) throws Exception {
        String title = id.equals("converse") ? "Converse (" + alias + ")" : "ConverseStream (" + alias + ")";
        List<Run> measured = new ArrayList<>();
        for (int round = -warmup; round < runs; round++) {
            if (round == 0) awaitStartupArchives(alias, programs, env);
            for (Program p : programs) {
                Run r = runOnce(p, round, env);
                String tag = round < 0 ? "warm-up" : "run " + (round + 1) + "/" + runs;
                System.err.printf("[bench] %-11s %-34s wall %6.0f ms  first text %6.0f ms  JVM start %6.0f ms  cpu %6.0f ms  "
                                + "peak RSS %4.0f MB (rusage %4.0f MB)%s%n",
                        tag, p.name(), r.wallMs(), r.firstTextMs(), r.execMs(), r.cpuMs(), r.peakRssMb(), r.rusageMaxRssMb(),
                        r.exitCode() != 0 ? "  ❌ exit " + r.exitCode() + ": " + r.stderrTail()
                                : r.firstTextMs() < 0 ? "  ❌ no answer after \"" + MARKER + "\" on stdout" : "");
                if (round >= 0) measured.add(r);
            }
        }
        return new Comparison(id, title, programs, measured);
    }

    /**
     * The ./jbang wrapper builds a start-up archive per JDK and dependency set in .jbang/cds/: one run
     * records a class list, the next writes the archive in the background (see the wrapper). Before the
     * measured rounds, each Java program is run again until no class list or dump is pending for the
     * archives its alias's cached lines name, so that measured rounds neither overlap a dump nor miss it.
     */
    void awaitStartupArchives(String alias, List<Program> programs, Map<String, String> env) throws Exception {
        for (Program p : programs) {
            if (!p.kind().equals("java")) continue;
            for (int extra = 0; extra < 4 && pendingArchive(p.dir(), alias); extra++) {
                System.err.println("[bench] " + p.name() + ": waiting for the wrapper's start-up archive …");
                long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
                while (dumping(p.dir(), alias) && System.nanoTime() < deadline) Thread.sleep(200);
                runOnce(p, -1, env);   // starts the dump if only a class list was there; else runs on the new archive
            }
        }
    }

    /** The archive names (second line) of the alias's cached launch lines in {@code repo}/.jbang/launch. */
    static List<String> archiveBases(Path repo, String alias) {
        List<String> bases = new ArrayList<>();
        java.util.regex.Pattern line = java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(alias) + "-\\d+\\.cmd");
        try (var files = Files.list(repo.resolve(".jbang/launch"))) {
            for (Path f : files.filter(f -> line.matcher(f.getFileName().toString()).matches()).toList()) {
                List<String> lines = Files.readAllLines(f);
                if (lines.size() > 1 && !lines.get(1).isEmpty()) bases.add(lines.get(1));
            }
        } catch (IOException e) {
            // no cached lines yet
        }
        return bases;
    }

    /** True while a class list or a dump is pending for one of the alias's archives. */
    static boolean pendingArchive(Path repo, String alias) {
        return archiveBases(repo, alias).stream().anyMatch(b -> any(Path.of(b).getParent(),
                java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(Path.of(b).getFileName().toString()) + "\\.(classlist\\.\\d+|dumping)")));
    }

    static boolean dumping(Path repo, String alias) {
        return archiveBases(repo, alias).stream().anyMatch(b -> Files.isDirectory(Path.of(b + ".dumping")));
    }

    /** The JDKs for the Java rows: --java, else the default one and the newest one found, if newer. */
    List<Jdk> javasToUse() {
        List<Jdk> out = new ArrayList<>();
        if (!javas.isEmpty()) {
            for (Path j : javas) {
                Jdk jdk = jdk(j.endsWith("java") && Files.isRegularFile(j) ? j.getParent().getParent() : j);
                if (jdk == null) throw new CommandLine.ParameterException(new CommandLine(this), "--java: no JDK (bin/java and release file) at " + j);
                out.add(jdk);
            }
            return out;
        }
        String javaHome = System.getenv("JAVA_HOME");
        Jdk dflt = javaHome != null && !javaHome.isBlank() ? jdk(Path.of(javaHome)) : null;
        if (dflt == null) dflt = onPath();
        if (dflt == null) dflt = jdk(Path.of(System.getProperty("java.home")));
        out.add(dflt);
        List<Path> homes = new ArrayList<>();
        for (Path dir : List.of(Path.of("/usr/lib/jvm"), Path.of(System.getProperty("user.home"), ".sdkman/candidates/java"),
                Path.of(System.getProperty("user.home"), ".jdks"))) {
            try (var d = Files.list(dir)) {
                homes.addAll(d.toList());
            } catch (IOException e) {
                // not there
            }
        }
        Jdk newest = homes.stream().map(Bench::jdk).filter(j -> j != null).max(java.util.Comparator.comparingInt(Jdk::major)).orElse(null);
        if (newest != null && newest.major() > dflt.major()) out.add(newest);
        return out;
    }

    /** The JDK whose `java` is first on PATH. */
    static Jdk onPath() {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path java = Path.of(d, "java");
            if (Files.isExecutable(java)) {
                try {
                    return jdk(java.toRealPath().getParent().getParent());
                } catch (IOException e) {
                    return null;
                }
            }
        }
        return null;
    }

    /** The JDK at {@code home} (its real path), from its release file; null if it is not one. */
    static Jdk jdk(Path home) {
        try {
            Path real = home.toRealPath();
            if (!Files.isExecutable(real.resolve("bin/java"))) return null;
            for (String l : Files.readAllLines(real.resolve("release"))) {
                if (l.startsWith("JAVA_VERSION=")) {
                    String v = l.substring(13).replace("\"", "");
                    return new Jdk(real, Integer.parseInt(v.split("[^0-9]")[0]), v);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not a JDK
        }
        return null;
    }

    /** True if a file in {@code dir} has a name that matches {@code name}. */
    static boolean any(Path dir, java.util.regex.Pattern name) {
        try (var entries = Files.list(dir)) {
            return entries.anyMatch(e -> name.matcher(e.getFileName().toString()).matches());
        } catch (IOException e) {
            return false;
        }
    }

    /** Starts one program, watches its stdout for the answer and /proc for memory, and times it. */
    Run runOnce(Program program, int round, Map<String, String> env) throws Exception {
        // /usr/bin/time adds the CPU time (user + sys of the whole tree, robust on a busy machine) and
        // the kernel's max RSS of the largest single process, a cross-check of the /proc sampling.
        Path rusage = Files.createTempFile("bench-rusage", ".txt");
        List<String> command = new ArrayList<>(program.command());
        if (Files.isExecutable(TIME)) command.addAll(0, List.of(TIME.toString(), "-o", rusage.toString(), "-f", "%U %S %M"));
        ProcessBuilder pb = new ProcessBuilder(command).directory(program.dir().toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().clear();
        pb.environment().putAll(env);
        pb.environment().putAll(program.env());

        long start = System.nanoTime();
        Process process = pb.start();
        long pid = process.pid();

        long[] firstText = {-1};
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        Thread outReader = new Thread(() -> watchForAnswer(process.getInputStream(), stdout, firstText), "stdout-" + pid);
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        Thread errReader = new Thread(() -> copy(process.getErrorStream(), stderr), "stderr-" + pid);
        long[] end = {-1};
        Thread waiter = new Thread(() -> {
            try {
                process.waitFor();
                end[0] = System.nanoTime();
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }, "wait-" + pid);
        outReader.start();
        errReader.start();
        waiter.start();

        // Sample the process tree while it runs: per-process high-water marks, and when the root pid
        // turns into a JVM (the wrapper's exec of the sample after the JBang launcher finished).
        Map<Long, Double> hwmByPid = new LinkedHashMap<>();
        double launcherPeak = 0;
        long exec = -1;
        long deadline = start + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (waiter.isAlive()) {
            for (long p : tree(pid)) {
                ProcStatus s = ProcStatus.read(p);
                if (s == null) continue;
                hwmByPid.merge(p, s.hwmMb(), Math::max);   // VmHWM restarts at exec, so this is per program image
                if (s.isJbangLauncher()) launcherPeak = Math.max(launcherPeak, s.hwmMb());
                else if (exec < 0 && s.name().equals("java")) exec = System.nanoTime();   // the sample JVM
            }
            if (System.nanoTime() > deadline) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
            waiter.join(pollMs);
        }
        outReader.join(5000);
        errReader.join(5000);

        String err = stderr.toString(StandardCharsets.UTF_8).strip();
        String tail = err.length() > 400 ? err.substring(err.length() - 400) : err;
        double peak = hwmByPid.values().stream().mapToDouble(Double::doubleValue).max().orElse(-1);
        double[] cpuAndRss = readRusage(rusage);
        return new Run(program.name(), round, process.exitValue(), ms(end[0] - start),
                firstText[0] < 0 ? -1 : ms(firstText[0] - start), exec < 0 ? -1 : ms(exec - start),
                peak, launcherPeak > 0 ? launcherPeak : -1, cpuAndRss[0], cpuAndRss[1], tail.replace('\n', ' '));
    }

    /** The /usr/bin/time line ("%U %S %M") in FILE as {CPU ms, max RSS MB}, -1 where missing; deletes FILE. */
    static double[] readRusage(Path file) throws IOException {
        double[] out = {-1, -1};
        try {
            String[] f = Files.readString(file).trim().split("\\s+");
            if (f.length >= 3) {
                out[0] = (Double.parseDouble(f[f.length - 3]) + Double.parseDouble(f[f.length - 2])) * 1000;
                out[1] = Long.parseLong(f[f.length - 1]) / 1024.0;
            }
        } catch (IOException | RuntimeException ignored) {
            // no /usr/bin/time, or the run was killed
        } finally {
            Files.deleteIfExists(file);
        }
        return out;
    }

    /** Reads stdout as it arrives; notes the time of the first non-blank text after the marker line. */
    static void watchForAnswer(InputStream in, ByteArrayOutputStream sink, long[] firstText) {
        byte[] buf = new byte[8192];
        try (in) {
            int n;
            while ((n = in.read(buf)) > 0) {
                long now = System.nanoTime();
                sink.write(buf, 0, n);
                if (firstText[0] < 0) {
                    String text = sink.toString(StandardCharsets.UTF_8);
                    int at = text.indexOf(MARKER);
                    if (at >= 0 && !text.substring(at + MARKER.length()).isBlank()) firstText[0] = now;
                }
            }
        } catch (IOException ignored) {
            // the process was killed
        }
    }

    static void copy(InputStream in, ByteArrayOutputStream sink) {
        try (in) {
            in.transferTo(sink);
        } catch (IOException ignored) {
            // the process was killed
        }
    }

    /** The pid and its descendants, from /proc/PID/task/TID/children (cheap: no scan of all of /proc). */
    static List<Long> tree(long pid) {
        List<Long> out = new ArrayList<>();
        List<Long> todo = new ArrayList<>(List.of(pid));
        while (!todo.isEmpty()) {
            long p = todo.remove(todo.size() - 1);
            out.add(p);
            File[] tasks = new File("/proc/" + p + "/task").listFiles();
            if (tasks == null) continue;
            for (File t : tasks) {
                try {
                    for (String c : Files.readString(t.toPath().resolve("children")).trim().split("\\s+")) {
                        if (!c.isEmpty()) todo.add(Long.parseLong(c));
                    }
                } catch (IOException | RuntimeException ignored) {
                    // the task ended meanwhile
                }
            }
        }
        return out;
    }

    /** The fields of /proc/PID/status (and cmdline) the benchmark needs. */
    record ProcStatus(String name, double hwmMb, boolean isJbangLauncher) {
        static ProcStatus read(long pid) {
            try {
                String name = "";
                double hwm = 0;
                for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                    if (line.startsWith("Name:")) name = line.substring(5).trim();
                    else if (line.startsWith("VmHWM:")) hwm = Long.parseLong(line.substring(6).trim().split("\\s+")[0]) / 1024.0;
                }
                boolean launcher = false;
                if (name.equals("java")) {
                    String cmd = new String(Files.readAllBytes(Path.of("/proc/" + pid + "/cmdline")), StandardCharsets.UTF_8);
                    launcher = cmd.contains("dev.jbang.Main");
                }
                return new ProcStatus(name, hwm, launcher);
            } catch (IOException | RuntimeException e) {
                return null;                           // gone between listing and reading
            }
        }
    }

    // ------------------------------------------------------------------ environment

    static Map<String, String> childEnvironment(String endpoint, Path scratch) {
        Map<String, String> env = new LinkedHashMap<>();
        for (String keep : List.of("PATH", "HOME", "USER", "LANG", "LC_ALL", "TMPDIR", "JAVA_HOME", "JBANG_DIR",
                "JBANG_CACHE_DIR", "JBANG_REPO", "JBANG_JAVA_OPTIONS", "JBANG_WRAPPER_NO_PATH", "MAVEN_OPTS")) {
            String v = System.getenv(keep);
            if (v != null) env.put(keep, v);
        }
        env.put("AWS_ENDPOINT_URL", endpoint);
        env.put("AWS_ACCESS_KEY_ID", "test");
        env.put("AWS_SECRET_ACCESS_KEY", "test");
        env.put("AWS_REGION", "us-east-1");
        env.put("AWS_CONFIG_FILE", scratch.resolve("no-config").toString());
        env.put("AWS_SHARED_CREDENTIALS_FILE", scratch.resolve("no-credentials").toString());
        env.put("NO_COLOR", "1");
        return env;
    }

    /** Installs the Node.js SDK from package-lock.json when node_modules is missing or older than the lock. */
    static void ensureNodeModules(Path nodeDir) throws Exception {
        Path marker = nodeDir.resolve("node_modules/.package-lock.json");
        Path lock = nodeDir.resolve("package-lock.json");
        if (Files.exists(marker) && Files.getLastModifiedTime(marker).compareTo(Files.getLastModifiedTime(lock)) >= 0) return;
        System.err.println("[bench] npm ci in " + nodeDir);
        Process p = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund").directory(nodeDir.toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        if (p.waitFor() != 0) throw new IllegalStateException("npm ci failed in " + nodeDir);
    }

    // ------------------------------------------------------------------ report

    static <R extends Measured> double median(List<R> runs, String program, ToDoubleFunction<? super R> metric) {
        return median(runs.stream().filter(r -> r.program().equals(program) && r.exitCode() == 0)
                .mapToDouble(metric).filter(x -> x >= 0).toArray());
    }

    /** Median over rounds of program/base for the same round: steadier than a ratio of medians on a busy machine. */
    static <R extends Measured> double pairedRatio(List<R> runs, String program, String base, ToDoubleFunction<? super R> metric) {
        Map<Integer, Double> baseByRound = new LinkedHashMap<>();
        for (R r : runs) {
            if (r.program().equals(base) && r.exitCode() == 0 && metric.applyAsDouble(r) > 0) baseByRound.put(r.round(), metric.applyAsDouble(r));
        }
        return median(runs.stream().filter(r -> r.program().equals(program) && r.exitCode() == 0 && baseByRound.containsKey(r.round()))
                .mapToDouble(r -> metric.applyAsDouble(r) / baseByRound.get(r.round())).filter(x -> x >= 0).toArray());
    }

    static double median(double[] values) {
        if (values.length == 0) return Double.NaN;
        double[] v = values.clone();
        java.util.Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    record Metric(String label, String unit, ToDoubleFunction<Run> f, double scale) {}

    static List<Metric> metrics(String comparison) {
        List<Metric> m = new ArrayList<>();
        m.add(new Metric("wall time", "s", Run::wallMs, 1000));
        m.add(new Metric(comparison.equals("stream") ? "time to first token" : "time to answer", "s", Run::firstTextMs, 1000));
        m.add(new Metric("CPU time (user+sys)", "s", Run::cpuMs, 1000));
        m.add(new Metric("peak RSS", "MB", Run::peakRssMb, 1));
        return m;
    }

    void writeReport(List<Comparison> results, Path out, String url) throws Exception {
        StringBuilder md = new StringBuilder();
        md.append("# Time to answer: JBang samples vs the AWS SDK for JavaScript v3\n\n");
        md.append(String.format(Locale.ROOT, "%s · %s · Node.js %s · %d CPUs · load average %s · %d warm-up + %d measured rounds, interleaved · "
                        + "local endpoint %s%n%n",
                ZonedDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z")),
                "Java rows on " + String.join(", ", usedJdks.stream().map(j -> "JDK " + j.version() + " (" + j.home() + ")").toList()),
                nodeVersion(), Runtime.getRuntime().availableProcessors(),
                loadAverage(), warmup, runs, url.startsWith("http://127.0.0.1") ? "(in-process, 127.0.0.1)" : url));
        md.append("Medians. *Time to answer/first token*: from process start to the first answer text after the "
                + "`💬 Response:` line on stdout. *Peak RSS*: largest VmHWM of any process in the child's tree, sampled from "
                + "/proc every " + pollMs + " ms (for Java the larger of the JBang launcher JVM and the sample JVM, which the "
                + "./jbang wrapper execs in the same pid once the launcher has exited; the two never overlap). *CPU time*: "
                + "user + sys of the whole process tree from /usr/bin/time, less sensitive than wall time to a busy machine. "
                + "*X / Node*: the median over rounds of X's value over Node's in the same round.\n\n");

        for (Comparison c : results) {
            Program node = c.programs().get(c.programs().size() - 1);
            md.append("## ").append(c.title()).append("\n\n| metric |");
            for (Program p : c.programs()) md.append(' ').append(p.name()).append(" |");
            for (Program p : c.programs()) if (!p.kind().equals("node")) md.append(' ').append(shortName(p)).append(" / Node |");
            md.append("\n|---|");
            md.append("---:|".repeat(c.programs().size() * 2 - 1)).append('\n');
            for (Metric m : metrics(c.id())) {
                md.append("| ").append(m.label()).append(" |");
                for (Program p : c.programs()) md.append(' ').append(format(median(c.runs(), p.name(), m.f()) / m.scale(), m.unit())).append(" |");
                for (Program p : c.programs()) {
                    if (p.kind().equals("node")) continue;
                    // the median of per-round ratios: on a busy machine steadier than a ratio of medians
                    md.append(String.format(Locale.ROOT, " **%.2f×** |", pairedRatio(c.runs(), p.name(), node.name(), m.f())));
                }
                md.append('\n');
            }
            for (Program p : c.programs()) {
                if (p.kind().equals("node")) continue;
                md.append(String.format(Locale.ROOT, "\n%s: the sample JVM started (wrapper exec) after %s; JBang launcher JVM peak RSS %s.",
                        p.name(), format(median(c.runs(), p.name(), Run::execMs) / 1000, "s"),
                        format(median(c.runs(), p.name(), Run::launcherRssMb), "MB")));
            }
            Program base = c.programs().stream().filter(p -> p.name().equals("Java base")).findFirst().orElse(null);
            if (base != null) {
                List<Metric> lm = new ArrayList<>(metrics(c.id()));
                lm.add(new Metric("sample JVM start", "s", Run::execMs, 1000));
                lm.add(new Metric("launcher RSS", "MB", Run::launcherRssMb, 1));
                md.append("\n\n| lever: median (median of per-round ratios to Java base) |");
                for (Metric m : lm) md.append(' ').append(m.label()).append(" |");
                md.append("\n|---|").append("---:|".repeat(lm.size())).append('\n');
                for (Program p : c.programs()) {
                    if (!p.kind().equals("java")) continue;
                    md.append("| ").append(p.name()).append(" |");
                    for (Metric m : lm) {
                        double v = median(c.runs(), p.name(), m.f());
                        md.append(String.format(Locale.ROOT, " %s (%.2f×) |", format(v / m.scale(), m.unit()),
                                pairedRatio(c.runs(), p.name(), base.name(), m.f())));
                    }
                    md.append('\n');
                }
            }
            long failed = c.runs().stream().filter(r -> r.exitCode() != 0).count();
            if (failed > 0) md.append("\n\n⚠️ ").append(failed).append(" run(s) failed and are left out of the medians.");
            md.append("\n\n");
        }
        md.append("Raw runs: latest.json. Re-run: `./jbang benchmark` (options: `--help`).\n");

        Files.writeString(out.resolve("latest.md"), md.toString());
        ObjectNode json = JSON.createObjectNode();
        json.put("date", ZonedDateTime.now().toString());
        json.put("java", System.getProperty("java.version"));
        json.set("jdks", JSON.valueToTree(usedJdks.stream().map(j -> j.version() + " " + j.home()).toList()));
        json.put("node", nodeVersion());
        json.put("warmup", warmup);
        json.put("runs", runs);
        ArrayNode arr = json.putArray("comparisons");
        for (Comparison c : results) {
            ObjectNode o = arr.addObject();
            o.put("id", c.id());
            o.put("title", c.title());
            o.set("programs", JSON.valueToTree(c.programs().stream().map(Program::name).toList()));
            o.set("runs", JSON.valueToTree(c.runs()));
        }
        JSON.writeValue(out.resolve("latest.json").toFile(), json);
        writeChart(results, out.resolve("latest.png"));
        System.out.print(md);
        System.err.println("[bench] wrote " + out.resolve("latest.md") + ", latest.png, latest.json");
    }

    static String shortName(Program p) {
        if (p.name().startsWith("Java (")) return "Java";
        int paren = p.name().indexOf(" (");
        return p.kind().equals("java") && paren > 0 ? p.name().substring(0, paren) : p.name();
    }

    static String format(double v, String unit) {
        if (Double.isNaN(v) || v < 0) return "–";
        return unit.equals("s") ? String.format(Locale.ROOT, "%.2f s", v) : String.format(Locale.ROOT, "%.0f MB", v);
    }

    /** Two bar charts side by side: median times (s) and median peak RSS (MB), one bar per program. */
    void writeChart(List<Comparison> results, Path png) throws IOException {
        DefaultCategoryDataset times = new DefaultCategoryDataset();
        DefaultCategoryDataset rss = new DefaultCategoryDataset();
        for (Comparison c : results) {
            String sub = c.id().equals("stream") ? "ConverseStream" : "Converse";
            for (Program p : c.programs()) {
                String series = p.kind().equals("node") ? "Node.js SDK v3" : shortName(p).equals("Java") ? "Java (JBang)" : shortName(p);
                for (Metric m : metrics(c.id())) {
                    double v = median(c.runs(), p.name(), m.f()) / m.scale();
                    if (Double.isNaN(v) || m.label().startsWith("CPU")) continue;
                    if (m.unit().equals("s")) times.addValue(v, series, sub + "\n" + m.label());
                    else rss.addValue(v, series, sub);
                }
            }
        }
        BufferedImage left = bars(times, "Median time (s), lower is better", "seconds", "%.2f").createBufferedImage(820, 460);
        BufferedImage right = bars(rss, "Median peak RSS (MB)", "MB", "%.0f").createBufferedImage(420, 460);
        BufferedImage all = new BufferedImage(1240, 460, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = all.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.drawImage(left, 0, 0, null);
        g.drawImage(right, 820, 0, null);
        g.dispose();
        ImageIO.write(all, "png", png.toFile());
    }

    static JFreeChart bars(DefaultCategoryDataset data, String title, String axis, String labelFormat) {
        JFreeChart chart = ChartFactory.createBarChart(title, null, axis, data, PlotOrientation.VERTICAL, true, false, false);
        chart.setBackgroundPaint(Color.WHITE);
        CategoryPlot plot = chart.getCategoryPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(new Color(0xDDDDDD));
        CategoryAxis x = plot.getDomainAxis();
        x.setMaximumCategoryLabelLines(2);
        BarRenderer r = (BarRenderer) plot.getRenderer();
        r.setBarPainter(new StandardBarPainter());
        r.setShadowVisible(false);
        Color[] palette = {new Color(0xE76F00), new Color(0x5382A1), new Color(0x8E6C8A), new Color(0x6C8E5C), new Color(0x3C873A)};
        for (int i = 0; i < data.getRowCount(); i++) {
            boolean node = data.getRowKey(i).toString().startsWith("Node");
            r.setSeriesPaint(i, node ? palette[palette.length - 1] : palette[i % (palette.length - 1)]);
        }
        r.setDefaultItemLabelGenerator(new StandardCategoryItemLabelGenerator("{2}", new java.text.DecimalFormat(
                labelFormat.equals("%.2f") ? "0.00" : "0")));
        r.setDefaultItemLabelsVisible(true);
        return chart;
    }

    // ------------------------------------------------------------------ helpers

    static double ms(long nanos) {
        return nanos < 0 ? -1 : nanos / 1_000_000.0;
    }

    static String nodeVersion() {
        try {
            Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            String v = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            p.waitFor();
            return v.startsWith("v") ? v.substring(1) : v;
        } catch (Exception e) {
            return "?";
        }
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "?";
        }
    }
}
