import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.GetCallerIdentityResponse;

/** S3 (path style, aws-chunked uploads, bucket policies, key safety) and STS GetCallerIdentity (wire doc §7–§8). */
class EndpointS3StsTest {
    static LocalBedrock lb;
    static Path dataRoot;
    static Path dataDir;
    static S3Client s3;

    @BeforeAll
    static void start() throws Exception {
        dataRoot = Files.createTempDirectory("e2-s3-");
        dataDir = dataRoot.resolve("data");
        lb = LocalBedrock.start(new LocalBedrock.Config().port(0).dataDir(dataDir));
        s3 = EndpointSigV4Test.s3(lb, "test", "test", null);
    }

    @AfterAll
    static void stop() throws Exception {
        if (s3 != null) s3.close();
        if (lb != null) lb.close();
        try (Stream<Path> s = Files.walk(dataRoot)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    // The Raw helper signs with the SDK signer and sends over a socket.
    static RawHttp.Response raw(String method, String rawPath, String rawQuery, Map<String, String> headers,
                                              byte[] body, String service) throws Exception {
        Map<String, String> h = new HashMap<>(headers);
        boolean s3 = service.equals("s3");
        if (s3) h.put("x-amz-content-sha256", SigV4.hex(SigV4.sha256(body)));
        return RawHttp.send(lb, method, rawPath, rawQuery, h, body,
                RawHttp.signer(service, "test", "test", Instant.now(), null));
    }

    @Test
    void stsGetCallerIdentity() {
        try (StsClient sts = EndpointSigV4Test.sts(lb, "test", "test", null)) {
            GetCallerIdentityResponse id = sts.getCallerIdentity();
            assertEquals(LocalBedrock.ACCOUNT_ID, id.account());
            assertEquals("arn:aws:iam::" + LocalBedrock.ACCOUNT_ID + ":user/test", id.arn());
            assertTrue(id.userId().matches("AIDA[0-9A-Z]{17}"), id.userId());
        }
    }

    @Test
    void stsOtherActionsAreInvalidAction() throws Exception {
        RawHttp.Response r = raw("POST", "/", "",
                Map.of("content-type", "application/x-www-form-urlencoded; charset=utf-8"),
                "Action=AssumeRole&Version=2011-06-15".getBytes(StandardCharsets.UTF_8), "sts");
        assertEquals(400, r.status(), r.text());
        assertTrue(r.text().contains("<ErrorResponse"), r.text());
        assertTrue(r.text().contains("<Code>InvalidAction</Code>"), r.text());
    }

    @Test
    void bucketsCreateAndHead() {
        s3.createBucket(r -> r.bucket("e2-buckets"));
        BucketAlreadyOwnedByYouException again = assertThrows(BucketAlreadyOwnedByYouException.class,
                () -> s3.createBucket(r -> r.bucket("e2-buckets")));
        assertEquals(409, again.statusCode());
        assertEquals("ap-south-1", s3.headBucket(r -> r.bucket("e2-buckets")).bucketRegion());
        assertThrows(NoSuchBucketException.class, () -> s3.headBucket(r -> r.bucket("e2-no-such-bucket")));
        assertThrows(NoSuchBucketException.class, () -> s3.putObject(r -> r.bucket("e2-no-such-bucket").key("a"),
                RequestBody.fromString("x")));
    }

    @Test
    void invalidBucketNamesAreRefused() throws Exception {
        for (String bad : new String[] {"ab", "Upper-Case", "bad_name", "-dash-first", "192.168.1.1", "a..b"}) {
            RawHttp.Response r = raw("PUT", "/" + bad, "", Map.of(), new byte[0], "s3");
            assertEquals(400, r.status(), bad + ": " + r.text());
            assertTrue(r.text().contains("<Code>InvalidBucketName</Code>"), r.text());
        }
        assertTrue(S3Store.validBucketName("my-bucket.v1"));
    }

    @Test
    void chunkedPutObjectRoundTrip() {
        s3.createBucket(r -> r.bucket("e2-objects"));
        byte[] data = new byte[300_000];  // three 128 KiB chunks
        new Random(7).nextBytes(data);
        String etag = s3.putObject(r -> r.bucket("e2-objects").key("videos/clip 1.mp4").contentType("video/mp4"),
                RequestBody.fromBytes(data)).eTag();
        assertTrue(etag.matches("\"[0-9a-f]{32}\""), etag);
        RequestLog.Entry put = EndpointSigV4Test.lastEntry(lb, "s3");
        assertEquals("PutObject", put.operation());
        assertEquals("valid", put.signature());
        assertTrue(put.body().contains("chunk-signature=") || !put.body().isEmpty());

        HeadObjectResponse head = s3.headObject(r -> r.bucket("e2-objects").key("videos/clip 1.mp4"));
        assertEquals(data.length, head.contentLength());
        assertEquals("video/mp4", head.contentType());
        assertEquals(etag, head.eTag());
        assertArrayEquals(data, s3.getObjectAsBytes(r -> r.bucket("e2-objects").key("videos/clip 1.mp4")).asByteArray());
        assertTrue(lb.s3().objectExists("e2-objects", "videos/clip 1.mp4"));
        assertFalse(lb.s3().objectExists("e2-objects", "videos/other.mp4"));
        assertTrue(Files.isRegularFile(dataDir.resolve("s3/e2-objects/videos/clip 1.mp4")));

        NoSuchKeyException missing = assertThrows(NoSuchKeyException.class,
                () -> s3.getObjectAsBytes(r -> r.bucket("e2-objects").key("absent.mp4")));
        assertEquals("NoSuchKey", missing.awsErrorDetails().errorCode());
        assertThrows(NoSuchKeyException.class, () -> s3.headObject(r -> r.bucket("e2-objects").key("absent.mp4")));

        // an empty object and a plain (non-chunked, signed payload) upload
        s3.putObject(r -> r.bucket("e2-objects").key("empty.txt"), RequestBody.empty());
        assertEquals(0, s3.getObjectAsBytes(r -> r.bucket("e2-objects").key("empty.txt")).asByteArray().length);
    }

    @Test
    void plainSignedPutObject() throws Exception {
        s3.createBucket(r -> r.bucket("e2-plain"));
        RawHttp.Response r = raw("PUT", "/e2-plain/note.txt", "", Map.of("content-type", "text/plain"),
                "plain body".getBytes(StandardCharsets.UTF_8), "s3");
        assertEquals(200, r.status(), r.text());
        assertTrue(r.headers().get("etag").startsWith("\""));
        assertEquals("plain body", s3.getObjectAsBytes(b -> b.bucket("e2-plain").key("note.txt")).asUtf8String());
    }

    @Test
    void bucketPolicyOperations() {
        s3.createBucket(r -> r.bucket("e2-policy"));
        S3Exception none = assertThrows(S3Exception.class, () -> s3.getBucketPolicy(r -> r.bucket("e2-policy")));
        assertEquals(404, none.statusCode());
        assertEquals("NoSuchBucketPolicy", none.awsErrorDetails().errorCode());
        assertTrue(lb.s3().bucketPolicy("e2-policy").isEmpty());

        String policy = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"AllowBedrockAccess\",\"Effect\":\"Allow\","
                + "\"Principal\":{\"Service\":\"bedrock.amazonaws.com\"},\"Action\":\"s3:GetObject\","
                + "\"Resource\":\"arn:aws:s3:::e2-policy/*\",\"Condition\":{\"StringEquals\":{\"aws:SourceAccount\":\"123456789012\"}}}]}";
        assertEquals(204, s3.putBucketPolicy(r -> r.bucket("e2-policy").policy(policy)).sdkHttpResponse().statusCode());
        assertEquals(policy, s3.getBucketPolicy(r -> r.bucket("e2-policy")).policy());
        assertEquals(policy, lb.s3().bucketPolicy("e2-policy").orElseThrow());

        S3Exception malformed = assertThrows(S3Exception.class, () -> s3.putBucketPolicy(r -> r.bucket("e2-policy").policy("{not json")));
        assertEquals(400, malformed.statusCode());
        assertEquals("MalformedPolicy", malformed.awsErrorDetails().errorCode());
        S3Exception noStatement = assertThrows(S3Exception.class,
                () -> s3.putBucketPolicy(r -> r.bucket("e2-policy").policy("{\"Version\":\"2012-10-17\"}")));
        assertEquals("MalformedPolicy", noStatement.awsErrorDetails().errorCode());

        assertEquals(204, s3.deleteBucketPolicy(r -> r.bucket("e2-policy")).sdkHttpResponse().statusCode());
        S3Exception deleted = assertThrows(S3Exception.class, () -> s3.getBucketPolicy(r -> r.bucket("e2-policy")));
        assertEquals("NoSuchBucketPolicy", deleted.awsErrorDetails().errorCode());
        S3Exception noBucket = assertThrows(S3Exception.class, () -> s3.getBucketPolicy(r -> r.bucket("e2-no-bucket-here")));
        assertEquals("NoSuchBucket", noBucket.awsErrorDetails().errorCode());
    }

    @Test
    void pathTraversalIsRefused() throws Exception {
        s3.createBucket(r -> r.bucket("e2-traversal"));
        String[] evil = {
            "/e2-traversal/../../escape-1.txt",
            "/e2-traversal/..%2F..%2Fescape-2.txt",
            "/e2-traversal/%2E%2E/%2E%2E/escape-3.txt",
            "/e2-traversal/a/../../../escape-4.txt",
            "/e2-traversal//etc/escape-5.txt",
            "/e2-traversal/%2Fetc%2Fescape-6.txt",
            "/e2-traversal/nul%00byte.txt",
            "/e2-traversal/..%5C..%5Cescape-8.txt",
            "/e2-traversal/./escape-9.txt",
        };
        for (String path : evil) {
            RawHttp.Response r = raw("PUT", path, "", Map.of(), "pwned".getBytes(StandardCharsets.UTF_8), "s3");
            assertTrue(r.status() == 400 || r.status() == 403 || r.status() == 404, path + " → " + r.status() + " " + r.text());
            RawHttp.Response g = raw("GET", path, "", Map.of(), new byte[0], "s3");
            assertTrue(g.status() >= 400, path + " GET → " + g.status());
        }
        try (Stream<Path> files = Files.walk(dataRoot)) {
            files.filter(Files::isRegularFile).forEach(f -> assertFalse(f.getFileName().toString().startsWith("escape"), f.toString()));
        }
        try (Stream<Path> files = Files.walk(dataRoot.getParent(), 1)) {
            files.forEach(f -> assertFalse(f.getFileName().toString().startsWith("escape-"), f.toString()));
        }
        // and directly, bypassing HTTP: keys that would leave the bucket folder
        for (String key : new String[] {"../x", "a/../../x", "/abs", "nul\0", "a\\..\\x", "a//b", "."}) {
            Exchange ex = new Exchange("PUT", "/e2-traversal/" + SigV4.encode(key, true), "",
                    new HashMap<>(Map.of("host", "127.0.0.1")), "x".getBytes(StandardCharsets.UTF_8), "http/1.1", null);
            ex.service = "s3";
            ApiError e = assertThrows(ApiError.class, () -> lb.s3().handle(ex), key);
            assertEquals(400, e.status, key);
            assertFalse(lb.s3().objectExists("e2-traversal", key));
        }
    }
}
