import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.document.Document;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseRequest;
import software.amazon.awssdk.services.bedrockruntime.model.ValidationException;

/**
 * Real mistakes get AWS's real errors (class, status, message), and malformed or hostile raw HTTP
 * gets a 4xx in the service's shape while the server stays alive.
 */
class EndpointBadInputTest {
    static final String HAIKU = EndpointRuntimeTest.HAIKU;
    static final String SONNET_45 = EndpointRuntimeTest.SONNET_45;
    static final String SONNET_46 = EndpointRuntimeTest.SONNET_46;

    static LocalBedrock lb;
    static BedrockRuntimeClient sync;
    static BedrockRuntimeAsyncClient async;
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        lb = LocalBedrock.start(new LocalBedrock.Config().port(0));
        sync = EndpointRuntimeTest.syncClient(lb);
        async = EndpointRuntimeTest.asyncClient(lb);
    }

    @AfterAll
    static void stop() {
        sync.close();
        async.close();
        lb.close();
    }

    // ------------------------------------------------------------------ raw HTTP helper (also used by other tests)

    /** Sends a raw request to the endpoint, SigV4-signed (service "bedrock") unless sign is false. */
    static HttpResponse<String> raw(LocalBedrock lb, String method, String rawPathAndQuery, byte[] body, boolean sign) throws Exception {
        URI uri = URI.create(lb.endpoint() + rawPathAndQuery);
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        b.header("Content-Type", "application/json");
        if (sign) {
            signedHeaders(method, uri, body).forEach((k, v) -> {
                if (!k.equals("host") && !k.equals("content-type") && !k.equals("content-length")) b.header(k, v);
            });
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** SigV4 headers (names lower-cased, host included) for a JSON request to "bedrock" signed with test/test. */
    static java.util.Map<String, String> signedHeaders(String method, URI uri, byte[] body) {
        java.util.Map<String, String> headers = new java.util.LinkedHashMap<>();
        headers.put("host", uri.getHost() + ":" + uri.getPort());
        headers.put("content-type", "application/json");
        java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
        RawHttp.signer("bedrock", "test", "test", java.time.Instant.now(), null)
                .sign(method, uri.getHost(), uri.getPort(), uri.getRawPath(), uri.getRawQuery() == null ? "" : uri.getRawQuery(),
                        headers, body == null ? new byte[0] : body)
                .forEach((k, v) -> out.put(k.toLowerCase(java.util.Locale.ROOT), v));
        out.put("host", uri.getHost() + ":" + uri.getPort());
        return out;
    }

    static void assertAlive() {
        assertTrue(sync.converse(b -> b.modelId(HAIKU).messages(EndpointRuntimeTest.user("still alive?")))
                .output().message().content().get(0).text().contains("still alive?"));
    }

    static ValidationException invalid(Consumer<ConverseRequest.Builder> req) {
        ValidationException e = assertThrows(ValidationException.class, () -> sync.converse(req));
        assertEquals(400, e.statusCode());
        return e;
    }

    static AwsServiceException invokeFails(String modelId, JsonNode body) {
        return assertThrows(AwsServiceException.class,
                () -> sync.invokeModel(b -> b.modelId(modelId).body(SdkBytes.fromByteArray(EndpointRuntimeTest.bytes(body)))));
    }

    static Document doc(Object... kv) {
        java.util.Map<String, Document> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            Object v = kv[i + 1];
            m.put((String) kv[i], v instanceof Document d ? d : v instanceof Number n ? Document.fromNumber(n.intValue()) : Document.fromString(String.valueOf(v)));
        }
        return Document.fromMap(m);
    }

    // ------------------------------------------------------------------ model ids

    @Test
    void bareFoundationModelIdNeedsAProfile() {
        ValidationException e = invalid(b -> b.modelId("anthropic.claude-haiku-4-5-20251001-v1:0").messages(EndpointRuntimeTest.user("x")));
        assertEquals("Invocation of model ID anthropic.claude-haiku-4-5-20251001-v1:0 with on-demand throughput isn\u2019t supported. "
                + "Retry your request with the ID or ARN of an inference profile that contains this model.", e.awsErrorDetails().errorMessage());
        e = invalid(b -> b.modelId("arn:aws:bedrock:ap-south-1::foundation-model/amazon.nova-2-lite-v1:0").messages(EndpointRuntimeTest.user("x")));
        assertTrue(e.awsErrorDetails().errorMessage().startsWith("Invocation of model ID amazon.nova-2-lite-v1:0 with on-demand"));
    }

    @Test
    void unknownModelIdIsInvalid() {
        for (String id : new String[] {"global.anthropic.claude-nonexistent-v1:0", "moon.anthropic.claude-sonnet-4-6", "nonsense"}) {
            ValidationException e = invalid(b -> b.modelId(id).messages(EndpointRuntimeTest.user("x")));
            assertEquals("The provided model identifier is invalid.", e.awsErrorDetails().errorMessage());
        }
        AwsServiceException e = assertThrows(AwsServiceException.class, () -> sync.converse(b -> b.modelId(
                "arn:aws:bedrock:ap-south-1:123456789012:application-inference-profile/zzzzzzzzzzzz").messages(EndpointRuntimeTest.user("x"))));
        assertTrue(e.statusCode() >= 400 && e.statusCode() < 500, "unknown application profile: " + e.statusCode());
    }

    @Test
    void converseOnPegasusOrCohereIsUnsupported() {
        for (String id : new String[] {EndpointRuntimeTest.PEGASUS, EndpointRuntimeTest.COHERE}) {
            ValidationException e = invalid(b -> b.modelId(id).messages(EndpointRuntimeTest.user("x")));
            assertEquals("This action doesn't support the model that you provided. Try again with a supported text or chat model.",
                    e.awsErrorDetails().errorMessage());
        }
        ExecutionException x = assertThrows(ExecutionException.class, () -> EndpointRuntimeTest.converseStream(async,
                EndpointRuntimeTest.COHERE, "x", new EndpointRuntimeTest.StreamResult(), null).get(30, TimeUnit.SECONDS));
        assertInstanceOf(software.amazon.awssdk.services.bedrockruntime.model.ValidationException.class, x.getCause());
    }

    // ------------------------------------------------------------------ parameters

    static final String BOTH = "The model returned the following errors: `temperature` and `top_p` cannot both be specified for this model. Please use only one.";

    @Test
    void temperatureWithTopPIsRejectedOnClaude() {
        ValidationException e = invalid(b -> b.modelId(SONNET_45).messages(EndpointRuntimeTest.user("x"))
                .inferenceConfig(c -> c.temperature(0.5f).topP(0.9f)));
        assertEquals(BOTH, e.awsErrorDetails().errorMessage());
        ObjectNode body = EndpointRuntimeTest.claudeBody("x", 100).put("temperature", 0.5).put("top_p", 0.9);
        AwsServiceException n = invokeFails(HAIKU, body);
        assertInstanceOf(ValidationException.class, n);
        assertEquals(BOTH, n.awsErrorDetails().errorMessage());
        // Nova accepts the pair
        sync.converse(b -> b.modelId(EndpointRuntimeTest.NOVA).messages(EndpointRuntimeTest.user("x"))
                .inferenceConfig(c -> c.temperature(0.5f).topP(0.9f)));
    }

    @Test
    void anthropicBodyNeedsMaxTokensAndVersion() {
        ObjectNode noMax = EndpointRuntimeTest.claudeBody("x", 100);
        noMax.remove("max_tokens");
        AwsServiceException e = invokeFails(HAIKU, noMax);
        assertInstanceOf(ValidationException.class, e);
        assertEquals(400, e.statusCode());
        assertEquals("Malformed input request: #: required key [max_tokens] not found, please reformat your input and try again.",
                e.awsErrorDetails().errorMessage());
        ObjectNode noVersion = EndpointRuntimeTest.claudeBody("x", 100);
        noVersion.remove("anthropic_version");
        e = invokeFails(HAIKU, noVersion);
        assertEquals("Malformed input request: #: required key [anthropic_version] not found, please reformat your input and try again.",
                e.awsErrorDetails().errorMessage());
        e = invokeFails(HAIKU, EndpointRuntimeTest.claudeBody("x", 100).put("max_tokens", "many"));
        assertTrue(e.awsErrorDetails().errorMessage().contains("#/max_tokens: expected type: Integer"));
        e = invokeFails(HAIKU, EndpointRuntimeTest.claudeBody("x", 100).put("temperature", 1.5));
        assertInstanceOf(ValidationException.class, e);
        e = invokeFails(HAIKU, EndpointRuntimeTest.claudeBody("x", 100).put("stream", true));
        assertTrue(e.awsErrorDetails().errorMessage().contains("extraneous key [stream]"));
    }

    @Test
    void converseParameterRanges() {
        ValidationException e = invalid(b -> b.modelId(HAIKU).messages(EndpointRuntimeTest.user("x")).inferenceConfig(c -> c.maxTokens(0)));
        assertTrue(e.awsErrorDetails().errorMessage().contains("maxTokens"), e.getMessage());
        e = invalid(b -> b.modelId(HAIKU).messages(EndpointRuntimeTest.user("x")).inferenceConfig(c -> c.temperature(1.5f)));
        assertTrue(e.awsErrorDetails().errorMessage().contains("temperature"), e.getMessage());
        e = invalid(b -> b.modelId(EndpointRuntimeTest.NOVA).messages(EndpointRuntimeTest.user("x")).inferenceConfig(c -> c.topP(-0.1f)));
        assertTrue(e.awsErrorDetails().errorMessage().contains("topP"), e.getMessage());
        e = invalid(b -> b.modelId(HAIKU).messages(java.util.List.of()));
        assertTrue(e.awsErrorDetails().errorMessage().contains("must start with a user message"));
    }

    @Test
    void thinkingModesFollowTheModel() {
        // adaptive is for the 4.6 models only
        ValidationException e = invalid(b -> b.modelId(SONNET_45).messages(EndpointRuntimeTest.user("x"))
                .additionalModelRequestFields(doc("thinking", doc("type", "adaptive"))));
        assertTrue(e.awsErrorDetails().errorMessage().contains("adaptive"));
        sync.converse(b -> b.modelId(SONNET_46).messages(EndpointRuntimeTest.user("x"))
                .additionalModelRequestFields(doc("thinking", doc("type", "adaptive"))));
        // enabled needs budget_tokens >= 1024 and below max tokens
        ObjectNode small = EndpointRuntimeTest.claudeBody("x", 4000);
        small.putObject("thinking").put("type", "enabled").put("budget_tokens", 100);
        assertTrue(invokeFails(HAIKU, small).awsErrorDetails().errorMessage().contains("budget_tokens"));
        ObjectNode over = EndpointRuntimeTest.claudeBody("x", 1000);
        over.putObject("thinking").put("type", "enabled").put("budget_tokens", 2000);
        assertTrue(invokeFails(HAIKU, over).awsErrorDetails().errorMessage().contains("`max_tokens` must be greater than `thinking.budget_tokens`"));
        ObjectNode adaptive45 = EndpointRuntimeTest.claudeBody("x", 1000);
        adaptive45.putObject("thinking").put("type", "adaptive");
        assertInstanceOf(ValidationException.class, invokeFails(EndpointRuntimeTest.OPUS_45, adaptive45));
    }

    @Test
    void malformedBodiesThroughTheSdk() {
        AwsServiceException e = assertThrows(AwsServiceException.class,
                () -> sync.invokeModel(b -> b.modelId(HAIKU).body(SdkBytes.fromUtf8String("{not json"))));
        assertInstanceOf(ValidationException.class, e);
        assertTrue(e.awsErrorDetails().errorMessage().startsWith("Malformed input request"));
        e = assertThrows(AwsServiceException.class,
                () -> sync.invokeModel(b -> b.modelId(EndpointRuntimeTest.COHERE).body(SdkBytes.fromUtf8String("[1,2]"))));
        assertInstanceOf(ValidationException.class, e);
        ObjectNode cohere = EndpointRuntimeTest.JSON.createObjectNode().put("input_type", "search_document").put("output_dimension", 300);
        cohere.putArray("texts").add("x");
        assertTrue(invokeFails(EndpointRuntimeTest.COHERE, cohere).awsErrorDetails().errorMessage().contains("output_dimension"));
        ObjectNode pegasus = EndpointRuntimeTest.JSON.createObjectNode().put("inputPrompt", "x");
        assertTrue(invokeFails(EndpointRuntimeTest.PEGASUS, pegasus).awsErrorDetails().errorMessage().contains("mediaSource"));
    }

    @Test
    void pegasusBase64OverTwentyFiveMegabytesIsRejected() throws Exception {
        byte[] video = new byte[25 * 1024 * 1024 + 3];
        ObjectNode body = EndpointRuntimeTest.JSON.createObjectNode().put("inputPrompt", "Describe");
        body.putObject("mediaSource").put("base64String", java.util.Base64.getEncoder().encodeToString(video));
        AwsServiceException e = invokeFails(EndpointRuntimeTest.PEGASUS, body);
        assertInstanceOf(ValidationException.class, e);
        assertTrue(e.awsErrorDetails().errorMessage().contains("25 MB"), e.awsErrorDetails().errorMessage());
        assertAlive();
    }

    // ------------------------------------------------------------------ raw HTTP

    @Test
    void rawMalformedJsonGetsValidationExceptionShape() throws Exception {
        HttpResponse<String> r = raw(lb, "POST", "/model/global.anthropic.claude-haiku-4-5-20251001-v1%3A0/converse",
                "{\"messages\": [".getBytes(), true);
        assertEquals(400, r.statusCode());
        assertTrue(r.headers().firstValue("x-amzn-ErrorType").orElse("").startsWith("ValidationException:"));
        assertTrue(r.headers().firstValue("x-amzn-RequestId").isPresent());
        assertTrue(EndpointRuntimeTest.JSON.readTree(r.body()).path("message").asText().contains("not valid JSON"));
        assertAlive();
    }

    @Test
    void rawUnsignedRequestIsRejected() throws Exception {
        HttpResponse<String> r = raw(lb, "POST", "/model/global.anthropic.claude-haiku-4-5-20251001-v1%3A0/converse", "{}".getBytes(), false);
        assertEquals(403, r.statusCode());
        assertTrue(r.headers().firstValue("x-amzn-ErrorType").isPresent());
        RequestLog.Entry e = lb.requestLog().entries().stream().filter(x -> x.status() == 403).findFirst().orElseThrow();
        assertEquals("missing", e.signature());
    }

    @Test
    void rawUnknownPathsGet4xxInTheServiceShape() throws Exception {
        HttpResponse<String> r = raw(lb, "POST", "/model/global.anthropic.claude-haiku-4-5-20251001-v1%3A0/teleport", "{}".getBytes(), true);
        assertEquals(404, r.statusCode());
        assertTrue(r.headers().firstValue("x-amzn-ErrorType").orElse("").startsWith("UnknownOperationException"));
        r = raw(lb, "POST", "/model//converse", "{}".getBytes(), true);
        assertTrue(r.statusCode() >= 400 && r.statusCode() < 500, "status " + r.statusCode());
        r = raw(lb, "GET", "/model/global.anthropic.claude-haiku-4-5-20251001-v1%3A0/converse", null, true);
        assertTrue(r.statusCode() >= 400 && r.statusCode() < 500);
        r = raw(lb, "GET", "/no/such/thing/here", null, false);
        assertTrue(r.statusCode() >= 400 && r.statusCode() < 500, "status " + r.statusCode());
        assertAlive();
    }

    @Test
    void rawHugeBodyGets4xxNot500() throws Exception {
        byte[] huge = new byte[(int) Router.MAX_JSON_BODY + 1024];
        Arrays.fill(huge, (byte) 'a');
        HttpResponse<String> r = raw(lb, "POST", "/model/global.anthropic.claude-haiku-4-5-20251001-v1%3A0/invoke", huge, false);
        assertTrue(r.statusCode() >= 400 && r.statusCode() < 500, "status " + r.statusCode());
        assertTrue(r.headers().firstValue("x-amzn-ErrorType").orElse("").startsWith("ValidationException"));
        assertAlive();
    }

    /** A handler bug must become a 500 in the service's shape, never a dead server (handler deliberately broken here). */
    @Test
    void unexpectedHandlerFailureBecomes500InServiceShape() {
        RequestLog log = new RequestLog(null);
        // no ControlPlane: resolving the model id fails with a NullPointerException inside the handler
        Router router = new Router(new SigV4(java.util.Map.of("test", "test")),
                new RuntimeApi(new Faults(), new Usage(), null, null), null, null, null, log);
        String path = "/model/global.amazon.nova-2-lite-v1%3A0/converse";
        byte[] body = "{}".getBytes();
        Exchange ex = new Exchange("POST", path, "", signedHeaders("POST", URI.create("http://127.0.0.1:9" + path), body),
                body, "http/1.1", (status, headers) -> { throw new java.io.IOException("not used"); });
        java.io.PrintStream err = System.err;
        try {
            System.setErr(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
            router.handle(ex);
        } finally {
            System.setErr(err);
        }
        assertEquals(500, ex.status);
        assertTrue(ex.responseHeaders.get("x-amzn-ErrorType").startsWith("InternalServerException:"));
        assertTrue(new String(ex.responseBody).contains("\"message\""));
        assertEquals("InternalServerException", log.entries().get(0).errorCode());
        assertEquals("valid", log.entries().get(0).signature());
    }

    @Test
    void rawWrongTypesAreValidationErrors() throws Exception {
        HttpResponse<String> r = raw(lb, "POST", "/model/global.anthropic.claude-haiku-4-5-20251001-v1%3A0/converse",
                "{\"messages\":\"hello\",\"inferenceConfig\":{\"maxTokens\":\"ten\"}}".getBytes(), true);
        assertEquals(400, r.statusCode());
        r = raw(lb, "POST", "/model/global.anthropic.claude-haiku-4-5-20251001-v1%3A0/converse",
                "{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"x\"}]}],\"inferenceConfig\":{\"maxTokens\":\"ten\"}}".getBytes(), true);
        assertEquals(400, r.statusCode());
        assertTrue(r.body().contains("maxTokens"));
        r = raw(lb, "POST", "/model/global.anthropic.claude-haiku-4-5-20251001-v1%3A0/converse", new byte[] {(byte) 0xff, (byte) 0xfe, 0}, true);
        assertEquals(400, r.statusCode());
        assertAlive();
    }
}
