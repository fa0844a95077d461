///usr/bin/env jbang "$0" "$@" ; exit $?
//DESCRIPTION Claude Opus 4.6 with adaptive thinking, effort and compaction (beta) via InvokeModel on global.anthropic.claude-opus-4-6-v1
//JAVA 17+
//DEPS software.amazon.awssdk:bom:2.57.8@pom
//DEPS software.amazon.awssdk:bedrockruntime
//DEPS software.amazon.awssdk:url-connection-client
//DEPS info.picocli:picocli:4.7.7
//DEPS com.fasterxml.jackson.core:jackson-databind:2.21.3
//DEPS org.slf4j:slf4j-nop:2.0.17
//SOURCES ../Utils.java

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

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
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;
import software.amazon.awssdk.services.bedrockruntime.model.InvokeModelResponse;

/**
 * Claude Opus 4.6 through global cross-Region inference with its advanced request fields, all really
 * sent in the native InvokeModel body: adaptive thinking ({@code "thinking":{"type":"adaptive"}}), the
 * effort level ({@code "output_config":{"effort":…}}) and server-side compaction (beta
 * {@code compact-2026-01-12}, {@code context_management.edits[compact_20260112]}). Thinking blocks are
 * printed as {@code 🧠 } lines, apart from the answer.
 *
 * <p>Run: {@code jbang invoke-opus-4-6-advanced --effort high} (no AWS account:
 * {@code ./jbang offline invoke-opus-4-6-advanced --effort low}).
 *
 * <p>Differences from the Python original ({@code advanced_claude_opus_4_6_invoke_model_example.py}):
 * one request per run instead of five demos; the original never sends {@code output_config.effort}
 * (its comments only mention it) — here {@code --effort} is sent; adaptive thinking and compaction are
 * combined in one request ({@code --no-compaction} drops the beta); the compaction trigger is checked
 * against the API minimum of 50,000 input tokens before sending. There is no {@code --temperature}:
 * with thinking on, Claude only accepts the default temperature. Errors exit non-zero.
 */
@Command(name = "invoke-opus-4-6-advanced", mixinStandardHelpOptions = true,
        description = "Claude Opus 4.6 with adaptive thinking, effort and compaction (beta) via InvokeModel.")
public class ClaudeOpus46AdvancedInvokeModel implements Callable<Integer> {

    static final String MODEL_ID = "global.anthropic.claude-opus-4-6-v1";
    static final String DEFAULT_PROMPT =
            "What are the key trade-offs between using DynamoDB versus Aurora PostgreSQL for a high-traffic e-commerce application?";
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

    @Option(names = "--max-tokens", defaultValue = "4096",
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

    public static void main(String[] args) {
        System.exit(new CommandLine(new ClaudeOpus46AdvancedInvokeModel())
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

    // snippet-start:[bedrock.invoke-opus-4-6-advanced]
    /** Sends the native body with InvokeModel and returns the parsed Claude response. */
    static JsonNode invoke(BedrockRuntimeClient client, String modelId, ObjectNode body) throws Exception {
        InvokeModelResponse response = client.invokeModel(r -> r.modelId(modelId)
                .contentType("application/json")
                .accept("application/json")
                .body(SdkBytes.fromUtf8String(body.toString())));
        return JSON.readTree(response.body().asByteArray());
    }
    // snippet-end:[bedrock.invoke-opus-4-6-advanced]

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
        Integer trigger = noCompaction ? null : compactionTrigger;

        // Lightest SDK HTTP client; long read timeout because thinking models can take minutes.
        try (BedrockRuntimeClient client = BedrockRuntimeClient.builder()
                .region(Region.of(region))
                .httpClientBuilder(UrlConnectionHttpClient.builder().socketTimeout(Duration.ofMinutes(5)))
                .build()) {
            System.out.println("🚀 Calling " + modelId + " with the InvokeModel API in " + region);
            System.out.println("⚙️ Thinking: adaptive, effort: " + effort
                    + (trigger == null ? ", compaction: off" : ", compaction: beta " + COMPACTION_BETA + " at " + trigger + " input tokens"));
            JsonNode response = invoke(client, modelId, requestBody(prompt, maxTokens, effort.name(), trigger));

            List<String> answer = new ArrayList<>();
            boolean thought = false;
            for (JsonNode block : response.path("content")) {
                switch (block.path("type").asText()) {
                    case "thinking" -> {
                        thought = true;
                        block.path("thinking").asText("").lines().forEach(line -> System.out.println("🧠 " + line));
                    }
                    case "redacted_thinking" -> {
                        thought = true;
                        System.out.println("🧠 [redacted thinking]");
                    }
                    case "compaction" -> {
                        System.out.println("📦 Compaction summary (send it back in the next turn):");
                        block.path("content").asText("").lines().forEach(line -> System.out.println("📦 " + line));
                    }
                    case "text" -> answer.add(block.path("text").asText(""));
                    default -> { } // tool_use etc.: not requested here
                }
            }
            if (!thought) System.out.println("🧠 (Claude answered without thinking)");
            System.out.println("💬 Response:");
            System.out.println(String.join("\n", answer));
            System.out.println("🛑 Stop reason: " + response.path("stop_reason").asText("unknown"));

            JsonNode usage = response.path("usage");
            long in = usage.path("input_tokens").asLong();
            long out = usage.path("output_tokens").asLong();
            Utils.printUsage(in, out, in + out,
                    usage.path("cache_read_input_tokens").asLong(), usage.path("cache_creation_input_tokens").asLong());
            // With compaction, the top-level usage leaves out the compaction step: bill from the iterations.
            JsonNode iterations = usage.path("iterations");
            if (iterations.isArray() && iterations.size() > 0) {
                long allIn = 0, allOut = 0;
                for (JsonNode it : iterations) {
                    allIn += it.path("input_tokens").asLong();
                    allOut += it.path("output_tokens").asLong();
                }
                System.out.println("🔢 All iterations (compaction included): input=" + allIn + " output=" + allOut);
            }
            System.out.println("✅ Completed successfully");
            return 0;
        }
    }
}
