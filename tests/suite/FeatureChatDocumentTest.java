import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * chat-haiku (history, system prompt, stdin / --message / demo input) and converse-document-sonnet-4-6
 * (bundled fixtures, own files, name rules, and every refusal before sending), run as child processes
 * against a fresh local endpoint; what was sent is read from the endpoint's request log.
 */
class FeatureChatDocumentTest {
    static final String CHAT = "chat-haiku";
    static final String DOC = "converse-document-sonnet-4-6";
    static final String HAIKU = "global.anthropic.claude-haiku-4-5-20251001-v1:0";
    static final String SONNET_46 = "global.anthropic.claude-sonnet-4-6";
    static final Path FIXTURES = SampleHarness.repoRoot().resolve("global-cris/foundation_models/converse_features/fixtures");

    @BeforeAll
    static void build() {
        SampleHarness.assertBuilt(SampleHarness.alias(CHAT));
        SampleHarness.assertBuilt(SampleHarness.alias(DOC));
    }

    // ------------------------------------------------------------------ chat-haiku

    /** Three stdin lines → three ConverseStream turns whose history grows 1, 3, 5 messages. */
    @Test
    void chatThroughStdinKeepsTheHistory() {
        List<String> lines = List.of("Which Regions can serve a global profile", "And who pays for the tokens", "Thanks, one last thing");
        try (LocalBedrock lb = SampleHarness.start()) {
            SampleHarness.Result r = SampleHarness.runAliasWithStdin(lb, String.join("\n", lines.get(0), "", lines.get(1), lines.get(2)) + "\n",
                    CHAT, "--system", "Answer like a pirate", "--max-tokens", "200");
            SampleHarness.assertSuccess(r);
            List<RequestLog.Entry> calls = SampleHarness.runtimeEntries(lb, 3, r);
            List<String> answers = new ArrayList<>();
            for (int turn = 0; turn < 3; turn++) {
                RequestLog.Entry e = calls.get(turn);
                int t = turn;
                assertEquals("ConverseStream", e.operation(), () -> "turn " + t + " " + r.all());
                assertEquals(HAIKU, e.modelId());
                assertEquals(200, e.status(), () -> "turn " + t + " failed " + r.all());
                JsonNode body = e.bodyJson();
                assertEquals("Answer like a pirate", body.at("/system/0/text").asText(), () -> "system prompt in turn " + t + ": " + body);
                assertEquals(200, body.at("/inferenceConfig/maxTokens").asInt(), () -> body.toString());
                JsonNode messages = body.path("messages");
                assertEquals(2 * turn + 1, messages.size(), () -> "turn " + t + " must send the whole history: " + body);
                for (int i = 0; i < messages.size(); i++) {
                    assertEquals(i % 2 == 0 ? "user" : "assistant", messages.get(i).path("role").asText(), () -> "roles alternate: " + body);
                }
                for (int i = 0; i < turn; i++) {
                    assertEquals(lines.get(i), messages.get(2 * i).at("/content/0/text").asText(), () -> "earlier question kept: " + body);
                    assertEquals(answers.get(i), messages.get(2 * i + 1).at("/content/0/text").asText(), () -> "earlier answer kept: " + body);
                }
                assertEquals(lines.get(turn), messages.get(2 * turn).at("/content/0/text").asText(), () -> "new question: " + body);
                // what the sample printed for this turn must come back as the assistant message of the next one
                answers.add(printedAnswer(r, lines.get(turn)));
            }
            assertEquals(3, SampleHarness.count(r.stdout(), "💬 Response:"), () -> r.all());
            assertTrue(r.stdout().contains("🔢 Turn 3 (sent 5 messages)"), () -> r.all());
            assertTrue(r.stdout().contains("📊 Conversation: 3 turn(s), 6 message(s) in the history"), () -> r.all());
            Usage.Totals t = lb.usage().of(HAIKU);
            assertEquals(3, t.calls());
            assertEquals(Long.valueOf(t.inputTokens()), r.tokens("Input"), () -> "conversation input tokens vs endpoint " + t + "\n" + r.all());
            assertEquals(Long.valueOf(t.outputTokens()), r.tokens("Output"), () -> "conversation output tokens vs endpoint " + t + "\n" + r.all());
        }
    }

    /** Repeated --message: one turn each, stdin not read; the default system prompt is sent. */
    @Test
    void chatWithRepeatedMessageOption() {
        try (LocalBedrock lb = SampleHarness.start()) {
            SampleHarness.Result r = SampleHarness.runAliasWithStdin(lb, "this line must not be sent\n", CHAT,
                    "--message", "First message here", "--message", "Second message here");
            SampleHarness.assertSuccess(r);
            List<RequestLog.Entry> calls = SampleHarness.runtimeEntries(lb, 2, r);
            assertEquals(3, calls.get(1).bodyJson().path("messages").size(), () -> r.all());
            assertEquals("Second message here", calls.get(1).bodyJson().at("/messages/2/content/0/text").asText());
            assertTrue(calls.get(0).bodyJson().at("/system/0/text").asText().startsWith("You are a concise assistant"));
            assertTrue(!r.stdout().contains("this line must not be sent") && lb.requestLog().entries().stream()
                    .noneMatch(e -> e.body() != null && e.body().contains("must not be sent")), () -> r.all());
        }
    }

    /** No terminal, no --message, empty stdin (as the suite's warm-up runs it): the two-message demo, exit 0. */
    @Test
    void chatWithNoInputSendsTheDemo() {
        try (LocalBedrock lb = SampleHarness.start()) {
            SampleHarness.Result r = SampleHarness.runAlias(lb, CHAT);
            SampleHarness.assertSuccess(r);
            assertTrue(r.stdout().contains("sending a two-message demo conversation"), () -> r.all());
            List<RequestLog.Entry> calls = SampleHarness.runtimeEntries(lb, 2, r);
            assertEquals(1, calls.get(0).bodyJson().path("messages").size());
            assertEquals(3, calls.get(1).bodyJson().path("messages").size());
        }
    }

    /** A turn Bedrock refuses ends a piped chat: the earlier answer stays printed, one error line, exit 1. */
    @Test
    void chatStopsAtAFailedTurnWithOneLine() {
        try (LocalBedrock lb = SampleHarness.start()) {
            lb.faults().failCall(2, "ValidationException");
            SampleHarness.Result r = SampleHarness.runAliasWithStdin(lb, "first line\nsecond line\nthird line\n", CHAT);
            assertEquals(1, r.exit(), () -> r.all());
            String line = SampleHarness.assertOneLineError(r);
            assertTrue(line.startsWith("❌ Bedrock rejected the request"), () -> line);
            assertEquals(1, SampleHarness.count(r.stdout(), "🛑 Stop reason: end_turn"), () -> "turn 1 answered, turn 2 refused\n" + r.all());
            List<RequestLog.Entry> calls = SampleHarness.runtimeEntries(lb, 2, r);
            assertEquals(400, calls.get(1).status(), () -> r.all());
            assertFalse(r.stdout().contains("third line"), () -> "nothing is sent after the failed turn\n" + r.all());
        }
    }

    @Test
    void chatRefusesBadOptionsBeforeSending() {
        try (LocalBedrock lb = SampleHarness.start()) {
            SampleHarness.Result blank = SampleHarness.runAlias(lb, CHAT, "--message", "  ");
            SampleHarness.assertUsageError(blank, "--message must not be blank");
            SampleHarness.Result system = SampleHarness.runAlias(lb, CHAT, "--system", "", "--message", "hi");
            SampleHarness.assertUsageError(system, "--system must not be blank");
            SampleHarness.assertNoRequests(lb, system);
        }
    }

    // ------------------------------------------------------------------ converse-document-sonnet-4-6

    /** Default run: the bundled PDF and PNG, byte for byte, with a valid name and the prompt as a text block. */
    @Test
    void documentSendsTheBundledFixtures() throws IOException {
        try (LocalBedrock lb = SampleHarness.start()) {
            SampleHarness.Result r = SampleHarness.runAlias(lb, DOC, "--max-tokens", "300");
            SampleHarness.assertSuccess(r);
            RequestLog.Entry e = SampleHarness.runtimeEntries(lb, 1, r).get(0);
            assertEquals("Converse", e.operation());
            assertEquals(SONNET_46, e.modelId());
            assertEquals(200, e.status(), () -> r.all());
            JsonNode content = e.bodyJson().at("/messages/0/content");
            assertEquals(3, content.size(), () -> "document, image, text: " + content);
            JsonNode doc = content.get(0).path("document");
            assertEquals("pdf", doc.path("format").asText());
            assertEquals("global-cris-overview", doc.path("name").asText());
            assertArrayEquals(Files.readAllBytes(FIXTURES.resolve("global-cris-overview.pdf")),
                    Base64.getDecoder().decode(doc.at("/source/bytes").asText()), "PDF bytes as sent");
            JsonNode img = content.get(1).path("image");
            assertEquals("png", img.path("format").asText());
            assertArrayEquals(Files.readAllBytes(FIXTURES.resolve("global-cris-regions.png")),
                    Base64.getDecoder().decode(img.at("/source/bytes").asText()), "PNG bytes as sent");
            assertTrue(content.get(2).path("text").asText().startsWith("Summarise the document"), () -> content.toString());
            assertTrue(r.stdout().contains("📄 Document: fixtures/global-cris-overview.pdf (bundled) — format pdf"), () -> r.all());
            assertTrue(r.stdout().contains("🖼️ Image: fixtures/global-cris-regions.png (bundled) — format png"), () -> r.all());
            // the endpoint's answer says what arrived: the document's name, format and size, the image's format, size and pixels
            String received = "Received: document \"global-cris-overview\" (pdf, " + Files.size(FIXTURES.resolve("global-cris-overview.pdf"))
                    + " bytes); image (png, " + Files.size(FIXTURES.resolve("global-cris-regions.png")) + " bytes, 320x160).";
            assertTrue(r.answer() != null && r.answer().contains(received), () -> "expected " + received + "\n" + r.all());
            assertEquals(Long.valueOf(lb.usage().of(SONNET_46).inputTokens()), r.tokens("Input"), () -> r.all());
        }
    }

    /** Own files from any directory: formats from the extensions, names cleaned and made unique. */
    @Test
    void documentSendsOwnFilesWithCleanedNames() throws IOException {
        Path dir = Files.createTempDirectory(SampleHarness.scratch(), "docs-");
        Path notes = Files.writeString(dir.resolve("release_notes.v2 [draft].md"), "# Notes\n\nGlobal profiles route requests.\n");
        Path csv = Files.writeString(dir.resolve("usage.csv"), "region,tokens\nus-east-1,10\n");
        Path csv2 = Files.createDirectories(dir.resolve("b")).resolve("usage.csv");
        Files.writeString(csv2, "region,tokens\neu-west-1,20\n");
        Path gif = Files.write(dir.resolve("pixel.GIF"), Base64.getDecoder().decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"));
        try (LocalBedrock lb = SampleHarness.start()) {
            SampleHarness.Result r = SampleHarness.runAlias(lb, DOC, "--document", notes.toString(), "--document", csv.toString(),
                    "--document", csv2.toString(), "--image", gif.toString(), "--prompt", "Compare the two usage files");
            SampleHarness.assertSuccess(r);
            JsonNode content = SampleHarness.runtimeEntries(lb, 1, r).get(0).bodyJson().at("/messages/0/content");
            assertEquals(5, content.size(), () -> content.toString());
            assertEquals("md", content.at("/0/document/format").asText());
            assertEquals("release notes v2 [draft]", content.at("/0/document/name").asText(), () -> content.toString());
            assertEquals("csv", content.at("/1/document/format").asText());
            assertEquals("usage", content.at("/1/document/name").asText());
            assertEquals("usage (2)", content.at("/2/document/name").asText(), () -> "duplicate names are made unique: " + content);
            assertEquals("gif", content.at("/3/image/format").asText());
            assertEquals("Compare the two usage files", content.at("/4/text").asText());
            String received = "Received: document \"release notes v2 [draft]\" (md, " + Files.size(notes) + " bytes); document \"usage\" (csv, "
                    + Files.size(csv) + " bytes); document \"usage (2)\" (csv, " + Files.size(csv2) + " bytes); image (gif, " + Files.size(gif)
                    + " bytes, 1x1).";
            assertTrue(r.answer() != null && r.answer().contains(received), () -> "expected " + received + "\n" + r.all());
            assertEquals("region,tokens\neu-west-1,20\n",
                    new String(Base64.getDecoder().decode(content.at("/2/document/source/bytes").asText()), StandardCharsets.UTF_8));
        }
    }

    /** Oversized, mislabelled, too many, wrong option, missing: exit 2 with a message, and no request at all. */
    @Test
    void documentRefusesBadFilesBeforeSending() throws IOException {
        Path dir = Files.createTempDirectory(SampleHarness.scratch(), "bad-docs-");
        byte[] big = new byte[4_718_592 + 1];
        System.arraycopy("%PDF-1.4\n".getBytes(StandardCharsets.US_ASCII), 0, big, 0, 9);
        Path oversized = Files.write(dir.resolve("big.pdf"), big);
        Path pngAsPdf = Files.copy(FIXTURES.resolve("global-cris-regions.png"), dir.resolve("scan.pdf"));
        Path pdfAsTxt = Files.copy(FIXTURES.resolve("global-cris-overview.pdf"), dir.resolve("notes.txt"));
        Path pdfAsPng = Files.copy(FIXTURES.resolve("global-cris-overview.pdf"), dir.resolve("chart.png"));
        Path bigImage = Files.write(dir.resolve("huge.png"), new byte[3_932_160 + 1]);
        Path small = Files.writeString(dir.resolve("a.txt"), "hello\n");
        byte[] wide = new byte[64]; // a PNG header (signature, IHDR) saying 9000 x 10 pixels
        byte[] head = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 'I', 'H', 'D', 'R', 0, 0, 0x23, 0x28, 0, 0, 0, 10};
        System.arraycopy(head, 0, wide, 0, head.length);
        Path widePng = Files.write(dir.resolve("wide.png"), wide);
        try (LocalBedrock lb = SampleHarness.start()) {
            assertRefused(lb, "big.pdf: 4718593 bytes is over Bedrock's limit of 4718592 bytes", "--document", oversized.toString());
            assertRefused(lb, "scan.pdf: named .pdf but its first bytes are those of a PNG image", "--document", pngAsPdf.toString());
            assertRefused(lb, "notes.txt: named .txt but its first bytes are those of a PDF document", "--document", pdfAsTxt.toString());
            assertRefused(lb, "chart.png: named .png but its first bytes are those of a PDF document", "--image", pdfAsPng.toString());
            assertRefused(lb, "huge.png: 3932161 bytes is over Bedrock's limit of 3932160 bytes", "--image", bigImage.toString());
            assertRefused(lb, "wide.png: 9000x10 pixels is over Bedrock's limit of 8000 pixels a side", "--image", widePng.toString());
            assertRefused(lb, "pass it with --image", "--document", FIXTURES.resolve("global-cris-regions.png").toString());
            assertRefused(lb, "no such file", "--document", dir.resolve("missing.pdf").toString());
            List<String> six = new ArrayList<>();
            for (int i = 0; i < 6; i++) six.addAll(List.of("--document", small.toString()));
            assertRefused(lb, "at most 5 documents per request (got 6 --document)", six.toArray(String[]::new));
        }
    }

    private static void assertRefused(LocalBedrock lb, String mentions, String... args) {
        lb.requestLog().clear();
        SampleHarness.Result r = SampleHarness.runAlias(lb, DOC, args);
        SampleHarness.assertUsageError(r, mentions);
        SampleHarness.assertNoRequests(lb, r);
    }

    // ------------------------------------------------------------------ helpers

    /** The answer printed after the "🧑 You: {question}" line (its "💬 Response:" block). */
    static String printedAnswer(SampleHarness.Result r, String question) {
        String out = r.stdout();
        int q = out.indexOf("🧑 You: " + question);
        assertTrue(q >= 0, () -> "question not echoed: " + question + "\n" + r.all());
        int start = out.indexOf("💬 Response:\n", q) + "💬 Response:\n".length();
        int end = out.indexOf("\n🛑", start);
        return out.substring(start, end).lines().collect(Collectors.joining("\n"));
    }
}
