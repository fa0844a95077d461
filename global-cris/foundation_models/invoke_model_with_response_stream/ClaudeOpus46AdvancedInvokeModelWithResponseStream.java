///usr/bin/env jbang "$0" "$@" ; exit $?
//DESCRIPTION Claude Opus 4.6 with adaptive thinking, effort and compaction (beta), streamed via InvokeModelWithResponseStream on global.anthropic.claude-opus-4-6-v1
//JAVA 17+
//DEPS software.amazon.awssdk:bom:2.57.8@pom
//DEPS software.amazon.awssdk:bedrockruntime
//DEPS software.amazon.awssdk:netty-nio-client
//DEPS info.picocli:picocli:4.7.7
//DEPS com.fasterxml.jackson.core:jackson-databind:2.21.3
//DEPS org.slf4j:slf4j-nop:2.0.17
// Netty 4.1 calls sun.misc.Unsafe, which JDK 24+ warns about on stderr; it works as well without it.
//RUNTIME_OPTIONS -Dio.netty.noUnsafe=true
//SOURCES ../Utils.java

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.SdkEventLoopGroup;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;
import software.amazon.awssdk.services.bedrockruntime.model.InvokeModelWithResponseStreamResponseHandler;

/**
 * Claude Opus 4.6 through global cross-Region inference, streamed, with adaptive thinking
 * ({@code "thinking":{"type":"adaptive"}}), the effort level ({@code "output_config":{"effort":…}})
 * and server-side compaction (beta {@code compact-2026-01-12}). Thinking arrives first and is printed
 * as {@code 🧠 } lines as it streams; the answer follows under {@code 💬 Response:}.
 *
 * <p>Run: {@code jbang invoke-stream-opus-4-6-advanced --effort high} (no AWS account:
 * {@code ./jbang offline invoke-stream-opus-4-6-advanced --effort low}).
 *
 * <p>Differences from the Python original ({@code advanced_claude_opus_4_6_invoke_model_stream_example.py}):
 * one streamed request per run instead of four demos; {@code --effort} is really sent (the original
 * never sends it); adaptive thinking and compaction are combined ({@code --no-compaction} drops the
 * beta); no ANSI colours (thinking lines carry a 🧠 prefix instead); a stream that ends before
 * {@code message_stop} is reported as a failure; token usage and latency come from the final
 * {@code amazon-bedrock-invocationMetrics}. No {@code --temperature}: with thinking on, Claude only
 * accepts the default temperature.
 */
@Command(name = "invoke-stream-opus-4-6-advanced", mixinStandardHelpOptions = true,
        description = "Claude Opus 4.6 with adaptive thinking, effort and compaction (beta), streamed.")
public class ClaudeOpus46AdvancedInvokeModelWithResponseStream implements Callable<Integer> {

    static final String MODEL_ID = "global.anthropic.claude-opus-4-6-v1";
    static final String DEFAULT_PROMPT = "Analyze the trade-offs between using a monolithic architecture versus microservices "
            + "for a startup building a real-time collaboration tool. Consider team size, deployment complexity, and scaling requirements.";
    static final String COMPACTION_BETA = "compact-2026-01-12";
    static final int MAX_OUTPUT_TOKENS = 128_000;   // Opus 4.6 output limit
    static final int MIN_COMPACTION_TRIGGER = 50_000; // API minimum for the input_tokens trigger
    private static final ObjectMapper JSON = new ObjectMapper();

    enum Effort { low, medium, high, max }

    @Spec CommandSpec spec;

    @Option(names = "--region", defaultValue = "${AWS_REGION:-ap-south-1}",
            description = "Source Region (default: AWS_REGION or ${DEFAULT-VALUE}).")
    String region;

    @Option(names = "--model-id", defaultValue = MODEL_ID, description = "Inference profile ID (default: ${DEFAULT-VALUE}).")
    String modelId;

    @Option(names = "--prompt", defaultValue = DEFAULT_PROMPT, description = "The question to ask.")
    String prompt;

    @Option(names = "--max-tokens", defaultValue = "8000",
            description = "Maximum output tokens, thinking included (1..128000, default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--effort", defaultValue = "high",
            description = "How much effort Claude spends: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Effort effort;

    @Option(names = "--compaction-trigger", defaultValue = "100000",
            description = "Compact the conversation once its input exceeds this many tokens (>= 50000, default: ${DEFAULT-VALUE}).")
    int compactionTrigger;

    @Option(names = "--no-compaction", description = "Do not send the compaction beta and its context_management edit.")
    boolean noCompaction;

    @Option(names = "--timeout", defaultValue = "300", description = "Seconds to wait for the whole stream (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ClaudeOpus46AdvancedInvokeModelWithResponseStream())
                .setExecutionExceptionHandler(Utils::handleError).execute(args));
    }

    /**
     * The native Claude Messages body: adaptive thinking, the effort level and, when
     * {@code compactionTrigger} is not null, the compaction beta with its trigger.
     */
    static ObjectNode requestBody(String prompt, int maxTokens, String effort, Integer compactionTrigger) {
        ObjectNode body = JSON.createObjectNode();
        body.put("anthropic_version", "bedrock-2023-05-31");
        if (compactionTrigger != null) body.putArray("anthropic_beta").add(COMPACTION_BETA);
        body.put("max_tokens", maxTokens);
        body.putObject("thinking").put("type", "adaptive");
        body.putObject("output_config").put("effort", effort);
        ObjectNode message = body.putArray("messages").addObject().put("role", "user");
        message.putArray("content").addObject().put("type", "text").put("text", prompt);
        if (compactionTrigger != null) {
            ObjectNode edit = body.putObject("context_management").putArray("edits").addObject();
            edit.put("type", "compact_20260112");
            edit.putObject("trigger").put("type", "input_tokens").put("value", compactionTrigger);
        }
        return body;
    }

    /** Prints the Claude stream chunks as they arrive and keeps what the summary needs. */
    static final class StreamPrinter {
        String stopReason;
        boolean messageStopped;
        boolean thought;
        boolean answerStarted;
        boolean atLineStart = true;
        String blockType = "";
        long inputTokens, outputTokens, cacheRead, cacheWrite;
        JsonNode metrics;

        void onChunk(JsonNode chunk) {
            switch (chunk.path("type").asText()) {
                case "message_start" -> {
                    JsonNode usage = chunk.path("message").path("usage");
                    inputTokens = usage.path("input_tokens").asLong();
                    cacheRead = usage.path("cache_read_input_tokens").asLong();
                    cacheWrite = usage.path("cache_creation_input_tokens").asLong();
                }
                case "content_block_start" -> {
                    endLine();
                    blockType = chunk.path("content_block").path("type").asText();
                    switch (blockType) {
                        case "thinking" -> thought = true;
                        case "redacted_thinking" -> { thought = true; System.out.println("🧠 [redacted thinking]"); }
                        case "compaction" -> System.out.println("📦 Compaction summary (send it back in the next turn):");
                        case "text" -> startAnswer();
                        default -> { }
                    }
                }
                case "content_block_delta" -> {
                    JsonNode delta = chunk.path("delta");
                    switch (delta.path("type").asText()) {
                        case "thinking_delta" -> printPrefixed("🧠 ", delta.path("thinking").asText(""));
                        case "compaction_delta" -> printPrefixed("📦 ", delta.path("content").asText(""));
                        case "text_delta" -> {
                            startAnswer();
                            String text = delta.path("text").asText("");
                            System.out.print(text);
                            if (!text.isEmpty()) atLineStart = text.endsWith("\n");
                        }
                        default -> { } // signature_delta, input_json_delta: nothing to show
                    }
                    System.out.flush();
                }
                case "content_block_stop" -> endLine();
                case "message_delta" -> {
                    stopReason = chunk.path("delta").path("stop_reason").asText(stopReason);
                    JsonNode usage = chunk.path("usage");
                    if (usage.has("output_tokens")) outputTokens = usage.path("output_tokens").asLong();
                    if (usage.has("input_tokens")) inputTokens = usage.path("input_tokens").asLong();
                }
                case "message_stop" -> {
                    messageStopped = true;
                    metrics = chunk.path("amazon-bedrock-invocationMetrics");
                }
                default -> { } // ping
            }
        }

        /** Prints text with {@code prefix} at the start of every line, so thinking stays apart from the answer. */
        void printPrefixed(String prefix, String text) {
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (atLineStart) { System.out.print(prefix); atLineStart = false; }
                System.out.print(c);
                if (c == '\n') atLineStart = true;
            }
        }

        void startAnswer() {
            if (answerStarted) return;
            endLine();
            if (!thought) System.out.println("🧠 (Claude answered without thinking)");
            System.out.println("💬 Response:");
            answerStarted = true;
        }

        void endLine() {
            if (!atLineStart) { System.out.println(); atLineStart = true; }
        }
    }

    // snippet-start:[bedrock.invoke-stream-opus-4-6-advanced]
    /** Streams the native body with InvokeModelWithResponseStream, handing every decoded chunk to the printer. */
    static CompletableFuture<Void> invokeStream(BedrockRuntimeAsyncClient client, String modelId, ObjectNode body, StreamPrinter printer) {
        var handler = InvokeModelWithResponseStreamResponseHandler.builder()
                .subscriber(InvokeModelWithResponseStreamResponseHandler.Visitor.builder()
                        .onChunk(part -> {
                            try {
                                printer.onChunk(JSON.readTree(part.bytes().asByteArray()));
                            } catch (IOException e) {
                                throw new UncheckedIOException("unreadable stream chunk", e);
                            }
                        })
                        .build())
                .build();
        return client.invokeModelWithResponseStream(r -> r.modelId(modelId)
                .contentType("application/json")
                .accept("application/json")
                .body(SdkBytes.fromUtf8String(body.toString())), handler);
    }
    // snippet-end:[bedrock.invoke-stream-opus-4-6-advanced]

    @Override
    public Integer call() throws Exception {
        Utils.checkModelId(spec, modelId);
        if (prompt == null || prompt.isBlank()) throw new ParameterException(spec.commandLine(), "--prompt must not be blank");
        if (maxTokens < 1 || maxTokens > MAX_OUTPUT_TOKENS) {
            throw new ParameterException(spec.commandLine(), "--max-tokens must be between 1 and " + MAX_OUTPUT_TOKENS + " (got " + maxTokens + ")");
        }
        if (!noCompaction && compactionTrigger < MIN_COMPACTION_TRIGGER) {
            throw new ParameterException(spec.commandLine(), "--compaction-trigger must be at least " + MIN_COMPACTION_TRIGGER
                    + " input tokens (got " + compactionTrigger + "), or use --no-compaction");
        }
        if (timeoutSeconds < 1) throw new ParameterException(spec.commandLine(), "--timeout must be at least 1 second");
        Integer trigger = noCompaction ? null : compactionTrigger;

        // Netty is the SDK's async HTTP client; long read timeout because thinking models can take minutes.
        // Our own event loops, shut down without Netty's 2-second quiet period when the answer is complete.
        SdkEventLoopGroup eventLoops = SdkEventLoopGroup.builder().build();
        try (BedrockRuntimeAsyncClient client = BedrockRuntimeAsyncClient.builder()
                .region(Region.of(region))
                .httpClientBuilder(NettyNioAsyncHttpClient.builder().eventLoopGroup(eventLoops).readTimeout(Duration.ofMinutes(5)))
                .build()) {
            System.out.println("🚀 Calling " + modelId + " with the InvokeModelWithResponseStream API in " + region);
            System.out.println("⚙️ Thinking: adaptive, effort: " + effort
                    + (trigger == null ? ", compaction: off" : ", compaction: beta " + COMPACTION_BETA + " at " + trigger + " input tokens"));
            StreamPrinter printer = new StreamPrinter();
            invokeStream(client, modelId, requestBody(prompt, maxTokens, effort.name(), trigger), printer)
                    .get(timeoutSeconds, TimeUnit.SECONDS);
            printer.endLine();
            if (!printer.messageStopped) throw new Utils.IncompleteStreamException("message_stop");
            if (!printer.answerStarted) printer.startAnswer();

            System.out.println("🛑 Stop reason: " + (printer.stopReason != null ? printer.stopReason : "unknown"));
            JsonNode m = printer.metrics;
            boolean hasMetrics = m != null && m.isObject();
            long in = hasMetrics && m.has("inputTokenCount") ? m.path("inputTokenCount").asLong() : printer.inputTokens;
            long out = hasMetrics && m.has("outputTokenCount") ? m.path("outputTokenCount").asLong() : printer.outputTokens;
            long cacheRead = hasMetrics && m.has("cacheReadInputTokenCount") ? m.path("cacheReadInputTokenCount").asLong() : printer.cacheRead;
            long cacheWrite = hasMetrics && m.has("cacheWriteInputTokenCount") ? m.path("cacheWriteInputTokenCount").asLong() : printer.cacheWrite;
            Utils.printUsage(in, out, in + out, cacheRead, cacheWrite);
            if (hasMetrics && m.has("invocationLatency")) System.out.println("⏱️ Invocation latency: " + m.path("invocationLatency").asLong() + " ms");
            if (hasMetrics && m.has("firstByteLatency")) System.out.println("⏱️ First byte latency: " + m.path("firstByteLatency").asLong() + " ms");
            System.out.println("✅ Completed successfully");
            return 0;
        } finally {
            eventLoops.eventLoopGroup().shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }
}
