import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The top of README.md: the contents list links existing headings, and every alias the
 * "Which sample do I want?" table names is an alias of jbang-catalog.json.
 */
class ReadmeGuideTest {

    @Test
    void contentsLinksPointToHeadings() throws IOException {
        List<String> lines = Files.readAllLines(SampleHarness.repoRoot().resolve("README.md"), StandardCharsets.UTF_8);
        Set<String> anchors = new TreeSet<>();
        boolean fence = false;
        for (String l : lines) {
            if (l.startsWith("```")) fence = !fence;
            if (!fence && l.startsWith("## ")) anchors.add(slug(l.substring(3)));
        }
        List<String> links = new ArrayList<>();
        int start = lines.indexOf("## Contents");
        assertTrue(start >= 0, "README.md has no '## Contents' section");
        for (int i = start + 1; i < lines.size() && !lines.get(i).startsWith("## "); i++) {
            Matcher m = Pattern.compile("\\]\\(#([^)]+)\\)").matcher(lines.get(i));
            while (m.find()) links.add(m.group(1));
        }
        assertTrue(links.size() >= 5, () -> "contents list too short: " + links);
        List<String> broken = new ArrayList<>(links);
        broken.removeAll(anchors);
        assertEquals(List.of(), broken, () -> "contents links without a heading; headings: " + anchors);
        Set<String> missing = new TreeSet<>(anchors);
        missing.remove("contents");
        links.forEach(missing::remove);
        assertEquals(Set.of(), missing, "headings the contents list does not link");
    }

    /** Strict on purpose: an alias named in the guide must exist (no list of expected absentees). */
    @Test
    void whichSampleTableNamesCatalogAliases() throws IOException {
        List<String> lines = Files.readAllLines(SampleHarness.repoRoot().resolve("README.md"), StandardCharsets.UTF_8);
        int start = lines.indexOf("## Which sample do I want?");
        assertTrue(start >= 0, "README.md has no '## Which sample do I want?' section");
        Set<String> named = new LinkedHashSet<>();
        Pattern alias = Pattern.compile("`([a-z0-9]+(?:-[a-z0-9]+)+)`");
        for (int i = start + 1; i < lines.size() && !lines.get(i).startsWith("## "); i++) {
            String l = lines.get(i);
            if (!l.startsWith("|") || l.startsWith("|---")) continue;
            String[] cells = l.split("\\|");
            if (cells.length < 3) continue;
            Matcher m = alias.matcher(cells[2]);
            while (m.find()) named.add(m.group(1));
        }
        assertTrue(named.size() >= 10, () -> "too few aliases found in the guide: " + named);
        Set<String> unknown = new TreeSet<>(named);
        unknown.removeAll(SampleHarness.catalog().keySet());
        assertEquals(Set.of(), unknown, "aliases in README's 'Which sample do I want?' that jbang-catalog.json lacks");
    }

    /** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens. */
    static String slug(String heading) {
        return heading.trim().toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
    }
}
