///usr/bin/env jbang "$0" "$@" ; exit $?
//DESCRIPTION Local Bedrock-compatible endpoint (Runtime, inference profiles, STS, S3) on 127.0.0.1 for offline runs and tests.
//JAVA 17+
//DEPS software.amazon.awssdk:bom:2.57.8@pom
//DEPS software.amazon.awssdk:eventstream
//DEPS software.amazon.awssdk:http-auth-aws
//DEPS info.picocli:picocli:4.7.7
//DEPS com.fasterxml.jackson.core:jackson-databind:2.21.3
//DEPS org.slf4j:slf4j-nop:2.0.17
//DEPS org.eclipse.jetty:jetty-server:12.1.14
//DEPS org.eclipse.jetty.http2:jetty-http2-server:12.1.14
//SOURCES ApiError.java
//SOURCES Exchange.java
//SOURCES Router.java
//SOURCES BodyTypes.java
//SOURCES HttpServer.java
//SOURCES RuntimeApi.java
//SOURCES RuntimeSupport.java
//SOURCES ConverseApi.java
//SOURCES ClaudeMessages.java
//SOURCES NovaMessages.java
//SOURCES PegasusVideo.java
//SOURCES CohereEmbed.java
//SOURCES Models.java
//SOURCES Answers.java
//SOURCES EventStreams.java
//SOURCES Faults.java
//SOURCES RequestLog.java
//SOURCES Usage.java
//SOURCES SigV4.java
//SOURCES ControlPlane.java
//SOURCES S3Store.java
//SOURCES Sts.java
//SOURCES Tools.java
//SOURCES Simulation.java
//SOURCES Conversation.java
//SOURCES ConverseTools.java
//SOURCES JsonSchemas.java
//SOURCES StructuredOutput.java
//SOURCES PromptCache.java
//SOURCES Attachments.java
//SOURCES ReasoningSignatures.java
//SOURCES ServiceTiers.java
//SOURCES BearerAuth.java
//SOURCES Redact.java
// Serial GC + C1 only + a 32 MB young generation: ready sooner, a small RSS, and no C2 compiler
// threads taking a core from the requests on small machines (numbers: EndpointBench.java).
//RUNTIME_OPTIONS -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xmn32m

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A local Bedrock-compatible endpoint: bedrock-runtime (Converse, ConverseStream, InvokeModel,
 * InvokeModelWithResponseStream), the inference-profile control plane, STS GetCallerIdentity and
 * the S3 calls the Pegasus samples make. Binds 127.0.0.1 only; checks SigV4 on every request.
 *
 * <p>In-process use (tests): {@code try (LocalBedrock lb = LocalBedrock.start(new LocalBedrock.Config().port(0))) {…}}.
 * Command line: {@code ./jbang local-bedrock [--port 4242] [--faults SPEC] [--request-log FILE.jsonl]}.
 */
public final class LocalBedrock implements AutoCloseable {
    public static final String ACCOUNT_ID = "123456789012";

    /** Start-up settings; every setter returns this. */
    public static final class Config {
        int port = 4242;
        String accessKey = "test";
        String secretKey = "test";
        Path dataDir;
        String faults;
        String region = "ap-south-1";
        Path requestLogFile;
        String operationLatency;
        java.util.List<String> apiKeys = new java.util.ArrayList<>();

        public Config port(int p) { this.port = p; return this; }
        public Config accessKey(String k) { this.accessKey = k; return this; }
        public Config secretKey(String s) { this.secretKey = s; return this; }
        public Config dataDir(Path d) { this.dataDir = d; return this; }
        public Config faults(String spec) { this.faults = spec; return this; }
        /** Region used in ARNs the control plane creates (local-only setting; default ap-south-1). */
        public Config region(String r) { this.region = r; return this; }
        /** Also append every request-log entry to this JSON Lines file as it happens. */
        public Config requestLogFile(Path f) { this.requestLogFile = f; return this; }
        java.util.List<String> quotas = new java.util.ArrayList<>();
        java.util.List<String> latencies = new java.util.ArrayList<>();
        /** Local-only request quota, "PROFILE=N" requests per minute (Simulation.java); repeatable. */
        public Config quota(String spec) { this.quotas.add(spec); return this; }
        /** Local-only latency, "PROFILE=MS" (Simulation.java); repeatable. */
        public Config latency(String spec) { this.latencies.add(spec); return this; }
        /** Local-only slow answers, e.g. {@code control-plane=1500,PutObject=2000} (Simulation.java). */
        public Config operationLatency(String spec) { this.operationLatency = spec; return this; }
        /**
         * Bedrock API keys the endpoint accepts as {@code Authorization: Bearer …} (bedrock-runtime and
         * bedrock); none configured: {@link BearerAuth#DEFAULT_KEY}. Repeatable.
         */
        public Config apiKey(String key) { this.apiKeys.add(key); return this; }
    }

    private final HttpServer http;
    private final Faults faults;
    private final RequestLog requestLog;
    private final Usage usage;
    private final ControlPlane controlPlane;
    private final S3Store s3;
    private final Path tempDataDir;
    private Simulation simulation;

    private LocalBedrock(HttpServer http, Faults faults, RequestLog requestLog, Usage usage,
                         ControlPlane controlPlane, S3Store s3, Path tempDataDir) {
        this.http = http;
        this.faults = faults;
        this.requestLog = requestLog;
        this.usage = usage;
        this.controlPlane = controlPlane;
        this.s3 = s3;
        this.tempDataDir = tempDataDir;
    }

    /** Starts the endpoint on 127.0.0.1 (port 0 = any free port). */
    public static LocalBedrock start(Config c) throws Exception {
        // every setting is checked before anything is created (a refused one leaves no temp directory)
        Faults faults = Faults.parse(c.faults);
        Simulation simulation = new Simulation().apply("quota", c.quotas).apply("latency", c.latencies)
                .apply("operation-latency", c.operationLatency == null || c.operationLatency.isBlank() ? null
                        : java.util.Arrays.asList(c.operationLatency.split(",")));
        BearerAuth bearer = new BearerAuth(c.apiKeys);
        if (c.requestLogFile != null) {
            // the log itself skips a line it cannot write (never failing a request): say so now, not never
            try {
                Files.writeString(c.requestLogFile, "", java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException("--request-log: cannot write " + c.requestLogFile + " (" + e + ")");
            }
        }
        Path temp = null;
        Path dataDir = c.dataDir;
        if (dataDir == null) {
            temp = Files.createTempDirectory("local-bedrock-");
            dataDir = temp;
        } else {
            try {
                Files.createDirectories(dataDir);
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException("--data-dir: cannot create " + dataDir + " (" + e + ")");
            }
        }
        RequestLog log = new RequestLog(c.requestLogFile);
        Usage usage = new Usage();
        ControlPlane controlPlane = new ControlPlane(c.region, ACCOUNT_ID);
        controlPlane.faults(faults);
        controlPlane.simulation(simulation);
        S3Store s3 = new S3Store(dataDir, ACCOUNT_ID);
        s3.simulation(simulation);
        Sts sts = new Sts(ACCOUNT_ID);
        SigV4 sigV4 = new SigV4(Map.of(c.accessKey, c.secretKey));
        sigV4.bearer = bearer;
        RuntimeApi runtime = new RuntimeApi(faults, usage, controlPlane, s3);
        runtime.simulation(simulation);
        Router router = new Router(sigV4, runtime, controlPlane, s3, sts, log);
        HttpServer http = new HttpServer(c.port, router);
        try {
            http.start();
        } catch (Exception e) {
            http.close();
            if (temp != null) Tools.deleteTree(temp);
            throw e;
        }
        LocalBedrock lb = new LocalBedrock(http, faults, log, usage, controlPlane, s3, temp);
        lb.simulation = simulation;
        return lb;
    }

    /**
     * Local-only quota and latency per profile, and slow control-plane/S3 answers (Simulation.java;
     * for tests: {@code held(operation)}); its setters apply at once.
     */
    public Simulation simulation() {
        return simulation;
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port());
    }

    public int port() {
        return http.port();
    }

    public Faults faults() {
        return faults;
    }

    public RequestLog requestLog() {
        return requestLog;
    }

    public Usage usage() {
        return usage;
    }

    public ControlPlane controlPlane() {
        return controlPlane;
    }

    public S3Store s3() {
        return s3;
    }

    /** Stops the server (and removes the data directory when it was a temporary one). */
    @Override
    public void close() {
        http.close();
        if (tempDataDir != null) Tools.deleteTree(tempDataDir);
    }

    @Command(name = "local-bedrock", mixinStandardHelpOptions = true,
            description = "Local Bedrock-compatible endpoint on 127.0.0.1 (bedrock-runtime, bedrock inference profiles, STS, S3).",
            footer = {"", "Local-only Converse behaviour (deterministic answers, no model runs):",
                    "  tools       declared tools are called one per turn, in order, each once;",
                    "              input from the inputSchema (enum, default, examples, type);",
                    "              then the answer quotes every toolResult",
                    "  structured  the answer is JSON generated from the schema the same way",
                    "  caching     tokens = characters / 4; prefixes kept per process for the ttl",
                    "  reasoning   signatures are an HMAC of the text, valid in this process"})
    public static final class Cli implements Callable<Integer> {
        @Option(names = "--port", defaultValue = "4242", description = "Port on 127.0.0.1 (0 = any free port). Default: ${DEFAULT-VALUE}")
        int port;
        @Option(names = "--access-key", defaultValue = "test", description = "Access key id clients sign with. Default: ${DEFAULT-VALUE}")
        String accessKey;
        @Option(names = "--secret-key", defaultValue = "test", description = "Secret key clients sign with. Default: ${DEFAULT-VALUE}")
        String secretKey;
        @Option(names = "--faults", paramLabel = "SPEC", description = {
                "Fault injection (local-only), a comma list of: throttle-first=N, throttle-percent=P, server-error-first=N,",
                "fail-call=N:ErrorCode, fail-operation=Operation:N:ErrorCode (control plane, e.g. CreateInferenceProfile:2:ConflictException),",
                "stream-delay-ms=MS, cut-stream-after=N, stream-stall-after=N (stop sending after N events, keep the stream open),",
                "stream-exception=lowerCamelType@N, model=MODEL-ID (scope runtime faults).",
                "Converse features: tool-input=TOOL:BASE64URL-JSON (the local model calls TOOL with that input),",
                "structured-invalid=missing-required|not-json (the next structured-output answer does not validate),",
                "tier-unavailable=priority|flex|default (requests for that service tier are refused).",
                "Example: throttle-first=2,model=global.amazon.nova-2-lite-v1:0"})
        String faults;
        @Option(names = "--data-dir", description = "Where S3 objects are kept (default: a temporary directory)")
        Path dataDir;
        @Option(names = "--region", defaultValue = "ap-south-1", description = "Region in ARNs the control plane creates. Default: ${DEFAULT-VALUE}")
        String region;
        @Option(names = "--request-log", description = "Append every request as one JSON line to this file")
        Path requestLog;
        @Option(names = "--quota", paramLabel = "PROFILE=N", description = {
                "Local-only: at most N runtime requests per minute on PROFILE (a modelId as sent or the profile id it resolves to);",
                "past it, 429 ThrottlingException \"... (simulated locally: ...)\". Repeatable. Example: --quota global.anthropic.claude-haiku-4-5-20251001-v1:0=120"})
        java.util.List<String> quotas = new java.util.ArrayList<>();
        @Option(names = "--latency", paramLabel = "PROFILE=MS", description = {
                "Local-only: every runtime call on PROFILE waits MS milliseconds before it is answered; Converse answers on it",
                "end with \"(simulated locally on PROFILE: latency MS ms)\". Repeatable. Example: --latency us.anthropic.claude-haiku-4-5-20251001-v1:0=80"})
        java.util.List<String> latencies = new java.util.ArrayList<>();
        @Option(names = "--api-key", paramLabel = "KEY", description = {
                "A Bedrock API key the endpoint accepts as 'Authorization: Bearer KEY' (Bedrock Runtime and control plane);",
                "repeatable. Without one it accepts only the default key " + BearerAuth.DEFAULT_KEY + ".",
                "Other bearer tokens are refused with 403 as Bedrock does."})
        java.util.List<String> apiKeys = new java.util.ArrayList<>();
        @Option(names = "--operation-latency", paramLabel = "SPEC", description = {
                "Slow answers (local-only): Operation=MS list held after the work is done, before the answer is sent;",
                "Operation is a control-plane or S3 object operation (CreateInferenceProfile, PutObject, …) or 'control-plane'.",
                "Example: control-plane=1500,PutObject=2000"})
        String operationLatency;

        @Override
        public Integer call() throws Exception {
            Config c = new Config().port(port).accessKey(accessKey).secretKey(secretKey).dataDir(dataDir)
                    .faults(faults).region(region).requestLogFile(requestLog).operationLatency(operationLatency);
            quotas.forEach(c::quota);
            latencies.forEach(c::latency);
            apiKeys.forEach(c::apiKey);
            LocalBedrock lb;
            try {
                lb = start(c);
            } catch (IllegalArgumentException e) {
                System.err.println("local-bedrock: " + e.getMessage());
                return 2;
            } catch (java.io.IOException e) {
                System.err.println("local-bedrock: cannot listen on 127.0.0.1:" + port + " (" + e.getMessage() + ")");
                return 1;
            }
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                lb.close();
                stopped.countDown();
            }, "local-bedrock-shutdown"));
            System.out.println("local-bedrock listening on " + lb.endpoint());
            System.out.flush();
            stopped.await();
            return 0;
        }
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new Cli()).setExecutionExceptionHandler(Tools::oneLineError).execute(args));
    }
}
