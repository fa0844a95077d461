///usr/bin/env jbang "$0" "$@" ; exit $?
//DESCRIPTION Claude Opus 4.6 adaptive thinking and effort via the Converse API, reasoning sent back in a second turn, on its global cross-Region inference profile
//JAVA 17+
//DEPS software.amazon.awssdk:bom:2.57.8@pom
//DEPS software.amazon.awssdk:bedrockruntime
//DEPS software.amazon.awssdk:url-connection-client
//DEPS info.picocli:picocli:4.7.7
//DEPS org.slf4j:slf4j-nop:2.0.17
//SOURCES ../Utils.java

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.core.document.Document;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ConversationRole;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseResponse;
import software.amazon.awssdk.services.bedrockruntime.model.Message;
import software.amazon.awssdk.services.bedrockruntime.model.ReasoningContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.TokenUsage;

/**
 * Claude Opus 4.6 reasoning through the Converse API on the global cross-Region inference
 * profile. Adaptive thinking is Claude's own request field, so it goes in
 * {@code additionalModelRequestFields} (built with the SDK's {@code Document}:
 * {@code {"thinking":{"type":"adaptive"}}}); the effort level is a Converse field,
 * {@code outputConfig.effort}. The reasoning arrives as a {@code reasoningContent} block and is
 * printed apart from the answer ({@code 🧠} lines).
 *
 * <p>Then a second turn: the history sends the first answer's assistant message back exactly as
 * it came, reasoning block and signature included — Claude checks the signature, and a changed or
 * dropped reasoning block in a conversation with thinking is refused. {@code --temperature} is
 * refused before sending: with thinking, Claude accepts only the default temperature.
 *
 * <p>Run: {@code jbang converse-thinking-opus-4-6 --effort medium} — without AWS:
 * {@code ./jbang offline converse-thinking-opus-4-6}
 *
 * <p>Left out: streaming the reasoning (ConverseStream sends it as {@code reasoningContent}
 * deltas, text then signature), tool use between thinking turns, manual thinking with a
 * {@code budget_tokens} (older models), and Opus 4.6's compaction beta (see
 * {@code invoke-opus-4-6-advanced}). With adaptive thinking Claude may answer a simple question
 * without thinking; the sample says so.
 */
@Command(name = "converse-thinking-opus-4-6", mixinStandardHelpOptions = true,
        description = {"Claude Opus 4.6 with adaptive thinking and effort via the Converse API on its global profile;",
                "a second turn sends the reasoning block back unchanged (with its signature)."})
public class ClaudeOpus46ConverseThinking implements Callable<Integer> {
    static final String MODEL_ID = "global.anthropic.claude-opus-4-6-v1";
    static final String PROMPT = "A service gets 3,000 requests a second at peak and 200 at night. Should it use provisioned "
            + "throughput or on-demand inference through a global profile? Think it through.";
    static final String FOLLOW_UP = "Now give your recommendation in one sentence.";
    /** Largest output the model allows (thinking included); --max-tokens above it is rejected before any request. */
    static final int MODEL_MAX_OUTPUT_TOKENS = 128_000;

    enum Effort { low, medium, high, max }

    @Spec
    CommandSpec spec;

    @Option(names = "--region", defaultValue = "${AWS_REGION:-ap-south-1}",
            description = "Source Region (default: AWS_REGION, else ap-south-1; now ${DEFAULT-VALUE}).")
    String region;

    @Option(names = "--model-id", defaultValue = MODEL_ID,
            description = "Inference profile ID or ARN (default: ${DEFAULT-VALUE}).")
    String modelId;

    @Option(names = "--prompt", defaultValue = PROMPT, description = "The first question (default: ${DEFAULT-VALUE}).")
    String prompt;

    @Option(names = "--follow-up", defaultValue = FOLLOW_UP, description = "The second-turn question (default: ${DEFAULT-VALUE}).")
    String followUp;

    @Option(names = "--max-tokens", defaultValue = "4096",
            description = "Maximum output tokens per turn, thinking included (1..128000, default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--effort", defaultValue = "high",
            description = "How much effort Claude spends: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Effort effort;

    @Option(names = "--temperature",
            description = "Refused: with thinking, Claude accepts only the default temperature (the option exists to say so before sending).")
    Double temperature;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ClaudeOpus46ConverseThinking()).setExecutionExceptionHandler(Utils::handleError).execute(args));
    }

    // snippet-start:[bedrock.converse-thinking-opus-4-6]
    /** One Converse call with adaptive thinking and the effort level. */
    static ConverseResponse converse(BedrockRuntimeClient client, String modelId, List<Message> messages, int maxTokens, String effort) {
        // Claude's own request field, passed through by Converse: {"thinking":{"type":"adaptive"}}
        Document thinking = Document.mapBuilder()
                .putDocument("thinking", Document.mapBuilder().putString("type", "adaptive").build())
                .build();
        return client.converse(r -> r.modelId(modelId)
                .messages(messages)
                .inferenceConfig(c -> c.maxTokens(maxTokens)) // no temperature: thinking takes only the default
                .additionalModelRequestFields(thinking)
                .outputConfig(o -> o.effort(effort)));
    }

    /**
     * The history for the second turn. The first answer's assistant message goes back unchanged:
     * its reasoning block keeps the text and the signature Claude checks.
     */
    static List<Message> secondTurn(String prompt, ConverseResponse first, String followUp) {
        return List.of(userMessage(prompt), first.output().message(), userMessage(followUp));
    }
    // snippet-end:[bedrock.converse-thinking-opus-4-6]

    static Message userMessage(String text) {
        return Message.builder().role(ConversationRole.USER).content(ContentBlock.fromText(text)).build();
    }

    @Override
    public Integer call() {
        validate();
        System.out.println("🚀 Calling " + modelId + " with the Converse API in " + region);
        System.out.println("⚙️ Thinking: adaptive (additionalModelRequestFields), effort: " + effort + " (outputConfig.effort)");
        // The lightest SDK HTTP client; a long read timeout because thinking can take minutes.
        try (BedrockRuntimeClient client = BedrockRuntimeClient.builder()
                .region(Region.of(region))
                .httpClientBuilder(UrlConnectionHttpClient.builder().socketTimeout(Duration.ofMinutes(5)))
                .build()) {
            System.out.println("🧑 Turn 1: " + prompt);
            ConverseResponse first = converse(client, modelId, List.of(userMessage(prompt)), maxTokens, effort.name());
            print(first, 1);

            System.out.println("🔁 Turn 2: the question, the turn-1 assistant message as it came (reasoning and signature), and: " + followUp);
            ConverseResponse second = converse(client, modelId, secondTurn(prompt, first, followUp), maxTokens, effort.name());
            print(second, 2);

            long in = Utils.orZero(first.usage().inputTokens()) + Utils.orZero(second.usage().inputTokens());
            long out = Utils.orZero(first.usage().outputTokens()) + Utils.orZero(second.usage().outputTokens());
            System.out.println("📊 Both turns:");
            Utils.printUsage(in, out, in + out,
                    Utils.orZero(first.usage().cacheReadInputTokens()) + Utils.orZero(second.usage().cacheReadInputTokens()),
                    Utils.orZero(first.usage().cacheWriteInputTokens()) + Utils.orZero(second.usage().cacheWriteInputTokens()));
        }
        System.out.println("✅ Completed successfully");
        return 0;
    }

    /** Reasoning (🧠 lines) apart from the answer, then the stop reason and the turn's tokens. */
    private static void print(ConverseResponse response, int turn) {
        boolean thought = false;
        StringBuilder answer = new StringBuilder();
        for (ContentBlock block : response.output().message().content()) {
            ReasoningContentBlock reasoning = block.reasoningContent();
            if (reasoning != null) {
                thought = true;
                if (reasoning.reasoningText() != null) {
                    String text = reasoning.reasoningText().text() == null ? "" : reasoning.reasoningText().text();
                    text.lines().forEach(line -> System.out.println("🧠 " + line));
                    String signature = reasoning.reasoningText().signature();
                    System.out.println("🔏 Signature: " + (signature == null ? "none" : signature.length() + " characters"));
                } else if (reasoning.redactedContent() != null) {
                    System.out.println("🧠 [redacted reasoning: " + reasoning.redactedContent().asByteArray().length
                            + " encrypted bytes, sent back as they are]");
                }
            } else if (block.text() != null) {
                if (answer.length() > 0) answer.append('\n');
                answer.append(block.text());
            }
        }
        if (!thought) System.out.println("🧠 (Claude answered turn " + turn + " without thinking)");
        System.out.println("💬 Response:");
        System.out.println(answer);
        System.out.println("🛑 Stop reason: " + response.stopReasonAsString());
        TokenUsage u = response.usage();
        System.out.println("🔢 Turn " + turn + ": input " + Utils.orZero(u.inputTokens()) + ", output " + Utils.orZero(u.outputTokens())
                + " tokens (output includes the thinking)");
    }

    private void validate() {
        if (region == null || region.isBlank()) throw new ParameterException(spec.commandLine(), "--region must not be blank");
        Utils.checkModelId(spec, modelId);
        if (temperature != null) {
            throw new ParameterException(spec.commandLine(), "--temperature cannot be used with thinking: Claude accepts only the "
                    + "default temperature while it thinks — leave --temperature out");
        }
        if (prompt == null || prompt.isBlank()) throw new ParameterException(spec.commandLine(), "--prompt must not be blank");
        if (followUp == null || followUp.isBlank()) throw new ParameterException(spec.commandLine(), "--follow-up must not be blank");
        if (maxTokens < 1 || maxTokens > MODEL_MAX_OUTPUT_TOKENS) {
            throw new ParameterException(spec.commandLine(), "--max-tokens must be between 1 and " + MODEL_MAX_OUTPUT_TOKENS + " for this model");
        }
    }
}
