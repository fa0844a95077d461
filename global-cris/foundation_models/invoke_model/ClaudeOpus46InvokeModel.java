///usr/bin/env jbang "$0" "$@" ; exit $?
//DESCRIPTION Claude Opus 4.6 via the InvokeModel API (native request body) on its global cross-Region inference profile
//JAVA 17+
//DEPS software.amazon.awssdk:bom:2.57.8@pom
//DEPS software.amazon.awssdk:bedrockruntime
//DEPS software.amazon.awssdk:url-connection-client
//DEPS info.picocli:picocli:4.7.7
//DEPS com.fasterxml.jackson.core:jackson-databind:2.21.3
//DEPS org.slf4j:slf4j-nop:2.0.17
//SOURCES ../Utils.java

import java.io.IOException;
import java.time.Duration;
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
 * Claude Opus 4.6 through the InvokeModel API on the global cross-Region inference profile: the
 * request is Anthropic's native Messages body (built with Jackson) and the answer, stop reason and
 * token usage are read from the native response body.
 *
 * <p>Run: {@code jbang invoke-opus-4-6 --prompt "Hello"} — without AWS: {@code ./jbang offline invoke-opus-4-6}
 *
 * <p>Differences from the Python original ({@code simple_claude_opus_4_6_invoke_model_example.py}):
 * same prompt, max_tokens 2048 and temperature 1 by default, now options; the stop reason and cache
 * token counts are printed too; errors end with exit code 1 and one line saying what to do.
 *
 * <p>Like the original, this basic sample requests no thinking; {@code invoke-opus-4-6-advanced} and
 * {@code invoke-stream-opus-4-6-advanced} show adaptive thinking.
 */
@Command(name = "invoke-opus-4-6", mixinStandardHelpOptions = true,
        description = "Calls Claude Opus 4.6 with the InvokeModel API (native request body) through its global cross-Region inference profile.")
public class ClaudeOpus46InvokeModel implements Callable<Integer> {
    static final String MODEL_ID = "global.anthropic.claude-opus-4-6-v1";
    static final String PROMPT = "Explain the CAP theorem in distributed systems.";
    /** Largest output the model allows; --max-tokens above it is rejected before any request. */
    static final int MODEL_MAX_OUTPUT_TOKENS = 128_000;
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

    @Option(names = "--max-tokens", defaultValue = "2048", description = "Maximum output tokens (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--temperature", defaultValue = "1", description = "Sampling temperature 0..1 (default: ${DEFAULT-VALUE}).")
    Double temperature;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ClaudeOpus46InvokeModel()).setExecutionExceptionHandler(Utils::handleError).execute(args));
    }

    /** Sends Anthropic's native Messages request with InvokeModel and returns the parsed native response body. */
    static JsonNode invokeModel(BedrockRuntimeClient client, String modelId, String prompt, int maxTokens, Double temperature)
            throws IOException {
        ObjectNode body = JSON.createObjectNode();
        body.put("anthropic_version", "bedrock-2023-05-31");
        body.put("max_tokens", maxTokens);
        if (temperature != null) body.put("temperature", temperature);
        ObjectNode message = body.putArray("messages").addObject();
        message.put("role", "user");
        message.putArray("content").addObject().put("type", "text").put("text", prompt);
        byte[] requestBody = JSON.writeValueAsBytes(body);
        // snippet-start:[bedrock.invoke-opus-4-6]
        InvokeModelResponse response = client.invokeModel(r -> r.modelId(modelId)
                .contentType("application/json")
                .body(SdkBytes.fromByteArray(requestBody)));
        // snippet-end:[bedrock.invoke-opus-4-6]
        return JSON.readTree(response.body().asByteArray());
    }

    @Override
    public Integer call() throws Exception {
        validate();
        System.out.println("🚀 Calling " + modelId + " with the InvokeModel API in " + region);
        // The lightest SDK HTTP client; a long read timeout because thinking models can take minutes.
        try (BedrockRuntimeClient client = BedrockRuntimeClient.builder()
                .region(Region.of(region))
                .httpClientBuilder(UrlConnectionHttpClient.builder().socketTimeout(Duration.ofMinutes(5)))
                .build()) {
            JsonNode response = invokeModel(client, modelId, prompt, maxTokens, temperature);
            System.out.println("💬 Response:");
            for (JsonNode block : response.path("content")) {
                if ("text".equals(block.path("type").asText())) System.out.println(block.path("text").asText());
            }
            System.out.println("🛑 Stop reason: " + response.path("stop_reason").asText());
            JsonNode usage = response.path("usage");
            long in = usage.path("input_tokens").asLong();
            long out = usage.path("output_tokens").asLong();
            long cacheRead = usage.path("cache_read_input_tokens").asLong();
            long cacheWrite = usage.path("cache_creation_input_tokens").asLong();
            // Anthropic reports no total; like Converse's totalTokens it counts cached input too.
            Utils.printUsage(in, out, in + out + cacheRead + cacheWrite, cacheRead, cacheWrite);
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
