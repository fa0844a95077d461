import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * The throughput row of {@code ./jbang benchmark} ({@code --only throughput}): {@code ./jbang burst-haiku
 * --requests 2000 --concurrency 64 --json} against {@code node bench/node/burst.mjs} with the same
 * numbers (AWS SDK for JavaScript v3, its default request handler, adaptive retries), interleaved
 * (Java, Node, Java, …) after warm-up rounds, against the endpoint Bench started.
 *
 * <p>Per run: requests/s as each program reports it in its JSON summary (succeeded calls over the
 * burst, from first dispatch to last answer: start-up excluded), CPU time of the process tree
 * (user + sys, {@code /usr/bin/time}) and peak RSS (the kernel's max RSS of the largest process in
 * the tree, {@code /usr/bin/time %M}). Medians, and the Java/Node ratio per round (median of the
 * paired ratios). Writes {@code throughput.md} and {@code throughput.json} next to Bench's results.
 */
final class Throughput {
    static final int REQUESTS = 2000;
    static final int CONCURRENCY = 64;
    static final String ALIAS = "burst-haiku";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Path TIME = Path.of("/usr/bin/time");

    /** One timed run; -1 where not observed. */
    record Run(String program, int round, int exitCode, double requestsPerSecond, double cpuMs, double peakRssMb,
               double wallMs, String error) implements Bench.Measured {}

    private Throughput() {}

    /** Runs the comparison and writes its report; returns 0 when every measured run succeeded. */
    static int compare(Path root, Path nodeDir, Path out, Map<String, String> env, int warmup, int runs, long timeoutSeconds)
            throws Exception {
        List<String> numbers = List.of("--requests", String.valueOf(REQUESTS), "--concurrency", String.valueOf(CONCURRENCY));
        List<String> java = new ArrayList<>(List.of(root.resolve("jbang").toString(), ALIAS, "--json"));
        java.addAll(numbers);
        List<String> node = new ArrayList<>(List.of("node", nodeDir.resolve("burst.mjs").toString()));
        node.addAll(numbers);
        String javaName = "Java (./jbang " + ALIAS + ")";
        String nodeName = "Node.js (burst.mjs)";
        List<Run> measured = new ArrayList<>();
        for (int round = -warmup; round < runs; round++) {
            if (round == 0) awaitStaticArchive(root, java, env, timeoutSeconds);
            for (int k = 0; k < 2; k++) {
                boolean isJava = k == 0;
                Run r = runOnce(isJava ? javaName : nodeName, isJava ? java : node, isJava ? root : nodeDir, round, env, timeoutSeconds);
                String tag = round < 0 ? "warm-up" : "run " + (round + 1) + "/" + runs;
                System.err.printf(Locale.ROOT, "[bench] %-11s %-30s %7.1f requests/s  cpu %6.0f ms  peak RSS %4.0f MB  wall %6.0f ms%s%n",
                        tag, r.program(), r.requestsPerSecond(), r.cpuMs(), r.peakRssMb(), r.wallMs(),
                        r.error().isEmpty() ? "" : "  ❌ exit " + r.exitCode() + ": " + r.error());
                if (round >= 0) measured.add(r);
            }
        }
        write(measured, javaName, nodeName, out, warmup, runs);
        return measured.stream().allMatch(r -> r.exitCode() == 0 && r.error().isEmpty()) ? 0 : 1;
    }

    /**
     * The ./jbang wrapper records a class list on an alias's first run and writes its start-up archive
     * in the background on the next (Bench.awaitStartupArchives): run again until none is pending, so
     * no measured round overlaps a dump.
     */
    static void awaitStaticArchive(Path root, List<String> java, Map<String, String> env, long timeoutSeconds) throws Exception {
        for (int extra = 0; extra < 4 && Bench.pendingArchive(root, ALIAS); extra++) {
            System.err.println("[bench] " + ALIAS + ": waiting for the wrapper's start-up archive …");
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (Bench.dumping(root, ALIAS) && System.nanoTime() < deadline) Thread.sleep(200);
            runOnce("archive", java, root, -1, env, timeoutSeconds);
        }
    }

    static Run runOnce(String name, List<String> command, Path dir, int round, Map<String, String> env, long timeoutSeconds)
            throws Exception {
        Path rusage = Files.createTempFile("bench-rusage", ".txt");
        Path stdout = Files.createTempFile("bench-stdout", ".txt");
        Path stderr = Files.createTempFile("bench-stderr", ".txt");
        List<String> cmd = new ArrayList<>(command);
        if (Files.isExecutable(TIME)) cmd.addAll(0, List.of(TIME.toString(), "-o", rusage.toString(), "-f", "%U %S %M"));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
        pb.environment().clear();
        pb.environment().putAll(env);
        long start = System.nanoTime();
        Process p = pb.start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        double wall = (System.nanoTime() - start) / 1e6;
        double rps = -1;
        String error = "";
        try {
            String text = Files.readString(stdout, StandardCharsets.UTF_8).strip();
            String last = text.isEmpty() ? "" : text.substring(text.lastIndexOf('\n') + 1);
            JsonNode summary = last.startsWith("{") ? JSON.readTree(last) : null;
            if (summary != null) rps = summary.path("requestsPerSecond").asDouble(-1);
            String err = Files.readString(stderr, StandardCharsets.UTF_8).strip();
            if (p.exitValue() != 0) error = (summary != null ? summary.path("lastError").asText("") + " " : "")
                    + err.substring(Math.max(0, err.length() - 300)).replace('\n', ' ');
            else if (rps < 0) error = "no JSON summary with requestsPerSecond on stdout";
        } catch (IOException | RuntimeException e) {
            error = String.valueOf(e);
        }
        Files.deleteIfExists(stdout);
        Files.deleteIfExists(stderr);
        double[] cpuAndRss = Bench.readRusage(rusage);
        return new Run(name, round, p.exitValue(), rps, cpuAndRss[0], cpuAndRss[1], wall, error);
    }

    static void write(List<Run> runs, String java, String node, Path out, int warmup, int rounds) throws IOException {
        String when = ZonedDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z"));
        StringBuilder md = new StringBuilder("# Throughput under load: burst-haiku vs the AWS SDK for JavaScript v3\n\n");
        md.append(String.format(Locale.ROOT, "%s · Java %s · Node.js %s · %d CPUs · load average %s · %d warm-up + %d measured rounds, "
                        + "interleaved · %d Converse calls, %d at a time, against the local endpoint (in-process, 127.0.0.1)%n%n",
                when, System.getProperty("java.version"), Bench.nodeVersion(), Runtime.getRuntime().availableProcessors(),
                Bench.loadAverage(), warmup, rounds, REQUESTS, CONCURRENCY));
        md.append("| | Java (`./jbang burst-haiku`) | Node.js (`burst.mjs`) | Java / Node |\n|---|---:|---:|---:|\n");
        Object[][] rows = {
            {"requests/s (median)", (ToDoubleFunction<Run>) Run::requestsPerSecond, "%.0f"},
            {"CPU time, user+sys", (ToDoubleFunction<Run>) r -> r.cpuMs() / 1000, "%.2f s"},
            {"peak RSS", (ToDoubleFunction<Run>) Run::peakRssMb, "%.0f MB"},
        };
        ObjectNode json = JSON.createObjectNode();
        json.put("date", when).put("requests", REQUESTS).put("concurrency", CONCURRENCY).put("warmup", warmup).put("rounds", rounds);
        for (Object[] row : rows) {
            @SuppressWarnings("unchecked")
            ToDoubleFunction<Run> f = (ToDoubleFunction<Run>) row[1];
            String fmt = (String) row[2];
            double j = Bench.median(runs, java, f);
            double n = Bench.median(runs, node, f);
            double ratio = Bench.pairedRatio(runs, java, node, f);
            md.append(String.format(Locale.ROOT, "| %s | " + fmt + " | " + fmt + " | %.2f× |%n", row[0], j, n, ratio));
            json.putObject((String) row[0]).put("java", j).put("node", n).put("javaOverNode", ratio);
        }
        md.append("\nrequests/s: succeeded calls over the burst as each program reports it (start-up excluded); "
                + "CPU time and peak RSS: the whole process tree (/usr/bin/time). Java/Node: median of the per-round ratios.\n");
        ArrayNode all = json.putArray("runs");
        for (Run r : runs) {
            all.addObject().put("program", r.program()).put("round", r.round()).put("exitCode", r.exitCode())
                    .put("requestsPerSecond", r.requestsPerSecond()).put("cpuMs", r.cpuMs()).put("peakRssMb", r.peakRssMb())
                    .put("wallMs", r.wallMs()).put("error", r.error());
        }
        Files.writeString(out.resolve("throughput.md"), md.toString());
        Files.writeString(out.resolve("throughput.json"), JSON.writeValueAsString(json) + "\n");
        System.err.print(md);
    }
}
