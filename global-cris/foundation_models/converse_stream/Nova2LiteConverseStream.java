///usr/bin/env jbang "$0" "$@" ; exit $?
//DESCRIPTION Amazon Nova 2 Lite via the ConverseStream API (streamed answer) on its global cross-Region inference profile
//JAVA 17+
//DEPS software.amazon.awssdk:bom:2.57.8@pom
//DEPS software.amazon.awssdk:bedrockruntime
//DEPS software.amazon.awssdk:netty-nio-client
//DEPS info.picocli:picocli:4.7.7
//DEPS org.slf4j:slf4j-nop:2.0.17
// Netty 4.1 calls sun.misc.Unsafe, which JDK 24+ warns about on stderr; it works as well without it.
//RUNTIME_OPTIONS -Dio.netty.noUnsafe=true
//SOURCES ../Utils.java

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.SdkEventLoopGroup;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ConversationRole;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamResponseHandler;
import software.amazon.awssdk.services.bedrockruntime.model.Message;
import software.amazon.awssdk.services.bedrockruntime.model.TokenUsage;

/**
 * Amazon Nova 2 Lite through the ConverseStream API on the global cross-Region inference profile:
 * the answer is printed as it arrives, then the stop reason and token usage from the stream's
 * {@code messageStop} and {@code metadata} events.
 *
 * <p>Run: {@code jbang converse-stream-nova-2-lite --prompt "Hello"} — without AWS: {@code ./jbang offline converse-stream-nova-2-lite}
 *
 * <p>Differences from the Python original ({@code simple_nova_lite_converse_stream_example.py}):
 * same prompt, maxTokens 500 and temperature 0.7 by default, now options; a stream that ends without
 * {@code messageStop} is reported as a failure instead of a silently truncated answer; the wait is
 * bounded by {@code --timeout}; errors end with exit code 1 and one line saying what to do.
 */
@Command(name = "converse-stream-nova-2-lite", mixinStandardHelpOptions = true,
        description = "Streams an answer from Amazon Nova 2 Lite with the ConverseStream API through its global cross-Region inference profile.")
public class Nova2LiteConverseStream implements Callable<Integer> {
    static final String MODEL_ID = "global.amazon.nova-2-lite-v1:0";
    static final String PROMPT = "Explain the benefits of serverless computing in 3 bullet points.";
    /** Largest output the model allows; --max-tokens above it is rejected before any request. */
    static final int MODEL_MAX_OUTPUT_TOKENS = 65_536;

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

    /** What the stream reported besides the text: the stop reason and the token usage. */
    record StreamResult(String stopReason, TokenUsage usage) {}

    public static void main(String[] args) {
        System.exit(new CommandLine(new Nova2LiteConverseStream()).setExecutionExceptionHandler(Utils::handleError).execute(args));
    }

    /**
     * Streams one user message with the ConverseStream API, handing each text delta to {@code onText},
     * and returns the stop reason and usage once the stream is complete.
     */
    static StreamResult converseStream(BedrockRuntimeAsyncClient client, String modelId, String prompt, int maxTokens,
                                       Double temperature, long timeoutSeconds, Consumer<String> onText) throws Exception {
        AtomicReference<String> stopReason = new AtomicReference<>();
        AtomicReference<TokenUsage> usage = new AtomicReference<>();
        // snippet-start:[bedrock.converse-stream-nova-2-lite]
        Message message = Message.builder().role(ConversationRole.USER).content(ContentBlock.fromText(prompt)).build();
        ConverseStreamResponseHandler handler = ConverseStreamResponseHandler.builder()
                .subscriber(ConverseStreamResponseHandler.Visitor.builder()
                        .onContentBlockDelta(event -> {
                            String text = event.delta().text(); // null for reasoning and tool-use deltas
                            if (text != null) onText.accept(text);
                        })
                        .onMessageStop(event -> stopReason.set(event.stopReasonAsString()))
                        .onMetadata(event -> usage.set(event.usage()))
                        .build())
                .build();
        client.converseStream(r -> r.modelId(modelId)
                        .messages(message)
                        .inferenceConfig(c -> c.maxTokens(maxTokens).temperature(temperature == null ? null : temperature.floatValue())),
                handler).get(timeoutSeconds, TimeUnit.SECONDS);
        // snippet-end:[bedrock.converse-stream-nova-2-lite]
        if (stopReason.get() == null) throw new Utils.IncompleteStreamException("messageStop");
        return new StreamResult(stopReason.get(), usage.get());
    }

    @Override
    public Integer call() throws Exception {
        validate();
        System.out.println("🚀 Calling " + modelId + " with the ConverseStream API in " + region);
        // Netty is the SDK's async HTTP client; its default protocol for Bedrock (HTTP/2) stays.
        // A long read timeout because thinking models can pause for minutes.
        // Our own event loops, shut down without Netty's 2-second quiet period when the answer is complete.
        SdkEventLoopGroup eventLoops = SdkEventLoopGroup.builder().build();
        try (BedrockRuntimeAsyncClient client = BedrockRuntimeAsyncClient.builder()
                .region(Region.of(region))
                .httpClientBuilder(NettyNioAsyncHttpClient.builder().eventLoopGroup(eventLoops).readTimeout(Duration.ofMinutes(5)))
                .build()) {
            System.out.println("💬 Response:");
            StreamResult result = converseStream(client, modelId, prompt, maxTokens, temperature, timeoutSeconds, text -> {
                System.out.print(text);
                System.out.flush();
            });
            System.out.println();
            System.out.println("🛑 Stop reason: " + result.stopReason());
            TokenUsage usage = result.usage();
            if (usage != null) {
                Utils.printUsage(Utils.orZero(usage.inputTokens()), Utils.orZero(usage.outputTokens()), Utils.orZero(usage.totalTokens()),
                        Utils.orZero(usage.cacheReadInputTokens()), Utils.orZero(usage.cacheWriteInputTokens()));
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
