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
//SOURCES ../Utils.java

import java.io.Console;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLConnection;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.github.cdimascio.dotenv.Dotenv;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.SdkEventLoopGroup;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;
import software.amazon.awssdk.services.bedrockruntime.model.InvokeModelWithResponseStreamResponseHandler;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * Video understanding with TwelveLabs Pegasus 1.2 through global cross-Region inference, streamed
 * (InvokeModelWithResponseStream; Pegasus has no Converse API). Pegasus reads the video from S3, so
 * the sample first makes sure that the bucket exists, that its policy lets Bedrock read objects
 * (added once, never duplicated) and that the video is there (reused when present, else uploaded);
 * then it asks Pegasus about the video and prints the answer as it streams.
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
 * failure; token usage and latency come from {@code amazon-bedrock-invocationMetrics}; errors exit non-zero.
 */
@Command(name = "invoke-stream-pegasus", mixinStandardHelpOptions = true,
        description = "Asks TwelveLabs Pegasus 1.2 about a video stored in S3 (uploaded when missing), streamed via InvokeModelWithResponseStream.")
public class Pegasus12InvokeModelWithResponseStream implements Callable<Integer> {

    static final String MODEL_ID = "global.twelvelabs.pegasus-1-2-v1:0";
    static final String DEFAULT_PROMPT = "Describe what is happening in this video and identify any key objects or people.";
    static final String DEFAULT_VIDEO = "https://ws-assets-prod-iad-r-pdx-f3b3f9f1a7d6a3d0.s3.us-west-2.amazonaws.com/"
            + "335119c4-e170-43ad-b55c-76fa6bc33719/NetflixMeridian.mp4";
    static final String KEY_PREFIX = "pegasus-samples/";
    static final String DEFAULT_REGION = "ap-south-1";
    static final int MAX_OUTPUT_TOKENS = 4096;
    static final Pattern BUCKET_NAME = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec CommandSpec spec;

    @Option(names = "--region", description = "Region for Bedrock and S3 (default: AWS_REGION from the environment or .env, else "
            + DEFAULT_REGION + ").")
    String region;

    @Option(names = "--bucket", description = "S3 bucket for the video (default: S3_BUCKET_NAME from the environment or .env). "
            + "Created when missing.")
    String bucket;

    @Option(names = "--video", defaultValue = DEFAULT_VIDEO, description = "Video: an http(s) URL or a local file (default: ${DEFAULT-VALUE}).")
    String video;

    @Option(names = "--key", description = "S3 object key (default: " + KEY_PREFIX + "<file name of --video>).")
    String key;

    @Option(names = "--model-id", defaultValue = MODEL_ID, description = "Inference profile ID (default: ${DEFAULT-VALUE}).")
    String modelId;

    @Option(names = "--prompt", defaultValue = DEFAULT_PROMPT, description = "What to ask about the video.")
    String prompt;

    @Option(names = "--max-tokens", defaultValue = "2048", description = "Maximum output tokens (1..4096, default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--temperature", defaultValue = "0.2", description = "Temperature 0..1 (default: ${DEFAULT-VALUE}).")
    double temperature;

    @Option(names = "--timeout", defaultValue = "300", description = "Seconds to wait for the whole stream (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    public static void main(String[] args) {
        System.exit(new CommandLine(new Pegasus12InvokeModelWithResponseStream()).setExecutionExceptionHandler(Utils::handleError).execute(args));
    }

    /** Creates the bucket when HeadBucket says it does not exist; returns true when it was created. */
    static boolean ensureBucket(S3Client s3, String bucket, String region) {
        try {
            s3.headBucket(r -> r.bucket(bucket));
            return false;
        } catch (NoSuchBucketException e) {
            // Outside us-east-1, S3 needs the Region as location constraint.
            s3.createBucket(r -> {
                r.bucket(bucket);
                if (!"us-east-1".equals(region)) r.createBucketConfiguration(c -> c.locationConstraint(region));
            });
            return true;
        }
    }

    /**
     * Makes sure the bucket policy lets Bedrock read the objects: reads the policy (none:
     * {@code NoSuchBucketPolicy}), adds the grant when missing and writes it back. Returns true when
     * the policy was changed, false when the grant was already there.
     */
    static boolean ensureBedrockRead(S3Client s3, String bucket, String accountId) {
        String current;
        try {
            current = s3.getBucketPolicy(r -> r.bucket(bucket)).policy();
        } catch (S3Exception e) {
            if (e.awsErrorDetails() == null || !"NoSuchBucketPolicy".equals(e.awsErrorDetails().errorCode())) throw e;
            current = null;
        }
        Optional<String> updated = Utils.withBedrockReadGrant(current, bucket, accountId);
        updated.ifPresent(policy -> s3.putBucketPolicy(r -> r.bucket(bucket).policy(policy)));
        return updated.isPresent();
    }

    /** Size of the object when it exists (HeadObject), else empty. */
    static Optional<Long> existingObjectSize(S3Client s3, String bucket, String key) {
        try {
            HeadObjectResponse head = s3.headObject(r -> r.bucket(bucket).key(key));
            return Optional.of(head.contentLength());
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) return Optional.empty();
            throw e;
        }
    }

    /** Uploads the video (a local file, or an http(s) URL downloaded to a temporary file first); returns its size. */
    static long uploadVideo(S3Client s3, String bucket, String key, String video) throws Exception {
        boolean remote = isUrl(video);
        Path file = remote ? download(video) : Path.of(video);
        try {
            String contentType = Optional.ofNullable(URLConnection.guessContentTypeFromName(file.getFileName().toString()))
                    .orElse(key.endsWith(".mp4") ? "video/mp4" : "application/octet-stream");
            s3.putObject(r -> r.bucket(bucket).key(key).contentType(contentType), RequestBody.fromFile(file));
            return Files.size(file);
        } finally {
            if (remote) Files.deleteIfExists(file);
        }
    }

    static Path download(String url) throws Exception {
        Path tmp = Files.createTempFile("pegasus-video-", ".mp4");
        HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(30)).build();
        HttpResponse<Path> response;
        try {
            response = http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofFile(tmp));
        } catch (java.io.IOException e) { // java.net.http gives no message for a refused or unreachable host
            Files.deleteIfExists(tmp);
            throw new IllegalStateException("could not download the video from " + url + " (" + e.getClass().getSimpleName()
                    + ") — check your network, or pass a local file with --video");
        }
        if (response.statusCode() != 200) {
            Files.deleteIfExists(tmp);
            throw new IllegalStateException("downloading " + url + " failed with HTTP " + response.statusCode()
                    + " — check --video, or pass a local file");
        }
        return tmp;
    }

    static boolean isUrl(String video) {
        return video.startsWith("http://") || video.startsWith("https://");
    }

    /** The object key: the file name of the URL or local path under {@value #KEY_PREFIX}. */
    static String defaultKey(String video) {
        String name;
        if (isUrl(video)) {
            String path = URI.create(video).getRawPath();
            name = path == null ? "" : URLDecoder.decode(path.substring(path.lastIndexOf('/') + 1), StandardCharsets.UTF_8);
        } else {
            Path fileName = Path.of(video).getFileName();
            name = fileName == null ? "" : fileName.toString();
        }
        return name.isBlank() ? null : KEY_PREFIX + name;
    }

    /** The Pegasus request body: prompt, the video's S3 location and owner, sampling settings. */
    static ObjectNode requestBody(String prompt, String s3Uri, String bucketOwner, double temperature, int maxTokens) {
        ObjectNode body = JSON.createObjectNode();
        body.put("inputPrompt", prompt);
        body.putObject("mediaSource").putObject("s3Location").put("uri", s3Uri).put("bucketOwner", bucketOwner);
        body.put("temperature", temperature);
        body.put("maxOutputTokens", maxTokens);
        return body;
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
                                printer.onChunk(JSON.readTree(part.bytes().asByteArray()));
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
        // .env is optional; values in the real environment win over it.
        Dotenv env = Dotenv.configure().ignoreIfMissing().load();
        String sourceRegion = firstNonBlank(region, env.get("AWS_REGION", null), DEFAULT_REGION);

        Utils.checkModelId(spec, modelId);
        if (prompt == null || prompt.isBlank()) throw new ParameterException(spec.commandLine(), "--prompt must not be blank");
        if (maxTokens < 1 || maxTokens > MAX_OUTPUT_TOKENS) {
            throw new ParameterException(spec.commandLine(), "--max-tokens must be between 1 and " + MAX_OUTPUT_TOKENS + " (got " + maxTokens + ")");
        }
        if (temperature < 0 || temperature > 1) {
            throw new ParameterException(spec.commandLine(), "--temperature must be between 0 and 1 (got " + temperature + ")");
        }
        if (timeoutSeconds < 1) throw new ParameterException(spec.commandLine(), "--timeout must be at least 1 second");
        if (!isUrl(video)) {
            if (video.contains("://")) {
                throw new ParameterException(spec.commandLine(), "--video must be an http(s) URL or a local file (got " + video + ")");
            }
            if (!Files.isRegularFile(Path.of(video))) {
                throw new ParameterException(spec.commandLine(), "--video " + video + ": no such file");
            }
        }
        String objectKey = key != null ? key : defaultKey(video);
        if (objectKey == null || objectKey.isBlank()) {
            throw new ParameterException(spec.commandLine(), "cannot derive an object key from --video " + video + ": pass --key");
        }
        String bucketName = firstNonBlank(bucket, env.get("S3_BUCKET_NAME", null), null);
        Console console = interactiveConsole();
        if (bucketName == null && console != null) {
            bucketName = firstNonBlank(console.readLine("🪣 S3 bucket for the video: "), null, null);
        }
        if (bucketName == null) {
            throw new ParameterException(spec.commandLine(),
                    "no S3 bucket given — pass --bucket, or set S3_BUCKET_NAME in the environment or in .env");
        }
        if (!BUCKET_NAME.matcher(bucketName).matches()) {
            throw new ParameterException(spec.commandLine(), "--bucket " + bucketName
                    + " is not a valid S3 bucket name (3-63 lower-case letters, digits, dots and hyphens)");
        }
        final String b = bucketName;

        // Our own event loops, shut down without Netty's 2-second quiet period when the answer is complete.
        SdkEventLoopGroup eventLoops = SdkEventLoopGroup.builder().build();
        // S3 and STS use the lightest SDK HTTP client (sync calls).
        Region awsRegion = Region.of(sourceRegion);
        try (StsClient sts = StsClient.builder().region(awsRegion).httpClientBuilder(UrlConnectionHttpClient.builder()).build();
             S3Client s3 = S3Client.builder().region(awsRegion).httpClientBuilder(UrlConnectionHttpClient.builder()).build();
             // Netty is the SDK's async HTTP client (streams need it); long read timeout for slow analyses.
             BedrockRuntimeAsyncClient bedrock = BedrockRuntimeAsyncClient.builder().region(awsRegion)
                     .httpClientBuilder(NettyNioAsyncHttpClient.builder().eventLoopGroup(eventLoops).readTimeout(Duration.ofMinutes(5))).build()) {
            System.out.println("🚀 Calling " + modelId + " with the InvokeModelWithResponseStream API in " + sourceRegion);

            String account = sts.getCallerIdentity().account();   // the bucket owner Bedrock checks
            boolean created = ensureBucket(s3, b, sourceRegion);
            System.out.println("🪣 Bucket " + b + ": " + (created ? "created in " + sourceRegion : "exists"));
            boolean policyAdded = ensureBedrockRead(s3, b, account);
            System.out.println("🔐 Bucket policy: " + (policyAdded
                    ? "added Bedrock read access (s3:GetObject for bedrock.amazonaws.com)"
                    : "Bedrock read access already present"));
            String s3Uri = "s3://" + b + "/" + objectKey;
            Optional<Long> existing = existingObjectSize(s3, b, objectKey);
            if (existing.isPresent()) {
                System.out.println("📁 Video: reused " + s3Uri + " (" + existing.get() + " bytes)");
            } else {
                long size = uploadVideo(s3, b, objectKey, video);
                System.out.println("☁️ Video: uploaded " + video + " to " + s3Uri + " (" + size + " bytes)");
            }

            System.out.println("💬 Response:");
            StreamPrinter printer = new StreamPrinter();
            invokePegasusStream(bedrock, modelId, requestBody(prompt, s3Uri, account, temperature, maxTokens), printer)
                    .get(timeoutSeconds, TimeUnit.SECONDS);
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
            System.out.println("✅ Completed successfully");
            return 0;
        } finally {
            eventLoops.eventLoopGroup().shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    /**
     * The console when a person can answer, else null. Java 22+ returns a Console even when stdin is
     * redirected, so there {@code Console.isTerminal()} (looked up reflectively: this file targets 17) decides.
     */
    static Console interactiveConsole() {
        Console console = System.console();
        if (console == null) return null;
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console) ? console : null;
        } catch (NoSuchMethodException e) {
            return console; // Java 17-21: non-null means a terminal
        } catch (ReflectiveOperationException e) {
            return null;
        }
    }

    private static String firstNonBlank(String a, String b, String fallback) {
        if (a != null && !a.isBlank()) return a.trim();
        if (b != null && !b.isBlank()) return b.trim();
        return fallback;
    }
}
