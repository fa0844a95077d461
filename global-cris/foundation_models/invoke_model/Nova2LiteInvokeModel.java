///usr/bin/env jbang "$0" "$@" ; exit $?
//DESCRIPTION Amazon Nova 2 Lite via the InvokeModel API (native request body) on its global cross-Region inference profile
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
 * Amazon Nova 2 Lite through the InvokeModel API on the global cross-Region inference profile: the
 * request is Nova's native messages-v1 body (built with Jackson) and the answer, stop reason and
 * token usage are read from the native response body.
 *
 * <p>Run: {@code jbang invoke-nova-2-lite --prompt "Hello"} — without AWS: {@code ./jbang offline invoke-nova-2-lite}
 *
 * <p>Differences from the Python original ({@code simple_nova_lite_invoke_model_example.py}):
 * same prompt, max_new_tokens 500 and temperature 0.7 by default, now options; the stop reason and cache
 * token counts are printed too; errors end with exit code 1 and one line saying what to do.
 */
@Command(name = "invoke-nova-2-lite", mixinStandardHelpOptions = true,
        description = "Calls Amazon Nova 2 Lite with the InvokeModel API (native request body) through its global cross-Region inference profile.")
public class Nova2LiteInvokeModel implements Callable<Integer> {
    static final String MODEL_ID = "global.amazon.nova-2-lite-v1:0";
    static final String PROMPT = "Explain the benefits of serverless computing in 3 bullet points.";
    /** Largest output the model allows; --max-tokens above it is rejected before any request. */
    static final int MODEL_MAX_OUTPUT_TOKENS = 65_536;
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

    public static void main(String[] args) {
        System.exit(new CommandLine(new Nova2LiteInvokeModel()).setExecutionExceptionHandler(Utils::handleError).execute(args));
    }

    /** Sends Nova's native messages-v1 request with InvokeModel and returns the parsed native response body. */
    static JsonNode invokeModel(BedrockRuntimeClient client, String modelId, String prompt, int maxTokens, Double temperature)
            throws IOException {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode message = body.putArray("messages").addObject();
        message.put("role", "user");
        message.putArray("content").addObject().put("text", prompt);
        ObjectNode inferenceConfig = body.putObject("inferenceConfig");
        inferenceConfig.put("max_new_tokens", maxTokens);
        if (temperature != null) inferenceConfig.put("temperature", temperature);
        byte[] requestBody = JSON.writeValueAsBytes(body);
        // snippet-start:[bedrock.invoke-nova-2-lite]
        InvokeModelResponse response = client.invokeModel(r -> r.modelId(modelId)
                .contentType("application/json")
                .body(SdkBytes.fromByteArray(requestBody)));
        // snippet-end:[bedrock.invoke-nova-2-lite]
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
            for (JsonNode block : response.path("output").path("message").path("content")) {
                if (block.hasNonNull("text")) System.out.println(block.get("text").asText()); // skips reasoningContent blocks
            }
            System.out.println("🛑 Stop reason: " + response.path("stopReason").asText());
            JsonNode usage = response.path("usage");
            long in = usage.path("inputTokens").asLong();
            long out = usage.path("outputTokens").asLong();
            // Nova's native cache counters are documented under two spellings; accept either.
            long cacheRead = usage.path("cacheReadInputTokenCount").asLong(usage.path("cacheReadInputTokens").asLong());
            long cacheWrite = usage.path("cacheWriteInputTokenCount").asLong(usage.path("cacheWriteInputTokens").asLong());
            Utils.printUsage(in, out, usage.path("totalTokens").asLong(in + out + cacheRead + cacheWrite), cacheRead, cacheWrite);
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
