///usr/bin/env jbang "$0" "$@" ; exit $?
//DESCRIPTION Claude Haiku 4.5 tool use with the ConverseStream API on its global cross-Region inference profile: streamed text, tool input assembled from deltas
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
//SOURCES LocalTools.java

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
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
import software.amazon.awssdk.services.bedrockruntime.model.ToolConfiguration;
import software.amazon.awssdk.services.bedrockruntime.model.ToolUseBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ToolUseBlockDelta;
import software.amazon.awssdk.services.bedrockruntime.model.ToolUseBlockStart;

/**
 * Tool use with Claude Haiku 4.5 through the ConverseStream API on the global cross-Region
 * inference profile: the same two local tools and the same loop as {@code converse-tools-haiku}, but
 * each answer is streamed. Text is printed as it arrives; a tool call arrives as a
 * {@code contentBlockStart} with the tool's name and {@code toolUseId}, then its JSON input in several
 * {@code toolUse} input deltas, which the sample concatenates and parses with Jackson once the stream
 * is complete. The assistant turn is rebuilt from those blocks and sent back with the tool results.
 *
 * <p>Run: {@code jbang converse-stream-tools-haiku} — without AWS: {@code ./jbang offline converse-stream-tools-haiku}
 *
 * <p>What it shows: assembling a streamed tool call, an error {@code toolResult} when a tool fails or its
 * input does not parse, {@code --max-steps} (exit 1 when the model still wants a tool after that many
 * steps), a stream that ends without {@code messageStop} reported as a failure (never a half answer),
 * and one {@code --timeout} for the whole conversation.
 *
 * <p>What it leaves out: {@code toolChoice}, strict tool use, running tools while the stream is still
 * open (they run after {@code messageStop}), reasoning deltas, and retrying a broken stream.
 */
@Command(name = "converse-stream-tools-haiku", mixinStandardHelpOptions = true,
        description = "Lets Claude Haiku 4.5 call two local tools with the ConverseStream API (streamed text and tool input) through its global cross-Region inference profile.")
public class ClaudeHaiku45ConverseStreamTools implements Callable<Integer> {
    static final String MODEL_ID = "global.anthropic.claude-haiku-4-5-20251001-v1:0";
    static final String PROMPT = "What time is it in Tokyo right now, and how many miles is a 42.195 km marathon?";
    /** Largest output the model allows; --max-tokens above it is rejected before any request. */
    static final int MODEL_MAX_OUTPUT_TOKENS = 64_000;
    static final int MAX_STEPS_LIMIT = 25;

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

    @Option(names = "--max-tokens", defaultValue = "1000", description = "Maximum output tokens per model call (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--max-steps", defaultValue = "5",
            description = "Most tool steps (model asks, tools run, results go back) before giving up with exit code 1 (1.." + MAX_STEPS_LIMIT + ", default: ${DEFAULT-VALUE}).")
    int maxSteps;

    @Option(names = "--timeout", defaultValue = "300", description = "Seconds to wait for the whole conversation (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    /** Called for each tool the model asked for, after it ran. */
    interface ToolListener {
        void ran(String toolName, JsonNode input, LocalTools.Outcome outcome);
    }

    /** The last turn's text and stop reason, every call's token usage, and how many tool steps it took. */
    record ToolRun(String finalText, String stopReason, List<TokenUsage> usages, int steps) {}

    /**
     * One streamed assistant turn as it is assembled: its content blocks by index (a text, or a tool call
     * whose JSON input is the concatenation of its deltas), the stop reason and the usage. The SDK calls
     * the visitor from its event-loop thread, hence the synchronized methods.
     */
    static final class StreamedTurn {
        private final Map<Integer, Block> blocks = new TreeMap<>();
        private String stopReason;
        private TokenUsage usage;

        synchronized void toolStart(int index, ToolUseBlockStart start) {
            blocks.put(index, new Block(start.toolUseId(), start.name()));
        }

        /** A text delta, or a piece of a tool call's JSON input. */
        synchronized void append(int index, String piece) {
            blocks.computeIfAbsent(index, i -> new Block(null, null)).content.append(piece);
        }

        synchronized void stop(String reason) {
            stopReason = reason;
        }

        synchronized void usage(TokenUsage u) {
            usage = u;
        }

        synchronized String stopReason() {
            return stopReason;
        }

        synchronized TokenUsage usage() {
            return usage;
        }

        synchronized List<Block> blocks() {
            return new ArrayList<>(blocks.values());
        }

        synchronized String text() {
            StringBuilder b = new StringBuilder();
            blocks.values().stream().filter(k -> !k.isTool()).forEach(k -> b.append(k.content));
            return b.toString();
        }
    }

    /** A content block of a streamed turn: text, or a tool call (toolUseId, name) whose content is its JSON input. */
    static final class Block {
        final String toolUseId;
        final String toolName;
        final StringBuilder content = new StringBuilder();

        Block(String toolUseId, String toolName) {
            this.toolUseId = toolUseId;
            this.toolName = toolName;
        }

        boolean isTool() {
            return toolUseId != null;
        }
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new ClaudeHaiku45ConverseStreamTools()).setExecutionExceptionHandler(Utils::handleError).execute(args));
    }

    /** Streams one assistant turn for {@code messages}; text deltas go to {@code onText} as they arrive. */
    static StreamedTurn streamTurn(BedrockRuntimeAsyncClient client, String modelId, List<Message> messages, ToolConfiguration tools,
                                   int maxTokens, long timeoutMillis, Consumer<String> onText) throws Exception {
        StreamedTurn turn = new StreamedTurn();
        // snippet-start:[bedrock.converse-stream-tools-haiku]
        ConverseStreamResponseHandler handler = ConverseStreamResponseHandler.builder()
                .subscriber(ConverseStreamResponseHandler.Visitor.builder()
                        .onContentBlockStart(event -> {
                            ToolUseBlockStart toolUse = event.start().toolUse(); // a tool call begins: its id and name
                            if (toolUse != null) turn.toolStart(event.contentBlockIndex(), toolUse);
                        })
                        .onContentBlockDelta(event -> {
                            String text = event.delta().text(); // null for tool-use and reasoning deltas
                            if (text != null) {
                                turn.append(event.contentBlockIndex(), text);
                                onText.accept(text);
                            }
                            ToolUseBlockDelta toolInput = event.delta().toolUse(); // a piece of the tool's JSON input
                            if (toolInput != null) turn.append(event.contentBlockIndex(), toolInput.input());
                        })
                        .onMessageStop(event -> turn.stop(event.stopReasonAsString()))
                        .onMetadata(event -> turn.usage(event.usage()))
                        .build())
                .build();
        client.converseStream(r -> r.modelId(modelId)
                        .messages(messages)
                        .toolConfig(tools)
                        .inferenceConfig(c -> c.maxTokens(maxTokens)),
                handler).get(timeoutMillis, TimeUnit.MILLISECONDS);
        // snippet-end:[bedrock.converse-stream-tools-haiku]
        if (turn.stopReason() == null) throw new Utils.IncompleteStreamException("messageStop");
        return turn;
    }

    /**
     * The tool loop over ConverseStream: stream a turn; when it stops with {@code tool_use}, run the tools,
     * send the assistant turn and the results back, and stream the next turn.
     */
    static ToolRun converseWithTools(BedrockRuntimeAsyncClient client, String modelId, String prompt, int maxTokens, int maxSteps,
                                     long timeoutSeconds, Consumer<String> onText, ToolListener onTool) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        ToolConfiguration tools = LocalTools.toolConfig();
        List<Message> messages = new ArrayList<>();
        messages.add(Message.builder().role(ConversationRole.USER).content(ContentBlock.fromText(prompt)).build());
        List<TokenUsage> usages = new ArrayList<>();
        for (int steps = 0; ; steps++) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) throw new TimeoutException();
            StreamedTurn turn = streamTurn(client, modelId, messages, tools, maxTokens, left, onText);
            usages.add(turn.usage());
            if (!"tool_use".equals(turn.stopReason())) return new ToolRun(turn.text(), turn.stopReason(), usages, steps);
            if (steps == maxSteps) {
                throw new IllegalStateException("the model still asked for a tool after --max-steps " + maxSteps
                        + " tool steps — raise --max-steps, or ask for less in one prompt");
            }
            // Rebuild the assistant turn from the streamed blocks, and answer each tool call.
            List<ContentBlock> assistant = new ArrayList<>();
            List<ContentBlock> results = new ArrayList<>();
            for (Block block : turn.blocks()) {
                if (!block.isTool()) {
                    if (block.content.length() > 0) assistant.add(ContentBlock.fromText(block.content.toString()));
                    continue;
                }
                String toolUseId = block.toolUseId;
                String name = block.toolName;
                String json = block.content.toString().isBlank() ? "{}" : block.content.toString(); // a tool without parameters may stream no input
                JsonNode input;
                LocalTools.Outcome outcome;
                try {
                    input = LocalTools.JSON.readTree(json);
                    outcome = LocalTools.run(name, input);
                } catch (JsonProcessingException e) {
                    input = JsonNodeFactory.instance.objectNode(); // the toolUse goes back with an empty input, answered by the error

                    outcome = new LocalTools.Outcome(null, "the tool input is not valid JSON: " + e.getOriginalMessage());
                }
                onTool.ran(name, input, outcome);
                assistant.add(ContentBlock.fromToolUse(ToolUseBlock.builder()
                        .toolUseId(toolUseId).name(name).input(LocalTools.toDocument(input)).build()));
                results.add(ContentBlock.fromToolResult(outcome.toToolResult(toolUseId)));
            }
            messages.add(Message.builder().role(ConversationRole.ASSISTANT).content(assistant).build());
            messages.add(Message.builder().role(ConversationRole.USER).content(results).build());
        }
    }

    @Override
    public Integer call() throws Exception {
        validate();
        System.out.println("🚀 Calling " + modelId + " with the ConverseStream API in " + region
                + " (tools: " + LocalTools.CURRENT_TIME + ", " + LocalTools.CONVERT_UNITS + "; at most " + maxSteps + " tool steps)");
        // Netty is the SDK's async HTTP client; its default protocol for Bedrock (HTTP/2) stays.
        // Our own event loops, shut down without Netty's 2-second quiet period when the answer is complete.
        SdkEventLoopGroup eventLoops = SdkEventLoopGroup.builder().build();
        boolean[] inText = {false}; // a "💬 …" line is open: end it before the next line
        try (BedrockRuntimeAsyncClient client = BedrockRuntimeAsyncClient.builder()
                .region(Region.of(region))
                .httpClientBuilder(NettyNioAsyncHttpClient.builder().eventLoopGroup(eventLoops).readTimeout(Duration.ofMinutes(5)))
                .build()) {
            ToolRun run = converseWithTools(client, modelId, prompt, maxTokens, maxSteps, timeoutSeconds,
                    text -> {
                        if (!inText[0]) System.out.print("💬 ");
                        inText[0] = true;
                        System.out.print(text);
                        System.out.flush();
                    },
                    (name, input, outcome) -> {
                        if (inText[0]) System.out.println();
                        inText[0] = false;
                        System.out.println("🔧 " + name + " " + input);
                        System.out.println("   " + (outcome.failed() ? "❗ " : "→ ") + outcome.describe());
                    });
            if (inText[0]) System.out.println();
            System.out.println("🛑 Stop reason: " + run.stopReason());
            System.out.println("🔁 Model calls: " + run.usages().size() + " (" + run.steps() + " tool steps)");
            printTotalUsage(run.usages());
        } finally {
            eventLoops.eventLoopGroup().shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
        System.out.println("✅ Completed successfully");
        return 0;
    }

    static void printTotalUsage(List<TokenUsage> usages) {
        long in = 0, out = 0, total = 0, cacheRead = 0, cacheWrite = 0;
        for (TokenUsage u : usages) {
            if (u == null) continue;
            in += Utils.orZero(u.inputTokens());
            out += Utils.orZero(u.outputTokens());
            total += Utils.orZero(u.totalTokens());
            cacheRead += Utils.orZero(u.cacheReadInputTokens());
            cacheWrite += Utils.orZero(u.cacheWriteInputTokens());
        }
        Utils.printUsage(in, out, total, cacheRead, cacheWrite);
    }

    private void validate() {
        if (region == null || region.isBlank()) throw new ParameterException(spec.commandLine(), "--region must not be blank");
        Utils.checkModelId(spec, modelId);
        if (prompt == null || prompt.isBlank()) throw new ParameterException(spec.commandLine(), "--prompt must not be blank");
        if (maxTokens < 1 || maxTokens > MODEL_MAX_OUTPUT_TOKENS) {
            throw new ParameterException(spec.commandLine(), "--max-tokens must be between 1 and " + MODEL_MAX_OUTPUT_TOKENS + " for this model");
        }
        if (maxSteps < 1 || maxSteps > MAX_STEPS_LIMIT) {
            throw new ParameterException(spec.commandLine(), "--max-steps must be between 1 and " + MAX_STEPS_LIMIT);
        }
        if (timeoutSeconds < 1) throw new ParameterException(spec.commandLine(), "--timeout must be at least 1 second");
    }
}
