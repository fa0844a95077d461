///usr/bin/env jbang "$0" "$@" ; exit $?
//DESCRIPTION Claude Sonnet 4.5 via the InvokeModelWithResponseStream API (native body, streamed) on its global cross-Region inference profile
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

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
 * Claude Sonnet 4.5 through the InvokeModelWithResponseStream API on the global cross-Region
 * inference profile: Anthropic's native Messages body goes in, native stream chunks come back and
 * the text deltas are printed as they arrive; usage and latency come from the final chunk's
 * {@code amazon-bedrock-invocationMetrics}.
 *
 * <p>Run: {@code jbang invoke-stream-sonnet-4-5 --prompt "Hello"} — without AWS: {@code ./jbang offline invoke-stream-sonnet-4-5}
 *
 * <p>Differences from the Python original ({@code simple_claude_sonnet_invoke_model_stream_example.py}):
 * same prompt, max_tokens 500 and temperature 0.7 by default, now options; prints the stop reason,
 * token usage and latency instead of the response length; a stream that ends without
 * {@code message_stop} is reported as a failure; the wait is bounded by {@code --timeout}; errors
 * end with exit code 1 and one line saying what to do.
 */
@Command(name = "invoke-stream-sonnet-4-5", mixinStandardHelpOptions = true,
        description = "Streams an answer from Claude Sonnet 4.5 with the InvokeModelWithResponseStream API (native body) through its global cross-Region inference profile.")
public class ClaudeSonnet45InvokeModelWithResponseStream implements Callable<Integer> {
    static final String MODEL_ID = "global.anthropic.claude-sonnet-4-5-20250929-v1:0";
    static final String PROMPT = "Explain the benefits of serverless computing in 3 bullet points.";
    /** Largest output the model allows; --max-tokens above it is rejected before any request. */
    static final int MODEL_MAX_OUTPUT_TOKENS = 64_000;
    static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Option(names = "--region", defaultValue = "${AWS_REGION:-ap-south-1}",
            description = "Source Region (default: AWS_REGION, else ap-south-1; now ${DEFAULT-VALUE}).")
    String region;

    @Option(names = "--model-id", defaultValue = MODEL_ID,
            description = "Inference profile ID or ARN (default: ${DEFAULT-VALUE}).")
    String modelId;

    @Option(names = "--prompt", defaultValue = PROMPT, description = "The user message (default: ${DEFAULT-VALUE}).")
    String prompt;

    @Option(names = "--max-tokens", defaultValue = "500", description = "Maximum output tokens (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--temperature", defaultValue = "0.7", description = "Sampling temperature 0..1 (default: ${DEFAULT-VALUE}).")
    Double temperature;

    @Option(names = "--timeout", defaultValue = "300", description = "Seconds to wait for the whole answer (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    /** What the stream reported besides the text: the stop reason and the final chunk's invocation metrics. */
    record StreamResult(String stopReason, JsonNode invocationMetrics) {}

    public static void main(String[] args) {
        System.exit(new CommandLine(new ClaudeSonnet45InvokeModelWithResponseStream()).setExecutionExceptionHandler(Utils::handleError).execute(args));
    }

    /**
     * Streams Anthropic's native Messages request with InvokeModelWithResponseStream, handing each text
     * delta to {@code onText}, and returns the stop reason and invocation metrics once the stream is complete.
     */
    static StreamResult invokeModelWithResponseStream(BedrockRuntimeAsyncClient client, String modelId, String prompt, int maxTokens,
                                                      Double temperature, long timeoutSeconds, Consumer<String> onText) throws Exception {
        ObjectNode body = JSON.createObjectNode();
        body.put("anthropic_version", "bedrock-2023-05-31");
        body.put("max_tokens", maxTokens);
        if (temperature != null) body.put("temperature", temperature);
        ObjectNode message = body.putArray("messages").addObject();
        message.put("role", "user");
        message.putArray("content").addObject().put("type", "text").put("text", prompt);
        byte[] requestBody = JSON.writeValueAsBytes(body);

        AtomicReference<String> stopReason = new AtomicReference<>();
        AtomicReference<JsonNode> metrics = new AtomicReference<>();
        AtomicBoolean complete = new AtomicBoolean();
        Consumer<JsonNode> onChunk = chunk -> {
            if (chunk.has("amazon-bedrock-invocationMetrics")) metrics.set(chunk.get("amazon-bedrock-invocationMetrics"));
            switch (chunk.path("type").asText()) {
                case "content_block_delta" -> {
                    JsonNode delta = chunk.path("delta");
                    if ("text_delta".equals(delta.path("type").asText())) onText.accept(delta.path("text").asText());
                }
                case "message_delta" -> stopReason.set(chunk.path("delta").path("stop_reason").asText(null));
                case "message_stop" -> complete.set(true);
                default -> { } // message_start, content_block_start/stop, ping
            }
        };
        // snippet-start:[bedrock.invoke-stream-sonnet-4-5]
        InvokeModelWithResponseStreamResponseHandler handler = InvokeModelWithResponseStreamResponseHandler.builder()
                .subscriber(InvokeModelWithResponseStreamResponseHandler.Visitor.builder()
                        .onChunk(part -> onChunk.accept(parse(part.bytes())))
                        .build())
                .build();
        client.invokeModelWithResponseStream(r -> r.modelId(modelId)
                        .contentType("application/json")
                        .body(SdkBytes.fromByteArray(requestBody)),
                handler).get(timeoutSeconds, TimeUnit.SECONDS);
        // snippet-end:[bedrock.invoke-stream-sonnet-4-5]
        if (!complete.get()) throw new Utils.IncompleteStreamException("message_stop");
        return new StreamResult(stopReason.get(), metrics.get());
    }

    private static JsonNode parse(SdkBytes chunk) {
        try {
            return JSON.readTree(chunk.asByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException("a stream chunk is not JSON", e);
        }
    }

    @Override
    public Integer call() throws Exception {
        validate();
        System.out.println("🚀 Calling " + modelId + " with the InvokeModelWithResponseStream API in " + region);
        // Netty is the SDK's async HTTP client; its default protocol for Bedrock (HTTP/2) stays.
        // A long read timeout because thinking models can pause for minutes.
        // Our own event loops, shut down without Netty's 2-second quiet period when the answer is complete.
        SdkEventLoopGroup eventLoops = SdkEventLoopGroup.builder().build();
        try (BedrockRuntimeAsyncClient client = BedrockRuntimeAsyncClient.builder()
                .region(Region.of(region))
                .httpClientBuilder(NettyNioAsyncHttpClient.builder().eventLoopGroup(eventLoops).readTimeout(Duration.ofMinutes(5)))
                .build()) {
            System.out.println("💬 Response:");
            StreamResult result = invokeModelWithResponseStream(client, modelId, prompt, maxTokens, temperature, timeoutSeconds, text -> {
                System.out.print(text);
                System.out.flush();
            });
            System.out.println();
            System.out.println("🛑 Stop reason: " + result.stopReason());
            JsonNode metrics = result.invocationMetrics();
            if (metrics != null) {
                long in = metrics.path("inputTokenCount").asLong();
                long out = metrics.path("outputTokenCount").asLong();
                long cacheRead = metrics.path("cacheReadInputTokenCount").asLong();
                long cacheWrite = metrics.path("cacheWriteInputTokenCount").asLong();
                Utils.printUsage(in, out, in + out + cacheRead + cacheWrite, cacheRead, cacheWrite);
                System.out.println("⏱️ Invocation latency: " + metrics.path("invocationLatency").asLong() + " ms");
                System.out.println("⏱️ First byte latency: " + metrics.path("firstByteLatency").asLong() + " ms");
            }
        } finally {
            eventLoops.eventLoopGroup().shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
        System.out.println("✅ Completed successfully");
        return 0;
    }

    private void validate() {
        if (region == null || region.isBlank()) throw new ParameterException(spec.commandLine(), "--region must not be blank");
        Utils.checkModelId(spec, modelId);
        if (prompt == null || prompt.isBlank()) throw new ParameterException(spec.commandLine(), "--prompt must not be blank");
        if (maxTokens < 1 || maxTokens > MODEL_MAX_OUTPUT_TOKENS) {
            throw new ParameterException(spec.commandLine(), "--max-tokens must be between 1 and " + MODEL_MAX_OUTPUT_TOKENS + " for this model");
        }
        if (temperature != null && !(temperature >= 0 && temperature <= 1)) {
            throw new ParameterException(spec.commandLine(), "--temperature must be between 0 and 1");
        }
        if (timeoutSeconds < 1) throw new ParameterException(spec.commandLine(), "--timeout must be at least 1 second");
    }
}
