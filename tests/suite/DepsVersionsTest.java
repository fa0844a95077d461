import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * One version per artifact across the repository: every {@code //DEPS} coordinate in every .java
 * file (samples, tests, tools, benchmarks) and in the {@code jbang init} template names the same
 * version of an artifact; the AWS SDK comes through its BOM and its modules are version-less; the
 * Renovate regex manager sees every pinned line; the CI workflow runs {@code .ci/run}.
 */
class DepsVersionsTest {
    /** The SDK BOM every file uses. Renovate's regex manager updates this quoted string with the //DEPS lines. */
    static final String SDK_BOM = "software.amazon.awssdk:bom:2.57.8@pom";
    static final String SDK_GROUP = "software.amazon.awssdk";
    static final Set<String> SKIP_DIRS = Set.of(".git", ".jbang", ".jbang-wrapper", "node_modules", "target", "build");

    /** One coordinate of a //DEPS line. */
    record Dep(String file, int line, String group, String artifact, String version, String type, String text) {
        String ga() {
            return group + ":" + artifact;
        }
    }

    @Test
    void everyArtifactHasOneVersionAcrossTheRepository() {
        List<Dep> deps = deps();
        assertTrue(deps.size() > 100, () -> "suspiciously few //DEPS coordinates found: " + deps.size());
        Map<String, Map<String, List<String>>> versions = new TreeMap<>(); // ga -> version -> files
        for (Dep d : deps) {
            if (d.version() != null) versions.computeIfAbsent(d.ga(), k -> new TreeMap<>())
                    .computeIfAbsent(d.version(), k -> new ArrayList<>()).add(d.file() + ":" + d.line());
        }
        List<String> problems = new ArrayList<>();
        versions.forEach((ga, byVersion) -> {
            if (byVersion.size() > 1) {
                problems.add(ga + " has " + byVersion.size() + " versions: " + byVersion.entrySet().stream()
                        .map(v -> v.getKey() + " in " + (v.getValue().size() <= 3 ? String.join(", ", v.getValue())
                                : v.getValue().size() + " files, e.g. " + String.join(", ", v.getValue().subList(0, 3))))
                        .collect(Collectors.joining("; ")));
            }
        });
        for (Dep d : deps) {
            if (d.version() == null && !d.group().equals(SDK_GROUP)) {
                problems.add(d.file() + ":" + d.line() + ": " + d.text() + " has no version (pin it, as everywhere else)");
            }
        }
        assertTrue(problems.isEmpty(), () -> String.join("\n", problems));
    }

    @Test
    void theSdkComesThroughItsBomWithVersionLessModules() {
        List<String> problems = new ArrayList<>();
        Map<String, List<Dep>> byFile = deps().stream().collect(Collectors.groupingBy(Dep::file, TreeMap::new, Collectors.toList()));
        byFile.forEach((file, deps) -> {
            boolean usesSdk = false;
            boolean hasBom = false;
            for (Dep d : deps) {
                if (!d.group().equals(SDK_GROUP)) continue;
                if (d.artifact().equals("bom")) {
                    hasBom = true;
                    if (!d.text().equals(SDK_BOM)) problems.add(file + ":" + d.line() + ": " + d.text() + " — the BOM is " + SDK_BOM);
                } else {
                    usesSdk = true;
                    if (d.version() != null || d.type() != null) {
                        problems.add(file + ":" + d.line() + ": " + d.text() + " — SDK modules are version-less (the BOM sets the version)");
                    }
                }
            }
            if (usesSdk && !hasBom) problems.add(file + " uses SDK modules without //DEPS " + SDK_BOM);
        });
        assertTrue(problems.isEmpty(), () -> String.join("\n", problems));
    }

    /** renovate.json's regex manager, applied here with Java's regex engine, finds every pinned coordinate. */
    @Test
    void renovateSeesEveryPinnedDependency() throws IOException {
        Path root = SampleHarness.repoRoot();
        JsonNode config = SampleHarness.JSON.readTree(root.resolve("renovate.json").toFile());
        JsonNode manager = null;
        for (JsonNode m : config.path("customManagers")) if ("regex".equals(m.path("customType").asText())) manager = m;
        assertTrue(manager != null, "renovate.json has no regex custom manager");
        assertEquals("maven", manager.path("datasourceTemplate").asText());
        List<Pattern> files = new ArrayList<>();
        for (JsonNode f : manager.path("managerFilePatterns")) {
            String s = f.asText();
            assertTrue(s.startsWith("/") && s.endsWith("/"), () -> "managerFilePatterns entry is not a /regex/: " + s);
            files.add(Pattern.compile(s.substring(1, s.length() - 1)));
        }
        List<Pattern> matchers = new ArrayList<>();
        for (JsonNode m : manager.path("matchStrings")) matchers.add(Pattern.compile(m.asText()));

        Set<String> found = new TreeSet<>(); // file|depName|currentValue
        for (Path p : sourceFiles(root)) {
            String rel = rel(root, p);
            if (files.stream().noneMatch(f -> f.matcher(rel).find())) continue;
            String text = Files.readString(p, StandardCharsets.UTF_8);
            for (Pattern m : matchers) {
                Matcher x = m.matcher(text);
                while (x.find()) found.add(rel + "|" + x.group("depName") + "|" + x.group("currentValue"));
            }
        }
        List<String> missed = new ArrayList<>();
        for (Dep d : deps()) {
            if (d.version() != null && !found.contains(d.file() + "|" + d.ga() + "|" + d.version())) missed.add(d.file() + ":" + d.line() + " " + d.text());
        }
        assertTrue(missed.isEmpty(), () -> "Renovate's regex manager would not update:\n" + String.join("\n", missed));
        String self = "tests/suite/DepsVersionsTest.java|" + SDK_GROUP + ":bom|" + SDK_BOM.replaceAll(".*:bom:(.*)@pom", "$1");
        assertTrue(found.contains(self), () -> "Renovate would not update SDK_BOM in this test: " + found.stream()
                .filter(f -> f.startsWith("tests/suite/DepsVersionsTest")).collect(Collectors.toList()));
        // every match is a real coordinate of a //DEPS line (or SDK_BOM): nothing else gets rewritten
        Set<String> known = deps().stream().filter(d -> d.version() != null).map(d -> d.file() + "|" + d.ga() + "|" + d.version())
                .collect(Collectors.toCollection(TreeSet::new));
        known.add(self);
        Set<String> extra = new TreeSet<>(found);
        extra.removeAll(known);
        assertEquals(Set.of(), extra, "Renovate matches that are not //DEPS coordinates");
    }

    @Test
    void ciWorkflowRunsTheSuiteOnJava17And25() throws IOException {
        Path root = SampleHarness.repoRoot();
        String ci = Files.readString(root.resolve(".github/workflows/ci.yml"), StandardCharsets.UTF_8);
        for (String needed : new String[] {"actions/checkout@", "actions/setup-java@", "actions/setup-node@", "actions/cache@",
                "~/.m2", "~/.jbang", "java-version: ${{ matrix.java }}", "run: bash .ci/run"}) {
            assertTrue(ci.contains(needed), () -> ".github/workflows/ci.yml lacks " + needed);
        }
        Matcher matrix = Pattern.compile("java:\\s*\\[([^]]*)]").matcher(ci);
        assertTrue(matrix.find(), "no java matrix in ci.yml");
        assertEquals(Set.of("17", "25"), Stream.of(matrix.group(1).split(",")).map(s -> s.replace("\"", "").trim()).collect(Collectors.toSet()));
        String run = Files.readString(root.resolve(".ci/run"), StandardCharsets.UTF_8);
        assertTrue(run.lines().anyMatch(l -> l.trim().equals("./jbang test")), ".ci/run no longer runs ./jbang test");
    }

    // ------------------------------------------------------------------ reading

    static final Pattern COORD = Pattern.compile("^([A-Za-z0-9_.-]+):([A-Za-z0-9_.-]+)(?::([A-Za-z0-9_.+-]+))?(?:@([a-z]+))?$");

    /** Every //DEPS coordinate of every .java file and template below the repository root. */
    static List<Dep> deps() {
        Path root = SampleHarness.repoRoot();
        List<Dep> out = new ArrayList<>();
        for (Path p : sourceFiles(root)) {
            List<String> lines;
            try {
                lines = Files.readAllLines(p, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            for (int i = 0; i < lines.size(); i++) {
                if (!lines.get(i).startsWith("//DEPS ")) continue;
                for (String token : lines.get(i).substring("//DEPS ".length()).trim().split("[\\s,]+")) {
                    if (token.isEmpty()) continue;
                    Matcher m = COORD.matcher(token);
                    if (!m.matches()) throw new AssertionError(rel(root, p) + ":" + (i + 1) + ": cannot read //DEPS coordinate " + token);
                    out.add(new Dep(rel(root, p), i + 1, m.group(1), m.group(2), m.group(3), m.group(4), token));
                }
            }
        }
        return out;
    }

    static List<Path> sourceFiles(Path root) {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile)
                    .filter(p -> p.toString().endsWith(".java") || p.toString().endsWith(".qute"))
                    .filter(p -> {
                        for (Path part : root.relativize(p)) if (SKIP_DIRS.contains(part.toString())) return false;
                        return true;
                    })
                    .sorted().collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String rel(Path root, Path p) {
        return root.relativize(p).toString().replace('\\', '/');
    }
}
