///usr/bin/env jbang "$0" "$@" ; exit $?
//DESCRIPTION Local-only benchmark of the local endpoint as a separate process: ready time, small Converse calls over N keep-alive connections (req/s, p50/p99/max), peak RSS.
//JAVA 17+
//DEPS software.amazon.awssdk:bom:2.57.8@pom
//DEPS software.amazon.awssdk:http-auth-aws
//DEPS info.picocli:picocli:4.7.7
//DEPS com.fasterxml.jackson.core:jackson-databind:2.21.3
//DEPS org.slf4j:slf4j-nop:2.0.17
//SOURCES Tools.java

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * Benchmarks the local endpoint the way a user runs it: {@code <repo>/jbang local-bedrock --port 0}
 * as a separate process.
 * <ol>
 *   <li>Ready time: process start until its "listening on" line; one warm-up start (JBang's build
 *       cache), then the median of {@code --starts} starts.</li>
 *   <li>Load: one small Converse request signed once with the SDK's SigV4 signer (a signature stays
 *       valid for 15 minutes) and replayed over N HTTP/1.1 keep-alive connections, one plain socket
 *       per thread, so that the client side costs little; a warm-up, then {@code --seconds} measured.
 *       Only 200 answers count; anything else is an error.</li>
 *   <li>Peak RSS: VmHWM of the endpoint's JVM from /proc (the wrapper execs java in the same pid).</li>
 * </ol>
 * Prints a Markdown table against the targets. Run: {@code ./jbang tests/local-bedrock/EndpointBench.java}
 */
@Command(name = "endpoint-bench", mixinStandardHelpOptions = true,
        description = "Benchmark the local Bedrock endpoint (separate process) with small Converse calls (local-only tool).")
public class EndpointBench implements Callable<Integer> {
    static final String MODEL_PATH = "/model/global.anthropic.claude-haiku-4-5-20251001-v1%3A0/converse";
    static final Pattern LISTENING = Pattern.compile("local-bedrock listening on http://127\\.0\\.0\\.1:(\\d+)");

    @Option(names = "--concurrency", defaultValue = "64", description = "Concurrent keep-alive connections. Default: ${DEFAULT-VALUE}")
    int concurrency;
    @Option(names = "--seconds", defaultValue = "10", description = "Measured seconds. Default: ${DEFAULT-VALUE}")
    int seconds;
    @Option(names = "--warmup", defaultValue = "5", description = "Warm-up seconds under load (not measured). Default: ${DEFAULT-VALUE}")
    int warmup;
    @Option(names = "--starts", defaultValue = "3", description = "Timed starts for the ready time (after one warm-up start). Default: ${DEFAULT-VALUE}")
    int starts;
    @Option(names = "--jvm-options", description = "Extra JVM options for the endpoint, passed as JAVA_TOOL_OPTIONS (for experiments)")
    String jvmOptions;

    private String loadAtStart = "n/a";

    public static void main(String[] args) {
        System.exit(new CommandLine(new EndpointBench()).setExecutionExceptionHandler(Tools::oneLineError).execute(args));
    }

    /** A started endpoint process. */
    record Endpoint(Process process, int port, long readyNanos) {}

    @Override
    public Integer call() throws Exception {
        Path repo = Tools.repoRoot();
        loadAtStart = loadAverage();
        System.err.println("endpoint-bench: repo " + repo + "; warm-up start …");
        stop(start(repo).process());
        long[] ready = new long[Math.max(1, starts)];
        for (int i = 0; i < ready.length; i++) {
            Endpoint e = start(repo);
            ready[i] = e.readyNanos();
            System.err.printf("endpoint-bench: start %d ready in %.0f ms%n", i + 1, e.readyNanos() / 1e6);
            if (i < ready.length - 1) stop(e.process());
            else return measure(e, ready);
        }
        return 0;
    }

    private int measure(Endpoint e, long[] ready) throws Exception {
        Result r;
        String rss;
        try {
            byte[] request = signedRequest(e.port());
            System.err.printf("endpoint-bench: load on port %d: %d connections, %d s warm-up, %d s measured …%n",
                    e.port(), concurrency, warmup, seconds);
            r = load(e.port(), request);
            rss = peakRss(e.process().toHandle());
        } finally {
            stop(e.process());
        }
        Arrays.sort(ready);
        double readyMs = ready[ready.length / 2] / 1e6;
        double reqPerSec = r.latencies.length / (double) seconds;
        double p50 = pct(r.latencies, 50);
        double p99 = pct(r.latencies, 99);
        double max = r.latencies.length == 0 ? Double.NaN : r.latencies[r.latencies.length - 1] / 1e6;
        long rssKb = rss == null ? -1 : Long.parseLong(rss.replaceAll("[^0-9]", ""));

        System.out.printf("%n### Local endpoint benchmark%n%n");
        System.out.printf("Small Converse calls (%s), %d HTTP/1.1 keep-alive connections, %d s measured after %d s warm-up; "
                        + "%d cores; load average (1/5/15 min) at the start %s, at the end %s.%n%n",
                "global.anthropic.claude-haiku-4-5-20251001-v1:0", concurrency, seconds, warmup,
                Runtime.getRuntime().availableProcessors(), loadAtStart, loadAverage());
        System.out.println("| Measure | Result | Target | |");
        System.out.println("|---|---|---|---|");
        row("Throughput", String.format(Locale.ROOT, "%.0f req/s", reqPerSec), "≥ 3,000 req/s", reqPerSec >= 3000);
        row("Latency p50", String.format(Locale.ROOT, "%.2f ms", p50), "", null);
        row("Latency p99", String.format(Locale.ROOT, "%.2f ms", p99), "≤ 50 ms", p99 <= 50);
        row("Latency max", String.format(Locale.ROOT, "%.2f ms", max), "", null);
        row("Errors (non-200 / I/O)", r.non200 + " / " + r.ioErrors, "0", r.non200 + r.ioErrors == 0);
        row("Peak RSS (VmHWM)", rssKb < 0 ? "unknown" : String.format(Locale.ROOT, "%.0f MB", rssKb / 1024.0),
                "≤ 256 MB", rssKb >= 0 && rssKb <= 256 * 1024);
        row("Ready (median of " + ready.length + " warm starts)", String.format(Locale.ROOT, "%.0f ms", readyMs),
                "≤ 1,500 ms", readyMs <= 1500);
        System.out.printf("%n%d requests measured (%d during warm-up).%n", r.latencies.length, r.warmupCount);
        return 0;
    }

    /** The 1, 5 and 15 minute load averages (the machine may be shared: say how busy it was). */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " / " + f[1] + " / " + f[2];
        } catch (IOException | RuntimeException e) {
            return "n/a";
        }
    }

    private static void row(String what, String result, String target, Boolean pass) {
        System.out.println("| " + what + " | " + result + " | " + target + " | " + (pass == null ? "" : pass ? "PASS" : "MISS") + " |");
    }

    // ------------------------------------------------------------------ endpoint process

    private Endpoint start(Path repo) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(repo.resolve("jbang").toString(), "local-bedrock", "--port", "0")
                .directory(repo.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        if (jvmOptions != null) pb.environment().put("JAVA_TOOL_OPTIONS", jvmOptions);
        long t0 = System.nanoTime();
        Process p = pb.start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null) {
            Matcher m = LISTENING.matcher(line);
            if (m.find()) {
                long readyNanos = System.nanoTime() - t0;
                Thread drain = new Thread(() -> {
                    try {
                        out.transferTo(java.io.Writer.nullWriter());
                    } catch (IOException ignored) {
                        // process ended
                    }
                }, "endpoint-stdout");
                drain.setDaemon(true);
                drain.start();
                return new Endpoint(p, Integer.parseInt(m.group(1)), readyNanos);
            }
        }
        p.waitFor(5, TimeUnit.SECONDS);
        throw new IllegalStateException("the endpoint ended without a listening line (exit " + (p.isAlive() ? "?" : p.exitValue()) + ")");
    }

    private static void stop(Process p) throws InterruptedException {
        List<ProcessHandle> all = new ArrayList<>();
        p.toHandle().descendants().forEach(all::add);
        p.destroy();
        if (!p.waitFor(10, TimeUnit.SECONDS)) p.destroyForcibly().waitFor();
        for (ProcessHandle h : all) if (h.isAlive()) h.destroyForcibly();
    }

    /** VmHWM of the endpoint's JVM: the started pid (the wrapper execs java) or, failing that, a java descendant. */
    static String peakRss(ProcessHandle root) {
        List<ProcessHandle> candidates = new ArrayList<>();
        candidates.add(root);
        root.descendants().forEach(candidates::add);
        String best = null;
        long bestKb = -1;
        for (ProcessHandle h : candidates) {
            String cmd = h.info().command().orElse("");
            if (!cmd.endsWith("/java") && !cmd.equals("java")) continue;
            try {
                for (String line : Files.readAllLines(Path.of("/proc/" + h.pid() + "/status"))) {
                    if (line.startsWith("VmHWM:")) {
                        long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
                        if (kb > bestKb) {
                            bestKb = kb;
                            best = line.substring(6).trim();
                        }
                    }
                }
            } catch (IOException | NumberFormatException ignored) {
                // not Linux, or the process is gone
            }
        }
        return best;
    }

    // ------------------------------------------------------------------ the request

    /** The whole HTTP/1.1 request (head and body), signed once with the SDK's SigV4 signer. */
    static byte[] signedRequest(int port) throws Exception {
        ObjectMapper json = new ObjectMapper();
        ObjectNode body = json.createObjectNode();
        body.putArray("messages").addObject().put("role", "user").putArray("content").addObject().put("text", "Say hi");
        body.putObject("inferenceConfig").put("maxTokens", 64);
        byte[] payload = json.writeValueAsBytes(body);
        SdkHttpRequest req = SdkHttpRequest.builder()
                .method(SdkHttpMethod.POST).protocol("http").host("127.0.0.1").port(port)
                .encodedPath(MODEL_PATH)
                .putHeader("Content-Type", "application/json")
                .putHeader("Accept", "application/json")
                .putHeader("Content-Length", Integer.toString(payload.length))
                .build();
        SignedRequest signed = AwsV4HttpSigner.create().sign(r -> r
                .identity(AwsCredentialsIdentity.create("test", "test"))
                .request(req)
                .payload(ContentStreamProvider.fromByteArrayUnsafe(payload))
                .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, "bedrock")
                .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1"));
        StringBuilder head = new StringBuilder("POST " + MODEL_PATH + " HTTP/1.1\r\n");
        head.append("Host: 127.0.0.1:").append(port).append("\r\n");
        for (Map.Entry<String, List<String>> h : signed.request().headers().entrySet()) {
            if (h.getKey().equalsIgnoreCase("Host")) continue;
            for (String v : h.getValue()) head.append(h.getKey()).append(": ").append(v).append("\r\n");
        }
        head.append("\r\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
        out.write(payload);
        return out.toByteArray();
    }

    // ------------------------------------------------------------------ load

    static final class Result {
        long[] latencies;
        long non200;
        long ioErrors;
        long warmupCount;
    }

    /** A growable list of longs, one per thread (no boxing under load). */
    static final class Longs {
        long[] a = new long[1 << 14];
        int n;

        void add(long v) {
            if (n == a.length) a = Arrays.copyOf(a, n * 2);
            a[n++] = v;
        }
    }

    private Result load(int port, byte[] request) throws Exception {
        long warmEnd = System.nanoTime() + warmup * 1_000_000_000L;
        long end = warmEnd + seconds * 1_000_000_000L;
        AtomicLong non200 = new AtomicLong();
        AtomicLong ioErrors = new AtomicLong();
        AtomicLong warmCount = new AtomicLong();
        Longs[] per = new Longs[concurrency];
        CountDownLatch done = new CountDownLatch(concurrency);
        for (int t = 0; t < concurrency; t++) {
            Longs lat = per[t] = new Longs();
            Thread th = new Thread(() -> {
                try {
                    runConnection(port, request, warmEnd, end, lat, non200, ioErrors, warmCount);
                } finally {
                    done.countDown();
                }
            }, "load-" + t);
            th.setDaemon(true);
            th.start();
        }
        done.await();
        int total = 0;
        for (Longs l : per) total += l.n;
        long[] all = new long[total];
        int at = 0;
        for (Longs l : per) {
            System.arraycopy(l.a, 0, all, at, l.n);
            at += l.n;
        }
        Arrays.sort(all);
        Result r = new Result();
        r.latencies = all;
        r.non200 = non200.get();
        r.ioErrors = ioErrors.get();
        r.warmupCount = warmCount.get();
        return r;
    }

    private static void runConnection(int port, byte[] request, long warmEnd, long end, Longs lat,
                                      AtomicLong non200, AtomicLong ioErrors, AtomicLong warmCount) {
        Socket s = null;
        InputStream in = null;
        while (true) {
            long t0 = System.nanoTime();
            if (t0 >= end) break;
            try {
                if (s == null) {
                    s = new Socket();
                    s.setTcpNoDelay(true);
                    s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
                    s.setSoTimeout(30_000);
                    in = new BufferedInputStream(s.getInputStream(), 16 * 1024);
                }
                OutputStream out = s.getOutputStream();
                out.write(request);
                out.flush();
                int status = readResponse(in);
                long t1 = System.nanoTime();
                if (status == 200) {
                    if (t0 >= warmEnd) lat.add(t1 - t0);
                    else warmCount.incrementAndGet();
                } else if (t0 >= warmEnd) {
                    non200.incrementAndGet();
                }
            } catch (IOException e) {
                if (t0 >= warmEnd) ioErrors.incrementAndGet();
                closeQuietly(s);
                s = null;
            }
        }
        closeQuietly(s);
    }

    /** Reads one HTTP/1.1 response (Content-Length or chunked body); returns its status. */
    static int readResponse(InputStream in) throws IOException {
        String statusLine = readLine(in);
        if (statusLine == null) throw new IOException("connection closed");
        int status = Integer.parseInt(statusLine.substring(9, 12));
        long length = -1;
        boolean chunked = false;
        boolean close = false;
        String line;
        while ((line = readLine(in)) != null && !line.isEmpty()) {
            int c = line.indexOf(':');
            if (c < 0) continue;
            String name = line.substring(0, c).trim();
            String value = line.substring(c + 1).trim();
            if (name.equalsIgnoreCase("Content-Length")) length = Long.parseLong(value);
            else if (name.equalsIgnoreCase("Transfer-Encoding") && value.toLowerCase(Locale.ROOT).contains("chunked")) chunked = true;
            else if (name.equalsIgnoreCase("Connection") && value.equalsIgnoreCase("close")) close = true;
        }
        if (line == null) throw new IOException("connection closed in headers");
        if (chunked) {
            while (true) {
                String size = readLine(in);
                if (size == null) throw new IOException("connection closed in body");
                int semi = size.indexOf(';');
                long n = Long.parseLong((semi < 0 ? size : size.substring(0, semi)).trim(), 16);
                if (n == 0) {
                    while ((line = readLine(in)) != null && !line.isEmpty()) { /* trailers */ }
                    break;
                }
                skipFully(in, n);
                readLine(in);
            }
        } else if (length > 0) {
            skipFully(in, length);
        }
        if (close) throw new IOException("server closed the connection");
        return status;
    }

    private static void skipFully(InputStream in, long n) throws IOException {
        while (n > 0) {
            long k = in.skip(n);
            if (k <= 0) {
                if (in.read() < 0) throw new IOException("connection closed in body");
                k = 1;
            }
            n -= k;
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder(64);
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                int len = b.length();
                if (len > 0 && b.charAt(len - 1) == '\r') b.setLength(len - 1);
                return b.toString();
            }
            b.append((char) c);
        }
        return b.length() == 0 ? null : b.toString();
    }

    private static void closeQuietly(Socket s) {
        if (s == null) return;
        try {
            s.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    static double pct(long[] sorted, int p) {
        if (sorted.length == 0) return Double.NaN;
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
    }
}
