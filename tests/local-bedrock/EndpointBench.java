///usr/bin/env jbang "$0" "$@" ; exit $?
//DESCRIPTION Local-only benchmark of the local endpoint: small Converse calls over N concurrent connections; req/s, p50/p99, peak RSS.
//JAVA 17+
//DEPS software.amazon.awssdk:bom:2.57.8@pom
//DEPS software.amazon.awssdk:bedrockruntime
//DEPS software.amazon.awssdk:url-connection-client
//DEPS software.amazon.awssdk:eventstream
//DEPS software.amazon.awssdk:http-auth-aws
//DEPS info.picocli:picocli:4.7.7
//DEPS com.fasterxml.jackson.core:jackson-databind:2.21.3
//DEPS org.slf4j:slf4j-nop:2.0.17
//DEPS org.eclipse.jetty:jetty-server:12.1.14
//DEPS org.eclipse.jetty.http2:jetty-http2-server:12.1.14
//SOURCES LocalBedrock.java

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ConversationRole;
import software.amazon.awssdk.services.bedrockruntime.model.Message;

/**
 * Starts the endpoint in-process on a free port and drives it with small signed Converse calls
 * from N threads, each keeping its own HTTP/1.1 keep-alive connection (the SDK sync client over
 * URLConnection). Prints requests/s, p50/p99 latency and the JVM's peak RSS (VmHWM; it covers
 * the clients too, so it is an upper bound for the server).
 */
@Command(name = "endpoint-bench", mixinStandardHelpOptions = true,
        description = "Benchmark the local Bedrock endpoint with small Converse calls (local-only tool).")
public class EndpointBench implements Callable<Integer> {
    @Option(names = "--concurrency", defaultValue = "64", description = "Concurrent connections. Default: ${DEFAULT-VALUE}")
    int concurrency;
    @Option(names = "--seconds", defaultValue = "10", description = "Measured seconds. Default: ${DEFAULT-VALUE}")
    int seconds;
    @Option(names = "--warmup", defaultValue = "3", description = "Warm-up seconds (not measured). Default: ${DEFAULT-VALUE}")
    int warmup;

    public static void main(String[] args) {
        System.exit(new CommandLine(new EndpointBench()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        System.setProperty("http.maxConnections", Integer.toString(concurrency * 2));
        try (LocalBedrock lb = LocalBedrock.start(new LocalBedrock.Config().port(0));
             SdkHttpClient http = UrlConnectionHttpClient.create();
             BedrockRuntimeClient client = BedrockRuntimeClient.builder().endpointOverride(lb.endpoint())
                     .region(Region.AP_SOUTH_1).httpClient(http)
                     .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                     .build()) {
            Message msg = Message.builder().role(ConversationRole.USER).content(ContentBlock.fromText("Say hi")).build();
            String model = "global.amazon.nova-2-lite-v1:0";
            long warmEnd = System.nanoTime() + warmup * 1_000_000_000L;
            long end = warmEnd + seconds * 1_000_000_000L;
            List<List<Long>> perThread = new ArrayList<>();
            AtomicLong errors = new AtomicLong();
            ExecutorService pool = Executors.newFixedThreadPool(concurrency);
            CountDownLatch done = new CountDownLatch(concurrency);
            for (int t = 0; t < concurrency; t++) {
                List<Long> lat = new ArrayList<>();
                perThread.add(lat);
                pool.execute(() -> {
                    try {
                        while (true) {
                            long t0 = System.nanoTime();
                            if (t0 >= end) break;
                            try {
                                client.converse(r -> r.modelId(model).messages(msg).inferenceConfig(c -> c.maxTokens(64)));
                                long t1 = System.nanoTime();
                                if (t0 >= warmEnd) lat.add(t1 - t0);
                            } catch (RuntimeException e) {
                                errors.incrementAndGet();
                            }
                        }
                    } finally {
                        done.countDown();
                    }
                });
            }
            done.await();
            pool.shutdown();
            List<Long> all = new ArrayList<>();
            perThread.forEach(all::addAll);
            Collections.sort(all);
            int n = all.size();
            System.out.printf("concurrency %d, %d s measured: %d requests, %.0f req/s, p50 %.2f ms, p99 %.2f ms, errors %d%n",
                    concurrency, seconds, n, n / (double) seconds, pct(all, 50), pct(all, 99), errors.get());
            System.out.println("peak RSS (whole JVM, clients included): " + peakRss());
        }
        return 0;
    }

    static double pct(List<Long> sorted, int p) {
        if (sorted.isEmpty()) return Double.NaN;
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i))) / 1e6;
    }

    static String peakRss() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) return line.substring(6).trim();
            }
        } catch (Exception e) {
            // not Linux
        }
        return "unknown (no /proc/self/status)";
    }
}
