///usr/bin/env jbang "$0" "$@" ; exit $?
//DESCRIPTION Claude Sonnet 4.6 prompt caching (a long system prompt and a cachePoint) with the Converse API on its global cross-Region inference profile
//JAVA 17+
//DEPS software.amazon.awssdk:bom:2.57.8@pom
//DEPS software.amazon.awssdk:bedrockruntime
//DEPS software.amazon.awssdk:url-connection-client
//DEPS info.picocli:picocli:4.7.7
//DEPS org.slf4j:slf4j-nop:2.0.17
//SOURCES ../Utils.java
//FILES global-cris-operations-handbook.txt

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
import software.amazon.awssdk.services.bedrockruntime.model.CachePointType;
import software.amazon.awssdk.services.bedrockruntime.model.CacheTTL;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ConversationRole;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseResponse;
import software.amazon.awssdk.services.bedrockruntime.model.Message;
import software.amazon.awssdk.services.bedrockruntime.model.SystemContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.TokenUsage;

/**
 * Prompt caching with Claude Sonnet 4.6 through the Converse API on the global cross-Region
 * inference profile. The request's system prompt is a long text (an operations handbook for global
 * cross-Region inference, shipped beside the sample as {@code global-cris-operations-handbook.txt},
 * about 23 KB, and embedded in the script's jar by JBang's {@code //FILES}) followed by a
 * {@code cachePoint} block, so everything before it is the cacheable prefix. Two questions are asked
 * with the same prefix: the first call writes it to the cache ({@code cacheWriteInputTokens}), the
 * second reads it ({@code cacheReadInputTokens}), and the sample prints how many input tokens the
 * second call did not have to process again.
 *
 * <p>Run: {@code jbang converse-cache-sonnet-4-6} — without AWS: {@code ./jbang offline converse-cache-sonnet-4-6}
 *
 * <p>A prefix is cached only when it reaches the model's minimum length, and the minimums differ:
 * 4,096 tokens for Claude Haiku 4.5, Opus 4.5 and Opus 4.6, less for the Sonnet models (check the
 * prompt-caching page of the Bedrock user guide for the model you call). Below it, Bedrock answers
 * normally and caches nothing, without an error; the only sign is that neither cache counter appears
 * in the usage. The sample warns in that case ({@code --system-file} with a short file shows it). The
 * shipped handbook is long enough (over 4,096 tokens) to cache on every current Claude model.
 * {@code --ttl 1h} asks for the one-hour cache lifetime instead of the default five minutes.
 *
 * <p>What it leaves out: cache points in messages and tool definitions (a request may carry up to four),
 * the per-TTL breakdown in {@code usage.cacheDetails}, pricing (cache writes may cost more than plain
 * input tokens and reads much less: see the Bedrock pricing page), and Nova models, which cache on their own.
 */
@Command(name = "converse-cache-sonnet-4-6", mixinStandardHelpOptions = true,
        description = "Caches a long system prompt (cachePoint) and reuses it in a second call with Claude Sonnet 4.6 and the Converse API through its global cross-Region inference profile.")
public class ClaudeSonnet46ConverseCache implements Callable<Integer> {
    static final String MODEL_ID = "global.anthropic.claude-sonnet-4-6";
    static final String SYSTEM_RESOURCE = "/global-cris-operations-handbook.txt";
    static final String QUESTION_1 = "A team sees ThrottlingException on a global profile although its dashboard shows little token use. What should it check first?";
    static final String QUESTION_2 = "Why would access be denied only when calling a global profile, and not a geographic one?";
    /** The largest minimum cacheable prefix among current Claude models (Haiku 4.5, Opus 4.5, Opus 4.6). */
    static final int LARGEST_MINIMUM = 4_096;
    /** Largest output the model allows; --max-tokens above it is rejected before any request. */
    static final int MODEL_MAX_OUTPUT_TOKENS = 64_000;

    @Spec
    CommandSpec spec;

    @Option(names = "--region", defaultValue = "${AWS_REGION:-ap-south-1}",
            description = "Source Region (default: AWS_REGION, else ap-south-1; now ${DEFAULT-VALUE}).")
    String region;

    @Option(names = "--model-id", defaultValue = MODEL_ID,
            description = "Inference profile ID or ARN (default: ${DEFAULT-VALUE}).")
    String modelId;

    @Option(names = "--prompt", defaultValue = QUESTION_1, description = "The first question (default: ${DEFAULT-VALUE}).")
    String prompt;

    @Option(names = "--follow-up", defaultValue = QUESTION_2, description = "The second question, asked with the same cached system prompt (default: ${DEFAULT-VALUE}).")
    String followUp;

    @Option(names = "--max-tokens", defaultValue = "400", description = "Maximum output tokens per call (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--ttl", defaultValue = "5m", description = "Cache lifetime: 5m or 1h (default: ${DEFAULT-VALUE}).")
    String ttl;

    @Option(names = "--system-file", description = "A text file to use as the system prompt instead of the shipped handbook (UTF-8).")
    Path systemFile;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ClaudeSonnet46ConverseCache()).setExecutionExceptionHandler(Utils::handleError).execute(args));
    }

    /** Asks one question after the system prompt, with a cache point at the end of the system prompt. */
    static ConverseResponse ask(BedrockRuntimeClient client, String modelId, String systemPrompt, CacheTTL ttl, String question, int maxTokens) {
        // snippet-start:[bedrock.converse-cache-sonnet-4-6]
        List<SystemContentBlock> system = List.of(
                SystemContentBlock.fromText(systemPrompt),
                // everything before this block is the cacheable prefix
                SystemContentBlock.fromCachePoint(c -> c.type(CachePointType.DEFAULT).ttl(ttl)));
        Message message = Message.builder().role(ConversationRole.USER).content(ContentBlock.fromText(question)).build();
        return client.converse(r -> r.modelId(modelId)
                .system(system)
                .messages(message)
                .inferenceConfig(c -> c.maxTokens(maxTokens)));
        // snippet-end:[bedrock.converse-cache-sonnet-4-6]
    }

    /** The shipped handbook: a class-path resource, because JBang's //FILES put it into the script's jar. */
    static String shippedSystemPrompt() throws IOException {
        try (InputStream in = ClaudeSonnet46ConverseCache.class.getResourceAsStream(SYSTEM_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the shipped system prompt " + SYSTEM_RESOURCE.substring(1)
                        + " is not on the class path — run the sample with JBang, or pass --system-file");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Override
    public Integer call() throws IOException {
        String systemPrompt = validate();
        // A rough estimate (about 4 characters per token for English); the usage numbers are the real count.
        long estimate = (systemPrompt.length() + 3) / 4;
        CacheTTL cacheTtl = CacheTTL.fromValue(ttl);
        System.out.println("🚀 Calling " + modelId + " with the Converse API in " + region + " (system prompt of "
                + systemPrompt.length() + " characters, about " + estimate + " tokens, then a cache point with ttl " + ttl + ")");
        // The lightest SDK HTTP client; a long read timeout because a model can take minutes.
        try (BedrockRuntimeClient client = BedrockRuntimeClient.builder()
                .region(Region.of(region))
                .httpClientBuilder(UrlConnectionHttpClient.builder().socketTimeout(Duration.ofMinutes(5)))
                .build()) {
            TokenUsage first = askAndPrint(client, 1, systemPrompt, cacheTtl, prompt);
            long written = Utils.orZero(first.cacheWriteInputTokens());
            long readFirst = Utils.orZero(first.cacheReadInputTokens());
            if (written == 0 && readFirst == 0) {
                System.out.println(estimate < LARGEST_MINIMUM
                        ? "⚠️ Nothing was cached: the prefix before the cache point (about " + estimate + " tokens) is probably below"
                                + " this model's minimum (minimums differ per model, up to " + LARGEST_MINIMUM + " tokens on current Claude"
                                + " models) — use a longer system prompt (--system-file) to benefit from caching"
                        : "⚠️ Nothing was cached although the prefix is about " + estimate + " tokens — check that this model"
                                + " supports prompt caching in your Region");
            } else if (written > 0) {
                System.out.println("💾 Call 1 wrote " + written + " tokens to the cache (ttl " + ttl + ")");
            } else {
                System.out.println("💾 Call 1 already found the prefix in the cache (" + readFirst + " tokens, from an earlier run within the ttl)");
            }

            TokenUsage second = askAndPrint(client, 2, systemPrompt, cacheTtl, followUp);
            long read = Utils.orZero(second.cacheReadInputTokens());
            if (read > 0) {
                long fresh = Utils.orZero(second.inputTokens());
                System.out.println("📖 Call 2 read " + read + " tokens from the cache: " + read + " input tokens saved"
                        + " (processed anew: " + fresh + " of " + (fresh + read) + " prompt tokens)");
            } else if (written > 0 || readFirst > 0) {
                System.out.println("⚠️ Call 2 read nothing from the cache although call 1 used it — the prefix changed or the"
                        + " cache entry expired; a cache hit is likely but not guaranteed");
            }
        }
        System.out.println("✅ Completed successfully");
        return 0;
    }

    private TokenUsage askAndPrint(BedrockRuntimeClient client, int call, String systemPrompt, CacheTTL cacheTtl, String question) {
        System.out.println("❓ Call " + call + ": " + question);
        ConverseResponse response = ask(client, modelId, systemPrompt, cacheTtl, question, maxTokens);
        System.out.println("💬 Response:");
        for (ContentBlock block : response.output().message().content()) {
            if (block.text() != null) System.out.println(block.text());
        }
        System.out.println("🛑 Stop reason: " + response.stopReasonAsString());
        TokenUsage usage = response.usage();
        Utils.printUsage(Utils.orZero(usage.inputTokens()), Utils.orZero(usage.outputTokens()), Utils.orZero(usage.totalTokens()),
                Utils.orZero(usage.cacheReadInputTokens()), Utils.orZero(usage.cacheWriteInputTokens()));
        return usage;
    }

    /** Checks the options before any request; returns the system prompt (the --system-file, else the shipped handbook). */
    private String validate() throws IOException {
        if (region == null || region.isBlank()) throw new ParameterException(spec.commandLine(), "--region must not be blank");
        Utils.checkModelId(spec, modelId);
        if (prompt == null || prompt.isBlank()) throw new ParameterException(spec.commandLine(), "--prompt must not be blank");
        if (followUp == null || followUp.isBlank()) throw new ParameterException(spec.commandLine(), "--follow-up must not be blank");
        if (maxTokens < 1 || maxTokens > MODEL_MAX_OUTPUT_TOKENS) {
            throw new ParameterException(spec.commandLine(), "--max-tokens must be between 1 and " + MODEL_MAX_OUTPUT_TOKENS + " for this model");
        }
        if (!ttl.equals("5m") && !ttl.equals("1h")) throw new ParameterException(spec.commandLine(), "--ttl must be 5m or 1h");
        if (systemFile == null) return shippedSystemPrompt();
        if (Files.isDirectory(systemFile)) throw new ParameterException(spec.commandLine(), "--system-file " + systemFile + ": is a directory, not a file");
        if (!Files.isRegularFile(systemFile)) throw new ParameterException(spec.commandLine(), "--system-file " + systemFile + ": no such file");
        String text;
        try {
            text = Files.readString(systemFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ParameterException(spec.commandLine(), "--system-file " + systemFile + " cannot be read as UTF-8 text (" + e.getClass().getSimpleName() + ")");
        }
        if (text.isBlank()) throw new ParameterException(spec.commandLine(), "--system-file " + systemFile + " is empty");
        return text;
    }
}
