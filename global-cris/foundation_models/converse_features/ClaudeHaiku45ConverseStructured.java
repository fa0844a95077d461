///usr/bin/env jbang "$0" "$@" ; exit $?
//DESCRIPTION Claude Haiku 4.5 structured output (outputConfig with a JSON schema) with the Converse API on its global cross-Region inference profile, read into a Java record
//JAVA 17+
//DEPS software.amazon.awssdk:bom:2.57.8@pom
//DEPS software.amazon.awssdk:bedrockruntime
//DEPS software.amazon.awssdk:url-connection-client
//DEPS info.picocli:picocli:4.7.7
//DEPS com.fasterxml.jackson.core:jackson-databind:2.21.3
//DEPS org.slf4j:slf4j-nop:2.0.17
//SOURCES ../Utils.java

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import software.amazon.awssdk.services.bedrockruntime.model.OutputFormatType;
import software.amazon.awssdk.services.bedrockruntime.model.StopReason;
import software.amazon.awssdk.services.bedrockruntime.model.TokenUsage;

/**
 * Structured output with Claude Haiku 4.5 through the Converse API on the global cross-Region
 * inference profile: {@code outputConfig.textFormat} carries a JSON schema (type {@code json_schema}),
 * and the model's answer is JSON that follows it. The sample triages a support ticket into a
 * {@link Triage} record: the schema is defined once ({@link #schema()}, from the record's enums), sent
 * as JSON text, and the answer is read with Jackson and printed field by field.
 *
 * <p>Run: {@code jbang converse-structured-haiku --prompt "<ticket text>"} — without AWS:
 * {@code ./jbang offline converse-structured-haiku}
 *
 * <p>Models: AWS documents structured outputs for Claude Haiku 4.5, Sonnet 4.5, Opus 4.5 and Opus 4.6
 * (and some open-weight models), <b>not yet for Claude Sonnet 4.6</b>; pass another {@code --model-id}
 * from that list to try them. Claude's rules for the schema: every object lists
 * {@code "additionalProperties": false}; numeric and string-length constraints are not enforced, so the
 * sample uses {@code enum} where values are limited and checks the rest itself.
 *
 * <p>What it shows: the schema sent once and the answer checked anyway — text that is not JSON, a missing
 * required field, a value of the wrong type or an answer cut at {@code --max-tokens} end with exit code 1
 * and one line saying so (structured outputs make these rare, not impossible: a refusal or the token limit
 * still cut the JSON). What it leaves out: strict tool use (the other structured-output mechanism),
 * streaming the JSON, and nested objects.
 */
@Command(name = "converse-structured-haiku", mixinStandardHelpOptions = true,
        description = "Gets a JSON answer that follows a JSON schema (structured output) from Claude Haiku 4.5 with the Converse API through its global cross-Region inference profile.")
public class ClaudeHaiku45ConverseStructured implements Callable<Integer> {
    static final String MODEL_ID = "global.anthropic.claude-haiku-4-5-20251001-v1:0";
    static final String PROMPT = "Triage this support ticket: \"Since 09:00 UTC our checkout service gets ThrottlingException "
            + "from Bedrock in eu-west-1 and us-east-1, and customers cannot pay. We call Claude Haiku 4.5 through the global profile.\"";
    /** Largest output the model allows; --max-tokens above it is rejected before any request. */
    static final int MODEL_MAX_OUTPUT_TOKENS = 64_000;

    private static final ObjectMapper JSON = JsonMapper.builder().enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS).build();

    enum Category { THROTTLING, ACCESS, MODEL_QUALITY, LATENCY, BILLING, OTHER }

    enum Priority { URGENT, HIGH, NORMAL, LOW }

    /** The answer as Java sees it; {@link #schema()} describes the same fields to the model. */
    record Triage(Category category, Priority priority, String summary, boolean needsHuman, List<String> regions) {}

    @Spec
    CommandSpec spec;

    @Option(names = "--region", defaultValue = "${AWS_REGION:-ap-south-1}",
            description = "Source Region (default: AWS_REGION, else ap-south-1; now ${DEFAULT-VALUE}).")
    String region;

    @Option(names = "--model-id", defaultValue = MODEL_ID,
            description = "Inference profile ID or ARN of a model with structured outputs (default: ${DEFAULT-VALUE}).")
    String modelId;

    @Option(names = "--prompt", defaultValue = PROMPT, description = "The ticket to triage (default: ${DEFAULT-VALUE}).")
    String prompt;

    @Option(names = "--max-tokens", defaultValue = "500", description = "Maximum output tokens (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ClaudeHaiku45ConverseStructured()).setExecutionExceptionHandler(Utils::handleError).execute(args));
    }

    /** The JSON schema of a {@link Triage}, the one place that says what the model must answer. */
    static ObjectNode schema() {
        ObjectNode schema = JSON.createObjectNode().put("type", "object");
        ObjectNode properties = schema.putObject("properties");
        ArrayNode categories = properties.putObject("category").put("type", "string").put("description", "What the ticket is about")
                .putArray("enum");
        Arrays.stream(Category.values()).forEach(c -> categories.add(c.name().toLowerCase(Locale.ROOT)));
        ArrayNode priorities = properties.putObject("priority").put("type", "string").put("description", "urgent when customers are blocked now")
                .putArray("enum");
        Arrays.stream(Priority.values()).forEach(p -> priorities.add(p.name().toLowerCase(Locale.ROOT)));
        properties.putObject("summary").put("type", "string").put("description", "One sentence for the on-call engineer")
                .putArray("examples").add("Checkout calls to Bedrock are throttled in two Regions.");
        properties.putObject("needsHuman").put("type", "boolean").put("description", "Whether a person must act now");
        properties.putObject("regions").put("type", "array").put("description", "AWS Regions named in the ticket, e.g. eu-west-1")
                .putObject("items").put("type", "string");
        schema.putArray("required").add("category").add("priority").add("summary").add("needsHuman").add("regions");
        schema.put("additionalProperties", false);
        return schema;
    }

    /** Sends the ticket with {@code outputConfig} asking for JSON that follows {@code schema}. */
    static ConverseResponse converseStructured(BedrockRuntimeClient client, String modelId, String prompt, int maxTokens,
                                               ObjectNode schema) throws JsonProcessingException {
        String schemaText = JSON.writeValueAsString(schema); // Bedrock takes the schema as JSON text
        // snippet-start:[bedrock.converse-structured-haiku]
        Message message = Message.builder().role(ConversationRole.USER).content(ContentBlock.fromText(prompt)).build();
        return client.converse(r -> r.modelId(modelId)
                .messages(message)
                .inferenceConfig(c -> c.maxTokens(maxTokens))
                .outputConfig(o -> o.textFormat(f -> f
                        .type(OutputFormatType.JSON_SCHEMA)
                        .structure(s -> s.jsonSchema(j -> j
                                .name("ticket_triage")
                                .description("Triage of one support ticket")
                                .schema(schemaText))))));
        // snippet-end:[bedrock.converse-structured-haiku]
    }

    /**
     * Reads the answer into a {@link Triage}; fails with one line when it is not JSON, lacks a required
     * field or has a value of the wrong type.
     */
    static Triage parse(String answer, ObjectNode schema) {
        JsonNode node;
        try {
            node = JSON.readTree(answer);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the answer is not JSON (" + e.getOriginalMessage()
                    + ") — the structured answer cannot be used; retry, or check that --model-id supports structured outputs");
        }
        if (node == null || !node.isObject()) {
            throw new IllegalStateException("the answer is not a JSON object — the structured answer cannot be used; retry");
        }
        for (JsonNode required : schema.path("required")) {
            JsonNode value = node.get(required.asText());
            if (value == null || value.isNull()) {
                throw new IllegalStateException("the answer lacks the required field '" + required.asText()
                        + "' — the structured answer cannot be used; retry");
            }
        }
        try {
            return JSON.treeToValue(node, Triage.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the answer does not match the schema (" + e.getOriginalMessage().lines().findFirst().orElse("")
                    + ") — the structured answer cannot be used; retry");
        }
    }

    @Override
    public Integer call() throws Exception {
        validate();
        System.out.println("🚀 Calling " + modelId + " with the Converse API in " + region + " (structured output: ticket_triage JSON schema)");
        ObjectNode schema = schema();
        // The lightest SDK HTTP client; a long read timeout because a model can take minutes.
        try (BedrockRuntimeClient client = BedrockRuntimeClient.builder()
                .region(Region.of(region))
                .httpClientBuilder(UrlConnectionHttpClient.builder().socketTimeout(Duration.ofMinutes(5)))
                .build()) {
            ConverseResponse response = converseStructured(client, modelId, prompt, maxTokens, schema);
            StringBuilder answer = new StringBuilder();
            for (ContentBlock block : response.output().message().content()) {
                if (block.text() != null) answer.append(block.text());
            }
            System.out.println("💬 Response (JSON):");
            System.out.println(answer);
            System.out.println("🛑 Stop reason: " + response.stopReasonAsString());
            if (response.stopReason() == StopReason.MAX_TOKENS) {
                throw new IllegalStateException("the answer was cut at --max-tokens " + maxTokens
                        + " before the JSON was complete — raise --max-tokens");
            }
            Triage triage = parse(answer.toString(), schema);
            System.out.println("📋 Category:    " + triage.category().name().toLowerCase(Locale.ROOT));
            System.out.println("📋 Priority:    " + triage.priority().name().toLowerCase(Locale.ROOT));
            System.out.println("📋 Summary:     " + triage.summary());
            System.out.println("📋 Needs human: " + (triage.needsHuman() ? "yes" : "no"));
            System.out.println("📋 Regions:     " + (triage.regions().isEmpty() ? "(none named)" : String.join(", ", triage.regions())));
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
    }
}
