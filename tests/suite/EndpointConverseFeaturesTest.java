import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.document.Document;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;
import software.amazon.awssdk.services.bedrockruntime.model.CacheTTL;
import software.amazon.awssdk.services.bedrockruntime.model.CachePointType;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ConversationRole;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseRequest;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseResponse;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamResponseHandler;
import software.amazon.awssdk.services.bedrockruntime.model.DocumentFormat;
import software.amazon.awssdk.services.bedrockruntime.model.ImageFormat;
import software.amazon.awssdk.services.bedrockruntime.model.InvokeModelResponse;
import software.amazon.awssdk.services.bedrockruntime.model.InvokeModelWithResponseStreamResponseHandler;
import software.amazon.awssdk.services.bedrockruntime.model.Message;
import software.amazon.awssdk.services.bedrockruntime.model.OutputConfig;
import software.amazon.awssdk.services.bedrockruntime.model.OutputFormatType;
import software.amazon.awssdk.services.bedrockruntime.model.StopReason;
import software.amazon.awssdk.services.bedrockruntime.model.ServiceTierType;
import software.amazon.awssdk.services.bedrockruntime.model.SystemContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.TokenUsage;
import software.amazon.awssdk.services.bedrockruntime.model.Tool;
import software.amazon.awssdk.services.bedrockruntime.model.ToolConfiguration;
import software.amazon.awssdk.services.bedrockruntime.model.ToolResultBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ToolResultContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ToolResultStatus;
import software.amazon.awssdk.services.bedrockruntime.model.ToolUseBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ValidationException;

/**
 * The Converse features of issue 12 driven by the real SDK (sync client; async for streams): tool
 * use, and the rules the endpoint enforces with AWS's messages. Each refusal asserts the exception
 * class and the exact message.
 */
class EndpointConverseFeaturesTest {
    static final String HAIKU = EndpointRuntimeTest.HAIKU;
    static final String NOVA = EndpointRuntimeTest.NOVA;

    static LocalBedrock lb;
    static BedrockRuntimeClient sync;
    static BedrockRuntimeAsyncClient async;

    @BeforeAll
    static void start() throws Exception {
        lb = LocalBedrock.start(new LocalBedrock.Config().port(0));
        sync = EndpointRuntimeTest.syncClient(lb);
        async = EndpointRuntimeTest.asyncClient(lb);
    }

    @AfterAll
    static void stop() {
        if (sync != null) sync.close();
        if (async != null) async.close();
        if (lb != null) lb.close();
    }

    @AfterEach
    void clearFaults() {
        lb.faults().reset();
    }

    // ------------------------------------------------------------------ helpers

    static Message user(String text) {
        return EndpointRuntimeTest.user(text);
    }

    static Tool tool(String name, Map<String, Document> properties, String... required) {
        List<Document> req = new ArrayList<>();
        for (String r : required) req.add(Document.fromString(r));
        Document schema = Document.mapBuilder().putString("type", "object")
                .putDocument("properties", Document.fromMap(properties)).putList("required", req).build();
        return Tool.fromToolSpec(s -> s.name(name).description("Local test tool " + name).inputSchema(i -> i.json(schema)));
    }

    static Document stringProperty(String example) {
        return Document.mapBuilder().putString("type", "string")
                .putList("examples", List.of(Document.fromString(example))).build();
    }

    /** Two tools: the current time in a zone (example Europe/Paris) and a unit conversion (enum unit, minimum value). */
    static ToolConfiguration twoTools() {
        Document unit = Document.mapBuilder().putString("type", "string")
                .putList("enum", List.of(Document.fromString("km"), Document.fromString("mi"))).build();
        Document value = Document.mapBuilder().putString("type", "number").putNumber("minimum", 42).build();
        return ToolConfiguration.builder().tools(
                tool("current_time", Map.of("timeZone", stringProperty("Europe/Paris")), "timeZone"),
                tool("convert_units", Map.of("unit", unit, "value", value), "value", "unit")).build();
    }

    static Message assistant(List<ContentBlock> content) {
        return Message.builder().role(ConversationRole.ASSISTANT).content(content).build();
    }

    static Message results(ToolResultBlock... results) {
        List<ContentBlock> c = new ArrayList<>();
        for (ToolResultBlock r : results) c.add(ContentBlock.fromToolResult(r));
        return Message.builder().role(ConversationRole.USER).content(c).build();
    }

    static ToolResultBlock result(String toolUseId, ToolResultStatus status, String text) {
        return ToolResultBlock.builder().toolUseId(toolUseId).status(status)
                .content(ToolResultContentBlock.fromText(text)).build();
    }

    static ToolUseBlock toolUse(ConverseResponse r) {
        for (ContentBlock b : r.output().message().content()) if (b.toolUse() != null) return b.toolUse();
        return null;
    }

    static ValidationException refused(Consumer<ConverseRequest.Builder> request) {
        return assertThrows(ValidationException.class, () -> sync.converse(request));
    }

    // ------------------------------------------------------------------ tools

    @Test
    void toolLoopCallsEachToolInOrderAndQuotesTheResults() {
        ToolConfiguration tools = twoTools();
        List<Message> history = new ArrayList<>(List.of(user("What time is it in Paris, and 42 km in miles?")));

        ConverseResponse first = sync.converse(b -> b.modelId(HAIKU).messages(history).toolConfig(tools));
        assertEquals(StopReason.TOOL_USE, first.stopReason());
        List<ContentBlock> c1 = first.output().message().content();
        assertEquals("I'll use the current_time tool.", c1.get(0).text(), "a short text block comes first, as Claude does");
        ToolUseBlock use1 = toolUse(first);
        assertEquals("current_time", use1.name());
        assertTrue(use1.toolUseId().matches("tooluse_[A-Za-z0-9_-]{22}"), use1.toolUseId());
        assertEquals("Europe/Paris", use1.input().asMap().get("timeZone").asString(), "input steered by the schema's examples");

        history.add(first.output().message());
        history.add(results(result(use1.toolUseId(), ToolResultStatus.SUCCESS, "12:00 CET")));
        ConverseResponse second = sync.converse(b -> b.modelId(HAIKU).messages(history).toolConfig(tools));
        assertEquals(StopReason.TOOL_USE, second.stopReason());
        ToolUseBlock use2 = toolUse(second);
        assertEquals("convert_units", use2.name());
        assertEquals("km", use2.input().asMap().get("unit").asString(), "enum → first value");
        assertEquals(42, use2.input().asMap().get("value").asNumber().intValue(), "number → minimum");

        history.add(second.output().message());
        history.add(results(result(use2.toolUseId(), ToolResultStatus.ERROR, "unknown unit")));
        ConverseResponse last = sync.converse(b -> b.modelId(HAIKU).messages(history).toolConfig(tools));
        assertEquals(StopReason.END_TURN, last.stopReason());
        assertNull(toolUse(last));
        String text = last.output().message().content().get(0).text();
        assertTrue(text.startsWith("[local-bedrock] Tool results: current_time (success): 12:00 CET; convert_units (error): unknown unit."), text);
        assertTrue(last.usage().inputTokens() > second.usage().inputTokens(), "history grows the input tokens");
    }

    @Test
    void toolChoiceToolAndAnyPickTheTool() {
        ToolConfiguration forced = twoTools().toBuilder().toolChoice(c -> c.tool(t -> t.name("convert_units"))).build();
        assertEquals("convert_units", toolUse(sync.converse(b -> b.modelId(HAIKU).messages(user("Convert")).toolConfig(forced))).name());
        ToolConfiguration any = twoTools().toBuilder().toolChoice(c -> c.any(a -> {})).build();
        ConverseResponse r = sync.converse(b -> b.modelId(NOVA).messages(user("Anything")).toolConfig(any));
        assertEquals(StopReason.TOOL_USE, r.stopReason());
        assertEquals("current_time", toolUse(r).name());
    }

    @Test
    void toolInputFaultOverridesTheGeneratedInput() {
        lb.faults().toolInput("current_time", "{\"timeZone\":\"Mars/Olympus\"}");
        ConverseResponse r = sync.converse(b -> b.modelId(HAIKU).messages(user("Time on Mars?")).toolConfig(twoTools()));
        assertEquals("Mars/Olympus", toolUse(r).input().asMap().get("timeZone").asString());
        lb.faults().reset();
        lb.faults().apply("tool-input=current_time:" + java.util.Base64.getUrlEncoder().encodeToString("{\"timeZone\":\"Pluto/Base\"}".getBytes()));
        r = sync.converse(b -> b.modelId(HAIKU).messages(user("Time on Pluto?")).toolConfig(twoTools()));
        assertEquals("Pluto/Base", toolUse(r).input().asMap().get("timeZone").asString());
    }

    @Test
    void streamedToolUseArrivesInSeveralInputDeltas() throws Exception {
        for (String model : List.of(HAIKU, NOVA)) {
            List<String> events = new CopyOnWriteArrayList<>();
            List<String> inputPieces = new CopyOnWriteArrayList<>();
            StringBuilder text = new StringBuilder();
            String[] started = new String[2];
            String[] stop = new String[1];
            ConverseStreamResponseHandler handler = ConverseStreamResponseHandler.builder()
                    .subscriber(ConverseStreamResponseHandler.Visitor.builder()
                            .onContentBlockStart(e -> {
                                events.add("start" + e.contentBlockIndex());
                                started[0] = e.start().toolUse().toolUseId();
                                started[1] = e.start().toolUse().name();
                            })
                            .onContentBlockDelta(e -> {
                                if (e.delta().toolUse() != null) inputPieces.add(e.delta().toolUse().input());
                                if (e.delta().text() != null) text.append(e.delta().text());
                            })
                            .onContentBlockStop(e -> events.add("stop" + e.contentBlockIndex()))
                            .onMessageStop(e -> stop[0] = e.stopReasonAsString())
                            .build())
                    .build();
            async.converseStream(b -> b.modelId(model).messages(user("Time?")).toolConfig(twoTools()), handler).get(30, TimeUnit.SECONDS);
            assertEquals(List.of("stop0", "start1", "stop1"), events, model);
            assertEquals("I'll use the current_time tool.", text.toString());
            assertEquals("current_time", started[1]);
            assertTrue(started[0].startsWith("tooluse_"));
            assertTrue(inputPieces.size() >= 2, "input in several deltas: " + inputPieces);
            JsonNode input = EndpointRuntimeTest.JSON.readTree(String.join("", inputPieces));
            assertEquals("Europe/Paris", input.path("timeZone").asText());
            assertEquals("tool_use", stop[0]);
        }
    }

    @Test
    void toolConfigIsChecked() {
        ValidationException e = refused(b -> b.modelId(HAIKU).messages(user("x"))
                .toolConfig(t -> t.tools(tool("get weather", Map.of()))));
        assertEquals("1 validation error detected: Value 'get weather' at 'toolConfig.tools.1.member.toolSpec.name' failed to satisfy constraint: "
                + "Member must satisfy regular expression pattern: [a-zA-Z0-9_-]+", e.awsErrorDetails().errorMessage());
        assertEquals(400, e.statusCode());
        e = refused(b -> b.modelId(HAIKU).messages(user("x")).toolConfig(t -> t.tools(tool("a", Map.of()), tool("a", Map.of()))));
        assertEquals("The model returned the following errors: tools: Tool names must be unique.", e.awsErrorDetails().errorMessage());
        e = refused(b -> b.modelId(HAIKU).messages(user("x")).toolConfig(t -> t.tools(
                Tool.fromToolSpec(s -> s.name("a").inputSchema(i -> i.json(Document.mapBuilder().putString("type", "string").build()))))));
        assertEquals("The model returned the following errors: tools.0.custom.input_schema.type: Input should be 'object'", e.awsErrorDetails().errorMessage());
        e = refused(b -> b.modelId(HAIKU).messages(user("x")).toolConfig(twoTools().toBuilder().toolChoice(c -> c.tool(t -> t.name("nope"))).build()));
        assertEquals("The model returned the following errors: tool_choice.name: Tool 'nope' not found in the provided tools", e.awsErrorDetails().errorMessage());
    }

    @Test
    void toolHistoryIsChecked() {
        ConverseResponse first = sync.converse(b -> b.modelId(HAIKU).messages(user("Time?")).toolConfig(twoTools()));
        ToolUseBlock use = toolUse(first);
        Message asked = first.output().message();

        ValidationException e = refused(b -> b.modelId(HAIKU).messages(user("Time?"), asked,
                results(result(use.toolUseId(), ToolResultStatus.SUCCESS, "noon"))));
        assertEquals("The toolConfig field must be defined when using toolUse and toolResult content blocks.", e.awsErrorDetails().errorMessage());

        e = refused(b -> b.modelId(HAIKU).toolConfig(twoTools()).messages(user("Time?"), asked, user("never mind")));
        assertEquals("Expected toolResult blocks at messages.2.content for the following Ids: " + use.toolUseId(), e.awsErrorDetails().errorMessage());

        e = refused(b -> b.modelId(HAIKU).toolConfig(twoTools()).messages(user("Time?"), asked,
                results(result(use.toolUseId(), ToolResultStatus.SUCCESS, "noon"), result("tooluse_other", ToolResultStatus.SUCCESS, "x"))));
        assertEquals("The number of toolResult blocks at messages.2.content exceeds the number of toolUse blocks of previous turn.",
                e.awsErrorDetails().errorMessage());

        e = refused(b -> b.modelId(HAIKU).toolConfig(twoTools()).messages(user("Time?"), asked,
                results(result("tooluse_other", ToolResultStatus.SUCCESS, "x"))));
        assertEquals("The model returned the following errors: messages.2.content.0: unexpected `tool_use_id` found in `tool_result` blocks: "
                + "tooluse_other. Each `tool_result` block must have a corresponding `tool_use` block in the previous message.",
                e.awsErrorDetails().errorMessage());

        e = refused(b -> b.modelId(HAIKU).toolConfig(twoTools()).messages(user("Time?"), asked,
                results(ToolResultBlock.builder().toolUseId(use.toolUseId()).status(ToolResultStatus.ERROR).content(List.of()).build())));
        assertEquals("The content field at messages.2.content.0.toolResult cannot be empty when status value is error.", e.awsErrorDetails().errorMessage());
    }

    @Test
    void conversationRulesAreChecked() {
        ValidationException e = refused(b -> b.modelId(HAIKU).messages(user("one"), user("two")));
        assertEquals("A conversation must alternate between user and assistant roles. Make sure the conversation alternates between "
                + "user and assistant roles and try again.", e.awsErrorDetails().errorMessage());
        e = refused(b -> b.modelId(NOVA).messages(user("one"), assistant(List.of(ContentBlock.fromText("a"))), assistant(List.of(ContentBlock.fromText("b")))));
        assertEquals(Conversation.ALTERNATE, e.awsErrorDetails().errorMessage());
        e = refused(b -> b.modelId(HAIKU).messages(user("  ")));
        assertEquals("The text field in the ContentBlock object at messages.0.content.0 is blank. Add text to the text field, and try again.",
                e.awsErrorDetails().errorMessage());
        ConverseResponse ok = sync.converse(b -> b.modelId(HAIKU).system(s -> s.text("Be brief")).messages(user("one"),
                assistant(List.of(ContentBlock.fromText("first answer"))), user("two and more")));
        assertTrue(ok.output().message().content().get(0).text().startsWith("[local-bedrock] You asked: \"two and more\""));
        assertNotNull(ok.usage());
    }

    // ------------------------------------------------------------------ structured output

    static final String TRIAGE_SCHEMA = "{\"type\":\"object\",\"additionalProperties\":false,"
            + "\"properties\":{\"category\":{\"type\":\"string\",\"enum\":[\"quota\",\"billing\"]},"
            + "\"summary\":{\"type\":\"string\",\"examples\":[\"Throttled in two Regions.\"]},"
            + "\"urgent\":{\"type\":\"boolean\"},\"regions\":{\"type\":\"array\",\"items\":{\"type\":\"string\"},\"minItems\":1},"
            + "\"detail\":{\"type\":\"object\",\"additionalProperties\":false,\"properties\":{\"count\":{\"type\":\"integer\",\"minimum\":3}},\"required\":[\"count\"]}},"
            + "\"required\":[\"category\",\"summary\",\"urgent\",\"regions\",\"detail\"]}";

    static OutputConfig schema(String schemaText) {
        return OutputConfig.builder().textFormat(f -> f.type(OutputFormatType.JSON_SCHEMA)
                .structure(s -> s.jsonSchema(j -> j.name("triage").description("Ticket triage").schema(schemaText)))).build();
    }

    @Test
    void structuredAnswersValidateAgainstTheSchema() throws Exception {
        JsonNode schema = EndpointRuntimeTest.JSON.readTree(TRIAGE_SCHEMA);
        for (String model : List.of(HAIKU, EndpointRuntimeTest.SONNET_45, EndpointRuntimeTest.OPUS_45, EndpointRuntimeTest.OPUS_46, NOVA)) {
            ConverseResponse r = sync.converse(b -> b.modelId(model).messages(user("Triage: throttled")).outputConfig(schema(TRIAGE_SCHEMA)));
            assertEquals(StopReason.END_TURN, r.stopReason(), model);
            assertEquals(1, r.output().message().content().size(), model);
            JsonNode answer = EndpointRuntimeTest.JSON.readTree(r.output().message().content().get(0).text());
            assertEquals(List.of(), JsonSchemas.problems(schema, answer), model + ": " + answer);
            assertEquals("quota", answer.path("category").asText());
            assertEquals("Throttled in two Regions.", answer.path("summary").asText());
            assertEquals(1, answer.path("regions").size());
            assertEquals(3, answer.path("detail").path("count").asInt());
        }
        StringBuilder streamed = new StringBuilder();
        ConverseStreamResponseHandler handler = ConverseStreamResponseHandler.builder()
                .subscriber(ConverseStreamResponseHandler.Visitor.builder()
                        .onContentBlockDelta(e -> { if (e.delta().text() != null) streamed.append(e.delta().text()); }).build())
                .build();
        async.converseStream(b -> b.modelId(HAIKU).messages(user("Triage")).outputConfig(schema(TRIAGE_SCHEMA)), handler).get(30, TimeUnit.SECONDS);
        assertEquals(List.of(), JsonSchemas.problems(schema, EndpointRuntimeTest.JSON.readTree(streamed.toString())), streamed.toString());
    }

    @Test
    void structuredInvalidFaultSpoilsTheNextAnswerOnly() throws Exception {
        JsonNode schema = EndpointRuntimeTest.JSON.readTree(TRIAGE_SCHEMA);
        lb.faults().structuredInvalid("missing-required");
        String first = sync.converse(b -> b.modelId(HAIKU).messages(user("Triage")).outputConfig(schema(TRIAGE_SCHEMA)))
                .output().message().content().get(0).text();
        assertEquals(List.of("$: required property 'category' is missing"), JsonSchemas.problems(schema, EndpointRuntimeTest.JSON.readTree(first)));
        String second = sync.converse(b -> b.modelId(HAIKU).messages(user("Triage")).outputConfig(schema(TRIAGE_SCHEMA)))
                .output().message().content().get(0).text();
        assertEquals(List.of(), JsonSchemas.problems(schema, EndpointRuntimeTest.JSON.readTree(second)));
        lb.faults().apply("structured-invalid=not-json");
        String third = sync.converse(b -> b.modelId(HAIKU).messages(user("Triage")).outputConfig(schema(TRIAGE_SCHEMA)))
                .output().message().content().get(0).text();
        assertThrows(com.fasterxml.jackson.core.JsonProcessingException.class, () -> EndpointRuntimeTest.JSON.readTree(third), third);
    }

    @Test
    void outputConfigIsChecked() {
        ValidationException e = refused(b -> b.modelId(EndpointRuntimeTest.SONNET_46).messages(user("x")).outputConfig(schema(TRIAGE_SCHEMA)));
        assertEquals(StructuredOutput.UNSUPPORTED, e.awsErrorDetails().errorMessage());
        e = refused(b -> b.modelId(HAIKU).messages(user("x")).outputConfig(schema("{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"}}}")));
        assertEquals("The model returned the following errors: output_config.format.schema: For 'object' type, "
                + "'additionalProperties' must be explicitly set to false", e.awsErrorDetails().errorMessage());
        e = refused(b -> b.modelId(HAIKU).messages(user("x")).outputConfig(schema("{not json")));
        assertEquals("The JSON schema at outputConfig.textFormat.structure.jsonSchema.schema is not a valid JSON object. Check the schema and try again.",
                e.awsErrorDetails().errorMessage());
        e = refused(b -> b.modelId(HAIKU).messages(user("x")).outputConfig(o -> o.effort("extreme")));
        assertEquals("The model returned the following errors: output_config.effort: Input should be 'low', 'medium', 'high' or 'max'",
                e.awsErrorDetails().errorMessage());
        e = refused(b -> b.modelId(HAIKU).messages(user("x")).outputConfig(o -> o.textFormat(f -> f.type("xml")
                .structure(s -> s.jsonSchema(j -> j.schema(TRIAGE_SCHEMA))))));
        assertEquals("1 validation error detected: Value 'xml' at 'outputConfig.textFormat.type' failed to satisfy constraint: "
                + "Member must satisfy enum value set: [json_schema]", e.awsErrorDetails().errorMessage());
    }

    // ------------------------------------------------------------------ prompt caching

    /** A system prompt of about {@code tokens} tokens by the endpoint's estimate (4 characters each), unique per seed. */
    static String longText(int tokens, String seed) {
        StringBuilder b = new StringBuilder(seed).append(' ');
        while (b.length() < tokens * 4) b.append("Global cross-Region inference routes each request to a Region with capacity. ");
        return b.substring(0, tokens * 4);
    }

    static SystemContentBlock cachePoint(CacheTTL ttl) {
        return SystemContentBlock.fromCachePoint(c -> c.type(CachePointType.DEFAULT).ttl(ttl));
    }

    @Test
    void cachePointWritesThenReadsTheSystemPrefix() throws Exception {
        String system = longText(2100, "sonnet-4-6 write-read");
        Consumer<ConverseRequest.Builder> req = b -> b.modelId(EndpointRuntimeTest.SONNET_46)
                .system(SystemContentBlock.fromText(system), cachePoint(null)).messages(user("First question about the handbook"));
        TokenUsage first = sync.converse(req).usage();
        assertEquals(2100, first.cacheWriteInputTokens(), "the whole system prompt is written");
        assertEquals(0, first.cacheReadInputTokens());
        assertEquals(1, first.cacheDetails().size());
        assertEquals("5m", first.cacheDetails().get(0).ttlAsString());
        assertEquals(2100, first.cacheDetails().get(0).inputTokens());
        assertTrue(first.inputTokens() > 0 && first.inputTokens() < 50, "only the uncached rest: " + first.inputTokens());
        assertEquals(first.inputTokens() + first.outputTokens() + 2100, first.totalTokens());

        TokenUsage second = sync.converse(b -> b.modelId(EndpointRuntimeTest.SONNET_46)
                .system(SystemContentBlock.fromText(system), cachePoint(null)).messages(user("Second, different question"))).usage();
        assertEquals(2100, second.cacheReadInputTokens(), "same prefix within the ttl");
        assertEquals(0, second.cacheWriteInputTokens());
        assertTrue(second.cacheDetails().isEmpty());

        // the stream reports the same counters in its metadata event; another model does not share the entry
        EndpointRuntimeTest.StreamResult r = new EndpointRuntimeTest.StreamResult();
        EndpointRuntimeTest.converseStream(async, EndpointRuntimeTest.SONNET_45, "Third", r,
                b -> b.system(SystemContentBlock.fromText(system), cachePoint(CacheTTL.VALUE_1_H))).get(30, TimeUnit.SECONDS);
        assertNull(r.error);
        assertEquals(2100, r.usage.cacheWriteInputTokens());
        assertEquals("1h", r.usage.cacheDetails().get(0).ttlAsString());
    }

    @Test
    void prefixBelowTheModelMinimumIsSilentlyNotCached() {
        String system = longText(4000, "haiku below minimum");
        for (int i = 0; i < 2; i++) {
            TokenUsage u = sync.converse(b -> b.modelId(HAIKU).system(SystemContentBlock.fromText(system), cachePoint(null))
                    .messages(user("Question"))).usage();
            assertEquals(0, u.cacheWriteInputTokens());
            assertEquals(0, u.cacheReadInputTokens());
            assertTrue(u.inputTokens() > 4000, "everything billed as input: " + u.inputTokens());
        }
        TokenUsage enough = sync.converse(b -> b.modelId(HAIKU).system(SystemContentBlock.fromText(longText(4096, "haiku at minimum")), cachePoint(null))
                .messages(user("Question"))).usage();
        assertEquals(4096, enough.cacheWriteInputTokens());
    }

    @Test
    void cachePointsAreChecked() {
        SystemContentBlock cp = cachePoint(null);
        ValidationException e = refused(b -> b.modelId(HAIKU).system(SystemContentBlock.fromText("a"), cp, SystemContentBlock.fromText("b"), cp,
                SystemContentBlock.fromText("c"), cp, SystemContentBlock.fromText("d"), cp, SystemContentBlock.fromText("e"), cp).messages(user("x")));
        assertEquals("The model returned the following errors: A maximum of 4 blocks with cache_control may be provided. Found 5.",
                e.awsErrorDetails().errorMessage());
        e = refused(b -> b.modelId(HAIKU).system(SystemContentBlock.fromText("a"), SystemContentBlock.fromCachePoint(c -> c.type("default").ttl("2h")))
                .messages(user("x")));
        assertEquals("1 validation error detected: Value '2h' at 'cachePoint.ttl' failed to satisfy constraint: Member must satisfy enum value set: [5m, 1h]",
                e.awsErrorDetails().errorMessage());
        Message withReasoning = assistant(List.of(
                ContentBlock.fromReasoningContent(rc -> rc.reasoningText(t -> t.text("thought").signature("sig"))),
                ContentBlock.fromCachePoint(c -> c.type(CachePointType.DEFAULT))));
        e = refused(b -> b.modelId(EndpointRuntimeTest.OPUS_46).messages(user("x"), withReasoning, user("y")));
        assertEquals("Cache point cannot be inserted after reasoning block. Please remove the invalid cache point and try again.",
                e.awsErrorDetails().errorMessage());
    }

    // ------------------------------------------------------------------ documents and images

    static final byte[] PDF = "%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /** The PNG signature and an IHDR chunk for a width x height image (enough for the endpoint's checks). */
    static byte[] png(int width, int height) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(33);
        b.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R'});
        b.putInt(width).putInt(height).put(new byte[] {8, 2, 0, 0, 0, 0, 0, 0, 0});
        return b.array();
    }

    static ContentBlock document(String name, DocumentFormat format, byte[] bytes) {
        return ContentBlock.fromDocument(d -> d.name(name).format(format).source(s -> s.bytes(SdkBytes.fromByteArray(bytes))));
    }

    static ContentBlock image(ImageFormat format, byte[] bytes) {
        return ContentBlock.fromImage(i -> i.format(format).source(s -> s.bytes(SdkBytes.fromByteArray(bytes))));
    }

    static Message userWith(ContentBlock... blocks) {
        List<ContentBlock> c = new ArrayList<>(List.of(ContentBlock.fromText("Summarise the attachments")));
        c.addAll(List.of(blocks));
        return Message.builder().role(ConversationRole.USER).content(c).build();
    }

    @Test
    void documentsAndImagesArriveAndAreNamedInTheAnswer() {
        ConverseResponse r = sync.converse(b -> b.modelId(EndpointRuntimeTest.SONNET_46).messages(userWith(
                document("Global CRIS (overview) [v2]", DocumentFormat.PDF, PDF),
                document("notes_1", DocumentFormat.MD, "# Notes\nquota".getBytes()),
                image(ImageFormat.PNG, png(64, 48)))));
        String text = r.output().message().content().get(0).text();
        assertTrue(text.endsWith(" Received: document \"Global CRIS (overview) [v2]\" (pdf, " + PDF.length + " bytes); "
                + "document \"notes_1\" (md, 13 bytes); image (png, 33 bytes, 64x48)."), text);
        assertTrue(text.startsWith("[local-bedrock] You asked: \"Summarise the attachments\""), text);
    }

    @Test
    void documentAndImageRulesAreChecked() {
        ValidationException e = refused(b -> b.modelId(HAIKU).messages(userWith(document("report.pdf", DocumentFormat.PDF, PDF))));
        assertEquals(Attachments.NAME_RULES, e.awsErrorDetails().errorMessage());
        e = refused(b -> b.modelId(HAIKU).messages(userWith(document("two  spaces", DocumentFormat.PDF, PDF))));
        assertEquals("The document file name can only contain alphanumeric characters, whitespace characters, hyphens, parentheses, and "
                + "square brackets. The name can't contain more than one consecutive whitespace character. Check that the file name "
                + "conforms to these restrictions and retry your request.", e.awsErrorDetails().errorMessage());
        e = refused(b -> b.modelId(HAIKU).messages(userWith(document("same", DocumentFormat.PDF, PDF), document("same", DocumentFormat.TXT, "x".getBytes()))));
        assertEquals("Messages can't contain duplicate document names.", e.awsErrorDetails().errorMessage());
        ContentBlock[] six = new ContentBlock[6];
        for (int i = 0; i < 6; i++) six[i] = document("doc " + i, DocumentFormat.TXT, "text".getBytes());
        e = refused(b -> b.modelId(HAIKU).messages(userWith(six)));
        assertEquals("You can't include more than 5 documents in a request.", e.awsErrorDetails().errorMessage());
        e = refused(b -> b.modelId(HAIKU).messages(userWith(document("big", DocumentFormat.TXT, new byte[4_718_593]))));
        assertEquals("The document at messages.0.content.1 is 4718593 bytes. The maximum document size is 4.5 MB (4718592 bytes).",
                e.awsErrorDetails().errorMessage());
        e = refused(b -> b.modelId(HAIKU).messages(userWith(document("fake", DocumentFormat.PDF, png(1, 1)))));
        assertEquals("The model returned the following errors: messages.0.content.1.pdf.source.base64.data: The PDF specified was not valid.",
                e.awsErrorDetails().errorMessage());
        e = refused(b -> b.modelId(HAIKU).messages(userWith(image(ImageFormat.JPEG, png(1, 1)))));
        assertEquals("The model returned the following errors: messages.0.content.1.image.source.base64: The image was specified using the "
                + "image/jpeg media type, but the image appears to be a image/png image", e.awsErrorDetails().errorMessage());
        e = refused(b -> b.modelId(HAIKU).messages(userWith(image(ImageFormat.PNG, png(8001, 10)))));
        assertEquals("The model returned the following errors: messages.0.content.1.image.source.base64.data: image exceed max allowed size: 8000 pixels",
                e.awsErrorDetails().errorMessage());
        ContentBlock[] many = new ContentBlock[21];
        for (int i = 0; i < 21; i++) many[i] = image(ImageFormat.PNG, png(2, 2));
        e = refused(b -> b.modelId(HAIKU).messages(userWith(many)));
        assertEquals("The model returned the following errors: messages: too many images: image_count > 20", e.awsErrorDetails().errorMessage());
        e = refused(b -> b.modelId(HAIKU).messages(userWith(ContentBlock.fromDocument(d -> d.name("x").format("rtf")
                .source(s -> s.bytes(SdkBytes.fromUtf8String("x")))))));
        assertEquals("1 validation error detected: Value 'rtf' at 'messages.1.member.content.2.member.document.format' failed to satisfy constraint: "
                + "Member must satisfy enum value set: [pdf, csv, doc, docx, xls, xlsx, html, txt, md]", e.awsErrorDetails().errorMessage());
    }

    // ------------------------------------------------------------------ reasoning

    static Document adaptiveThinking() {
        return Document.mapBuilder().putDocument("thinking", Document.mapBuilder().putString("type", "adaptive").build()).build();
    }

    @Test
    void reasoningBlockGoesBackOnlyUnchanged() throws Exception {
        String opus = EndpointRuntimeTest.OPUS_46;
        ConverseResponse first = sync.converse(b -> b.modelId(opus).messages(user("Why global profiles?"))
                .additionalModelRequestFields(adaptiveThinking()).outputConfig(o -> o.effort("medium")));
        ContentBlock reasoning = first.output().message().content().get(0);
        assertNotNull(reasoning.reasoningContent().reasoningText().signature());
        assertTrue(reasoning.reasoningContent().reasoningText().text().startsWith("[local-bedrock] Thinking about"));

        ConverseResponse second = sync.converse(b -> b.modelId(opus).additionalModelRequestFields(adaptiveThinking())
                .messages(user("Why global profiles?"), first.output().message(), user("And the quotas?")));
        assertEquals(StopReason.END_TURN, second.stopReason());

        Message changed = assistant(List.of(ContentBlock.fromReasoningContent(r -> r.reasoningText(t -> t
                .text(reasoning.reasoningContent().reasoningText().text() + " (edited)")
                .signature(reasoning.reasoningContent().reasoningText().signature()))), first.output().message().content().get(1)));
        ValidationException e = refused(b -> b.modelId(opus).additionalModelRequestFields(adaptiveThinking())
                .messages(user("Why global profiles?"), changed, user("And the quotas?")));
        assertEquals("The model returned the following errors: messages.1.content.0: Invalid `signature` in `thinking` block", e.awsErrorDetails().errorMessage());
        Message unsigned = assistant(List.of(ContentBlock.fromReasoningContent(r -> r.reasoningText(t -> t
                .text(reasoning.reasoningContent().reasoningText().text()))), first.output().message().content().get(1)));
        e = refused(b -> b.modelId(opus).messages(user("Why global profiles?"), unsigned, user("And the quotas?")));
        assertEquals("The model returned the following errors: messages.1.content.0.thinking.signature: Field required", e.awsErrorDetails().errorMessage());

        // the streamed signature verifies too
        StringBuilder text = new StringBuilder();
        String[] signature = new String[1];
        ConverseStreamResponseHandler handler = ConverseStreamResponseHandler.builder()
                .subscriber(ConverseStreamResponseHandler.Visitor.builder().onContentBlockDelta(d -> {
                    if (d.delta().reasoningContent() != null && d.delta().reasoningContent().text() != null) text.append(d.delta().reasoningContent().text());
                    if (d.delta().reasoningContent() != null && d.delta().reasoningContent().signature() != null) signature[0] = d.delta().reasoningContent().signature();
                }).build()).build();
        async.converseStream(b -> b.modelId(opus).messages(user("Stream it")).additionalModelRequestFields(adaptiveThinking()), handler)
                .get(30, TimeUnit.SECONDS);
        assertTrue(ReasoningSignatures.verifies(text.toString(), signature[0]));

        e = refused(b -> b.modelId(opus).messages(user("x")).additionalModelRequestFields(adaptiveThinking())
                .inferenceConfig(c -> c.temperature(0.5f)));
        assertEquals("The model returned the following errors: `temperature` may only be set to 1 when thinking is enabled.", e.awsErrorDetails().errorMessage());
    }

    // ------------------------------------------------------------------ service tiers

    @Test
    void serviceTierIsEchoedWhereverTheServiceReportsIt() throws Exception {
        for (ServiceTierType tier : List.of(ServiceTierType.PRIORITY, ServiceTierType.DEFAULT, ServiceTierType.FLEX)) {
            ConverseResponse r = sync.converse(b -> b.modelId(NOVA).messages(user("Tier?")).serviceTier(t -> t.type(tier)));
            assertEquals(tier, r.serviceTier().type());
            assertTrue(r.metrics().latencyMs() >= 1);
        }
        software.amazon.awssdk.services.bedrockruntime.model.ServiceTier[] seen = new software.amazon.awssdk.services.bedrockruntime.model.ServiceTier[1];
        ConverseStreamResponseHandler handler = ConverseStreamResponseHandler.builder()
                .subscriber(ConverseStreamResponseHandler.Visitor.builder().onMetadata(m -> seen[0] = m.serviceTier()).build()).build();
        async.converseStream(b -> b.modelId(NOVA).messages(user("Tier?")).serviceTier(t -> t.type(ServiceTierType.FLEX)), handler).get(30, TimeUnit.SECONDS);
        assertEquals(ServiceTierType.FLEX, seen[0].type());

        InvokeModelResponse inv = sync.invokeModel(b -> b.modelId(NOVA).serviceTier(ServiceTierType.PRIORITY)
                .body(SdkBytes.fromByteArray(EndpointRuntimeTest.bytes(EndpointRuntimeTest.novaBody("Tier?", 100)))));
        assertEquals(ServiceTierType.PRIORITY, inv.serviceTier());
        String[] streamTier = new String[1];
        InvokeModelWithResponseStreamResponseHandler ih = InvokeModelWithResponseStreamResponseHandler.builder()
                .onResponse(resp -> streamTier[0] = resp.serviceTierAsString())
                .subscriber(InvokeModelWithResponseStreamResponseHandler.Visitor.builder().onChunk(c -> {}).build()).build();
        async.invokeModelWithResponseStream(b -> b.modelId(NOVA).serviceTier(ServiceTierType.FLEX)
                .body(SdkBytes.fromByteArray(EndpointRuntimeTest.bytes(EndpointRuntimeTest.novaBody("Tier?", 100)))), ih).get(30, TimeUnit.SECONDS);
        assertEquals("flex", streamTier[0]);
    }

    @Test
    void serviceTierIsChecked() {
        ValidationException e = refused(b -> b.modelId(NOVA).messages(user("x")).serviceTier(t -> t.type(ServiceTierType.RESERVED)));
        assertEquals("Reservation not found.", e.awsErrorDetails().errorMessage());
        e = refused(b -> b.modelId(NOVA).messages(user("x")).serviceTier(t -> t.type("cheapest")));
        assertEquals("service tier provided is invalid", e.awsErrorDetails().errorMessage());
        e = assertThrows(ValidationException.class, () -> sync.invokeModel(b -> b.modelId(NOVA).serviceTier("turbo")
                .body(SdkBytes.fromByteArray(EndpointRuntimeTest.bytes(EndpointRuntimeTest.novaBody("x", 10))))));
        assertEquals("service tier provided is invalid", e.awsErrorDetails().errorMessage());
        lb.faults().apply("tier-unavailable=flex");
        e = refused(b -> b.modelId(NOVA).messages(user("x")).serviceTier(t -> t.type(ServiceTierType.FLEX)));
        assertEquals("The service tier flex is not available for Amazon Nova 2 Lite in this Region (local-bedrock fault tier-unavailable).",
                e.awsErrorDetails().errorMessage());
        assertEquals(ServiceTierType.PRIORITY, sync.converse(b -> b.modelId(NOVA).messages(user("x"))
                .serviceTier(t -> t.type(ServiceTierType.PRIORITY))).serviceTier().type());
    }

    // ------------------------------------------------------------------ feature faults and combined rules

    @Test
    void featureFaultFlagsAreParsedStrictly() {
        Faults f = new Faults();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> f.apply("tool-input=current_time"));
        assertEquals("tool-input needs TOOL:BASE64URL-JSON", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> f.apply("tool-input=current_time:***"));
        assertEquals("tool-input: the input must be base64url-encoded JSON", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> f.toolInput("t", "[1]"));
        assertEquals("tool-input for 't' must be a JSON object", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> f.apply("structured-invalid=maybe"));
        assertEquals("structured-invalid must be missing-required or not-json", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> f.apply("tier-unavailable=reserved"));
        assertEquals("tier-unavailable must be priority, flex or default", e.getMessage());
    }

    @Test
    void thinkingRefusesAForcedToolChoice() {
        ToolConfiguration any = twoTools().toBuilder().toolChoice(c -> c.any(a -> {})).build();
        ValidationException e = refused(b -> b.modelId(EndpointRuntimeTest.OPUS_46).messages(user("x")).toolConfig(any)
                .additionalModelRequestFields(adaptiveThinking()));
        assertEquals("The model returned the following errors: Thinking may not be enabled when tool_choice forces tool use.",
                e.awsErrorDetails().errorMessage());
        ConverseResponse r = sync.converse(b -> b.modelId(EndpointRuntimeTest.OPUS_46).messages(user("x")).toolConfig(twoTools())
                .additionalModelRequestFields(adaptiveThinking()));
        assertEquals(StopReason.TOOL_USE, r.stopReason());
        assertNotNull(r.output().message().content().get(0).reasoningContent(), "reasoning first, then text and the toolUse");
        assertEquals(3, r.output().message().content().size());
    }
}
