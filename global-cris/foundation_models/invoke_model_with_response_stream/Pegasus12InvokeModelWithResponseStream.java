///usr/bin/env jbang "$0" "$@" ; exit $?
//DESCRIPTION TwelveLabs Pegasus 1.2 video understanding, streamed via InvokeModelWithResponseStream on global.twelvelabs.pegasus-1-2-v1:0 (video in S3)
//JAVA 17+
//DEPS software.amazon.awssdk:bom:2.57.8@pom
//DEPS software.amazon.awssdk:bedrockruntime
//DEPS software.amazon.awssdk:s3
//DEPS software.amazon.awssdk:sts
//DEPS software.amazon.awssdk:url-connection-client
//DEPS software.amazon.awssdk:netty-nio-client
//DEPS info.picocli:picocli:4.7.7
//DEPS com.fasterxml.jackson.core:jackson-databind:2.21.3
//DEPS io.github.cdimascio:dotenv-java:3.2.0
//DEPS org.slf4j:slf4j-nop:2.0.17
// Netty 4.1 calls sun.misc.Unsafe, which JDK 24+ warns about on stderr; it works as well without it.
//RUNTIME_OPTIONS -Dio.netty.noUnsafe=true
//SOURCES ../Utils.java
//SOURCES ../PegasusVideoSetup.java

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.SdkEventLoopGroup;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;
import software.amazon.awssdk.services.bedrockruntime.model.InvokeModelWithResponseStreamResponseHandler;

/**
 * Video understanding with TwelveLabs Pegasus 1.2 through global cross-Region inference, streamed
 * (InvokeModelWithResponseStream; Pegasus has no Converse API). Pegasus reads the video from S3, so
 * the sample first makes sure that the bucket exists, that its policy lets Bedrock read objects
 * (added once, never duplicated) and that the video is there (reused when present, else uploaded);
 * then it asks Pegasus about the video and prints the answer as it streams, and deletes the video it
 * uploaded unless {@code --keep-video}. The S3/STS set-up is shared with the InvokeModel sample in
 * {@code ../PegasusVideoSetup.java}.
 *
 * <p>Run: {@code jbang invoke-stream-pegasus --bucket my-bucket} (no AWS account:
 * {@code ./jbang offline invoke-stream-pegasus --bucket demo-bucket --video tests/fixtures/sample-video.mp4}).
 * Bucket and Region can also come from the environment or a {@code .env} file ({@code S3_BUCKET_NAME},
 * {@code AWS_REGION}; see {@code .env.example}).
 *
 * <p>Differences from the Python original ({@code simple_pegasus_invoke_model_stream_example.py}): the video
 * can be a local file ({@code --video}) and the object key is derived from its name ({@code --key});
 * the bucket is created when missing; the existing-policy check looks for an actual Bedrock read grant
 * (not only the Sid); without a console a missing bucket fails before any request (exit 2) instead
 * of waiting on {@code input()}; the Region from {@code .env} is passed to every client explicitly
 * (the SDK does not read {@code .env}); the final chunk's stop reason is read from {@code stopReason} or
 * {@code finishReason} (the original only probes {@code finishReason}) and a stream without it is a
 * failure; token usage and latency come from {@code amazon-bedrock-invocationMetrics}; an uploaded video
 * is deleted after use, also on Ctrl-C or SIGTERM (exit 130 / 143); errors exit non-zero.
 */
@Command(name = "invoke-stream-pegasus", mixinStandardHelpOptions = true,
        description = "Asks TwelveLabs Pegasus 1.2 about a video stored in S3 (uploaded when missing), streamed via InvokeModelWithResponseStream.")
public class Pegasus12InvokeModelWithResponseStream implements Callable<Integer> {

    static final String MODEL_ID = PegasusVideoSetup.MODEL_ID;

    @Spec CommandSpec spec;

    /** --region, --bucket, --video, --key, --keep-video, --model-id, --prompt, --max-tokens, --temperature. */
    @Mixin PegasusVideoSetup.Options opts;

    @Option(names = "--timeout", defaultValue = "300", description = "Seconds to wait for the whole stream (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    public static void main(String[] args) {
        System.exit(new CommandLine(new Pegasus12InvokeModelWithResponseStream()).setExecutionExceptionHandler(Utils::handleError).execute(args));
    }

    /** Collects what the summary needs from the Pegasus chunks while printing their text. */
    static final class StreamPrinter {
        String stopReason;
        JsonNode metrics;
        boolean endsWithNewline = true;

        void onChunk(JsonNode chunk) {
            String text = chunk.path("message").asText("");
            if (!text.isEmpty()) {
                System.out.print(text);
                System.out.flush();
                endsWithNewline = text.endsWith("\n");
            }
            // The final chunk carries a non-empty stop reason (spelled stopReason or finishReason).
            String reason = chunk.path("stopReason").asText(chunk.path("finishReason").asText(""));
            if (!reason.isEmpty()) stopReason = reason;
            if (chunk.has("amazon-bedrock-invocationMetrics")) metrics = chunk.path("amazon-bedrock-invocationMetrics");
        }
    }

    // snippet-start:[bedrock.invoke-stream-pegasus]
    /** Asks Pegasus about the video with InvokeModelWithResponseStream, handing every decoded chunk to the printer. */
    static CompletableFuture<Void> invokePegasusStream(BedrockRuntimeAsyncClient client, String modelId, ObjectNode body,
                                                       StreamPrinter printer) {
        var handler = InvokeModelWithResponseStreamResponseHandler.builder()
                .subscriber(InvokeModelWithResponseStreamResponseHandler.Visitor.builder()
                        .onChunk(part -> {
                            try {
                                printer.onChunk(PegasusVideoSetup.JSON.readTree(part.bytes().asByteArray()));
                            } catch (IOException e) {
                                throw new UncheckedIOException("unreadable stream chunk", e);
                            }
                        })
                        .build())
                .build();
        return client.invokeModelWithResponseStream(r -> r.modelId(modelId)
                .contentType("application/json")
                .accept("application/json")
                .body(SdkBytes.fromUtf8String(body.toString())), handler);
    }
    // snippet-end:[bedrock.invoke-stream-pegasus]

    @Override
    public Integer call() throws Exception {
        if (timeoutSeconds < 1) throw new ParameterException(spec.commandLine(), "--timeout must be at least 1 second");
        opts.validate();

        // Our own event loops, shut down without Netty's 2-second quiet period when the answer is complete.
        SdkEventLoopGroup eventLoops = SdkEventLoopGroup.builder().build();
        Region awsRegion = Region.of(opts.sourceRegion);
        try (PegasusVideoSetup.Session video = new PegasusVideoSetup.Session(opts, awsRegion);
             // Netty is the SDK's async HTTP client (streams need it); long read timeout for slow analyses.
             BedrockRuntimeAsyncClient bedrock = BedrockRuntimeAsyncClient.builder().region(awsRegion)
                     .httpClientBuilder(NettyNioAsyncHttpClient.builder().eventLoopGroup(eventLoops).readTimeout(Duration.ofMinutes(5))).build()) {
            System.out.println("🚀 Calling " + opts.modelId + " with the InvokeModelWithResponseStream API in " + opts.sourceRegion);
            video.prepare();   // account (STS), bucket, Bedrock read policy, video upload

            System.out.println("💬 Response:");
            StreamPrinter printer = new StreamPrinter();
            invokePegasusStream(bedrock, opts.modelId, video.requestBody(), printer).get(timeoutSeconds, TimeUnit.SECONDS);
            if (!printer.endsWithNewline) System.out.println();
            if (printer.stopReason == null) throw new Utils.IncompleteStreamException("the final chunk with a stop reason");
            System.out.println("🛑 Stop reason: " + printer.stopReason);
            JsonNode m = printer.metrics;
            if (m != null && m.has("inputTokenCount") && m.has("outputTokenCount")) {
                long i = m.path("inputTokenCount").asLong(), o = m.path("outputTokenCount").asLong();
                Utils.printUsage(i, o, i + o, m.path("cacheReadInputTokenCount").asLong(), m.path("cacheWriteInputTokenCount").asLong());
            }
            if (m != null && m.has("invocationLatency")) System.out.println("⏱️ Invocation latency: " + m.path("invocationLatency").asLong() + " ms");
            if (m != null && m.has("firstByteLatency")) System.out.println("⏱️ First byte latency: " + m.path("firstByteLatency").asLong() + " ms");
            video.cleanUp();   // deletes the video this run uploaded, unless --keep-video
            System.out.println("✅ Completed successfully");
            return 0;
        } finally {
            eventLoops.eventLoopGroup().shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }
}
