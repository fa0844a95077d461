import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The snippet regions and README's links to them: every sample has exactly one
 * {@code // snippet-start:[name]} … {@code // snippet-end:[name]} region, names are unique, markers
 * pair up, and the sample table's File cell links {@code [snippet](<script-ref>#L<first>-L<last>)},
 * the lines between the markers. The check here is written independently of
 * {@code tests/tools/Snippets.java}; the last test runs that tool on a copy of the repository.
 */
class SnippetLinksTest {
    static final Set<String> SKIP_DIRS = Set.of(".git", ".jbang", ".jbang-wrapper", "node_modules", "target", "build");

    /** A region by its marker lines (1-based). */
    record Region(String file, String name, int start, int end) {
        String link() {
            return "[snippet](" + file + "#L" + (start + 1) + "-L" + (end - 1) + ")";
        }
    }

    @Test
    void readmeLinksMatchTheMarkersOfEverySample() {
        List<String> problems = problems(samples(), javaFiles(SampleHarness.repoRoot()), readme(SampleHarness.repoRoot()));
        assertTrue(problems.isEmpty(), () -> "fix the markers, then run ./jbang snippets --fix:\n" + String.join("\n", problems));
    }

    /** The checker above reports each kind of defect (so its passing means something). */
    @Test
    void theCheckFindsEachKindOfDefect() {
        Map<String, String> samples = samples();
        Map<String, List<String>> files = javaFiles(SampleHarness.repoRoot());
        List<String> readme = readme(SampleHarness.repoRoot());
        String haiku = samples.get("converse-haiku");
        String nova = samples.get("converse-nova-2-lite");
        assertTrue(problems(samples, files, readme).isEmpty(), "the repository itself must pass first");

        // a line added above the region: the README range is stale
        Map<String, List<String>> shifted = copy(files);
        shifted.get(haiku).add(10, "// one more line");
        assertHas(problems(samples, shifted, readme), "converse-haiku: README links");

        // an end marker removed: unpaired (and then the sample has no region)
        Map<String, List<String>> unpaired = copy(files);
        unpaired.get(haiku).removeIf(l -> l.trim().startsWith("// snippet-end:"));
        List<String> p = problems(samples, unpaired, readme);
        assertHas(p, haiku + ":");
        assertHas(p, "unpaired");

        // an end marker with another name than its start
        Map<String, List<String>> mismatched = copy(files);
        replaceFirst(mismatched.get(haiku), l -> l.trim().startsWith("// snippet-end:"), "        // snippet-end:[bedrock.other]");
        assertHas(problems(samples, mismatched, readme), "unpaired");

        // two samples with one name
        Map<String, List<String>> shared = copy(files);
        String haikuName = regions(haiku, files.get(haiku), new ArrayList<>()).get(0).name();
        List<String> novaLines = shared.get(nova);
        novaLines.replaceAll(l -> l.trim().startsWith("// snippet-") ? l.replaceAll("\\[[^]]+]", "[" + haikuName + "]") : l);
        assertHas(problems(samples, shared, readme), "snippet name " + haikuName + " is used 2 times");

        // a second region in one sample, and none in another
        Map<String, List<String>> counts = copy(files);
        counts.get(haiku).addAll(List.of("// snippet-start:[bedrock.extra]", "int x;", "// snippet-end:[bedrock.extra]"));
        counts.get(nova).removeIf(l -> l.trim().startsWith("// snippet-"));
        List<String> c = problems(samples, counts, readme);
        assertHas(c, haiku + " has 2 snippet regions");
        assertHas(c, nova + " has 0 snippet regions");

        // a sample row without its link
        List<String> noLink = new ArrayList<>(readme);
        noLink.replaceAll(l -> l.startsWith("| `converse-haiku` |") ? l.replaceAll(" · \\[snippet]\\([^)]*\\)", "") : l);
        assertHas(problems(samples, files, noLink), "converse-haiku: no [snippet](");
    }

    /**
     * {@code ./jbang snippets} on a copy of the repository (catalog, README, the sample files):
     * --check passes, fails once a region moves, --fix rewrites exactly that link, and an unpaired
     * marker is reported and left for a human.
     */
    @Test
    void snippetsToolChecksAndFixesACopy() throws IOException {
        SampleHarness.assertBuilt(SampleHarness.alias("snippets"));
        Path root = SampleHarness.repoRoot();
        Path copy = Files.createTempDirectory(SampleHarness.scratch(), "snippets-");
        Files.copy(root.resolve("jbang-catalog.json"), copy.resolve("jbang-catalog.json"));
        Files.copy(root.resolve("README.md"), copy.resolve("README.md"));
        for (String ref : samples().values()) {
            Files.createDirectories(copy.resolve(ref).getParent());
            Files.copy(root.resolve(ref), copy.resolve(ref));
        }
        String tool = root.resolve("tests/tools/Snippets.java").toString();
        Map<String, String> env = SampleHarness.baseEnv(null);

        SampleHarness.Result ok = SampleHarness.run(copy, env, Duration.ofSeconds(90), SampleHarness.wrapper().toString(), tool, "--check");
        assertEquals(0, ok.exit(), () -> ok.all());
        assertTrue(ok.stdout().contains("✅"), () -> ok.all());

        String haiku = samples().get("converse-haiku");
        Path haikuFile = copy.resolve(haiku);
        List<String> lines = new ArrayList<>(Files.readAllLines(haikuFile));
        lines.add(20, "// two lines");
        lines.add(20, "// more");
        Files.write(haikuFile, lines);
        Region moved = regions(haiku, lines, new ArrayList<>()).get(0);

        SampleHarness.Result stale = SampleHarness.run(copy, env, Duration.ofSeconds(90), SampleHarness.wrapper().toString(), tool, "--check");
        assertEquals(1, stale.exit(), () -> stale.all());
        assertTrue(stale.stderr().contains("converse-haiku") && stale.stderr().contains(moved.link()), () -> stale.all());

        String before = Files.readString(copy.resolve("README.md"));
        SampleHarness.Result fixed = SampleHarness.run(copy, env, Duration.ofSeconds(90), SampleHarness.wrapper().toString(), tool, "--fix");
        assertEquals(0, fixed.exit(), () -> fixed.all());
        String after = Files.readString(copy.resolve("README.md"));
        assertTrue(after.contains(moved.link()), () -> "README after --fix lacks " + moved.link() + "\n" + fixed.all());
        List<String> changed = diffLines(before, after);
        assertEquals(1, changed.size(), () -> "--fix should change only the converse-haiku row: " + changed);
        assertTrue(changed.get(0).startsWith("| `converse-haiku` |"), () -> changed.toString());
        Map<String, List<String>> copiedFiles = javaFiles(copy);
        assertEquals(List.of(), problems(samples(), copiedFiles, readme(copy)), "independent check of the rewritten README");

        lines.removeIf(l -> l.trim().startsWith("// snippet-end:"));
        Files.write(haikuFile, lines);
        SampleHarness.Result broken = SampleHarness.run(copy, env, Duration.ofSeconds(90), SampleHarness.wrapper().toString(), tool, "--fix");
        assertEquals(1, broken.exit(), () -> broken.all());
        assertTrue(broken.stderr().contains("unpaired"), () -> broken.all());
        assertEquals(after, Files.readString(copy.resolve("README.md")), "--fix must leave a row alone when its markers are broken");
    }

    // ------------------------------------------------------------------ the check

    /** Everything wrong with the markers of {@code files} and README's links to the samples' regions. */
    static List<String> problems(Map<String, String> samples, Map<String, List<String>> files, List<String> readme) {
        List<String> problems = new ArrayList<>();
        Map<String, List<Region>> regions = new TreeMap<>();
        files.forEach((file, lines) -> regions.put(file, regions(file, lines, problems)));

        Map<String, List<String>> byName = new TreeMap<>();
        regions.values().forEach(rs -> rs.forEach(r -> byName.computeIfAbsent(r.name(), k -> new ArrayList<>()).add(r.file())));
        byName.forEach((name, where) -> {
            if (where.size() > 1) problems.add("snippet name " + name + " is used " + where.size() + " times: " + where);
        });

        Map<String, String> rows = sampleRows(readme);
        samples.forEach((alias, ref) -> {
            List<Region> rs = regions.getOrDefault(ref, List.of());
            if (rs.size() != 1) problems.add(ref + " has " + rs.size() + " snippet regions (a sample has exactly one)");
            String row = rows.get(alias);
            if (row == null) {
                problems.add(alias + ": no row in README's sample table");
                return;
            }
            int links = SampleHarness.count(row, "[snippet](");
            if (links == 0) problems.add(alias + ": no [snippet](" + ref + "#Lx-Ly) link in its README row");
            else if (links > 1) problems.add(alias + ": " + links + " snippet links in its README row");
            else if (rs.size() == 1 && !row.contains(rs.get(0).link())) {
                Matcher m = Pattern.compile("\\[snippet]\\([^)]*\\)").matcher(row);
                problems.add(alias + ": README links " + (m.find() ? m.group() : "?") + ", the markers are at " + rs.get(0).link());
            }
        });
        return problems;
    }

    /** The regions of one file; marker problems are added to {@code problems}. */
    static List<Region> regions(String file, List<String> lines, List<String> problems) {
        Pattern marker = Pattern.compile("// snippet-(start|end):\\[([^]]+)]");
        List<Region> out = new ArrayList<>();
        String open = null;
        int openAt = 0;
        for (int i = 0; i < lines.size(); i++) {
            String t = lines.get(i).trim();
            if (!t.startsWith("// snippet-start") && !t.startsWith("// snippet-end")) continue;
            Matcher m = marker.matcher(t);
            if (!m.matches()) {
                problems.add(file + ":" + (i + 1) + ": malformed marker " + t);
                continue;
            }
            if (m.group(1).equals("start")) {
                if (open != null) problems.add(file + ":" + openAt + ": " + open + " unpaired (another start follows)");
                open = m.group(2);
                openAt = i + 1;
            } else {
                if (open == null || !open.equals(m.group(2))) {
                    problems.add(file + ":" + (i + 1) + ": end " + m.group(2) + " unpaired" + (open == null ? "" : " (open: " + open + ")"));
                } else if (i + 1 > openAt + 1) {
                    out.add(new Region(file, open, openAt, i + 1));
                } else {
                    problems.add(file + ":" + openAt + ": empty region " + open);
                }
                open = null;
            }
        }
        if (open != null) problems.add(file + ":" + openAt + ": " + open + " unpaired (no end)");
        return out;
    }

    /** README sample-table rows by alias (the table whose header starts with "| Alias |"). */
    static Map<String, String> sampleRows(List<String> readme) {
        Map<String, String> rows = new LinkedHashMap<>();
        int header = -1;
        for (int i = 0; i < readme.size() && header < 0; i++) if (readme.get(i).replace(" ", "").startsWith("|Alias|")) header = i;
        if (header < 0) return rows;
        Pattern alias = Pattern.compile("^\\|\\s*`([a-z0-9-]+)`");
        for (int i = header + 2; i < readme.size() && readme.get(i).startsWith("|"); i++) {
            Matcher m = alias.matcher(readme.get(i));
            if (m.find()) rows.put(m.group(1), readme.get(i));
        }
        return rows;
    }

    // ------------------------------------------------------------------ inputs

    static Map<String, String> samples() {
        Map<String, String> out = new LinkedHashMap<>();
        for (SampleHarness.Alias a : SampleHarness.samples()) out.put(a.name(), a.scriptRef());
        return out;
    }

    /** Every .java file below {@code root} (caches and dependencies aside), by path relative to it, as lines. */
    static Map<String, List<String>> javaFiles(Path root) {
        Map<String, List<String>> out = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.filter(f -> f.toString().endsWith(".java") && Files.isRegularFile(f)).collect(Collectors.toList())) {
                Path rel = root.relativize(p);
                boolean skip = false;
                for (Path part : rel) skip |= SKIP_DIRS.contains(part.toString());
                if (!skip) out.put(rel.toString().replace('\\', '/'), new ArrayList<>(Files.readAllLines(p, StandardCharsets.UTF_8)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    static List<String> readme(Path root) {
        try {
            return Files.readAllLines(root.resolve("README.md"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Map<String, List<String>> copy(Map<String, List<String>> files) {
        Map<String, List<String>> out = new TreeMap<>();
        files.forEach((k, v) -> out.put(k, new ArrayList<>(v)));
        return out;
    }

    static void replaceFirst(List<String> lines, Predicate<String> which, String with) {
        for (int i = 0; i < lines.size(); i++) {
            if (which.test(lines.get(i))) {
                lines.set(i, with);
                return;
            }
        }
    }

    static void assertHas(List<String> problems, String fragment) {
        assertFalse(problems.stream().noneMatch(p -> p.contains(fragment)),
                () -> "expected a problem containing '" + fragment + "', got:\n" + String.join("\n", problems));
    }

    /** Lines of {@code after} that are not at the same place in {@code before} (same line count expected). */
    static List<String> diffLines(String before, String after) {
        List<String> b = before.lines().collect(Collectors.toList());
        List<String> a = after.lines().collect(Collectors.toList());
        assertEquals(b.size(), a.size(), "README line count changed");
        List<String> out = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) if (!a.get(i).equals(b.get(i))) out.add(a.get(i));
        return out;
    }
}
