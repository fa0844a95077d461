///usr/bin/env jbang "$0" "$@" ; exit $?
//DESCRIPTION Cohere Embed v4 text embeddings via InvokeModel on the global profile global.cohere.embed-v4:0
//JAVA 17+
//DEPS software.amazon.awssdk:bom:2.57.8@pom
//DEPS software.amazon.awssdk:bedrockruntime
//DEPS software.amazon.awssdk:url-connection-client
//DEPS info.picocli:picocli:4.7.7
//DEPS com.fasterxml.jackson.core:jackson-databind:2.21.3
//DEPS org.slf4j:slf4j-nop:2.0.17
//SOURCES ../foundation_models/Utils.java

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
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
 * Text embeddings with Cohere Embed v4 through global cross-Region inference (InvokeModel; the
 * model has no Converse or streaming API). Prints, per text, the vector length and its first values,
 * and the input tokens Bedrock reports in the {@code X-Amzn-Bedrock-Input-Token-Count} header.
 *
 * <p>Run: {@code jbang embed-cohere --text "Hello" --dimension 1024} (no AWS account:
 * {@code ./jbang offline embed-cohere --text "Hello"}).
 *
 * <p>Differences from the Python original ({@code simple_cohere_embed_example.py}): the text(s),
 * input type, dimension and embedding type are options (defaults are the original's: one text,
 * {@code search_document}, {@code float}, 1024); it also handles the {@code embeddings_floats}
 * response shape (a plain list), prints the text each vector belongs to, and exits non-zero on errors.
 */
@Command(name = "embed-cohere", mixinStandardHelpOptions = true,
        description = "Embeds texts with Cohere Embed v4 (global.cohere.embed-v4:0) via InvokeModel.")
public class CohereEmbedV4 implements Callable<Integer> {

    static final String MODEL_ID = "global.cohere.embed-v4:0";
    static final String DEFAULT_TEXT = "Explain the benefits of serverless computing.";
    static final Set<Integer> DIMENSIONS = Set.of(256, 512, 1024, 1536);
    static final Set<String> TYPES = Set.of("float", "int8", "uint8", "binary", "ubinary");
    static final Set<String> INPUT_TYPES = Set.of("search_document", "search_query", "classification", "clustering");
    static final int MAX_TEXTS = 96;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec CommandSpec spec;

    @Option(names = "--region", defaultValue = "${AWS_REGION:-ap-south-1}",
            description = "Source Region (default: AWS_REGION or ${DEFAULT-VALUE}).")
    String region;

    @Option(names = "--model-id", defaultValue = MODEL_ID, description = "Inference profile ID (default: ${DEFAULT-VALUE}).")
    String modelId;

    @Option(names = "--text", description = "Text to embed; repeat for several (max 96; default: \"" + DEFAULT_TEXT + "\").")
    List<String> texts = new ArrayList<>();

    @Option(names = "--input-type", defaultValue = "search_document",
            description = "search_document, search_query, classification or clustering (default: ${DEFAULT-VALUE}).")
    String inputType;

    @Option(names = "--dimension", defaultValue = "1024", description = "Vector length: 256, 512, 1024 or 1536 (default: ${DEFAULT-VALUE}).")
    int dimension;

    @Option(names = "--type", defaultValue = "float",
            description = "Embedding type: float, int8, uint8, binary or ubinary (default: ${DEFAULT-VALUE}). "
                    + "binary/ubinary pack 8 dimensions per value.")
    String type;

    public static void main(String[] args) {
        System.exit(new CommandLine(new CohereEmbedV4()).setExecutionExceptionHandler(Utils::handleError).execute(args));
    }

    /** The Cohere Embed v4 request body (native InvokeModel format). */
    static ObjectNode requestBody(List<String> texts, String inputType, int dimension, String type) {
        ObjectNode body = JSON.createObjectNode();
        body.putArray("texts").addAll(texts.stream().map(JSON.getNodeFactory()::textNode).toList());
        body.put("input_type", inputType);
        body.putArray("embedding_types").add(type);
        body.put("output_dimension", dimension);
        return body;
    }

    // snippet-start:[bedrock.embed-cohere]
    /** Calls InvokeModel with a Cohere Embed v4 body and returns the raw response (body + headers). */
    static InvokeModelResponse embed(BedrockRuntimeClient client, String modelId, ObjectNode body) {
        return client.invokeModel(r -> r.modelId(modelId)
                .contentType("application/json")
                .accept("application/json")
                .body(SdkBytes.fromUtf8String(body.toString())));
    }
    // snippet-end:[bedrock.embed-cohere]

    /**
     * The vectors of one embedding type: with {@code embedding_types} the response is
     * {@code {"embeddings":{"float":[[…]]}}}; without (or from older shapes) {@code {"embeddings":[[…]]}}.
     */
    static JsonNode vectors(JsonNode response, String type) {
        JsonNode embeddings = response.path("embeddings");
        return embeddings.isArray() ? embeddings : embeddings.path(type);
    }

    @Override
    public Integer call() throws Exception {
        List<String> inputs = texts.isEmpty() ? List.of(DEFAULT_TEXT) : texts;
        Utils.checkModelId(spec, modelId);
        if (inputs.size() > MAX_TEXTS) {
            throw new ParameterException(spec.commandLine(), "at most " + MAX_TEXTS + " --text values per request (got " + inputs.size() + ")");
        }
        for (String t : inputs) {
            if (t == null || t.isBlank()) throw new ParameterException(spec.commandLine(), "--text must not be blank");
        }
        if (!DIMENSIONS.contains(dimension)) {
            throw new ParameterException(spec.commandLine(), "--dimension must be 256, 512, 1024 or 1536 (got " + dimension + ")");
        }
        if (!TYPES.contains(type)) {
            throw new ParameterException(spec.commandLine(), "--type must be float, int8, uint8, binary or ubinary (got " + type + ")");
        }
        if (!INPUT_TYPES.contains(inputType)) {
            throw new ParameterException(spec.commandLine(),
                    "--input-type must be search_document, search_query, classification or clustering (got " + inputType + ")");
        }

        // Lightest SDK HTTP client; a long read timeout keeps large batches from timing out.
        try (BedrockRuntimeClient client = BedrockRuntimeClient.builder()
                .region(Region.of(region))
                .httpClientBuilder(UrlConnectionHttpClient.builder().socketTimeout(Duration.ofMinutes(5)))
                .build()) {
            System.out.println("🚀 Calling " + modelId + " with the InvokeModel API in " + region);
            InvokeModelResponse response = embed(client, modelId, requestBody(inputs, inputType, dimension, type));
            JsonNode body = JSON.readTree(response.body().asByteArray());
            JsonNode vectors = vectors(body, type);
            if (!vectors.isArray() || vectors.size() != inputs.size()) {
                throw new IllegalStateException("expected " + inputs.size() + " " + type + " vector(s) in the response, got "
                        + (vectors.isArray() ? vectors.size() : "none") + " — check --type and the model ID");
            }
            int expected = type.endsWith("binary") ? dimension / 8 : dimension;
            System.out.println("📐 " + inputs.size() + " " + type + " embedding(s), " + dimension + " dimensions"
                    + (expected != dimension ? " (" + expected + " packed values each)" : ""));
            for (int i = 0; i < inputs.size(); i++) {
                JsonNode v = vectors.get(i);
                List<String> first = new ArrayList<>();
                for (int j = 0; j < Math.min(5, v.size()); j++) first.add(v.get(j).asText());
                System.out.println("🧮 Text " + (i + 1) + ": \"" + inputs.get(i) + "\"");
                System.out.println("   Vector length: " + v.size() + ", first values: [" + String.join(", ", first) + (v.size() > 5 ? ", …]" : "]"));
            }
            String tokens = response.sdkHttpResponse().firstMatchingHeader("X-Amzn-Bedrock-Input-Token-Count").orElse(null);
            // Embedding models only consume input tokens.
            System.out.println("🔢 Input tokens: " + (tokens != null ? tokens : "not reported"));
            System.out.println("✅ Completed successfully");
            return 0;
        }
    }
}
