import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The catalog's {@code jbang init} template {@code global-cris-sample}: it writes a sample into a
 * temporary folder (once through {@code -t global-cris-sample@<catalog file>} from outside the
 * clone, once as {@code ./jbang init -t global-cris-sample} inside it), and that file runs unchanged
 * through {@code ./jbang offline <file>}: what it sent (the endpoint's request log), what it printed,
 * its exit codes for bad options and for an error of the service.
 */
class TemplateTest {
    static final String NOVA = "global.amazon.nova-2-lite-v1:0";
    static final String HAIKU = "global.anthropic.claude-haiku-4-5-20251001-v1:0";

    @Test
    void parametersGoIntoTheSampleAndItRunsOffline() throws IOException {
        Path dir = Files.createTempDirectory(SampleHarness.scratch(), "template-");
        Map<String, String> env = SampleHarness.baseEnv(null);
        SampleHarness.Result init = SampleHarness.run(dir, env, Duration.ofSeconds(90), SampleHarness.wrapper().toString(), "init",
                "-t", "global-cris-sample@" + SampleHarness.catalogFile(), "-DmodelId=" + NOVA, "-Dalias=converse-my-nova",
                "-DmodelName=Amazon Nova 2 Lite", "-DmaxOutputTokens=65536", "MyNovaSample.java");
        assertEquals(0, init.exit(), () -> init.all());
        Path file = dir.resolve("MyNovaSample.java");
        String src = assertHouseStyle(file, "MyNovaSample", "converse-my-nova");
        assertTrue(src.contains("static final String MODEL_ID = \"" + NOVA + "\";"), src);
        assertTrue(src.contains("MODEL_MAX_OUTPUT_TOKENS = 65536;"), src);

        Path log = dir.resolve("requests.jsonl");
        SampleHarness.Result r = offline(log, file, "--prompt", SampleHarness.PROMPT, "--max-tokens", "321", "--temperature", "0.3");
        SampleHarness.assertSuccess(r);
        assertTrue(r.stdout().contains("🚀 Calling " + NOVA + " with the Converse API in ap-south-1"), () -> r.all());
        assertTrue(r.answer() != null && r.answer().contains(SampleHarness.expectedAnswerStart()) && r.answer().contains("Amazon Nova 2 Lite"),
                () -> r.all());
        assertEquals("end_turn", r.stopReason(), () -> r.all());

        List<JsonNode> requests = requests(log);
        assertEquals(1, requests.size(), () -> requests + "\n" + r.all());
        JsonNode e = requests.get(0);
        assertEquals("Converse", e.path("operation").asText(), e::toString);
        assertEquals(NOVA, e.path("modelId").asText(), e::toString);
        assertEquals(200, e.path("status").asInt(), e::toString);
        assertEquals("valid", e.path("signature").asText(), e::toString);
        JsonNode body = SampleHarness.JSON.readTree(e.path("body").asText());
        assertEquals(SampleHarness.PROMPT, body.at("/messages/0/content/0/text").asText(), body::toString);
        assertEquals(321, body.at("/inferenceConfig/maxTokens").asInt(), body::toString);
        assertEquals(0.3, body.at("/inferenceConfig/temperature").asDouble(), 1e-6, body::toString);
        assertEquals(Long.valueOf(r.tokens("Input") + r.tokens("Output")), r.tokens("Total"), () -> r.all());

        // options are checked before any request: usage error, exit 2, nothing sent
        Path noLog = dir.resolve("none.jsonl");
        SampleHarness.Result bad = offline(noLog, file, "--max-tokens", "70000");
        SampleHarness.assertUsageError(bad, "--max-tokens must be between 1 and 65536");
        assertTrue(bad.stderr().contains("Usage: converse-my-nova"), () -> bad.all());
        assertTrue(Files.isRegularFile(noLog), "offline writes the (empty) request log");
        assertEquals(List.of(), requests(noLog));
        Files.delete(noLog);
        SampleHarness.Result bare = offline(noLog, file, "--model-id", "amazon.nova-2-lite-v1:0");
        SampleHarness.assertUsageError(bare, "use the inference profile ID, e.g. global.amazon.nova-2-lite-v1:0");
        assertTrue(Files.isRegularFile(noLog), "offline writes the (empty) request log");
        assertEquals(List.of(), requests(noLog));
    }

    @Test
    void insideTheCloneTheDefaultsMakeAHaikuSample() throws IOException {
        Path dir = Files.createTempDirectory(SampleHarness.scratch(), "template-");
        Path file = dir.resolve("PlainSample.java");
        SampleHarness.Result init = SampleHarness.run(SampleHarness.repoRoot(), SampleHarness.baseEnv(null), Duration.ofSeconds(90),
                SampleHarness.wrapper().toString(), "init", "-t", "global-cris-sample", file.toString());
        assertEquals(0, init.exit(), () -> init.all());
        assertHouseStyle(file, "PlainSample", "plainsample");

        Path log = dir.resolve("requests.jsonl");
        SampleHarness.Result r = offline(log, file);
        SampleHarness.assertSuccess(r);
        assertTrue(r.stdout().contains("🚀 Calling " + HAIKU + " with the Converse API"), () -> r.all());
        List<JsonNode> requests = requests(log);
        assertEquals(1, requests.size(), () -> requests.toString());
        assertEquals(HAIKU, requests.get(0).path("modelId").asText());
        JsonNode body = SampleHarness.JSON.readTree(requests.get(0).path("body").asText());
        assertEquals(500, body.at("/inferenceConfig/maxTokens").asInt(), body::toString);
        assertTrue(body.at("/inferenceConfig/temperature").isMissingNode(), body::toString);

        // an error of the service: one line, exit 1, no stack trace
        SampleHarness.Result unknown = offline(dir.resolve("unknown.jsonl"), file, "--model-id", "global.no-such-model-v1:0");
        String line = SampleHarness.assertOneLineError(unknown);
        assertEquals(1, unknown.exit(), () -> unknown.all());
        assertTrue(line.contains("model identifier is invalid") && line.contains("list-inference-profiles"), line);
    }

    /** The file's shape as the brief wants it; returns its text. */
    static String assertHouseStyle(Path file, String cls, String alias) throws IOException {
        assertTrue(Files.isRegularFile(file), file + " was not written");
        assertTrue(Files.isExecutable(file), file + " is not executable");
        String src = Files.readString(file);
        List<String> lines = src.lines().toList();
        assertEquals("///usr/bin/env jbang \"$0\" \"$@\" ; exit $?", lines.get(0));
        assertTrue(lines.get(1).startsWith("//DESCRIPTION "), lines.get(1));
        assertEquals("//JAVA 17+", lines.get(2));
        assertEquals("//DEPS " + DepsVersionsTest.SDK_BOM, lines.get(3));
        assertFalse(src.contains("\r"), "CRLF line endings");
        assertFalse(lines.stream().anyMatch(l -> l.startsWith("//SOURCES")), "the template's sample is self-contained");
        assertTrue(src.contains("public class " + cls + " implements Callable<Integer>"), src);
        assertTrue(src.contains("@Command(name = \"" + alias + "\", mixinStandardHelpOptions = true"), src);
        assertTrue(src.contains("defaultValue = \"${AWS_REGION:-ap-south-1}\""), src);
        assertTrue(src.contains("setExecutionExceptionHandler(" + cls + "::handleError)"), src);
        assertFalse(src.contains("NOT_FOUND"), "a Qute expression the template did not resolve");
        List<String> problems = new ArrayList<>();
        List<SnippetLinksTest.Region> regions = SnippetLinksTest.regions(file.getFileName().toString(), lines, problems);
        assertEquals(List.of(), problems);
        assertEquals(1, regions.size(), () -> "snippet regions " + regions);
        assertEquals("bedrock." + alias, regions.get(0).name());
        assertTrue(lines.subList(regions.get(0).start(), regions.get(0).end()).stream().anyMatch(l -> l.contains("client.converse(")),
                "the snippet holds the Converse call");
        return src;
    }

    static SampleHarness.Result offline(Path log, Path file, String... args) {
        List<String> cmd = new ArrayList<>(List.of(SampleHarness.wrapper().toString(), "offline", "--request-log", log.toString(), file.toString()));
        cmd.addAll(List.of(args));
        return SampleHarness.run(SampleHarness.repoRoot(), SampleHarness.baseEnv(null), Duration.ofMinutes(3), cmd.toArray(String[]::new));
    }

    static List<JsonNode> requests(Path log) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        if (!Files.exists(log)) return out;
        for (String l : Files.readAllLines(log)) if (!l.isBlank()) out.add(SampleHarness.JSON.readTree(l));
        return out;
    }
}
