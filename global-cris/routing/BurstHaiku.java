///usr/bin/env jbang "$0" "$@" ; exit $?
//DESCRIPTION Throughput under peak demand: N Converse calls to Claude Haiku 4.5's global profile, C at a time, one async client with the SDK's adaptive retries and a bounded total time
//JAVA 17+
//DEPS software.amazon.awssdk:bom:2.57.8@pom
//DEPS software.amazon.awssdk:bedrockruntime
//DEPS software.amazon.awssdk:netty-nio-client
//DEPS info.picocli:picocli:4.7.7
//DEPS com.fasterxml.jackson.core:jackson-databind:2.21.3
//DEPS org.slf4j:slf4j-nop:2.0.17
// Netty 4.1 calls sun.misc.Unsafe, which JDK 24+ warns about on stderr; it works as well without it.
//RUNTIME_OPTIONS -Dio.netty.noUnsafe=true
//SOURCES ../foundation_models/Utils.java

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.SdkEventLoopGroup;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ConversationRole;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseResponse;
import software.amazon.awssdk.services.bedrockruntime.model.Message;

/**
 * Throughput during peak demand through the global profile: {@code --requests} Converse calls to
 * Claude Haiku 4.5, {@code --concurrency} at a time, through one async client (Netty; HTTP/2 as the
 * SDK defaults for Bedrock Runtime) with the SDK's adaptive retry mode (retries with backoff, and a
 * client-side send rate that slows down after throttling), all within {@code --deadline} seconds:
 * no request and no retry is sent after it. On a terminal a progress line shows how far it got.
 * At the end: requests/s, output tokens/s, p50/p95/p99 latency (dispatch to answer, retries
 * included), throttles absorbed by retries, and requests that failed for good (exit code 1 if
 * any, or if the deadline left requests unsent). {@code --json} prints the summary as JSON.
 *
 * <p>Run: {@code jbang burst-haiku --requests 200 --concurrency 16} — without AWS:
 * {@code ./jbang offline burst-haiku --requests 2000 --concurrency 64}
 *
 * <p>On AWS this spends tokens: {@code --requests} × (prompt + up to {@code --max-tokens}). Leaves out
 * streaming, token-based rate limits (Bedrock also limits tokens per minute: lower
 * {@code --max-tokens} if throttles persist) and spreading over several clients or hosts.
 * New in this collection.
 */
@Command(name = "burst-haiku", mixinStandardHelpOptions = true,
        description = "Sends many Converse calls to Claude Haiku 4.5's global profile at once (async client, adaptive retries, bounded time) and reports throughput.")
public class BurstHaiku implements Callable<Integer> {
    static final String MODEL_ID = "global.anthropic.claude-haiku-4-5-20251001-v1:0";
    static final String PROMPT = "Give one tip for handling traffic peaks.";
    static final int MAX_REQUESTS = 100_000;
    static final int MAX_CONCURRENCY = 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Option(names = "--region", defaultValue = "${AWS_REGION:-ap-south-1}",
            description = "Source Region (default: AWS_REGION, else ap-south-1; now ${DEFAULT-VALUE}).")
    String region;

    @Option(names = "--model-id", defaultValue = MODEL_ID,
            description = "Inference profile ID or ARN (default: ${DEFAULT-VALUE}).")
    String modelId;

    @Option(names = "--prompt", defaultValue = PROMPT, description = "The user message of every call (default: ${DEFAULT-VALUE}).")
    String prompt;

    @Option(names = "--max-tokens", defaultValue = "100", description = "Maximum output tokens per call (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--requests", defaultValue = "50", description = "Calls to send, 1.." + MAX_REQUESTS + " (default: ${DEFAULT-VALUE}).")
    int requests;

    @Option(names = "--concurrency", defaultValue = "8", description = "Calls in flight at once, 1.." + MAX_CONCURRENCY + " (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--deadline", defaultValue = "120", description = "Seconds for the whole burst; nothing is sent after it, 1..3600 (default: ${DEFAULT-VALUE}).")
    int deadlineSeconds;

    @Option(names = "--max-attempts", defaultValue = "3",
            description = "Attempts per call, first one included (default: ${DEFAULT-VALUE}, the adaptive retry mode's default).")
    int maxAttempts;

    @Option(names = "--json", description = "Print the summary as one JSON document.")
    boolean json;

    /** What the burst did. */
    record Summary(int requested, int succeeded, int failed, int notSent, long elapsedNanos, long outputTokens,
                   List<Long> latenciesMs, int throttlesAbsorbed, int throttlesOnFailed, String lastError, String firstAnswer) {
        double seconds() {
            return elapsedNanos / 1e9;
        }
    }

    /** Per call: how many of its attempts were throttled (429). */
    private static final ExecutionAttribute<AtomicInteger> THROTTLES = new ExecutionAttribute<>("BurstHaikuThrottles");

    public static void main(String[] args) {
        System.exit(new CommandLine(new BurstHaiku()).setExecutionExceptionHandler(Utils::handleError).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        validate();
        long deadlineNanos = System.nanoTime() + TimeUnit.SECONDS.toNanos(deadlineSeconds);
        Instant deadlineAt = Instant.now().plusSeconds(deadlineSeconds);
        if (!json) {
            System.out.println("🚀 Sending " + requests + " Converse calls to " + modelId + " in " + region + ", " + concurrency
                    + " at a time (async client, adaptive retries, " + maxAttempts + " attempts per call)");
            System.out.println("⏱️  Deadline: " + deadlineSeconds + " s (until " + deadlineAt + ")");
        }
        Counters counters = new Counters(deadlineNanos);
        // Our own event loops, shut down without Netty's 2-second quiet period when the burst is over.
        SdkEventLoopGroup eventLoops = SdkEventLoopGroup.builder().build();
        ScheduledExecutorService progress = System.console() == null ? null : Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "burst-progress");
            t.setDaemon(true);
            return t;
        });
        Summary summary;
        try (BedrockRuntimeAsyncClient client = BedrockRuntimeAsyncClient.builder()
                .region(Region.of(region))
                .httpClientBuilder(NettyNioAsyncHttpClient.builder().eventLoopGroup(eventLoops)
                        .maxConcurrency(concurrency)               // streams/connections: as many as calls in flight
                        .readTimeout(Duration.ofMinutes(2)))
                .overrideConfiguration(o -> o
                        .retryStrategy(AwsRetryStrategy.forRetryMode(RetryMode.ADAPTIVE_V2).toBuilder().maxAttempts(maxAttempts).build())
                        .addExecutionInterceptor(counters))
                .build()) {
            if (progress != null) {
                progress.scheduleAtFixedRate(() -> System.err.print("\r⏳ " + counters.done.get() + "/" + requests + " done, "
                        + counters.throttles.get() + " throttled, " + counters.inFlight.get() + " in flight   "), 250, 250, TimeUnit.MILLISECONDS);
            }
            summary = burst(client, counters, deadlineNanos);
        } finally {
            if (progress != null) {
                progress.shutdownNow();
                System.err.print("\r" + " ".repeat(60) + "\r");
            }
            eventLoops.eventLoopGroup().shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
        report(summary);
        // nothing got through: the error itself says what to do (e.g. no endpoint, wrong model ID)
        if (summary.succeeded() == 0 && summary.notSent() == 0) {
            throw new IllegalStateException("all " + requests + " requests failed: " + summary.lastError());
        }
        if (summary.failed() > 0 || summary.notSent() > 0) {
            List<String> what = new ArrayList<>();
            if (summary.failed() > 0) what.add(summary.failed() + " of " + requests + " requests failed for good (last: " + summary.lastError() + ")");
            if (summary.notSent() > 0) what.add(summary.notSent() + " requests were not sent before the --deadline of " + deadlineSeconds + " s");
            throw new IllegalStateException(String.join("; ", what)
                    + " — lower --concurrency or --requests, raise --deadline, or ask for a higher quota");
        }
        if (!json) System.out.println("✅ Completed successfully");
        return 0;
    }

    /** Sends the calls, at most {@code concurrency} in flight, and waits for all of them (never past the deadline). */
    Summary burst(BedrockRuntimeAsyncClient client, Counters counters, long deadlineNanos) throws InterruptedException {
        Message message = Message.builder().role(ConversationRole.USER).content(ContentBlock.fromText(prompt)).build();
        Semaphore slots = new Semaphore(concurrency);
        ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        AtomicLong outputTokens = new AtomicLong();
        AtomicInteger succeeded = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicReference<String> lastError = new AtomicReference<>();
        AtomicReference<String> firstAnswer = new AtomicReference<>();
        List<CompletableFuture<?>> calls = new ArrayList<>();
        List<CompletableFuture<ConverseResponse>> sentCalls = new ArrayList<>();
        long start = System.nanoTime();
        int sent = 0;
        for (; sent < requests; sent++) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0 || !slots.tryAcquire(left, TimeUnit.NANOSECONDS)) break;  // deadline: send no more
            long remaining = deadlineNanos - System.nanoTime();
            if (remaining <= 0) {
                slots.release();
                break;
            }
            long dispatched = System.nanoTime();
            counters.inFlight.incrementAndGet();
            // snippet-start:[bedrock.burst-haiku]
            CompletableFuture<ConverseResponse> future = client.converse(r -> r.modelId(modelId)
                    .messages(message)
                    .inferenceConfig(c -> c.maxTokens(maxTokens))
                    // the SDK gives up (retries included) when the burst's deadline comes
                    .overrideConfiguration(o -> o.apiCallTimeout(Duration.ofNanos(remaining))));
            // snippet-end:[bedrock.burst-haiku]
            sentCalls.add(future);
            calls.add(future.whenComplete((response, error) -> {
                counters.inFlight.decrementAndGet();
                counters.done.incrementAndGet();
                slots.release();
                if (error == null) {
                    succeeded.incrementAndGet();
                    latencies.add((System.nanoTime() - dispatched) / 1_000_000);
                    outputTokens.addAndGet(Utils.orZero(response.usage().outputTokens()));
                    if (firstAnswer.get() == null) firstAnswer.compareAndSet(null, firstText(response));
                } else {
                    failed.incrementAndGet();
                    lastError.set(Utils.explain(error));
                }
            }));
        }
        // every call ends by its apiCallTimeout at the latest; the extra seconds only cover a stuck connection
        long waitMs = Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime())) + 5_000;
        try {
            CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(waitMs, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException someFailed) {
            // counted per call above; a call still without an answer now is counted as failed (not silently left out)
            for (CompletableFuture<ConverseResponse> f : sentCalls) {
                f.completeExceptionally(new IllegalStateException("no answer within --deadline + 5 s (a stuck connection?)"));
            }
        }
        long elapsed = System.nanoTime() - start;
        List<Long> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        return new Summary(requests, succeeded.get(), failed.get(), requests - sent, elapsed, outputTokens.get(), sorted,
                counters.absorbed.get(), counters.onFailed.get(), lastError.get(), firstAnswer.get());
    }

    /**
     * Counts throttled attempts per call (429 answers), and refuses to send any attempt once the
     * deadline has passed (a retry whose backoff ends after it).
     */
    static final class Counters implements ExecutionInterceptor {
        final long deadlineNanos;
        final AtomicInteger throttles = new AtomicInteger();
        final AtomicInteger absorbed = new AtomicInteger();
        final AtomicInteger onFailed = new AtomicInteger();
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger done = new AtomicInteger();

        Counters(long deadlineNanos) {
            this.deadlineNanos = deadlineNanos;
        }

        @Override
        public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
            attributes.putAttribute(THROTTLES, new AtomicInteger());
        }

        @Override
        public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
            if (System.nanoTime() - deadlineNanos >= 0) throw SdkClientException.create("the burst's --deadline has passed: attempt not sent");
        }

        @Override
        public void afterTransmission(Context.AfterTransmission context, ExecutionAttributes attributes) {
            if (context.httpResponse().statusCode() == 429) {
                throttles.incrementAndGet();
                attributes.getAttribute(THROTTLES).incrementAndGet();
            }
        }

        @Override
        public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
            absorbed.addAndGet(attributes.getAttribute(THROTTLES).get());
        }

        @Override
        public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
            AtomicInteger n = attributes.getAttribute(THROTTLES);
            if (n != null) onFailed.addAndGet(n.get());
        }
    }

    private void report(Summary s) throws Exception {
        double perSecond = s.seconds() == 0 ? 0 : s.succeeded() / s.seconds();
        double tokensPerSecond = s.seconds() == 0 ? 0 : s.outputTokens() / s.seconds();
        if (json) {
            ObjectNode out = JSON.createObjectNode();
            out.put("modelId", modelId).put("region", region).put("requests", s.requested()).put("concurrency", concurrency)
                    .put("succeeded", s.succeeded()).put("failed", s.failed()).put("notSent", s.notSent())
                    .put("seconds", Math.round(s.seconds() * 1000) / 1000.0)
                    .put("requestsPerSecond", Math.round(perSecond * 10) / 10.0)
                    .put("outputTokensPerSecond", Math.round(tokensPerSecond * 10) / 10.0)
                    .put("p50Ms", percentile(s.latenciesMs(), 50)).put("p95Ms", percentile(s.latenciesMs(), 95))
                    .put("p99Ms", percentile(s.latenciesMs(), 99))
                    .put("throttlesAbsorbed", s.throttlesAbsorbed()).put("throttlesOnFailedRequests", s.throttlesOnFailed());
            if (s.lastError() != null) out.put("lastError", s.lastError());
            if (s.firstAnswer() != null) out.put("firstAnswer", s.firstAnswer());
            System.out.println(JSON.writeValueAsString(out));
            return;
        }
        if (s.firstAnswer() != null) System.out.println("💬 First answer: " + s.firstAnswer().replace('\n', ' '));
        System.out.printf("📊 %d of %d requests succeeded in %.2f s: %.1f requests/s, %.1f output tokens/s%n",
                s.succeeded(), s.requested(), s.seconds(), perSecond, tokensPerSecond);
        System.out.println(s.latenciesMs().isEmpty() ? "⏱️  Latency: none measured, no call succeeded"
                : "⏱️  Latency p50 " + percentile(s.latenciesMs(), 50) + " ms, p95 " + percentile(s.latenciesMs(), 95)
                + " ms, p99 " + percentile(s.latenciesMs(), 99) + " ms (dispatch to answer, retries included)");
        System.out.println("🔁 Throttles absorbed by retries: " + s.throttlesAbsorbed()
                + (s.throttlesOnFailed() > 0 ? " (and " + s.throttlesOnFailed() + " on requests that failed for good)" : ""));
        System.out.println("🧯 Failed for good: " + s.failed() + (s.notSent() > 0 ? " · not sent (deadline): " + s.notSent() : ""));
    }

    static long percentile(List<Long> sorted, int pct) {
        if (sorted.isEmpty()) return 0;
        int rank = (int) Math.ceil(pct / 100.0 * sorted.size()); // nearest-rank method
        return sorted.get(Math.max(0, rank - 1));
    }

    private static String firstText(ConverseResponse r) {
        for (ContentBlock b : r.output().message().content()) if (b.text() != null) return b.text();
        return "";
    }

    private void validate() {
        if (region == null || region.isBlank()) throw new ParameterException(spec.commandLine(), "--region must not be blank");
        Utils.checkModelId(spec, modelId);
        if (prompt == null || prompt.isBlank()) throw new ParameterException(spec.commandLine(), "--prompt must not be blank");
        if (maxTokens < 1 || maxTokens > 64_000) throw new ParameterException(spec.commandLine(), "--max-tokens must be between 1 and 64000 for this model");
        if (requests < 1 || requests > MAX_REQUESTS) throw new ParameterException(spec.commandLine(), "--requests must be between 1 and " + MAX_REQUESTS);
        if (concurrency < 1 || concurrency > MAX_CONCURRENCY) {
            throw new ParameterException(spec.commandLine(), "--concurrency must be between 1 and " + MAX_CONCURRENCY);
        }
        if (deadlineSeconds < 1 || deadlineSeconds > 3600) throw new ParameterException(spec.commandLine(), "--deadline must be between 1 and 3600 seconds");
        if (maxAttempts < 1 || maxAttempts > 20) throw new ParameterException(spec.commandLine(), "--max-attempts must be between 1 and 20");
    }
}
