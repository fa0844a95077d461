///usr/bin/env jbang "$0" "$@" ; exit $?
//DESCRIPTION Amazon Nova 2 Lite via the Converse API with a service tier (priority, default, flex) on its global cross-Region inference profile
//JAVA 17+
//DEPS software.amazon.awssdk:bom:2.57.8@pom
//DEPS software.amazon.awssdk:bedrockruntime
//DEPS software.amazon.awssdk:url-connection-client
//DEPS info.picocli:picocli:4.7.7
//DEPS org.slf4j:slf4j-nop:2.0.17
//SOURCES ../Utils.java

import java.time.Duration;
import java.util.List;
import java.util.Locale;
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
import software.amazon.awssdk.services.bedrockruntime.model.ValidationException;

/**
 * Amazon Nova 2 Lite through the Converse API with a service tier, on the global cross-Region
 * inference profile: {@code serviceTier {type: priority|default|flex}} in the request; the answer
 * says which tier served it ({@code serviceTier} in the response) and how long the call took
 * ({@code metrics.latencyMs}). Priority costs more and is served first; flex costs less and may
 * wait; default is the standard tier (also what Bedrock uses when no tier is sent).
 *
 * <p>Priority and flex are offered for some models and Regions only (AWS's service-tier page,
 * {@value #TIERS_PAGE}, lists them); whether Nova 2 Lite on a global profile is among them could
 * not be confirmed from the documentation here. When Bedrock refuses the tier (a
 * {@code ValidationException}), the sample says so in one line and what to try.
 *
 * <p>Run: {@code jbang converse-service-tier-nova-2-lite --tier flex} — without AWS:
 * {@code ./jbang offline converse-service-tier-nova-2-lite --tier priority}
 *
 * <p>Left out: the {@code reserved} tier (it needs capacity reserved through the AWS account
 * team), the tier on ConverseStream (the stream's {@code metadata} event carries it) and on
 * InvokeModel (the {@code X-Amzn-Bedrock-Service-Tier} header), and retrying in another tier.
 */
@Command(name = "converse-service-tier-nova-2-lite", mixinStandardHelpOptions = true,
        description = "Calls Amazon Nova 2 Lite with the Converse API in a service tier (priority, default, flex) through its global profile, "
                + "and prints the tier that served it and the latency.")
public class Nova2LiteConverseServiceTier implements Callable<Integer> {
    static final String MODEL_ID = "global.amazon.nova-2-lite-v1:0";
    static final String PROMPT = "Explain in two sentences when a flex service tier is a good fit.";
    static final String TIERS_PAGE = "https://docs.aws.amazon.com/bedrock/latest/userguide/service-tiers-inference.html";
    static final List<String> TIERS = List.of("priority", "default", "flex");
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

    @Option(names = "--tier", defaultValue = "default", completionCandidates = Tiers.class,
            description = "Service tier: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    String tier;

    @Option(names = "--prompt", defaultValue = PROMPT, description = "The user message (default: ${DEFAULT-VALUE}).")
    String prompt;

    @Option(names = "--max-tokens", defaultValue = "500", description = "Maximum output tokens (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--temperature", description = "Sampling temperature 0..1 (default: not sent, the model's default).")
    Double temperature;

    /** picocli's list of --tier values for the help text. */
    static final class Tiers implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return TIERS.iterator();
        }
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new Nova2LiteConverseServiceTier()).setExecutionExceptionHandler(Utils::handleError).execute(args));
    }

    /** Sends one user message in the given service tier with the Converse API and returns Bedrock's answer. */
    static ConverseResponse converse(BedrockRuntimeClient client, String modelId, String tier, String prompt, int maxTokens, Double temperature) {
        // snippet-start:[bedrock.converse-service-tier-nova-2-lite]
        Message message = Message.builder().role(ConversationRole.USER).content(ContentBlock.fromText(prompt)).build();
        return client.converse(r -> r.modelId(modelId)
                .messages(message)
                .serviceTier(t -> t.type(tier)) // priority | default | flex
                .inferenceConfig(c -> c.maxTokens(maxTokens).temperature(temperature == null ? null : temperature.floatValue())));
        // snippet-end:[bedrock.converse-service-tier-nova-2-lite]
    }

    @Override
    public Integer call() {
        validate();
        System.out.println("🚀 Calling " + modelId + " with the Converse API in " + region + ", service tier " + tier);
        // The lightest SDK HTTP client; a long read timeout because the flex tier may queue a request.
        try (BedrockRuntimeClient client = BedrockRuntimeClient.builder()
                .region(Region.of(region))
                .httpClientBuilder(UrlConnectionHttpClient.builder().socketTimeout(Duration.ofMinutes(5)))
                .build()) {
            ConverseResponse response;
            try {
                response = converse(client, modelId, tier, prompt, maxTokens, temperature);
            } catch (ValidationException e) {
                // Bedrock answers a tier that this model or Region does not offer with a ValidationException
                // about the tier; any other (e.g. an unknown model ID) is reported as it is.
                String msg = e.awsErrorDetails() == null ? e.getMessage() : e.awsErrorDetails().errorMessage();
                if (tier.equals("default") || msg == null || !msg.toLowerCase(Locale.ROOT).contains("tier")) throw e;
                throw new IllegalStateException("Bedrock refused the request in the " + tier + " tier (" + msg + ") — try --tier default, "
                        + "or a model that AWS lists for the " + tier + " tier: " + TIERS_PAGE);
            }
            System.out.println("💬 Response:");
            for (ContentBlock block : response.output().message().content()) {
                if (block.text() != null) System.out.println(block.text());
            }
            System.out.println("🛑 Stop reason: " + response.stopReasonAsString());
            String served = response.serviceTier() == null ? "not reported" : response.serviceTier().typeAsString();
            System.out.println("🏷️ Service tier that served the request: " + served);
            System.out.println("⏱️ Latency: " + (response.metrics() == null ? "not reported" : response.metrics().latencyMs() + " ms")
                    + " (metrics.latencyMs)");
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
        if (!TIERS.contains(tier)) {
            throw new ParameterException(spec.commandLine(), "--tier must be one of " + String.join(", ", TIERS) + " (got " + tier + ")"
                    + (tier.equals("reserved") ? "; the reserved tier needs capacity reserved through your AWS account team" : ""));
        }
        if (prompt == null || prompt.isBlank()) throw new ParameterException(spec.commandLine(), "--prompt must not be blank");
        if (maxTokens < 1 || maxTokens > MODEL_MAX_OUTPUT_TOKENS) {
            throw new ParameterException(spec.commandLine(), "--max-tokens must be between 1 and " + MODEL_MAX_OUTPUT_TOKENS + " for this model");
        }
        if (temperature != null && !(temperature >= 0 && temperature <= 1)) {
            throw new ParameterException(spec.commandLine(), "--temperature must be between 0 and 1");
        }
    }
}
