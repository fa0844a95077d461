///usr/bin/env jbang "$0" "$@" ; exit $?
//DESCRIPTION TwelveLabs Pegasus 1.2 video understanding via InvokeModel on global.twelvelabs.pegasus-1-2-v1:0 (video in S3)
//JAVA 17+
//DEPS software.amazon.awssdk:bom:2.57.8@pom
//DEPS software.amazon.awssdk:bedrockruntime
//DEPS software.amazon.awssdk:s3
//DEPS software.amazon.awssdk:sts
//DEPS software.amazon.awssdk:url-connection-client
//DEPS info.picocli:picocli:4.7.7
//DEPS com.fasterxml.jackson.core:jackson-databind:2.21.3
//DEPS io.github.cdimascio:dotenv-java:3.2.0
//DEPS org.slf4j:slf4j-nop:2.0.17
//SOURCES ../Utils.java
//SOURCES ../PegasusVideoSetup.java

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;
import software.amazon.awssdk.services.bedrockruntime.model.InvokeModelResponse;

/**
 * Video understanding with TwelveLabs Pegasus 1.2 through global cross-Region inference (InvokeModel;
 * Pegasus has no Converse API). Pegasus reads the video from S3, so the sample first makes sure that
 * the bucket exists, that its policy lets Bedrock read objects (added once, never duplicated) and that
 * the video is there (reused when present, else uploaded); then it asks Pegasus about the video, and
 * deletes the video it uploaded unless {@code --keep-video}. The S3/STS set-up is shared with the
 * streaming sample in {@code ../PegasusVideoSetup.java}.
 *
 * <p>Run: {@code jbang invoke-pegasus --bucket my-bucket} (no AWS account:
 * {@code ./jbang offline invoke-pegasus --bucket demo-bucket --video tests/fixtures/sample-video.mp4}).
 * Bucket and Region can also come from the environment or a {@code .env} file ({@code S3_BUCKET_NAME},
 * {@code AWS_REGION}; see {@code .env.example}).
 *
 * <p>Differences from the Python original ({@code simple_pegasus_invoke_model_example.py}): the video
 * can be a local file ({@code --video}) and the object key is derived from its name ({@code --key});
 * the bucket is created when missing; the existing-policy check looks for an actual Bedrock read grant
 * (not only the Sid); without a console a missing bucket fails before any request (exit 2) instead
 * of waiting on {@code input()}; the Region from {@code .env} is passed to every client explicitly
 * (the SDK does not read {@code .env}); an uploaded video is deleted after use, also on Ctrl-C or
 * SIGTERM (exit 130 / 143); errors exit non-zero.
 */
@Command(name = "invoke-pegasus", mixinStandardHelpOptions = true,
        description = "Asks TwelveLabs Pegasus 1.2 about a video stored in S3 (uploaded when missing), via InvokeModel.")
public class Pegasus12InvokeModel implements Callable<Integer> {

    static final String MODEL_ID = PegasusVideoSetup.MODEL_ID;

    /** --region, --bucket, --video, --key, --keep-video, --model-id, --prompt, --max-tokens, --temperature. */
    @Mixin PegasusVideoSetup.Options opts;

    public static void main(String[] args) {
        System.exit(new CommandLine(new Pegasus12InvokeModel()).setExecutionExceptionHandler(Utils::handleError).execute(args));
    }

    // snippet-start:[bedrock.invoke-pegasus]
    /** Asks Pegasus about the video with InvokeModel; the response body is {"message","finishReason"}. */
    static InvokeModelResponse invokePegasus(BedrockRuntimeClient client, String modelId, ObjectNode body) {
        return client.invokeModel(r -> r.modelId(modelId)
                .contentType("application/json")
                .accept("application/json")
                .body(SdkBytes.fromUtf8String(body.toString())));
    }
    // snippet-end:[bedrock.invoke-pegasus]

    @Override
    public Integer call() throws Exception {
        opts.validate();

        // Lightest SDK HTTP client; long read timeout because video analysis can take minutes.
        Region awsRegion = Region.of(opts.sourceRegion);
        try (PegasusVideoSetup.Session video = new PegasusVideoSetup.Session(opts, awsRegion);
             BedrockRuntimeClient bedrock = BedrockRuntimeClient.builder().region(awsRegion)
                     .httpClientBuilder(UrlConnectionHttpClient.builder().socketTimeout(Duration.ofMinutes(5))).build()) {
            System.out.println("🚀 Calling " + opts.modelId + " with the InvokeModel API in " + opts.sourceRegion);
            video.prepare();   // account (STS), bucket, Bedrock read policy, video upload

            InvokeModelResponse response = invokePegasus(bedrock, opts.modelId, video.requestBody());
            JsonNode answer = PegasusVideoSetup.JSON.readTree(response.body().asByteArray());
            System.out.println("💬 Response:");
            System.out.println(answer.path("message").asText(""));
            System.out.println("🛑 Stop reason: " + answer.path("finishReason").asText("unknown"));
            Optional<String> in = response.sdkHttpResponse().firstMatchingHeader("X-Amzn-Bedrock-Input-Token-Count");
            Optional<String> out = response.sdkHttpResponse().firstMatchingHeader("X-Amzn-Bedrock-Output-Token-Count");
            if (in.isPresent() && out.isPresent()) {
                long i = Long.parseLong(in.get().trim()), o = Long.parseLong(out.get().trim());
                Utils.printUsage(i, o, i + o, 0, 0);
            }
            video.cleanUp();   // deletes the video this run uploaded, unless --keep-video
            System.out.println("✅ Completed successfully");
            return 0;
        }
    }
}
