///usr/bin/env jbang "$0" "$@" ; exit $?
//DESCRIPTION Claude Haiku 4.5 tool use with the Converse API on its global cross-Region inference profile: two local tools, the tool loop until end_turn
//JAVA 17+
//DEPS software.amazon.awssdk:bom:2.57.8@pom
//DEPS software.amazon.awssdk:bedrockruntime
//DEPS software.amazon.awssdk:url-connection-client
//DEPS info.picocli:picocli:4.7.7
//DEPS com.fasterxml.jackson.core:jackson-databind:2.21.3
//DEPS org.slf4j:slf4j-nop:2.0.17
//SOURCES ../Utils.java
//SOURCES LocalTools.java

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ConversationRole;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseResponse;
import software.amazon.awssdk.services.bedrockruntime.model.Message;
import software.amazon.awssdk.services.bedrockruntime.model.StopReason;
import software.amazon.awssdk.services.bedrockruntime.model.TokenUsage;
import software.amazon.awssdk.services.bedrockruntime.model.ToolConfiguration;
import software.amazon.awssdk.services.bedrockruntime.model.ToolUseBlock;

/**
 * Tool use with Claude Haiku 4.5 through the Converse API on the global cross-Region inference
 * profile. The request declares two tools ({@code current_time}, {@code convert_units}, see
 * {@code LocalTools.java}) whose input schemas are built with the SDK's {@code Document} API. When the
 * model answers with stop reason {@code tool_use}, the sample runs each requested tool here, sends the
 * results back as {@code toolResult} blocks (same {@code toolUseId}, status {@code success} or
 * {@code error}) and calls the model again, until it answers with {@code end_turn}.
 *
 * <p>Run: {@code jbang converse-tools-haiku} — without AWS: {@code ./jbang offline converse-tools-haiku}
 *
 * <p>What it shows: the whole conversation is resent on every call (Converse is stateless), the
 * assistant turn goes back unchanged with its {@code toolUse} blocks, a tool that fails or gets invalid
 * input answers with an error {@code toolResult} instead of ending the program, and the loop is bounded
 * by {@code --max-steps} (exit 1 when the model still wants a tool after that many steps). Token usage
 * is summed over all calls.
 *
 * <p>What it leaves out: {@code toolChoice} (the model decides), strict tool use, parallel tool calls
 * run concurrently (several {@code toolUse} blocks in one turn are run one after the other), retries of a
 * failing tool, and streaming (see {@code converse-stream-tools-haiku}).
 */
@Command(name = "converse-tools-haiku", mixinStandardHelpOptions = true,
        description = "Lets Claude Haiku 4.5 call two local tools (time zone clock, unit conversion) with the Converse API through its global cross-Region inference profile.")
public class ClaudeHaiku45ConverseTools implements Callable<Integer> {
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

    /** Called for each tool the model asked for, after it ran. */
    interface ToolListener {
        void ran(String toolName, JsonNode input, LocalTools.Outcome outcome);
    }

    /** The final answer, every call's token usage, and how many tool steps it took. */
    record ToolRun(ConverseResponse finalResponse, List<TokenUsage> usages, int steps) {}

    public static void main(String[] args) {
        System.exit(new CommandLine(new ClaudeHaiku45ConverseTools()).setExecutionExceptionHandler(Utils::handleError).execute(args));
    }

    /**
     * Converse → {@code tool_use} → run the tools → {@code toolResult} → Converse … until the model stops
     * asking for tools. Text the model writes before a tool call goes to {@code onText}.
     *
     * @throws IllegalStateException when the model still asks for a tool after {@code maxSteps} steps
     */
    static ToolRun converseWithTools(BedrockRuntimeClient client, String modelId, String prompt, int maxTokens, int maxSteps,
                                     Consumer<String> onText, ToolListener onTool) {
        ToolConfiguration tools = LocalTools.toolConfig();
        List<Message> messages = new ArrayList<>();
        messages.add(Message.builder().role(ConversationRole.USER).content(ContentBlock.fromText(prompt)).build());
        List<TokenUsage> usages = new ArrayList<>();
        for (int steps = 0; ; steps++) {
            // snippet-start:[bedrock.converse-tools-haiku]
            ConverseResponse response = client.converse(r -> r.modelId(modelId)
                    .messages(messages)   // the whole conversation, every time
                    .toolConfig(tools)    // toolConfig must be sent on every call of a conversation that has tool blocks
                    .inferenceConfig(c -> c.maxTokens(maxTokens)));
            usages.add(response.usage());
            Message reply = response.output().message();
            if (response.stopReason() != StopReason.TOOL_USE) return new ToolRun(response, usages, steps);
            if (steps == maxSteps) {
                throw new IllegalStateException("the model still asked for a tool after --max-steps " + maxSteps
                        + " tool steps — raise --max-steps, or ask for less in one prompt");
            }
            messages.add(reply); // the assistant turn goes back unchanged, toolUse blocks included
            List<ContentBlock> results = new ArrayList<>();
            for (ContentBlock block : reply.content()) {
                if (block.text() != null && !block.text().isBlank()) onText.accept(block.text());
                ToolUseBlock use = block.toolUse();
                if (use == null) continue;
                JsonNode input = LocalTools.toJson(use.input());
                LocalTools.Outcome outcome = LocalTools.run(use.name(), input);
                onTool.ran(use.name(), input, outcome);
                // one toolResult per toolUse of that turn, with its toolUseId; status error when the tool failed
                results.add(ContentBlock.fromToolResult(outcome.toToolResult(use.toolUseId())));
            }
            messages.add(Message.builder().role(ConversationRole.USER).content(results).build());
            // snippet-end:[bedrock.converse-tools-haiku]
        }
    }

    @Override
    public Integer call() {
        validate();
        System.out.println("🚀 Calling " + modelId + " with the Converse API in " + region
                + " (tools: " + LocalTools.CURRENT_TIME + ", " + LocalTools.CONVERT_UNITS + "; at most " + maxSteps + " tool steps)");
        // The lightest SDK HTTP client; a long read timeout because a model can take minutes.
        try (BedrockRuntimeClient client = BedrockRuntimeClient.builder()
                .region(Region.of(region))
                .httpClientBuilder(UrlConnectionHttpClient.builder().socketTimeout(Duration.ofMinutes(5)))
                .build()) {
            ToolRun run = converseWithTools(client, modelId, prompt, maxTokens, maxSteps,
                    text -> System.out.println("💬 " + text.strip()),
                    (name, input, outcome) -> {
                        System.out.println("🔧 " + name + " " + input);
                        System.out.println("   " + (outcome.failed() ? "❗ " : "→ ") + outcome.describe());
                    });
            System.out.println("💬 Response:");
            for (ContentBlock block : run.finalResponse().output().message().content()) {
                if (block.text() != null) System.out.println(block.text());
            }
            System.out.println("🛑 Stop reason: " + run.finalResponse().stopReasonAsString());
            System.out.println("🔁 Model calls: " + run.usages().size() + " (" + run.steps() + " tool steps)");
            printTotalUsage(run.usages());
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
    }
}
