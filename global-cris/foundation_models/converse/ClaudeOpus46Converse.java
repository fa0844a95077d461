///usr/bin/env jbang "$0" "$@" ; exit $?
//DESCRIPTION Claude Opus 4.6 via the Converse API on its global cross-Region inference profile
//JAVA 17+
//DEPS software.amazon.awssdk:bom:2.57.8@pom
//DEPS software.amazon.awssdk:bedrockruntime
//DEPS software.amazon.awssdk:url-connection-client
//DEPS info.picocli:picocli:4.7.7
//DEPS org.slf4j:slf4j-nop:2.0.17
//SOURCES ../Utils.java

import java.time.Duration;
import java.util.concurrent.Callable;

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
import software.amazon.awssdk.services.bedrockruntime.model.TokenUsage;

/**
 * Claude Opus 4.6 through the Converse API on the global cross-Region inference profile: the
 * request names the {@code global.} profile ID and Bedrock picks the Region that serves it.
 *
 * <p>Run: {@code jbang converse-opus-4-6 --prompt "Hello"} — without AWS: {@code ./jbang offline converse-opus-4-6}
 *
 * <p>Differences from the Python original ({@code simple_claude_opus_4_6_converse_example.py}):
 * it sends {@code maxTokens} (default 500) because Bedrock reserves quota for the maximum output
 * up front and the model default is far larger; prompt, model and Region are options; errors
 * end with exit code 1 and one line saying what to do.
 *
 * <p>Like the original, this basic sample requests no thinking; {@code invoke-opus-4-6-advanced} and
 * {@code invoke-stream-opus-4-6-advanced} show adaptive thinking.
 */
@Command(name = "converse-opus-4-6", mixinStandardHelpOptions = true,
        description = "Calls Claude Opus 4.6 with the Converse API through its global cross-Region inference profile.")
public class ClaudeOpus46Converse implements Callable<Integer> {
    static final String MODEL_ID = "global.anthropic.claude-opus-4-6-v1";
    static final String PROMPT = "Explain cloud computing in 2 sentences.";
    /** Largest output the model allows; --max-tokens above it is rejected before any request. */
    static final int MODEL_MAX_OUTPUT_TOKENS = 128_000;

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

    @Option(names = "--temperature", description = "Sampling temperature 0..1 (default: not sent, the model's default).")
    Double temperature;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ClaudeOpus46Converse()).setExecutionExceptionHandler(Utils::handleError).execute(args));
    }

    /** Sends one user message with the Converse API and returns Bedrock's answer. */
    static ConverseResponse converse(BedrockRuntimeClient client, String modelId, String prompt, int maxTokens, Double temperature) {
        // snippet-start:[bedrock.converse-opus-4-6]
        Message message = Message.builder().role(ConversationRole.USER).content(ContentBlock.fromText(prompt)).build();
        return client.converse(r -> r.modelId(modelId)
                .messages(message)
                .inferenceConfig(c -> c.maxTokens(maxTokens).temperature(temperature == null ? null : temperature.floatValue())));
        // snippet-end:[bedrock.converse-opus-4-6]
    }

    @Override
    public Integer call() {
        validate();
        System.out.println("🚀 Calling " + modelId + " with the Converse API in " + region);
        // The lightest SDK HTTP client; a long read timeout because thinking models can take minutes.
        try (BedrockRuntimeClient client = BedrockRuntimeClient.builder()
                .region(Region.of(region))
                .httpClientBuilder(UrlConnectionHttpClient.builder().socketTimeout(Duration.ofMinutes(5)))
                .build()) {
            ConverseResponse response = converse(client, modelId, prompt, maxTokens, temperature);
            System.out.println("💬 Response:");
            for (ContentBlock block : response.output().message().content()) {
                if (block.text() != null) System.out.println(block.text());
            }
            System.out.println("🛑 Stop reason: " + response.stopReasonAsString());
            TokenUsage usage = response.usage();
            Utils.printUsage(Utils.orZero(usage.inputTokens()), Utils.orZero(usage.outputTokens()), Utils.orZero(usage.totalTokens()),
                    Utils.orZero(usage.cacheReadInputTokens()), Utils.orZero(usage.cacheWriteInputTokens()));
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
    }
}
