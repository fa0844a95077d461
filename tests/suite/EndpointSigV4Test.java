import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.auth.aws.scheme.AwsV4AuthScheme;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.scheme.AuthScheme;
import software.amazon.awssdk.http.auth.spi.signer.AsyncSignRequest;
import software.amazon.awssdk.http.auth.spi.signer.AsyncSignedRequest;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignRequest;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.IdentityProvider;
import software.amazon.awssdk.identity.spi.IdentityProviders;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.bedrock.BedrockClient;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ConversationRole;
import software.amazon.awssdk.services.bedrockruntime.model.Message;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * SigV4 checking of the local endpoint for all four services: valid requests are logged as
 * "valid"; a wrong secret, an unknown key, a missing Authorization header and an X-Amz-Date 20
 * minutes off each get the status and error code the real service answers.
 */
class EndpointSigV4Test {
    static final String REGION = "ap-south-1";
    static LocalBedrock lb;

    @BeforeAll
    static void start() throws Exception {
        lb = LocalBedrock.start(new LocalBedrock.Config().port(0));
    }

    @AfterAll
    static void stop() {
        if (lb != null) lb.close();
    }

    // ------------------------------------------------------------------ clients with a given identity / clock

    static <B extends AwsClientBuilder<B, ?>> B configure(B builder, String key, String secret, Duration clockOffset) {
        return configure(lb, builder, key, secret, clockOffset);
    }

    /** A client builder for {@code lb} with the given keys, one attempt per call, and a clock offset when not null. */
    static <B extends AwsClientBuilder<B, ?>> B configure(LocalBedrock lb, B builder, String key, String secret, Duration clockOffset) {
        builder.endpointOverride(lb.endpoint())
                .region(Region.of(REGION))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(key, secret)))
                .overrideConfiguration(o -> o.retryStrategy(r -> r.maxAttempts(1)));
        if (clockOffset != null) builder.putAuthScheme(skewedSigV4(clockOffset));
        return builder;
    }

    static BedrockRuntimeClient runtime(String key, String secret, Duration offset) {
        return configure(lb, BedrockRuntimeClient.builder(), key, secret, offset).build();
    }

    static BedrockClient bedrock(String key, String secret, Duration offset) {
        return configure(lb, BedrockClient.builder(), key, secret, offset).build();
    }

    static S3Client s3(String key, String secret, Duration offset) {
        return s3(lb, key, secret, offset);
    }

    static S3Client s3(LocalBedrock lb, String key, String secret, Duration offset) {
        return configure(lb, S3Client.builder(), key, secret, offset).build();
    }

    static StsClient sts(String key, String secret, Duration offset) {
        return sts(lb, key, secret, offset);
    }

    static StsClient sts(LocalBedrock lb, String key, String secret, Duration offset) {
        return configure(lb, StsClient.builder(), key, secret, offset).build();
    }

    /** The SDK's SigV4 scheme, but signing with a clock that is offset from the real one. */
    static AuthScheme<AwsCredentialsIdentity> skewedSigV4(Duration offset) {
        HttpSigner<AwsCredentialsIdentity> base = AwsV4HttpSigner.create();
        Clock clock = Clock.offset(Clock.systemUTC(), offset);
        HttpSigner<AwsCredentialsIdentity> skewed = new HttpSigner<>() {
            @Override
            public SignedRequest sign(SignRequest<? extends AwsCredentialsIdentity> request) {
                return base.sign(request.copy(b -> b.putProperty(HttpSigner.SIGNING_CLOCK, clock)));
            }

            @Override
            public CompletableFuture<AsyncSignedRequest> signAsync(AsyncSignRequest<? extends AwsCredentialsIdentity> request) {
                return base.signAsync(request.copy(b -> b.putProperty(HttpSigner.SIGNING_CLOCK, clock)));
            }
        };
        return new AuthScheme<>() {
            @Override
            public String schemeId() {
                return AwsV4AuthScheme.SCHEME_ID;
            }

            @Override
            public IdentityProvider<AwsCredentialsIdentity> identityProvider(IdentityProviders providers) {
                return providers.identityProvider(AwsCredentialsIdentity.class);
            }

            @Override
            public HttpSigner<AwsCredentialsIdentity> signer() {
                return skewed;
            }
        };
    }

    // ------------------------------------------------------------------ one call per service

    /** Makes one call of the given service with a client built by the arguments; returns the service error. */
    static AwsServiceException callFails(String service, String key, String secret, Duration offset) {
        Runnable call = switch (service) {
            case "bedrock-runtime" -> () -> {
                try (BedrockRuntimeClient c = runtime(key, secret, offset)) {
                    c.converse(r -> r.modelId("global.anthropic.claude-haiku-4-5-20251001-v1:0")
                            .messages(Message.builder().role(ConversationRole.USER).content(ContentBlock.fromText("Hi")).build()));
                }
            };
            case "bedrock" -> () -> {
                try (BedrockClient c = bedrock(key, secret, offset)) {
                    c.listInferenceProfiles(r -> r.maxResults(1));
                }
            };
            case "s3" -> () -> {
                try (S3Client c = s3(key, secret, offset)) {
                    c.putObject(r -> r.bucket("sigv4-test-bucket").key("k.txt"),
                            software.amazon.awssdk.core.sync.RequestBody.fromString("hello"));
                }
            };
            case "sts" -> () -> {
                try (StsClient c = sts(key, secret, offset)) {
                    c.getCallerIdentity();
                }
            };
            default -> throw new IllegalArgumentException(service);
        };
        return assertThrows(AwsServiceException.class, call::run, service);
    }

    static void assertError(AwsServiceException e, int status, String code) {
        assertEquals(status, e.statusCode(), e.toString());
        assertNotNull(e.awsErrorDetails(), e.toString());
        assertEquals(code, e.awsErrorDetails().errorCode(), e.toString());
    }

    static RequestLog.Entry lastEntry(String service) {
        return lastEntry(lb, service);
    }

    static RequestLog.Entry lastEntry(LocalBedrock lb, String service) {
        List<RequestLog.Entry> all = lb.requestLog().entries();
        for (int i = all.size() - 1; i >= 0; i--) {
            if (service.equals(all.get(i).service())) return all.get(i);
        }
        throw new AssertionError("no log entry for " + service);
    }

    @Test
    void wrongSecretIsRefusedByEveryService() {
        assertError(callFails("bedrock-runtime", "test", "wrong", null), 403, "InvalidSignatureException");
        assertError(callFails("bedrock", "test", "wrong", null), 403, "InvalidSignatureException");
        assertError(callFails("s3", "test", "wrong", null), 403, "SignatureDoesNotMatch");
        assertError(callFails("sts", "test", "wrong", null), 403, "SignatureDoesNotMatch");
        assertTrue(lastEntry("sts").signature().startsWith("invalid"), lastEntry("sts").signature());
    }

    @Test
    void unknownAccessKeyIsRefusedByEveryService() {
        assertError(callFails("bedrock-runtime", "AKIDUNKNOWN", "test", null), 403, "UnrecognizedClientException");
        assertError(callFails("bedrock", "AKIDUNKNOWN", "test", null), 403, "UnrecognizedClientException");
        assertError(callFails("s3", "AKIDUNKNOWN", "test", null), 403, "InvalidAccessKeyId");
        assertError(callFails("sts", "AKIDUNKNOWN", "test", null), 403, "InvalidClientTokenId");
        assertEquals("AKIDUNKNOWN", lastEntry("sts").accessKeyId());
    }

    @Test
    void staleDateIsRefusedByEveryService() {
        Duration off = Duration.ofMinutes(-20);
        AwsServiceException e = callFails("bedrock-runtime", "test", "test", off);
        assertError(e, 403, "InvalidSignatureException");
        assertTrue(e.awsErrorDetails().errorMessage().startsWith("Signature expired"), e.awsErrorDetails().errorMessage());
        assertError(callFails("bedrock", "test", "test", off), 403, "InvalidSignatureException");
        assertError(callFails("s3", "test", "test", off), 403, "RequestTimeTooSkewed");
        assertError(callFails("sts", "test", "test", off), 403, "SignatureDoesNotMatch");
        // 20 minutes ahead is refused as well
        assertError(callFails("bedrock", "test", "test", Duration.ofMinutes(20)), 403, "InvalidSignatureException");
    }

    @Test
    void smallClockDifferenceIsAccepted() {
        try (BedrockClient c = bedrock("test", "test", Duration.ofMinutes(-10))) {
            c.listInferenceProfiles(r -> r.maxResults(1));
        }
        assertEquals("valid", lastEntry("bedrock").signature());
    }

    @Test
    void missingAuthorizationIsRefusedByEveryService() throws Exception {
        RawHttp.Response r = RawHttp.send(lb, "POST", "/model/global.anthropic.claude-haiku-4-5-20251001-v1%3A0/converse", "",
                Map.of("content-type", "application/json"), "{\"messages\":[]}".getBytes(StandardCharsets.UTF_8), null);
        assertEquals(403, r.status());
        assertEquals("MissingAuthenticationTokenException", r.errorType());
        assertTrue(r.text().contains("Missing Authentication Token"), r.text());

        r = RawHttp.send(lb, "GET", "/inference-profiles", "", Map.of(), new byte[0], null);
        assertEquals(403, r.status());
        assertEquals("MissingAuthenticationTokenException", r.errorType());

        r = RawHttp.send(lb, "GET", "/some-bucket/key.txt", "", Map.of(), new byte[0], null);
        assertEquals(403, r.status());
        assertTrue(r.text().contains("<Code>AccessDenied</Code>"), r.text());

        r = RawHttp.send(lb, "POST", "/", "", Map.of("content-type", "application/x-www-form-urlencoded; charset=utf-8"),
                "Action=GetCallerIdentity&Version=2011-06-15".getBytes(StandardCharsets.UTF_8), null);
        assertEquals(403, r.status());
        assertTrue(r.text().contains("<Code>MissingAuthenticationToken</Code>"), r.text());
        assertEquals("missing", lastEntry("sts").signature());
    }

    @Test
    void validRequestsAreLoggedAsValid() {
        try (BedrockClient c = bedrock("test", "test", null)) {
            c.getInferenceProfile(r -> r.inferenceProfileIdentifier("global.anthropic.claude-haiku-4-5-20251001-v1:0"));
        }
        RequestLog.Entry e = lastEntry("bedrock");
        assertEquals("valid", e.signature());
        assertEquals("GetInferenceProfile", e.operation());
        assertEquals("test", e.accessKeyId());
        try (StsClient c = sts("test", "test", null)) {
            c.getCallerIdentity();
        }
        assertEquals("valid", lastEntry("sts").signature());
        try (S3Client c = s3("test", "test", null)) {
            c.createBucket(r -> r.bucket("sigv4-valid-bucket"));
            c.putObject(r -> r.bucket("sigv4-valid-bucket").key("dir/a b+c.txt"),
                    software.amazon.awssdk.core.sync.RequestBody.fromString("hello"));
            assertEquals("valid", lastEntry("s3").signature());
            assertEquals("hello", c.getObjectAsBytes(r -> r.bucket("sigv4-valid-bucket").key("dir/a b+c.txt")).asUtf8String());
        }
        assertEquals("valid", lastEntry("s3").signature());
    }

    @Test
    void validRuntimeRequestIsLoggedAsValid() {
        try (BedrockRuntimeClient c = runtime("test", "test", null)) {
            try {
                c.converse(r -> r.modelId("global.anthropic.claude-haiku-4-5-20251001-v1:0")
                        .messages(Message.builder().role(ConversationRole.USER).content(ContentBlock.fromText("Hi")).build()));
            } catch (AwsServiceException e) {
                // whatever the runtime answers, the signature must have been accepted
                assertTrue(e.statusCode() != 403, e.toString());
            }
        }
        assertEquals("valid", lastEntry("bedrock-runtime").signature());
    }

    @Test
    void bearerTokenMustBeAConfiguredApiKey() throws Exception {
        String converse = "/model/global.anthropic.claude-haiku-4-5-20251001-v1%3A0/converse";
        byte[] body = "{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"Hi\"}]}]}".getBytes(StandardCharsets.UTF_8);
        // a token that is no API key at all, on the runtime and on the control plane
        for (String[] call : new String[][] {{"POST", converse}, {"GET", "/inference-profiles"}}) {
            RawHttp.Response r = RawHttp.send(lb, call[0], call[1], "", Map.of("authorization", "Bearer abc", "content-type", "application/json"),
                    "POST".equals(call[0]) ? body : new byte[0], null);
            assertEquals(403, r.status(), r.text());
            assertEquals("AccessDeniedException", r.errorType(), r.text());
            assertTrue(r.text().contains("\"Message\":\"" + BearerAuth.BAD_FORMAT + "\""), r.text());
        }
        // a well-formed key the endpoint was not given
        RawHttp.Response r = RawHttp.send(lb, "POST", converse, "", Map.of("authorization", "Bearer ABSKbm90LWEta25vd24ta2V5", "content-type", "application/json"), body, null);
        assertEquals(403, r.status(), r.text());
        assertEquals("AccessDeniedException", r.errorType(), r.text());
        assertTrue(r.text().contains(BearerAuth.UNKNOWN_KEY), r.text());
        assertEquals("invalid: unknown api key", lastEntry("bedrock-runtime").signature());
        // the default key (no --api-key given) works on both, and S3/STS never take a bearer token
        r = RawHttp.send(lb, "POST", converse, "", Map.of("authorization", "Bearer " + BearerAuth.DEFAULT_KEY, "content-type", "application/json"), body, null);
        assertEquals(200, r.status(), r.text());
        assertEquals("valid: api key", lastEntry("bedrock-runtime").signature());
        r = RawHttp.send(lb, "GET", "/inference-profiles", "", Map.of("authorization", "Bearer " + BearerAuth.DEFAULT_KEY), new byte[0], null);
        assertEquals(200, r.status(), r.text());
        r = RawHttp.send(lb, "GET", "/some-bucket", "", Map.of("authorization", "Bearer " + BearerAuth.DEFAULT_KEY), new byte[0], null);
        assertTrue(r.status() == 400 || r.status() == 403, r.text());
    }

    @Test
    void tamperedBodyIsRefused() throws Exception {
        // signed for one body, sent with another
        RawHttp.Response r = RawHttp.send(lb, "POST", "/tagResource", "", Map.of("content-type", "application/json"),
                "{\"resourceARN\":\"x\",\"tags\":[]}".getBytes(StandardCharsets.UTF_8),
                RawHttp.signer("bedrock", "test", "test", Instant.now(), "{}".getBytes(StandardCharsets.UTF_8)));
        assertEquals(403, r.status());
        assertEquals("InvalidSignatureException", r.errorType());
    }

    @Test
    void chunkSignaturesAreChecked() throws Exception {
        try (S3Client c = s3("test", "test", null)) {
            c.createBucket(r -> r.bucket("sigv4-chunk-bucket"));
        }
        // A real aws-chunked upload whose second chunk was altered in transit: the seed signature is
        // fine but the chunk signature chain breaks.
        byte[] data = new byte[200_000];
        java.util.Arrays.fill(data, (byte) 'a');
        byte[][] captured = new byte[1][];
        Map<String, String> capturedHeaders = new LinkedHashMap<>();
        software.amazon.awssdk.http.SdkHttpClient real = software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.create();
        software.amazon.awssdk.http.SdkHttpClient capturing = new software.amazon.awssdk.http.SdkHttpClient() {
            @Override
            public software.amazon.awssdk.http.ExecutableHttpRequest prepareRequest(software.amazon.awssdk.http.HttpExecuteRequest request) {
                request.httpRequest().headers().forEach((k, v) -> capturedHeaders.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
                try (InputStream in = request.contentStreamProvider().get().newStream()) {
                    captured[0] = in.readAllBytes();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                return real.prepareRequest(software.amazon.awssdk.http.HttpExecuteRequest.builder()
                        .request(request.httpRequest())
                        .contentStreamProvider(ContentStreamProvider.fromByteArray(captured[0])).build());
            }

            @Override
            public void close() {
                real.close();
            }
        };
        try (S3Client c = configure(S3Client.builder(), "test", "test", null).httpClient(capturing).build()) {
            c.putObject(r -> r.bucket("sigv4-chunk-bucket").key("big.bin"), software.amazon.awssdk.core.sync.RequestBody.fromBytes(data));
        }
        assertEquals("valid", lastEntry("s3").signature());
        assertTrue(capturedHeaders.getOrDefault("x-amz-content-sha256", "").startsWith("STREAMING-"), capturedHeaders.toString());
        // replay the captured request as is: accepted
        Map<String, String> headers = new LinkedHashMap<>(capturedHeaders);
        headers.remove("content-length");
        RawHttp.Response ok = RawHttp.send(lb, "PUT", "/sigv4-chunk-bucket/big.bin", "", headers, captured[0], null);
        assertEquals(200, ok.status(), ok.text());
        // flip one data byte inside the second chunk
        byte[] tampered = captured[0].clone();
        int second = new String(tampered, StandardCharsets.ISO_8859_1).indexOf("chunk-signature=", 100);
        int dataStart = new String(tampered, StandardCharsets.ISO_8859_1).indexOf("\r\n", second) + 2;
        tampered[dataStart + 5] = 'b';
        RawHttp.Response bad = RawHttp.send(lb, "PUT", "/sigv4-chunk-bucket/big.bin", "", headers, tampered, null);
        assertEquals(403, bad.status(), bad.text());
        assertTrue(bad.text().contains("SignatureDoesNotMatch"), bad.text());
        assertTrue(lastEntry("s3").signature().contains("chunk"), lastEntry("s3").signature());
    }
}
