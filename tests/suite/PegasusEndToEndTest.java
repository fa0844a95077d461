import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Pegasus end to end with tests/fixtures/sample-video.mp4 on one endpoint: the first run creates the
 * bucket, adds the Bedrock read statement and uploads the video (kept: {@code --keep-video}); the
 * second run (the streaming sample, same bucket) reuses both — the policy statement is not
 * duplicated, the object is uploaded once and, as this run did not upload it, not deleted. Without
 * {@code --keep-video} a video the run uploaded is deleted after use, also when the call failed.
 */
class PegasusEndToEndTest {
    static final String BUCKET = "suite-pegasus-videos";
    static final String VIDEO = "tests/fixtures/sample-video.mp4";
    static final String PROMPT = "What happens in this short test clip today";

    @BeforeAll
    static void buildScripts() {
        SampleHarness.buildAll();
    }

    @Test
    void firstRunSetsUpSecondRunReuses() throws Exception {
        SampleHarness.Alias invoke = SampleHarness.alias("invoke-pegasus");
        SampleHarness.Alias stream = SampleHarness.alias("invoke-stream-pegasus");
        SampleHarness.assertBuilt(invoke);
        assertTrue(Files.isRegularFile(SampleHarness.repoRoot().resolve(VIDEO)), VIDEO + " is missing");
        long videoSize = Files.size(SampleHarness.repoRoot().resolve(VIDEO));
        try (LocalBedrock lb = SampleHarness.start()) {
            // ---- first run: InvokeModel
            SampleHarness.Result r1 = run(lb, invoke, "--keep-video");
            assertPegasusRun(invoke, lb, r1);
            assertEquals(0, count(lb, "DeleteObject"), () -> "--keep-video must keep the video\n" + r1.all());
            assertEquals(1, count(lb, "PutObject"), () -> "the video must be uploaded on the first run\n" + r1.all());
            assertEquals(1, count(lb, "PutBucketPolicy"), () -> "the policy must be written on the first run\n" + r1.all());
            assertTrue(r1.stdout().contains("added Bedrock read access"), () -> r1.all());
            String uri = invokeBody(lb).at("/mediaSource/s3Location/uri").asText();
            String key = uri.substring(("s3://" + BUCKET + "/").length());
            assertTrue(lb.s3().objectExists(BUCKET, key), "the object the request names was not stored: " + uri);
            assertTrue(r1.stdout().contains("📌 Video: kept (--keep-video) " + uri), () -> r1.all());
            assertTrue(r1.stdout().contains("(" + videoSize + " bytes)"), () -> "uploaded size\n" + r1.all());
            assertEquals(1, bedrockGrants(lb), "one Bedrock read statement after the first run");

            // ---- second run: the streaming sample on the same bucket
            SampleHarness.assertBuilt(stream);
            lb.requestLog().clear();
            lb.usage().reset();
            SampleHarness.Result r2 = run(lb, stream);
            assertPegasusRun(stream, lb, r2);
            assertEquals(0, count(lb, "PutObject"), () -> "the video must be reused, not uploaded again\n" + r2.all());
            assertEquals(0, count(lb, "PutBucketPolicy"), () -> "the policy already grants Bedrock read\n" + r2.all());
            assertTrue(r2.stdout().contains("reused " + uri), () -> r2.all());
            assertEquals(uri, invokeBody(lb).at("/mediaSource/s3Location/uri").asText());
            assertEquals(1, bedrockGrants(lb), "the Bedrock read statement must not be duplicated");
            // not uploaded by this run (it existed before): not deleted, without --keep-video too
            assertEquals(0, count(lb, "DeleteObject"), () -> "a reused video must not be deleted\n" + r2.all());
            assertTrue(lb.s3().objectExists(BUCKET, key), "the reused video was deleted");
            assertFalse(r2.stdout().contains("🧹"), () -> r2.all());
        }
    }

    @Test
    void uploadedVideoIsDeletedAfterUseAlsoWhenTheCallFails() {
        for (String name : List.of("invoke-pegasus", "invoke-stream-pegasus")) {
            SampleHarness.Alias a = SampleHarness.alias(name);
            SampleHarness.assertBuilt(a);
            try (LocalBedrock lb = SampleHarness.start()) {
                SampleHarness.Result ok = run(lb, a);
                assertPegasusRun(a, lb, ok);
                String uri = invokeBody(lb).at("/mediaSource/s3Location/uri").asText();
                String key = uri.substring(("s3://" + BUCKET + "/").length());
                assertEquals(1, count(lb, "PutObject"), () -> ok.all());
                assertEquals(1, count(lb, "DeleteObject"), () -> "the uploaded video must be deleted after use\n" + ok.all());
                assertFalse(lb.s3().objectExists(BUCKET, key), name + " left " + uri + " behind");
                assertTrue(ok.stdout().contains("🧹 Video: deleted " + uri), () -> ok.all());
                assertTrue(ok.stdout().indexOf("🧹 Video: deleted") < ok.stdout().indexOf("✅ Completed successfully"), () -> ok.all());

                // the Pegasus call fails (not retried): the video is deleted all the same, one error line, exit 1
                lb.requestLog().clear();
                lb.faults().reset();   // call numbers count from here
                lb.faults().failCall(1, "ValidationException");
                SampleHarness.Result failed = run(lb, a);
                SampleHarness.assertOneLineError(failed);
                assertEquals(1, failed.exit(), () -> failed.all());
                assertEquals(1, count(lb, "PutObject"), () -> failed.all());
                assertEquals(1, count(lb, "DeleteObject"), () -> "the video must be deleted after a failed call\n" + failed.all());
                assertFalse(lb.s3().objectExists(BUCKET, key), name + " left " + uri + " behind after a failure");
            }
        }
    }

    static SampleHarness.Result run(LocalBedrock lb, SampleHarness.Alias a, String... extra) {
        List<String> args = new ArrayList<>(List.of("--bucket", BUCKET, "--video", VIDEO, "--prompt", PROMPT,
                "--max-tokens", "300", "--temperature", "0.4"));
        args.addAll(List.of(extra));
        return SampleHarness.runAlias(lb, a.name(), args.toArray(String[]::new));
    }

    static void assertPegasusRun(SampleHarness.Alias a, LocalBedrock lb, SampleHarness.Result r) {
        SampleHarness.assertSuccess(r);
        assertTrue(r.stdout().contains("🚀 Calling " + a.modelId() + " with the " + a.kind().operation + " API in us-east-1"), () -> r.all());
        List<RequestLog.Entry> runtime = SampleHarness.runtimeEntries(lb);
        assertEquals(1, runtime.size(), () -> SampleHarness.describe(runtime) + "\n" + r.all());
        RequestLog.Entry e = runtime.get(0);
        assertEquals(a.kind().operation, e.operation());
        assertEquals(a.modelId(), e.modelId());
        assertEquals(200, e.status(), () -> SampleHarness.describe(runtime) + "\n" + r.all());
        assertEquals("valid", e.signature());
        JsonNode body = e.bodyJson();
        String b = String.valueOf(body);
        assertTrue(body != null, "request body is not JSON");
        assertEquals(PROMPT, body.path("inputPrompt").asText(), () -> "inputPrompt in " + b);
        assertEquals(LocalBedrock.ACCOUNT_ID, body.at("/mediaSource/s3Location/bucketOwner").asText(), () -> "bucketOwner in " + b);
        String uri = body.at("/mediaSource/s3Location/uri").asText();
        assertTrue(uri.startsWith("s3://" + BUCKET + "/") && uri.endsWith("sample-video.mp4"), () -> "s3Location.uri in " + b);
        assertEquals(300, body.path("maxOutputTokens").asInt(), () -> "maxOutputTokens in " + b);
        assertEquals(0.4, body.path("temperature").asDouble(), 1e-6, () -> "temperature in " + b);
        assertTrue(r.answer() != null && r.answer().contains("[local-bedrock]"), () -> "answer\n" + r.all());
        assertTrue(r.stopReason() != null && !r.stopReason().equals("unknown"), () -> "stop reason\n" + r.all());
        Usage.Totals t = lb.usage().of(a.modelId());
        assertEquals(1, t.calls());
        if (r.tokens("Input") != null || t.inputTokens() > 0) {
            assertEquals(Long.valueOf(t.inputTokens()), r.tokens("Input"), () -> "input tokens vs endpoint " + t + "\n" + r.all());
            assertEquals(Long.valueOf(t.outputTokens()), r.tokens("Output"), () -> "output tokens vs endpoint " + t + "\n" + r.all());
        }
        // the account id came from STS, and every non-runtime call was signed for the right service
        List<RequestLog.Entry> all = lb.requestLog().entries();
        assertTrue(all.stream().anyMatch(x -> "sts".equals(x.service())), () -> "no STS GetCallerIdentity: " + SampleHarness.describe(all));
        assertFalse(all.stream().anyMatch(x -> !"valid".equals(x.signature())), () -> "unsigned/invalid request: " + SampleHarness.describe(all));
    }

    static long count(LocalBedrock lb, String operation) {
        return lb.requestLog().entries().stream().filter(e -> operation.equals(e.operation()) && e.status() < 300).count();
    }

    static JsonNode invokeBody(LocalBedrock lb) {
        return SampleHarness.runtimeEntries(lb).get(0).bodyJson();
    }

    /** Statements that let bedrock.amazonaws.com read the bucket's objects for our account. */
    static int bedrockGrants(LocalBedrock lb) throws Exception {
        String policy = lb.s3().bucketPolicy(BUCKET).orElse(null);
        assertTrue(policy != null, "the bucket has no policy");
        JsonNode p = SampleHarness.JSON.readTree(policy);
        List<JsonNode> statements = new ArrayList<>();
        if (p.path("Statement").isArray()) p.path("Statement").forEach(statements::add);
        else if (p.path("Statement").isObject()) statements.add(p.path("Statement"));
        List<JsonNode> grants = statements.stream()
                .filter(s -> "Allow".equals(s.path("Effect").asText()))
                .filter(s -> s.toString().contains("bedrock.amazonaws.com") && s.toString().contains("s3:GetObject")
                        && s.toString().contains("arn:aws:s3:::" + BUCKET + "/*"))
                .collect(Collectors.toList());
        for (JsonNode g : grants) {
            assertEquals(LocalBedrock.ACCOUNT_ID, g.at("/Condition/StringEquals/aws:SourceAccount").asText(), () -> "condition of " + g);
        }
        return grants.size();
    }
}
