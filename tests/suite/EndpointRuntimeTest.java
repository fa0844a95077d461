import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.SdkHttpConfigurationOption;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.bedrock.BedrockClient;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;
import software.amazon.awssdk.services.bedrockruntime.model.AccessDeniedException;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ConversationRole;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseResponse;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamResponseHandler;
import software.amazon.awssdk.services.bedrockruntime.model.InvokeModelResponse;
import software.amazon.awssdk.services.bedrockruntime.model.InvokeModelWithResponseStreamResponseHandler;
import software.amazon.awssdk.services.bedrockruntime.model.Message;
import software.amazon.awssdk.services.bedrockruntime.model.StopReason;
import software.amazon.awssdk.services.bedrockruntime.model.TokenUsage;
import software.amazon.awssdk.services.bedrockruntime.model.ValidationException;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The local endpoint's bedrock-runtime operations driven by the real SDK: every operation for
 * every model family, with the sync client (HTTP/1.1) and the async client with its default
 * Netty HTTP/2 (h2c) client, every modelId form, request log and usage counters.
 */
class EndpointRuntimeTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String HAIKU = "global.anthropic.claude-haiku-4-5-20251001-v1:0";
    static final String SONNET_45 = "global.anthropic.claude-sonnet-4-5-20250929-v1:0";
    static final String OPUS_45 = "global.anthropic.claude-opus-4-5-20251101-v1:0";
    static final String SONNET_46 = "global.anthropic.claude-sonnet-4-6";
    static final String OPUS_46 = "global.anthropic.claude-opus-4-6-v1";
    static final String NOVA = "global.amazon.nova-2-lite-v1:0";
    static final String PEGASUS = "global.twelvelabs.pegasus-1-2-v1:0";
    static final String COHERE = "global.cohere.embed-v4:0";
    static final List<String> CHAT_MODELS = List.of(HAIKU, SONNET_45, OPUS_45, SONNET_46, OPUS_46, NOVA);
    static final List<String> CLAUDE_MODELS = List.of(HAIKU, SONNET_45, OPUS_45, SONNET_46, OPUS_46);
    static final String PROMPT = "Explain quantum computing in simple terms for a curious teenager";

    static LocalBedrock lb;
    static BedrockRuntimeClient sync;
    static BedrockRuntimeAsyncClient async;

    // ------------------------------------------------------------------ shared helpers (used by the other Endpoint tests)

    static StaticCredentialsProvider creds() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));
    }

    /** Sync client over HTTP/1.1 (URLConnection), no retries unless asked. */
    static BedrockRuntimeClient syncClient(LocalBedrock lb) {
        return BedrockRuntimeClient.builder().endpointOverride(lb.endpoint()).region(Region.AP_SOUTH_1)
                .credentialsProvider(creds()).httpClient(UrlConnectionHttpClient.create()).build();
    }

    /** Async client with the SDK's DEFAULT HTTP client (Netty, HTTP/2 prior knowledge over http://). */
    static BedrockRuntimeAsyncClient asyncClient(LocalBedrock lb) {
        return BedrockRuntimeAsyncClient.builder().endpointOverride(lb.endpoint()).region(Region.AP_SOUTH_1)
                .credentialsProvider(creds()).build();
    }

    static Message user(String text) {
        return Message.builder().role(ConversationRole.USER).content(ContentBlock.fromText(text)).build();
    }

    /** Everything a ConverseStream call produced, in order. */
    static final class StreamResult {
        final List<String> events = new CopyOnWriteArrayList<>();
        final StringBuilder text = new StringBuilder();
        final StringBuilder reasoning = new StringBuilder();
        volatile TokenUsage usage;
        volatile String stopReason;
        volatile Throwable error;
    }

    static CompletableFuture<Void> converseStream(BedrockRuntimeAsyncClient client, String modelId, String prompt,
                                                 StreamResult r, java.util.function.Consumer<software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamRequest.Builder> extra) {
        ConverseStreamResponseHandler handler = ConverseStreamResponseHandler.builder()
                .subscriber(ConverseStreamResponseHandler.Visitor.builder()
                        .onMessageStart(e -> r.events.add("messageStart"))
                        .onContentBlockStart(e -> r.events.add("contentBlockStart"))
                        .onContentBlockDelta(e -> {
                            r.events.add("contentBlockDelta");
                            if (e.delta().text() != null) r.text.append(e.delta().text());
                            if (e.delta().reasoningContent() != null && e.delta().reasoningContent().text() != null) {
                                r.reasoning.append(e.delta().reasoningContent().text());
                            }
                        })
                        .onContentBlockStop(e -> r.events.add("contentBlockStop"))
                        .onMessageStop(e -> {
                            r.events.add("messageStop");
                            r.stopReason = e.stopReasonAsString();
                        })
                        .onMetadata(e -> {
                            r.events.add("metadata");
                            r.usage = e.usage();
                        })
                        .build())
                .onError(t -> r.error = t)
                .build();
        return client.converseStream(b -> {
            b.modelId(modelId).messages(user(prompt));
            if (extra != null) extra.accept(b);
        }, handler);
    }

    /** Native chunks (decoded JSON) of an InvokeModelWithResponseStream call. */
    static CompletableFuture<Void> invokeStream(BedrockRuntimeAsyncClient client, String modelId, JsonNode body,
                                                List<JsonNode> chunks, String[] contentType) {
        InvokeModelWithResponseStreamResponseHandler handler = InvokeModelWithResponseStreamResponseHandler.builder()
                .onResponse(resp -> { if (contentType != null) contentType[0] = resp.contentType(); })
                .subscriber(InvokeModelWithResponseStreamResponseHandler.Visitor.builder()
                        .onChunk(c -> {
                            try {
                                chunks.add(JSON.readTree(c.bytes().asByteArray()));
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                        }).build())
                .build();
        return client.invokeModelWithResponseStream(b -> b.modelId(modelId).body(SdkBytes.fromByteArray(bytes(body))), handler);
    }

    static byte[] bytes(JsonNode n) {
        try {
            return JSON.writeValueAsBytes(n);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static JsonNode json(SdkBytes b) {
        try {
            return JSON.readTree(b.asByteArray());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static ObjectNode claudeBody(String prompt, int maxTokens) {
        ObjectNode b = JSON.createObjectNode().put("anthropic_version", "bedrock-2023-05-31").put("max_tokens", maxTokens);
        b.putArray("messages").addObject().put("role", "user").putArray("content").addObject().put("type", "text").put("text", prompt);
        return b;
    }

    static ObjectNode novaBody(String prompt, int maxTokens) {
        ObjectNode b = JSON.createObjectNode();
        b.putArray("messages").addObject().put("role", "user").putArray("content").addObject().put("text", prompt);
        b.putObject("inferenceConfig").put("max_new_tokens", maxTokens).put("temperature", 0.7).put("topP", 0.9);
        return b;
    }

    @BeforeAll
    static void start() throws Exception {
        lb = LocalBedrock.start(new LocalBedrock.Config().port(0));
        sync = syncClient(lb);
        async = asyncClient(lb);
    }

    @AfterAll
    static void stop() {
        if (sync != null) sync.close();
        if (async != null) async.close();
        if (lb != null) lb.close();
    }

    // ------------------------------------------------------------------ Converse / ConverseStream

    @Test
    void converseAnswersEveryChatModelWithConsistentUsage() {
        for (String id : CHAT_MODELS) {
            Usage.Totals before = lb.usage().of(id);
            ConverseResponse r = sync.converse(b -> b.modelId(id).messages(user(PROMPT)).inferenceConfig(c -> c.maxTokens(500)));
            String text = r.output().message().content().get(0).text();
            assertTrue(text.startsWith("[local-bedrock] You asked: \"Explain quantum computing in simple terms\""), text);
            assertEquals(StopReason.END_TURN, r.stopReason(), id);
            TokenUsage u = r.usage();
            assertEquals(u.inputTokens() + u.outputTokens(), u.totalTokens());
            assertEquals(8 + (PROMPT.length() + 3) / 4, u.inputTokens(), "input tokens grow with the prompt");
            assertTrue(u.outputTokens() > 0 && u.outputTokens() <= 500);
            assertNotNull(r.metrics().latencyMs());
            assertEquals(before.plus(new Usage.Totals(1, u.inputTokens(), u.outputTokens())), lb.usage().of(id), id);
        }
    }

    @Test
    void converseHonoursMaxTokensWithMaxTokensStopReason() {
        String id = "eu.anthropic.claude-sonnet-4-5-20250929-v1:0";
        ConverseResponse r = sync.converse(b -> b.modelId(id).messages(user(PROMPT)).inferenceConfig(c -> c.maxTokens(5)));
        assertEquals(StopReason.MAX_TOKENS, r.stopReason());
        assertEquals(5, r.usage().outputTokens());
        assertTrue(r.output().message().content().get(0).text().length() <= 20);
    }

    @Test
    void converseStreamOverDefaultHttp2ClientForEveryChatModel() throws Exception {
        for (String id : CHAT_MODELS) {
            StreamResult r = new StreamResult();
            converseStream(async, id, PROMPT, r, b -> b.inferenceConfig(c -> c.maxTokens(300))).get(30, TimeUnit.SECONDS);
            assertNull(r.error);
            assertEquals("messageStart", r.events.get(0), id);
            assertTrue(r.events.stream().filter("contentBlockDelta"::equals).count() >= 3, "several deltas: " + r.events);
            int n = r.events.size();
            assertEquals(List.of("contentBlockStop", "messageStop", "metadata"), r.events.subList(n - 3, n));
            assertTrue(r.text.toString().startsWith("[local-bedrock] You asked: \"Explain"), r.text.toString());
            assertEquals("end_turn", r.stopReason);
            assertEquals(r.usage.inputTokens() + r.usage.outputTokens(), r.usage.totalTokens());
            assertEquals(r.usage.outputTokens(), (r.text.length() + 3) / 4);
        }
        RequestLog.Entry last = lb.requestLog().entries().stream()
                .filter(e -> "ConverseStream".equals(e.operation())).reduce((a, b) -> b).orElseThrow();
        assertEquals("h2c", last.protocol());
        assertEquals(200, last.status());
    }

    @Test
    void converseStreamAlsoWorksOverHttp11() throws Exception {
        try (BedrockRuntimeAsyncClient h1 = BedrockRuntimeAsyncClient.builder().endpointOverride(lb.endpoint())
                .region(Region.AP_SOUTH_1).credentialsProvider(creds())
                .httpClient(NettyNioAsyncHttpClient.builder().protocol(Protocol.HTTP1_1).build()).build()) {
            String id = "jp.amazon.nova-2-lite-v1:0";
            StreamResult r = new StreamResult();
            converseStream(h1, id, "Hello over HTTP/1.1", r, null).get(30, TimeUnit.SECONDS);
            assertTrue(r.text.toString().contains("Hello over HTTP/1.1"));
            RequestLog.Entry e = lb.requestLog().entries().stream().filter(x -> id.equals(x.modelId())).findFirst().orElseThrow();
            assertEquals("http/1.1", e.protocol());
        }
    }

    @Test
    void converseWithThinkingReturnsReasoningFirst() throws Exception {
        ConverseResponse r = sync.converse(b -> b.modelId(HAIKU).messages(user("Think about primes"))
                .inferenceConfig(c -> c.maxTokens(4000))
                .additionalModelRequestFields(software.amazon.awssdk.core.document.Document.fromMap(java.util.Map.of(
                        "thinking", software.amazon.awssdk.core.document.Document.fromMap(java.util.Map.of(
                                "type", software.amazon.awssdk.core.document.Document.fromString("enabled"),
                                "budget_tokens", software.amazon.awssdk.core.document.Document.fromNumber(1024)))))));
        List<ContentBlock> content = r.output().message().content();
        assertEquals(2, content.size());
        assertNotNull(content.get(0).reasoningContent().reasoningText().text());
        assertNotNull(content.get(0).reasoningContent().reasoningText().signature());
        assertTrue(content.get(1).text().contains("Think about primes"));

        StreamResult s = new StreamResult();
        converseStream(async, SONNET_46, "Adaptive please", s, b -> b.additionalModelRequestFields(
                software.amazon.awssdk.core.document.Document.fromMap(java.util.Map.of("thinking",
                        software.amazon.awssdk.core.document.Document.fromMap(java.util.Map.of("type",
                                software.amazon.awssdk.core.document.Document.fromString("adaptive"))))))).get(30, TimeUnit.SECONDS);
        assertTrue(s.reasoning.length() > 0);
        assertTrue(s.text.toString().contains("Adaptive please"));
    }

    // ------------------------------------------------------------------ InvokeModel / InvokeModelWithResponseStream

    @Test
    void invokeModelClaudeNativeBodiesAndHeaders() {
        for (String id : CLAUDE_MODELS) {
            InvokeModelResponse r = sync.invokeModel(b -> b.modelId(id).body(SdkBytes.fromByteArray(bytes(claudeBody(PROMPT, 400)))));
            JsonNode out = json(r.body());
            assertEquals("message", out.path("type").asText());
            assertTrue(out.path("id").asText().startsWith("msg_bdrk_"));
            assertEquals("text", out.path("content").path(0).path("type").asText());
            assertTrue(out.path("content").path(0).path("text").asText().contains("Explain quantum computing in simple terms"));
            assertEquals("end_turn", out.path("stop_reason").asText());
            int in = out.path("usage").path("input_tokens").asInt();
            int outTok = out.path("usage").path("output_tokens").asInt();
            assertEquals(String.valueOf(in), r.sdkHttpResponse().firstMatchingHeader("X-Amzn-Bedrock-Input-Token-Count").orElseThrow());
            assertEquals(String.valueOf(outTok), r.sdkHttpResponse().firstMatchingHeader("X-Amzn-Bedrock-Output-Token-Count").orElseThrow());
            assertTrue(r.sdkHttpResponse().firstMatchingHeader("X-Amzn-Bedrock-Invocation-Latency").isPresent());
            assertEquals("application/json", r.contentType());
        }
    }

    @Test
    void invokeModelClaudeThinkingAndCompaction() {
        ObjectNode body = claudeBody("Plan a trip", 8000);
        body.putObject("thinking").put("type", "adaptive");
        body.putObject("output_config").put("effort", "high");
        body.putArray("anthropic_beta").add("compact-2026-01-12");
        body.putObject("context_management").putArray("edits").addObject().put("type", "compact_20260112");
        JsonNode out = json(sync.invokeModel(b -> b.modelId(OPUS_46).body(SdkBytes.fromByteArray(bytes(body)))).body());
        assertEquals("thinking", out.path("content").path(0).path("type").asText());
        assertFalse(out.path("content").path(0).path("signature").asText().isEmpty());
        assertEquals("text", out.path("content").path(1).path("type").asText());

        ObjectNode enabled = claudeBody("Plan a trip", 3000);
        enabled.putObject("thinking").put("type", "enabled").put("budget_tokens", 1024);
        out = json(sync.invokeModel(b -> b.modelId(OPUS_45).body(SdkBytes.fromByteArray(bytes(enabled)))).body());
        assertEquals("thinking", out.path("content").path(0).path("type").asText());
    }

    @Test
    void invokeStreamClaudeChunksInRealOrder() throws Exception {
        for (String id : List.of(HAIKU, OPUS_46)) {
            ObjectNode body = claudeBody(PROMPT, 500);
            if (id.equals(OPUS_46)) body.putObject("thinking").put("type", "adaptive");
            List<JsonNode> chunks = new CopyOnWriteArrayList<>();
            String[] ct = new String[1];
            invokeStream(async, id, body, chunks, ct).get(30, TimeUnit.SECONDS);
            assertEquals("application/json", ct[0]);
            List<String> types = new ArrayList<>();
            chunks.forEach(c -> types.add(c.path("type").asText()));
            assertEquals("message_start", types.get(0));
            assertEquals("message_stop", types.get(types.size() - 1));
            assertEquals("message_delta", types.get(types.size() - 2));
            assertTrue(types.stream().filter("content_block_delta"::equals).count() >= 3);
            JsonNode metrics = chunks.get(chunks.size() - 1).path("amazon-bedrock-invocationMetrics");
            assertTrue(metrics.path("inputTokenCount").asInt() > 0);
            assertEquals(chunks.get(chunks.size() - 2).path("usage").path("output_tokens").asInt(), metrics.path("outputTokenCount").asInt());
            if (id.equals(OPUS_46)) {
                assertEquals("thinking", chunks.get(1).path("content_block").path("type").asText());
            }
            StringBuilder text = new StringBuilder();
            chunks.forEach(c -> text.append(c.path("delta").path("text").asText("")));
            assertTrue(text.toString().startsWith("[local-bedrock] You asked:"));
        }
    }

    @Test
    void novaInvokeAndStream() throws Exception {
        InvokeModelResponse r = sync.invokeModel(b -> b.modelId(NOVA).body(SdkBytes.fromByteArray(bytes(novaBody(PROMPT, 300)))));
        JsonNode out = json(r.body());
        assertTrue(out.path("output").path("message").path("content").path(0).path("text").asText().contains("Explain quantum"));
        assertEquals("end_turn", out.path("stopReason").asText());
        JsonNode u = out.path("usage");
        assertEquals(u.path("inputTokens").asInt() + u.path("outputTokens").asInt(), u.path("totalTokens").asInt());
        assertEquals(u.path("outputTokens").asText(), r.sdkHttpResponse().firstMatchingHeader("X-Amzn-Bedrock-Output-Token-Count").orElseThrow());

        r = sync.invokeModel(b -> b.modelId(NOVA).body(SdkBytes.fromByteArray(bytes(novaBody(PROMPT, 3)))));
        assertEquals("max_tokens", json(r.body()).path("stopReason").asText());
        assertEquals(3, json(r.body()).path("usage").path("outputTokens").asInt());

        List<JsonNode> chunks = new CopyOnWriteArrayList<>();
        invokeStream(async, NOVA, novaBody(PROMPT, 300), chunks, null).get(30, TimeUnit.SECONDS);
        assertTrue(chunks.get(0).has("messageStart"));
        assertTrue(chunks.stream().filter(c -> c.has("contentBlockDelta")).count() >= 3);
        assertEquals("end_turn", chunks.get(chunks.size() - 2).path("messageStop").path("stopReason").asText());
        JsonNode last = chunks.get(chunks.size() - 1);
        assertTrue(last.path("metadata").path("usage").path("outputTokens").asInt() > 0);
        assertTrue(last.has("amazon-bedrock-invocationMetrics"));
    }

    @Test
    void pegasusReadsVideoFromS3OnlyWithBedrockGrant() throws Exception {
        try (S3Client s3 = S3Client.builder().endpointOverride(lb.endpoint()).region(Region.AP_SOUTH_1)
                .credentialsProvider(creds()).httpClient(UrlConnectionHttpClient.create()).build()) {
            String bucket = "videos-runtime-test";
            s3.createBucket(b -> b.bucket(bucket));
            s3.putObject(b -> b.bucket(bucket).key("clip.mp4"), RequestBody.fromBytes(new byte[] {0, 0, 0, 24, 'f', 't', 'y', 'p'}));
            ObjectNode body = JSON.createObjectNode().put("inputPrompt", "Describe the video in one sentence")
                    .put("temperature", 0.2).put("maxOutputTokens", 200);
            body.putObject("mediaSource").putObject("s3Location").put("uri", "s3://" + bucket + "/clip.mp4")
                    .put("bucketOwner", LocalBedrock.ACCOUNT_ID);
            // no bucket policy yet → AccessDenied
            AccessDeniedException denied = assertThrows(AccessDeniedException.class,
                    () -> sync.invokeModel(b -> b.modelId(PEGASUS).body(SdkBytes.fromByteArray(bytes(body)))));
            assertEquals(403, denied.statusCode());
            String policy = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"AllowBedrockAccess\",\"Effect\":\"Allow\","
                    + "\"Principal\":{\"Service\":\"bedrock.amazonaws.com\"},\"Action\":\"s3:GetObject\","
                    + "\"Resource\":\"arn:aws:s3:::" + bucket + "/*\",\"Condition\":{\"StringEquals\":{\"aws:SourceAccount\":\"123456789012\"}}}]}";
            s3.putBucketPolicy(b -> b.bucket(bucket).policy(policy));
            JsonNode out = json(sync.invokeModel(b -> b.modelId(PEGASUS).body(SdkBytes.fromByteArray(bytes(body)))).body());
            assertTrue(out.path("message").asText().contains("Describe the video in one sentence"));
            assertEquals("stop", out.path("finishReason").asText());

            List<JsonNode> chunks = new CopyOnWriteArrayList<>();
            invokeStream(async, PEGASUS, body, chunks, null).get(30, TimeUnit.SECONDS);
            assertTrue(chunks.size() >= 3);
            JsonNode last = chunks.get(chunks.size() - 1);
            assertEquals("stop", last.path("stopReason").asText());
            assertEquals("stop", last.path("finishReason").asText());
            assertTrue(last.has("amazon-bedrock-invocationMetrics"));

            ObjectNode missing = body.deepCopy();
            ((ObjectNode) missing.path("mediaSource").path("s3Location")).put("uri", "s3://" + bucket + "/nope.mp4");
            ValidationException v = assertThrows(ValidationException.class,
                    () -> sync.invokeModel(b -> b.modelId(PEGASUS).body(SdkBytes.fromByteArray(bytes(missing)))));
            assertEquals(400, v.statusCode());

            ObjectNode otherOwner = body.deepCopy();
            ((ObjectNode) otherOwner.path("mediaSource").path("s3Location")).put("bucketOwner", "999999999999");
            assertThrows(AccessDeniedException.class,
                    () -> sync.invokeModel(b -> b.modelId(PEGASUS).body(SdkBytes.fromByteArray(bytes(otherOwner)))));

            ObjectNode b64 = JSON.createObjectNode().put("inputPrompt", "What happens?").put("maxOutputTokens", 2);
            b64.putObject("mediaSource").put("base64String", Base64.getEncoder().encodeToString("tiny video".getBytes(StandardCharsets.UTF_8)));
            out = json(sync.invokeModel(b -> b.modelId(PEGASUS).body(SdkBytes.fromByteArray(bytes(b64)))).body());
            assertEquals("length", out.path("finishReason").asText());
        }
    }

    @Test
    void cohereEmbeddingsAreDeterministicUnitVectors() {
        ObjectNode body = JSON.createObjectNode().put("input_type", "search_document").put("output_dimension", 256);
        body.putArray("texts").add("hello world").add("another text");
        body.putArray("embedding_types").add("float").add("int8").add("uint8").add("binary").add("ubinary");
        InvokeModelResponse r = sync.invokeModel(b -> b.modelId(COHERE).body(SdkBytes.fromByteArray(bytes(body))));
        JsonNode out = json(r.body());
        assertEquals("embeddings_by_type", out.path("response_type").asText());
        JsonNode floats = out.path("embeddings").path("float");
        assertEquals(2, floats.size());
        assertEquals(256, floats.get(0).size());
        double norm = 0;
        for (JsonNode x : floats.get(0)) norm += x.asDouble() * x.asDouble();
        assertEquals(1.0, norm, 1e-3);
        assertEquals(256, out.path("embeddings").path("int8").get(0).size());
        assertEquals(32, out.path("embeddings").path("binary").get(0).size());
        for (JsonNode x : out.path("embeddings").path("uint8").get(0)) assertTrue(x.asInt() >= 0 && x.asInt() <= 255);
        for (JsonNode x : out.path("embeddings").path("binary").get(0)) assertTrue(x.asInt() >= -128 && x.asInt() <= 127);
        assertTrue(r.sdkHttpResponse().firstMatchingHeader("X-Amzn-Bedrock-Input-Token-Count").isPresent());

        ObjectNode again = JSON.createObjectNode().put("input_type", "search_query");
        again.putArray("texts").add("hello world");
        JsonNode out2 = json(sync.invokeModel(b -> b.modelId(COHERE).body(SdkBytes.fromByteArray(bytes(again)))).body());
        assertEquals("embeddings_floats", out2.path("response_type").asText());
        assertEquals(1536, out2.path("embeddings").get(0).size());
        ObjectNode again256 = again.deepCopy().put("output_dimension", 256);
        JsonNode out3 = json(sync.invokeModel(b -> b.modelId(COHERE).body(SdkBytes.fromByteArray(bytes(again256)))).body());
        assertEquals(floats.get(0), out3.path("embeddings").get(0), "same text, same vector");
        assertTrue(lb.usage().of(COHERE).inputTokens() > 0);
        assertEquals(0, lb.usage().of(COHERE).outputTokens());
    }

    @Test
    void asyncNonStreamingCallsOverHttp2ForEveryFamily() throws Exception {
        for (String id : CHAT_MODELS) {
            ConverseResponse r = async.converse(b -> b.modelId(id).messages(user("async " + id))).get(30, TimeUnit.SECONDS);
            assertTrue(r.output().message().content().get(0).text().contains("async " + id));
        }
        JsonNode claude = json(async.invokeModel(b -> b.modelId(SONNET_46)
                .body(SdkBytes.fromByteArray(bytes(claudeBody("async native", 200))))).get(30, TimeUnit.SECONDS).body());
        assertEquals("end_turn", claude.path("stop_reason").asText());
        JsonNode nova = json(async.invokeModel(b -> b.modelId(NOVA)
                .body(SdkBytes.fromByteArray(bytes(novaBody("async nova", 200))))).get(30, TimeUnit.SECONDS).body());
        assertEquals("end_turn", nova.path("stopReason").asText());
        ObjectNode embed = JSON.createObjectNode().put("input_type", "clustering");
        embed.putArray("texts").add("async text");
        JsonNode cohere = json(async.invokeModel(b -> b.modelId(COHERE)
                .body(SdkBytes.fromByteArray(bytes(embed)))).get(30, TimeUnit.SECONDS).body());
        assertEquals(1, cohere.path("embeddings").size());
        // a large body over HTTP/2 (flow control): an 8 MB base64 video for Pegasus
        ObjectNode video = JSON.createObjectNode().put("inputPrompt", "Large async video");
        video.putObject("mediaSource").put("base64String", Base64.getEncoder().encodeToString(new byte[8 * 1024 * 1024]));
        JsonNode pegasus = json(async.invokeModel(b -> b.modelId(PEGASUS)
                .body(SdkBytes.fromByteArray(bytes(video)))).get(60, TimeUnit.SECONDS).body());
        assertTrue(pegasus.path("message").asText().contains("Large async video"));
        assertTrue(lb.requestLog().entries().stream().anyMatch(e -> PEGASUS.equals(e.modelId()) && "h2c".equals(e.protocol())
                && e.status() == 200 && e.body().length() <= RequestLog.BODY_CAP));
    }

    // ------------------------------------------------------------------ model id forms

    @Test
    void everyProfileIdFormIsAcceptedAndCountedAsSent() {
        List<String> ids = List.of("us.anthropic.claude-haiku-4-5-20251001-v1:0", "eu.anthropic.claude-opus-4-6-v1",
                "us.amazon.nova-2-lite-v1:0",
                "arn:aws:bedrock:ap-south-1:123456789012:inference-profile/global.anthropic.claude-sonnet-4-6");
        for (String id : ids) {
            ConverseResponse r = sync.converse(b -> b.modelId(id).messages(user("Id form " + id)));
            assertEquals(1, lb.usage().of(id).calls(), id);
            assertEquals(r.usage().inputTokens().longValue(), lb.usage().of(id).inputTokens());
        }
        try (BedrockClient bedrock = BedrockClient.builder().endpointOverride(lb.endpoint()).region(Region.AP_SOUTH_1)
                .credentialsProvider(creds()).httpClient(UrlConnectionHttpClient.create()).build()) {
            String arn = bedrock.createInferenceProfile(b -> b.inferenceProfileName("runtime-test-tenant")
                    .modelSource(s -> s.copyFrom("arn:aws:bedrock:ap-south-1::inference-profile/" + SONNET_45))).inferenceProfileArn();
            ConverseResponse r = sync.converse(b -> b.modelId(arn).messages(user("Through an application profile")));
            assertTrue(r.output().message().content().get(0).text().contains("Claude Sonnet 4.5"));
            assertEquals(1, lb.usage().of(arn).calls());
            assertEquals(r.usage().outputTokens().longValue(), lb.usage().of(arn).outputTokens());
            RequestLog.Entry e = lb.requestLog().entries().stream().filter(x -> arn.equals(x.modelId())).findFirst().orElseThrow();
            assertTrue(e.rawPath().contains("application-inference-profile%2F"), e.rawPath());
        }
    }

    // ------------------------------------------------------------------ request log

    @Test
    void requestLogRecordsEveryRuntimeCall() {
        String id = "jp.anthropic.claude-haiku-4-5-20251001-v1:0";
        sync.converse(b -> b.modelId(id).messages(user("log me")));
        RequestLog.Entry e = lb.requestLog().entries().stream().filter(x -> id.equals(x.modelId())).findFirst().orElseThrow();
        assertEquals("POST", e.method());
        assertEquals("bedrock-runtime", e.service());
        assertEquals("Converse", e.operation());
        assertEquals("/model/jp.anthropic.claude-haiku-4-5-20251001-v1%3A0/converse", e.rawPath());
        assertEquals(200, e.status());
        assertNull(e.errorCode());
        assertEquals("valid", e.signature());
        assertEquals("test", e.accessKeyId());
        assertEquals("http/1.1", e.protocol());
        assertEquals("log me", e.bodyJson().path("messages").path(0).path("content").path(0).path("text").asText());
        assertNotNull(e.time());
        assertTrue(Duration.between(e.time(), java.time.Instant.now()).getSeconds() < 60);

        // failures, STS and S3 are logged too
        assertThrows(ValidationException.class, () -> sync.converse(b -> b.modelId("no-such-model").messages(user("x"))));
        RequestLog.Entry bad = lb.requestLog().entries().stream().filter(x -> "no-such-model".equals(x.modelId())).findFirst().orElseThrow();
        assertEquals(400, bad.status());
        assertEquals("ValidationException", bad.errorCode());
        try (software.amazon.awssdk.services.sts.StsClient sts = software.amazon.awssdk.services.sts.StsClient.builder()
                .endpointOverride(lb.endpoint()).region(Region.AP_SOUTH_1).credentialsProvider(creds())
                .httpClient(UrlConnectionHttpClient.create()).build();
             S3Client s3 = S3Client.builder().endpointOverride(lb.endpoint()).region(Region.AP_SOUTH_1)
                     .credentialsProvider(creds()).httpClient(UrlConnectionHttpClient.create()).build()) {
            assertEquals(LocalBedrock.ACCOUNT_ID, sts.getCallerIdentity().account());
            assertThrows(software.amazon.awssdk.services.s3.model.NoSuchBucketException.class,
                    () -> s3.headBucket(b -> b.bucket("never-created-bucket")));
        }
        List<RequestLog.Entry> all = lb.requestLog().entries();
        assertTrue(all.stream().anyMatch(x -> "sts".equals(x.service()) && x.status() == 200));
        assertTrue(all.stream().anyMatch(x -> "s3".equals(x.service()) && x.status() == 404 && "HEAD".equals(x.method())));
    }

    @Test
    void requestLogWritesJsonLines(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        sync.converse(b -> b.modelId(NOVA).messages(user("jsonl")));
        java.nio.file.Path file = dir.resolve("requests.jsonl");
        lb.requestLog().writeJsonLines(file);
        List<String> lines = java.nio.file.Files.readAllLines(file);
        assertEquals(lb.requestLog().entries().size(), lines.size());
        for (String line : lines) {
            JsonNode n = JSON.readTree(line);
            assertTrue(n.has("time") && n.has("status") && n.has("rawPath") && n.has("signature"), line);
        }
    }
}
