import java.io.Console;
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
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.github.cdimascio.dotenv.Dotenv;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * What the two Pegasus samples share — everything but the Bedrock call: their options (a picocli
 * mixin), the checks on them, and the S3/STS set-up. Pegasus reads the video from S3, so
 * {@link Session#prepare()} makes sure that the bucket exists, that its policy lets Bedrock read
 * objects (added once, never duplicated) and that the video is there (reused when present, else
 * uploaded); {@link Session#cleanUp()} deletes a video this run uploaded unless {@code --keep-video}
 * (also when the run is stopped by Ctrl-C or SIGTERM, see {@code Utils.Cleanup}). The bucket and its
 * policy stay: they are reused by the next run.
 *
 * <p>Included by both samples with {@code //SOURCES ../PegasusVideoSetup.java}; they declare the
 * {@code //DEPS} it needs (s3, sts, url-connection-client, jackson-databind, dotenv-java).
 */
public final class PegasusVideoSetup {
    private PegasusVideoSetup() {}

    static final String MODEL_ID = "global.twelvelabs.pegasus-1-2-v1:0";
    static final String DEFAULT_PROMPT = "Describe what is happening in this video and identify any key objects or people.";
    static final String DEFAULT_VIDEO = "https://ws-assets-prod-iad-r-pdx-f3b3f9f1a7d6a3d0.s3.us-west-2.amazonaws.com/"
            + "335119c4-e170-43ad-b55c-76fa6bc33719/NetflixMeridian.mp4";
    static final String KEY_PREFIX = "pegasus-samples/";
    static final String DEFAULT_REGION = "ap-south-1";
    static final int MAX_OUTPUT_TOKENS = 4096;
    static final Pattern BUCKET_NAME = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    static final ObjectMapper JSON = new ObjectMapper();

    /** The options both samples take; {@link #validate()} checks them before any request. */
    public static final class Options {
        @Spec(Spec.Target.MIXEE) CommandSpec spec;

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

        @Option(names = "--keep-video", description = "Keep a video this run uploaded in S3 (default: delete it after use).")
        boolean keepVideo;

        @Option(names = "--model-id", defaultValue = MODEL_ID, description = "Inference profile ID (default: ${DEFAULT-VALUE}).")
        String modelId;

        @Option(names = "--prompt", defaultValue = DEFAULT_PROMPT, description = "What to ask about the video.")
        String prompt;

        @Option(names = "--max-tokens", defaultValue = "2048", description = "Maximum output tokens (1..4096, default: ${DEFAULT-VALUE}).")
        int maxTokens;

        @Option(names = "--temperature", defaultValue = "0.2", description = "Temperature 0..1 (default: ${DEFAULT-VALUE}).")
        double temperature;

        // resolved by validate()
        String sourceRegion;
        String bucketName;
        String objectKey;

        /** Checks every option (picocli usage error, exit 2, no request) and resolves Region, bucket and key. */
        void validate() {
            // .env is optional; values in the real environment win over it.
            Dotenv env = Dotenv.configure().ignoreIfMissing().load();
            sourceRegion = firstNonBlank(region, env.get("AWS_REGION", null), DEFAULT_REGION);

            Utils.checkModelId(spec, modelId);
            if (prompt == null || prompt.isBlank()) throw new ParameterException(spec.commandLine(), "--prompt must not be blank");
            if (maxTokens < 1 || maxTokens > MAX_OUTPUT_TOKENS) {
                throw new ParameterException(spec.commandLine(), "--max-tokens must be between 1 and " + MAX_OUTPUT_TOKENS + " (got " + maxTokens + ")");
            }
            if (temperature < 0 || temperature > 1) {
                throw new ParameterException(spec.commandLine(), "--temperature must be between 0 and 1 (got " + temperature + ")");
            }
            if (!isUrl(video)) {
                if (video.contains("://")) {
                    throw new ParameterException(spec.commandLine(), "--video must be an http(s) URL or a local file (got " + video + ")");
                }
                Path file = Path.of(video);
                if (Files.isDirectory(file)) {
                    throw new ParameterException(spec.commandLine(), "--video " + video + ": is a directory, not a file");
                }
                if (!Files.isRegularFile(file)) {
                    throw new ParameterException(spec.commandLine(), "--video " + video + ": no such file");
                }
                if (!Files.isReadable(file)) {
                    throw new ParameterException(spec.commandLine(), "--video " + video + ": the file is not readable");
                }
            }
            if (key != null && key.isBlank()) throw new ParameterException(spec.commandLine(), "--key must not be blank");
            objectKey = key != null ? key : defaultKey(video);
            if (objectKey == null || objectKey.isBlank()) {
                throw new ParameterException(spec.commandLine(), "cannot derive an object key from --video " + video + ": pass --key");
            }
            bucketName = firstNonBlank(bucket, env.get("S3_BUCKET_NAME", null), null);
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
        }
    }

    /** The STS and S3 clients and the video in S3; closing it deletes a video this run uploaded (unless --keep-video). */
    static final class Session implements AutoCloseable {
        final Options o;
        final StsClient sts;
        final S3Client s3;
        private final Utils.Cleanup cleanup = Utils.Cleanup.onExit();
        /** The bucket owner Bedrock checks (from STS) and the video's S3 URI, once prepared. */
        String account;
        String s3Uri;
        private boolean uploaded;

        Session(Options o, Region region) {
            this.o = o;
            // Lightest SDK HTTP client (sync calls).
            this.sts = StsClient.builder().region(region).httpClientBuilder(UrlConnectionHttpClient.builder()).build();
            this.s3 = S3Client.builder().region(region).httpClientBuilder(UrlConnectionHttpClient.builder()).build();
        }

        /** Account, bucket, policy and video, one line each. */
        void prepare() throws Exception {
            String b = o.bucketName;
            account = sts.getCallerIdentity().account();   // the bucket owner Bedrock checks
            boolean created = ensureBucket(s3, b, o.sourceRegion);
            System.out.println("🪣 Bucket " + b + ": " + (created ? "created in " + o.sourceRegion : "exists"));
            boolean policyAdded = ensureBedrockRead(s3, b, account);
            System.out.println("🔐 Bucket policy: " + (policyAdded
                    ? "added Bedrock read access (s3:GetObject for bedrock.amazonaws.com)"
                    : "Bedrock read access already present"));
            s3Uri = "s3://" + b + "/" + o.objectKey;
            Optional<Long> existing = existingObjectSize(s3, b, o.objectKey);
            if (existing.isPresent()) {
                System.out.println("📁 Video: reused " + s3Uri + " (" + existing.get() + " bytes)");
            } else {
                // Registered for deletion as soon as it exists: Ctrl-C or SIGTERM from here on (even during
                // the upload) still deletes it.
                long size = cleanup.create("video", () -> uploadVideo(s3, b, o.objectKey, o.video),
                        s -> o.keepVideo ? null : this::deleteVideo);
                uploaded = true;
                System.out.println("☁️ Video: uploaded " + o.video + " to " + s3Uri + " (" + size + " bytes)");
            }
        }

        /** The Pegasus request body for the prepared video. */
        ObjectNode requestBody() {
            return PegasusVideoSetup.requestBody(o.prompt, s3Uri, account, o.temperature, o.maxTokens);
        }

        /** Deletes the video this run uploaded (or says it is kept); nothing the second time. */
        void cleanUp() {
            if (!uploaded) return;
            uploaded = false;
            if (o.keepVideo) System.out.println("📌 Video: kept (--keep-video) " + s3Uri);
            else cleanup.undo("video");
        }

        private void deleteVideo() {
            s3.deleteObject(r -> r.bucket(o.bucketName).key(o.objectKey));
            System.out.println("🧹 Video: deleted " + s3Uri);
        }

        @Override
        public void close() {
            try {
                cleanUp();
            } finally {
                s3.close();
                sts.close();
            }
        }
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

    static String firstNonBlank(String a, String b, String fallback) {
        if (a != null && !a.isBlank()) return a.trim();
        if (b != null && !b.isBlank()) return b.trim();
        return fallback;
    }
}
