import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The catalog, the files and the README agree, and aliases resolve the three ways users run them:
 * from the repository root, from a subfolder ({@code ../jbang}), and as {@code <alias>@<name>} after
 * {@code jbang catalog add} in an isolated JBANG_DIR (the wrapper's own JBang must read the catalog).
 */
class CatalogIntegrityTest {
    @BeforeAll
    static void buildScripts() {
        SampleHarness.buildAll();
    }

    @Test
    void everyAliasPointsToAnExistingRunnableFile() throws IOException {
        List<String> problems = new ArrayList<>();
        for (SampleHarness.Alias a : SampleHarness.aliases()) {
            Path p = a.script();
            if (!Files.isRegularFile(p)) {
                problems.add(a.name() + " -> " + a.scriptRef() + " does not exist");
                continue;
            }
            String first = Files.readAllLines(p).stream().findFirst().orElse("");
            if (!first.startsWith("///usr/bin/env jbang")) problems.add(a.scriptRef() + " lacks the JBang shebang line");
            String cls = p.getFileName().toString().replace(".java", "");
            if (!Files.readString(p).contains("public class " + cls) && !Files.readString(p).contains("public final class " + cls)) {
                problems.add(a.scriptRef() + " has no public class " + cls);
            }
            if (SampleHarness.catalogJson().path("aliases").path(a.name()).path("description").asText().isBlank()) {
                problems.add(a.name() + " has no description");
            }
        }
        assertTrue(problems.isEmpty(), () -> String.join("\n", problems));
    }

    @Test
    void everySampleFileHasExactlyOneAlias() throws IOException {
        Map<String, List<String>> aliasesByFile = new TreeMap<>();
        for (SampleHarness.Alias a : SampleHarness.aliases()) {
            aliasesByFile.computeIfAbsent(a.scriptRef(), k -> new ArrayList<>()).add(a.name());
        }
        List<String> problems = new ArrayList<>();
        aliasesByFile.forEach((file, names) -> {
            if (names.size() != 1) problems.add(file + " has " + names.size() + " aliases " + names);
        });
        List<String> runnable = new ArrayList<>();
        for (String dir : List.of("global-cris", "application-inference-profile")) {
            Path root = SampleHarness.repoRoot().resolve(dir);
            if (!Files.isDirectory(root)) {
                problems.add(dir + "/ does not exist");
                continue;
            }
            try (Stream<Path> walk = Files.walk(root)) {
                for (Path p : walk.filter(f -> f.toString().endsWith(".java")).collect(Collectors.toList())) {
                    String first = Files.readAllLines(p).stream().findFirst().orElse("");
                    if (first.startsWith("///usr/bin/env jbang")) {
                        runnable.add(SampleHarness.repoRoot().relativize(p).toString().replace('\\', '/'));
                    }
                }
            }
        }
        for (String file : runnable) {
            if (!aliasesByFile.containsKey(file)) problems.add(file + " is a runnable sample without an alias");
        }
        assertTrue(problems.isEmpty(), () -> String.join("\n", problems));
        long sampleAliases = SampleHarness.samples().size();
        assertEquals(sampleAliases, runnable.size(), () -> "runnable sample files " + runnable);
    }

    /** README.md's sample table lists exactly the catalog's sample aliases, with their model ids and files. */
    @Test
    void readmeTableListsExactlyTheSampleAliases() throws IOException {
        Path readme = SampleHarness.repoRoot().resolve("README.md");
        assertTrue(Files.isRegularFile(readme), "README.md is missing");
        List<String> lines = Files.readAllLines(readme);
        int header = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).replace(" ", "").startsWith("|Alias|")) {
                header = i;
                break;
            }
        }
        assertTrue(header >= 0, "README.md has no sample table (a header row starting with '| Alias |')");
        Map<String, String[]> rows = new LinkedHashMap<>();
        Pattern aliasCell = Pattern.compile("`([a-z0-9-]+)`");
        for (int i = header + 2; i < lines.size() && lines.get(i).startsWith("|"); i++) {
            String[] cells = lines.get(i).split("\\|");
            Matcher m = aliasCell.matcher(cells[1]);
            assertTrue(m.find(), "README row without an alias: " + lines.get(i));
            String[] previous = rows.put(m.group(1), cells);
            assertTrue(previous == null, "README lists " + m.group(1) + " twice");
        }
        TreeSet<String> expected = SampleHarness.samples().stream().map(SampleHarness.Alias::name).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(expected, new TreeSet<>(rows.keySet()), "README sample table vs catalog sample aliases");

        List<String> problems = new ArrayList<>();
        for (SampleHarness.Alias a : SampleHarness.samples()) {
            String row = String.join("|", rows.get(a.name()));
            if (!row.contains("(" + a.scriptRef() + ")")) problems.add(a.name() + ": README links another file than " + a.scriptRef());
            if (a.modelId() != null && !row.contains("`" + a.modelId() + "`") && !row.contains(a.modelId())) {
                problems.add(a.name() + ": README does not show model " + a.modelId());
            }
        }
        assertTrue(problems.isEmpty(), () -> String.join("\n", problems));
    }

    @Test
    void aliasesResolveFromRootAndFromSubfolders() {
        Map<String, String> env = SampleHarness.baseEnv(null);
        Path root = SampleHarness.repoRoot();
        assertHelp(SampleHarness.run(root, env, Duration.ofSeconds(90), "./jbang", "converse-haiku", "--help"), "converse-haiku");
        assertHelp(SampleHarness.run(root.resolve("tests"), env, Duration.ofSeconds(90), "../jbang", "embed-cohere", "--help"), "embed-cohere");
        assertHelp(SampleHarness.run(root.resolve("global-cris/foundation_models"), env, Duration.ofSeconds(90),
                "../../jbang", "invoke-stream-nova-2-lite", "--help"), "invoke-stream-nova-2-lite");
    }

    /**
     * {@code jbang catalog add --name <name> <repo>/jbang-catalog.json} in a throw-away JBANG_DIR, then
     * {@code <alias>@<name>} from a directory outside the clone: a real run against the local endpoint.
     */
    @Test
    void aliasResolvesThroughAnAddedCatalog() throws IOException {
        Path jbangDir = Files.createTempDirectory(SampleHarness.scratch(), "jbang-dir-");
        Path elsewhere = Files.createTempDirectory(SampleHarness.scratch(), "elsewhere-");
        String wrapper = SampleHarness.wrapper().toString();
        try (LocalBedrock lb = SampleHarness.start()) {
            Map<String, String> env = SampleHarness.baseEnv(lb);
            env.put("JBANG_DIR", jbangDir.toString());
            SampleHarness.Result add = SampleHarness.run(elsewhere, env, Duration.ofSeconds(90), wrapper, "catalog", "add",
                    "--name", "crissuite", SampleHarness.catalogFile().toString());
            assertEquals(0, add.exit(), () -> "catalog add failed\n" + add.all());
            SampleHarness.Result list = SampleHarness.run(elsewhere, env, Duration.ofSeconds(90), wrapper, "alias", "list", "crissuite");
            assertEquals(0, list.exit(), () -> "alias list failed\n" + list.all());
            for (SampleHarness.Alias a : SampleHarness.aliases()) {
                assertTrue(list.stdout().contains(a.name()), () -> "alias list of the added catalog lacks " + a.name() + "\n" + list.all());
            }
            SampleHarness.Alias haiku = SampleHarness.alias("converse-haiku");
            List<String> cmd = new ArrayList<>(List.of(wrapper, "converse-haiku@crissuite"));
            cmd.addAll(SampleHarness.happyArgs(haiku));
            SampleHarness.Result r = SampleHarness.run(elsewhere, env, Duration.ofMinutes(3), cmd.toArray(String[]::new));
            SampleHarness.assertHappyRun(haiku, lb, r, 1);
        }
    }

    /** The {@code offline} alias runs a sample against its own throw-away endpoint. */
    @Test
    void offlineAliasRunsASample() {
        SampleHarness.Alias offline = SampleHarness.alias("offline");
        SampleHarness.assertBuilt(offline);
        SampleHarness.Result r = SampleHarness.runAlias(SampleHarness.baseEnv(null), "offline", "converse-stream-haiku",
                "--prompt", SampleHarness.PROMPT, "--max-tokens", "300");
        SampleHarness.assertSuccess(r);
        assertTrue(r.answer() != null && r.answer().contains(SampleHarness.expectedAnswerStart()), () -> r.all());
        assertEquals("end_turn", r.stopReason(), () -> r.all());
    }

    static void assertHelp(SampleHarness.Result r, String alias) {
        assertEquals(0, r.exit(), () -> "alias did not resolve\n" + r.all());
        if (!r.stdout().contains("Usage: " + alias)) fail("no usage of " + alias + "\n" + r.all());
    }
}
