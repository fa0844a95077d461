import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * What the endpoint's command-line tools share (local-bedrock, the offline runner, both benchmarks)
 * and the tests use too: finding the clone, deleting temporary trees, one-line errors.
 */
final class Tools {
    private Tools() {}

    /** The clone's root: the nearest folder from {@code start} upwards holding jbang-catalog.json and the ./jbang wrapper. */
    static Optional<Path> findRepoRoot(Path start) {
        for (Path p = start.toAbsolutePath().normalize(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("jbang-catalog.json")) && Files.isRegularFile(p.resolve("jbang"))) return Optional.of(p);
        }
        return Optional.empty();
    }

    /** The clone's root above the working directory, or a failure that says what to do. */
    static Path repoRoot() {
        Path here = Path.of("").toAbsolutePath();
        return findRepoRoot(here).orElseThrow(() -> new IllegalStateException(
                "run this from inside the bedrock-cris-jbang clone (no jbang-catalog.json and ./jbang found above " + here + ")"));
    }

    /** Deletes a folder and everything below it; best effort (temporary data only). */
    static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | RuntimeException ignored) {
            // best effort
        }
    }

    /** picocli execution-exception handler for the tools: one line on stderr, exit code 1, no stack trace. */
    static int oneLineError(Exception e, CommandLine cmd, ParseResult parseResult) {
        Throwable t = e.getCause() != null && (e.getMessage() == null || e instanceof java.util.concurrent.ExecutionException) ? e.getCause() : e;
        cmd.getErr().println("❌ " + (t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName()));
        return 1;
    }
}
