///usr/bin/env jbang "$0" "$@" ; exit $?
//DESCRIPTION Multi-turn chat with Claude Haiku 4.5 (system prompt, history, streamed answers) via ConverseStream on its global cross-Region inference profile
//JAVA 17+
//DEPS software.amazon.awssdk:bom:2.57.8@pom
//DEPS software.amazon.awssdk:bedrockruntime
//DEPS software.amazon.awssdk:netty-nio-client
//DEPS info.picocli:picocli:4.7.7
//DEPS org.slf4j:slf4j-nop:2.0.17
// Netty 4.1 calls sun.misc.Unsafe, which JDK 24+ warns about on stderr; it works as well without it.
//RUNTIME_OPTIONS -Dio.netty.noUnsafe=true
//SOURCES ../Utils.java

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.SdkEventLoopGroup;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ConversationRole;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamResponseHandler;
import software.amazon.awssdk.services.bedrockruntime.model.Message;
import software.amazon.awssdk.services.bedrockruntime.model.SystemContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.TokenUsage;

/**
 * A multi-turn chat with Claude Haiku 4.5 through ConverseStream on the global cross-Region
 * inference profile: a system prompt ({@code --system}), the whole history sent with every turn
 * (Converse keeps no state: turn n sends 2n-1 messages), each answer streamed as it arrives, and
 * the token usage per turn and for the conversation.
 *
 * <p>Three ways to feed it: on a terminal, an interactive loop ({@code /reset} clears the history,
 * {@code /exit} or Ctrl-D ends it); one message per stdin line, where {@code /reset} and {@code /exit}
 * work too ({@code printf 'hi\nand then?\n' | jbang chat-haiku}); or repeated {@code --message}. With none of
 * them (no terminal, no {@code --message}, nothing on stdin) it sends a two-message demo
 * conversation, so that {@code ./jbang offline chat-haiku} shows the history at work.
 *
 * <p>Run: {@code jbang chat-haiku --system "Answer like a pirate"} (interactive on a terminal) — without
 * AWS: {@code printf 'hi\nand then?\n' | ./jbang offline chat-haiku}
 *
 * <p>Left out: trimming a history that outgrows the context window (every turn costs the whole
 * history in input tokens — see the usage lines), prompt caching of that history, tools, and
 * saving a conversation between runs.
 */
@Command(name = "chat-haiku", mixinStandardHelpOptions = true,
        description = {"Multi-turn chat with Claude Haiku 4.5 (system prompt, history, streamed answers) via ConverseStream on its global profile.",
                "Input: a terminal (interactive: /reset, /exit, Ctrl-D), else one message per stdin line (/reset and /exit work there too), or repeated --message; "
                        + "with none of them, a two-message demo."})
public class ClaudeHaiku45Chat implements Callable<Integer> {
    static final String MODEL_ID = "global.anthropic.claude-haiku-4-5-20251001-v1:0";
    static final String SYSTEM = "You are a concise assistant for engineers who run Amazon Bedrock. Answer in at most three sentences.";
    /** Sent when there is no other input (no terminal, no --message, nothing on stdin). */
    static final List<String> DEMO = List.of(
            "What does a global cross-Region inference profile do?",
            "And what must my IAM policy allow for it?");
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

    @Option(names = "--system", defaultValue = SYSTEM, description = "The system prompt (default: ${DEFAULT-VALUE}).")
    String system;

    @Option(names = "--message", paramLabel = "TEXT",
            description = "A user message; repeat for several turns (then stdin and the terminal are not read).")
    List<String> messages = new ArrayList<>();

    @Option(names = "--max-tokens", defaultValue = "500", description = "Maximum output tokens per answer (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--temperature", description = "Sampling temperature 0..1 (default: not sent, the model's default).")
    Double temperature;

    @Option(names = "--timeout", defaultValue = "300", description = "Seconds to wait for each whole answer (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    /** One streamed answer: its text, stop reason and token usage. */
    record Turn(String text, String stopReason, TokenUsage usage) {}

    public static void main(String[] args) {
        System.exit(new CommandLine(new ClaudeHaiku45Chat()).setExecutionExceptionHandler(Utils::handleError).execute(args));
    }

    /**
     * Streams the answer to the whole {@code history} (ending with the new user message), handing each
     * text delta to {@code onText}, and returns it once the stream is complete. The caller appends
     * the answer to the history.
     */
    static Turn streamTurn(BedrockRuntimeAsyncClient client, String modelId, String system, List<Message> history,
                           int maxTokens, Double temperature, long timeoutSeconds, Consumer<String> onText) throws Exception {
        StringBuilder text = new StringBuilder();
        AtomicReference<String> stopReason = new AtomicReference<>();
        AtomicReference<TokenUsage> usage = new AtomicReference<>();
        // snippet-start:[bedrock.chat-haiku]
        ConverseStreamResponseHandler handler = ConverseStreamResponseHandler.builder()
                .subscriber(ConverseStreamResponseHandler.Visitor.builder()
                        .onContentBlockDelta(event -> {
                            String delta = event.delta().text(); // null for reasoning and tool-use deltas
                            if (delta != null) {
                                text.append(delta);
                                onText.accept(delta);
                            }
                        })
                        .onMessageStop(event -> stopReason.set(event.stopReasonAsString()))
                        .onMetadata(event -> usage.set(event.usage()))
                        .build())
                .build();
        // The system prompt and the whole history go with every turn: Converse keeps no state.
        client.converseStream(r -> r.modelId(modelId)
                        .system(SystemContentBlock.fromText(system))
                        .messages(history)
                        .inferenceConfig(c -> c.maxTokens(maxTokens).temperature(temperature == null ? null : temperature.floatValue())),
                handler).get(timeoutSeconds, TimeUnit.SECONDS);
        // snippet-end:[bedrock.chat-haiku]
        if (stopReason.get() == null) throw new Utils.IncompleteStreamException("messageStop");
        return new Turn(text.toString(), stopReason.get(), usage.get());
    }

    /** The conversation so far and its token totals. */
    static final class Chat {
        final List<Message> history = new ArrayList<>();
        long in, out, cacheRead, cacheWrite;
        int turns;
    }

    @Override
    public Integer call() throws Exception {
        validate();
        Console console = System.console();
        boolean interactive = messages.isEmpty() && console != null;
        System.out.println("🚀 Calling " + modelId + " with the ConverseStream API in " + region);
        System.out.println("🧭 System prompt: " + system);
        Chat chat = new Chat();
        boolean allOk = true;
        // Netty is the SDK's async HTTP client; a long read timeout because answers can pause.
        // Our own event loops, shut down without Netty's 2-second quiet period at the end.
        SdkEventLoopGroup eventLoops = SdkEventLoopGroup.builder().build();
        try (BedrockRuntimeAsyncClient client = BedrockRuntimeAsyncClient.builder()
                .region(Region.of(region))
                .httpClientBuilder(NettyNioAsyncHttpClient.builder().eventLoopGroup(eventLoops).readTimeout(Duration.ofMinutes(5)))
                .build()) {
            if (interactive) {
                allOk = interactive(console, client, chat);
            } else {
                // --message values, else one message per stdin line (read as they come), else the demo;
                // here a failed turn ends the run: exit 1 with one line
                // (a strict decoder: binary input, e.g. from a closed stdin, fails instead of becoming messages)
                BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8.newDecoder()));
                String line = messages.isEmpty() ? nextLine(in) : null;
                if (!messages.isEmpty()) {
                    for (String m : messages) say(client, chat, m);
                } else if (line == null) {
                    System.out.println("ℹ️ No terminal, no --message and nothing on stdin: sending a two-message demo conversation.");
                    for (String m : DEMO) say(client, chat, m);
                } else {
                    // the terminal's commands work on stdin too: a piped "/exit" is not sent to the model
                    for (; line != null && !line.equals("/exit"); line = nextLine(in)) {
                        if (line.equals("/reset")) {
                            chat.history.clear();
                            System.out.println("🔄 History cleared: the next message starts a new conversation (same system prompt).");
                        } else {
                            say(client, chat, line);
                        }
                    }
                }
            }
        } finally {
            eventLoops.eventLoopGroup().shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
        System.out.println("📊 Conversation: " + chat.turns + " turn(s), " + chat.history.size() + " message(s) in the history");
        Utils.printUsage(chat.in, chat.out, chat.in + chat.out, chat.cacheRead, chat.cacheWrite);
        if (!allOk) return 1;
        System.out.println("✅ Completed successfully");
        return 0;
    }

    private void say(BedrockRuntimeAsyncClient client, Chat chat, String userText) throws Exception {
        System.out.println("🧑 You: " + userText);
        turn(client, chat, userText);
    }

    /** Sends one user message with the history, prints the streamed answer and keeps both in the history. */
    private void turn(BedrockRuntimeAsyncClient client, Chat chat, String userText) throws Exception {
        chat.history.add(Message.builder().role(ConversationRole.USER).content(ContentBlock.fromText(userText)).build());
        System.out.println("💬 Response:");
        Turn t;
        try {
            t = streamTurn(client, modelId, system, chat.history, maxTokens, temperature, timeoutSeconds, delta -> {
                System.out.print(delta);
                System.out.flush();
            });
        } catch (Exception e) {
            chat.history.remove(chat.history.size() - 1); // the history stays user/assistant alternating
            throw e;
        } finally {
            System.out.println();
        }
        if (t.text().isBlank()) { // a blank text block would make Bedrock refuse the next turn
            chat.history.remove(chat.history.size() - 1);
            throw new IllegalStateException("the answer had no text (stop reason " + t.stopReason()
                    + "), so this turn is not kept in the history — raise --max-tokens or rephrase the message");
        }
        chat.history.add(Message.builder().role(ConversationRole.ASSISTANT).content(ContentBlock.fromText(t.text())).build());
        chat.turns++;
        System.out.println("🛑 Stop reason: " + t.stopReason());
        TokenUsage u = t.usage();
        long in = u == null ? 0 : Utils.orZero(u.inputTokens());
        long out = u == null ? 0 : Utils.orZero(u.outputTokens());
        chat.in += in;
        chat.out += out;
        if (u != null) {
            chat.cacheRead += Utils.orZero(u.cacheReadInputTokens());
            chat.cacheWrite += Utils.orZero(u.cacheWriteInputTokens());
        }
        int sent = chat.history.size() - 1; // the whole history up to this turn's user message
        System.out.println("🔢 Turn " + chat.turns + " (sent " + sent + (sent == 1 ? " message" : " messages") + "): input " + in + ", output " + out + " tokens");
    }

    /**
     * The terminal loop. A failed turn is reported in one line and the chat goes on (the message can
     * be sent again); the exit code is then 1.
     */
    private boolean interactive(Console console, BedrockRuntimeAsyncClient client, Chat chat) {
        System.out.println("⌨️  Type a message; /reset clears the history, /exit or Ctrl-D ends the chat.");
        boolean allOk = true;
        while (true) {
            String line = console.readLine("🧑 You: ");
            if (line == null) { // Ctrl-D
                System.out.println();
                break;
            }
            line = line.strip();
            if (line.isEmpty()) continue;
            if (line.equals("/exit")) break;
            if (line.equals("/reset")) {
                chat.history.clear();
                System.out.println("🔄 History cleared: the next message starts a new conversation (same system prompt).");
                continue;
            }
            try {
                turn(client, chat, line);
            } catch (Exception e) {
                allOk = false;
                System.out.flush();
                System.err.println("❌ " + Utils.explain(e));
            }
        }
        return allOk;
    }

    /** The next non-blank stdin line, stripped, or null at the end of the input. */
    private static String nextLine(BufferedReader in) throws IOException {
        try {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.indexOf('\0') >= 0) throw new CharacterCodingException();
                if (!line.isBlank()) return line.strip();
            }
            return null;
        } catch (CharacterCodingException e) {
            throw new IOException("stdin is not UTF-8 text — pipe one message per line, or run chat-haiku in a terminal");
        }
    }

    private void validate() {
        if (region == null || region.isBlank()) throw new ParameterException(spec.commandLine(), "--region must not be blank");
        Utils.checkModelId(spec, modelId);
        if (system == null || system.isBlank()) throw new ParameterException(spec.commandLine(), "--system must not be blank");
        for (String m : messages) {
            if (m == null || m.isBlank()) throw new ParameterException(spec.commandLine(), "--message must not be blank");
        }
        if (maxTokens < 1 || maxTokens > MODEL_MAX_OUTPUT_TOKENS) {
            throw new ParameterException(spec.commandLine(), "--max-tokens must be between 1 and " + MODEL_MAX_OUTPUT_TOKENS + " for this model");
        }
        if (temperature != null && !(temperature >= 0 && temperature <= 1)) {
            throw new ParameterException(spec.commandLine(), "--temperature must be between 0 and 1");
        }
        if (timeoutSeconds < 1) throw new ParameterException(spec.commandLine(), "--timeout must be at least 1 second");
    }
}
