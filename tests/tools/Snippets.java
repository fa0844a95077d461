///usr/bin/env jbang "$0" "$@" ; exit $?
//DESCRIPTION Checks (or rewrites) README.md's snippet links from the samples' // snippet-start/end markers.
//JAVA 17+
//DEPS info.picocli:picocli:4.7.7
//DEPS com.fasterxml.jackson.core:jackson-databind:2.21.3

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./jbang snippets --check | --fix}: every sample of jbang-catalog.json has exactly one
 * {@code // snippet-start:[name]} … {@code // snippet-end:[name]} region, names are unique across
 * the repository, and the File cell of README.md's sample table links that region by line range,
 * {@code [snippet](path/File.java#L<first>-L<last>)} (the lines between the two markers).
 * {@code --fix} rewrites those links from the markers; it cannot fix the markers themselves.
 *
 * <p>Samples are the catalog aliases whose script-ref is outside {@code tests/} and {@code bench/}.
 * The repository is the nearest folder upwards from the working directory with jbang-catalog.json
 * and README.md.
 */
@Command(name = "snippets", mixinStandardHelpOptions = true,
        description = {"Checks that README.md links each sample's snippet region by its current line range, or rewrites the links.",
                "Example: ./jbang snippets --check    ./jbang snippets --fix"})
public class Snippets implements Callable<Integer> {

    static final class Mode {
        @Option(names = "--check", description = "Report mismatches and marker problems; exit 1 if there are any (the default).")
        boolean check;

        @Option(names = "--fix", description = "Rewrite README.md's snippet links from the markers, then check.")
        boolean fix;
    }

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Mode mode;

    static final Pattern MARKER_LINE = Pattern.compile("^\\s*//\\s*snippet-(start|end)\\b.*$");
    static final Pattern MARKER = Pattern.compile("^\\s*// snippet-(start|end):\\[([A-Za-z0-9._-]+)]\\s*$");
    static final Pattern SNIPPET_LINK = Pattern.compile("\\s*·?\\s*\\[snippet]\\([^)]*\\)");
    static final Set<String> SKIP_DIRS = Set.of(".git", ".jbang", ".jbang-wrapper", "node_modules", "target", "build");

    /** One snippet region: the file (relative to the root, with /), its name and the 1-based lines of its two markers. */
    record Region(String file, String name, int startLine, int endLine) {
        int first() {
            return startLine + 1;
        }

        int last() {
            return endLine - 1;
        }

        String link() {
            return "[snippet](" + file + "#L" + first() + "-L" + last() + ")";
        }
    }

    /** What the repository holds: the regions by file, the structural problems, the README with its links. */
    record Scan(Map<String, List<Region>> regionsByFile, List<String> markerProblems, Map<String, String> samples) {}

    public static void main(String[] args) {
        CommandLine cmd = new CommandLine(new Snippets());
        cmd.setExecutionExceptionHandler((e, c, p) -> {
            c.getErr().println("❌ " + e.getMessage());
            return 1;
        });
        System.exit(cmd.execute(args));
    }

    @Override
    public Integer call() throws IOException {
        Path root = findRoot();
        boolean fix = mode != null && mode.fix;
        Path readme = root.resolve("README.md");
        Scan scan = scan(root);
        if (fix) {
            String before = Files.readString(readme, StandardCharsets.UTF_8);
            String after = rewrite(before, scan);
            if (!after.equals(before)) {
                Files.writeString(readme, after, StandardCharsets.UTF_8);
                System.out.println("✏️  README.md: snippet links rewritten from the markers");
            } else {
                System.out.println("README.md: snippet links already match the markers");
            }
        }
        List<String> problems = new ArrayList<>(scan.markerProblems());
        problems.addAll(linkProblems(Files.readString(readme, StandardCharsets.UTF_8), scan));
        if (problems.isEmpty()) {
            System.out.println("✅ " + scan.samples().size() + " samples, one snippet region each, README links match the markers");
            return 0;
        }
        for (String p : problems) System.err.println("❌ " + p);
        System.err.println(problems.size() + " problem(s)" + (fix ? " that --fix cannot repair (fix the markers or the table rows)"
                : " — run ./jbang snippets --fix to rewrite the links"));
        return 1;
    }

    static Path findRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("jbang-catalog.json")) && Files.isRegularFile(p.resolve("README.md"))) return p;
        }
        throw new IllegalStateException("no jbang-catalog.json with a README.md above " + Path.of("").toAbsolutePath()
                + " — run this inside the clone");
    }

    /** Reads the catalog's samples and every .java file's markers. */
    static Scan scan(Path root) throws IOException {
        Map<String, String> samples = new LinkedHashMap<>();  // alias -> script-ref
        JsonNode aliases = new ObjectMapper().readTree(root.resolve("jbang-catalog.json").toFile()).path("aliases");
        for (Map.Entry<String, JsonNode> e : aliases.properties()) {
            String ref = e.getValue().path("script-ref").asText();
            if (ref.endsWith(".java") && !ref.startsWith("tests/") && !ref.startsWith("bench/")) samples.put(e.getKey(), ref);
        }

        Map<String, List<Region>> regions = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root)) {
            files = walk.filter(p -> root.relativize(p).toString().isEmpty() || !skipped(root.relativize(p)))
                    .filter(p -> p.toString().endsWith(".java") && Files.isRegularFile(p)).sorted().collect(Collectors.toList());
        }
        for (Path f : files) {
            String rel = root.relativize(f).toString().replace('\\', '/');
            List<Region> found = markers(rel, Files.readAllLines(f, StandardCharsets.UTF_8), problems);
            if (!found.isEmpty()) regions.put(rel, found);
        }
        Map<String, List<String>> filesByName = new TreeMap<>();
        regions.values().forEach(list -> list.forEach(r -> filesByName.computeIfAbsent(r.name(), k -> new ArrayList<>()).add(r.file())));
        filesByName.forEach((name, where) -> {
            if (where.size() > 1) problems.add("snippet name " + name + " is used " + where.size() + " times: " + String.join(", ", where));
        });
        samples.forEach((alias, ref) -> {
            int n = regions.getOrDefault(ref, List.of()).size();
            if (!Files.isRegularFile(root.resolve(ref))) problems.add(alias + ": " + ref + " does not exist");
            else if (n != 1) problems.add(ref + " (" + alias + ") has " + n + " snippet regions; a sample has exactly one");
        });
        return new Scan(regions, problems, samples);
    }

    private static boolean skipped(Path rel) {
        for (Path part : rel) if (SKIP_DIRS.contains(part.toString())) return true;
        return false;
    }

    /** The complete regions of one file; unpaired, nested, mismatched or malformed markers go to {@code problems}. */
    static List<Region> markers(String file, List<String> lines, List<String> problems) {
        List<Region> out = new ArrayList<>();
        String open = null;
        int openLine = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (!MARKER_LINE.matcher(line).matches()) continue;
            int n = i + 1;
            Matcher m = MARKER.matcher(line);
            if (!m.matches()) {
                problems.add(file + ":" + n + ": malformed marker (expected // snippet-start:[name] or // snippet-end:[name]): " + line.trim());
                continue;
            }
            String kind = m.group(1);
            String name = m.group(2);
            if (kind.equals("start")) {
                if (open != null) problems.add(file + ":" + n + ": snippet-start:[" + name + "] inside the open region " + open
                        + " (started on line " + openLine + ", unpaired)");
                open = name;
                openLine = n;
            } else if (open == null) {
                problems.add(file + ":" + n + ": snippet-end:[" + name + "] without a snippet-start (unpaired)");
            } else if (!open.equals(name)) {
                problems.add(file + ":" + n + ": snippet-end:[" + name + "] closes snippet-start:[" + open + "] of line " + openLine
                        + " (names differ, unpaired)");
                open = null;
            } else {
                if (n == openLine + 1) problems.add(file + ":" + openLine + ": snippet region " + name + " is empty");
                else out.add(new Region(file, name, openLine, n));
                open = null;
            }
        }
        if (open != null) problems.add(file + ":" + openLine + ": snippet-start:[" + open + "] has no snippet-end (unpaired)");
        return out;
    }

    /** Index of the sample table's header line in README, or -1. */
    static int tableHeader(List<String> lines) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).replace(" ", "").startsWith("|Alias|")) return i;
        }
        return -1;
    }

    static final Pattern ALIAS_CELL = Pattern.compile("`([a-z0-9-]+)`");

    /** The sample table's rows by alias: line index. */
    static Map<String, Integer> rows(List<String> lines) {
        Map<String, Integer> rows = new LinkedHashMap<>();
        int header = tableHeader(lines);
        if (header < 0) return rows;
        for (int i = header + 2; i < lines.size() && lines.get(i).startsWith("|"); i++) {
            String[] cells = lines.get(i).split("\\|", -1);
            Matcher m = cells.length > 1 ? ALIAS_CELL.matcher(cells[1]) : null;
            if (m != null && m.find()) rows.putIfAbsent(m.group(1), i);
        }
        return rows;
    }

    /** The column that holds the file link ("File"), 1-based as in split("\\|"). */
    static int fileColumn(List<String> lines) {
        int header = tableHeader(lines);
        String[] cells = lines.get(header).split("\\|", -1);
        for (int c = 0; c < cells.length; c++) if (cells[c].trim().equals("File")) return c;
        throw new IllegalStateException("README.md's sample table has no File column");
    }

    static List<String> linkProblems(String readme, Scan scan) {
        List<String> lines = readme.lines().collect(Collectors.toList());
        List<String> problems = new ArrayList<>();
        if (tableHeader(lines) < 0) return List.of("README.md has no sample table (a header row starting with '| Alias |')");
        Map<String, Integer> rows = rows(lines);
        scan.samples().forEach((alias, ref) -> {
            Integer row = rows.get(alias);
            if (row == null) {
                problems.add(alias + ": no row in README.md's sample table");
                return;
            }
            List<Region> regions = scan.regionsByFile().getOrDefault(ref, List.of());
            Matcher link = Pattern.compile("\\[snippet]\\(([^)#]*)#L(\\d+)-L(\\d+)\\)").matcher(lines.get(row));
            List<String> links = new ArrayList<>();
            while (link.find()) links.add(link.group());
            if (links.isEmpty()) {
                problems.add(alias + ": README.md row has no [snippet](" + ref + "#Lx-Ly) link");
            } else if (links.size() > 1) {
                problems.add(alias + ": README.md row has " + links.size() + " snippet links");
            } else if (regions.size() == 1 && !links.get(0).equals(regions.get(0).link())) {
                problems.add(alias + ": README.md links " + links.get(0) + " but the markers say " + regions.get(0).link());
            }
        });
        return problems;
    }

    /** README with each sample row's File cell ending in " · [snippet](file#Lx-Ly)" from the markers. */
    static String rewrite(String readme, Scan scan) {
        List<String> lines = new ArrayList<>(List.of(readme.split("\n", -1)));
        if (tableHeader(lines) < 0) return readme;
        int col = fileColumn(lines);
        Map<String, Integer> rows = rows(lines);
        scan.samples().forEach((alias, ref) -> {
            Integer row = rows.get(alias);
            List<Region> regions = scan.regionsByFile().getOrDefault(ref, List.of());
            if (row == null || regions.size() != 1) return;
            String[] cells = lines.get(row).split("\\|", -1);
            if (cells.length <= col) return;
            String cell = SNIPPET_LINK.matcher(cells[col]).replaceAll("").strip();
            cells[col] = " " + cell + " · " + regions.get(0).link() + " ";
            lines.set(row, String.join("|", cells));
        });
        return String.join("\n", lines);
    }
}
