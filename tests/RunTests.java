///usr/bin/env jbang "$0" "$@" ; exit $?
//DESCRIPTION The whole test suite: the local endpoint's own tests, the JavaScript SDK check and every sample through the catalog.
//JAVA 17+
//MAIN RunTests
//DEPS software.amazon.awssdk:bom:2.57.8@pom
//DEPS software.amazon.awssdk:bedrockruntime
//DEPS software.amazon.awssdk:bedrock
//DEPS software.amazon.awssdk:s3
//DEPS software.amazon.awssdk:sts
//DEPS software.amazon.awssdk:url-connection-client
//DEPS software.amazon.awssdk:netty-nio-client
//DEPS info.picocli:picocli:4.7.7
//DEPS com.fasterxml.jackson.core:jackson-databind:2.21.3
//DEPS org.junit.jupiter:junit-jupiter:5.14.1
//DEPS org.junit.platform:junit-platform-launcher:1.14.1
//DEPS org.slf4j:slf4j-nop:2.0.17
//SOURCES local-bedrock/*.java
//SOURCES suite/*.java

import static org.junit.platform.engine.discovery.ClassNameFilter.includeClassNamePatterns;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClasspathRoots;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;
import org.junit.platform.engine.TestExecutionResult;

/**
 * Runs every JUnit 5 test class under tests/suite (or only those matching the regexes given as
 * arguments, e.g. {@code ./jbang test 'Endpoint.*'}) and ends with "N passed, M failed".
 */
public class RunTests {
    public static void main(String[] args) throws Exception {
        if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
            System.out.println("Usage: jbang test [CLASS-REGEX...]");
            System.out.println("Runs the whole test suite (or the test classes whose names match) and ends with \"N passed, M failed\".");
            System.out.println("Example: jbang test 'Endpoint.*'    Environment: BEDROCK_LIVE=1 also runs the live AWS tests.");
            return;
        }
        Path root = Path.of(RunTests.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> patterns = new ArrayList<>();
        for (String a : args) patterns.add(a.contains(".") || a.contains("*") ? a : a + ".*");
        if (patterns.isEmpty()) patterns.add(".*Test");
        for (String p : patterns) {
            try {
                java.util.regex.Pattern.compile(p);
            } catch (java.util.regex.PatternSyntaxException e) {
                System.err.println("❌ '" + p + "' is not a class-name regex (" + e.getDescription() + ") — e.g. jbang test 'Endpoint.*'");
                System.exit(2);
            }
        }
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectClasspathRoots(Set.of(root)))
                .filters(includeClassNamePatterns(patterns.toArray(String[]::new)))
                .configurationParameter("junit.jupiter.execution.parallel.enabled", "true")
                .configurationParameter("junit.jupiter.execution.parallel.mode.default", "same_thread")
                .configurationParameter("junit.jupiter.execution.parallel.mode.classes.default", "concurrent")
                .configurationParameter("junit.jupiter.execution.parallel.config.strategy", "fixed")
                .configurationParameter("junit.jupiter.execution.parallel.config.fixed.parallelism",
                        System.getenv().getOrDefault("TEST_PARALLELISM", "2"))
                .build();
        Launcher launcher = LauncherFactory.create();
        SummaryGeneratingListener summary = new SummaryGeneratingListener();
        long start = System.nanoTime();
        launcher.execute(request, summary, new Progress());
        TestExecutionSummary s = summary.getSummary();
        if (s.getTotalFailureCount() > 0) {
            System.out.println();
            System.out.println("Failures:");
            s.printFailuresTo(new PrintWriter(System.out, true), 12);
        }
        long passed = s.getTestsSucceededCount();
        long failed = s.getTestsFailedCount() + s.getContainersFailedCount();
        // an aborted test (a JUnit assumption not met) is a skip, and so is an aborted class (@BeforeAll assumption)
        long skipped = s.getTestsSkippedCount() + s.getTestsAbortedCount() + s.getContainersAbortedCount();
        System.out.printf("(%d s)%n", (System.nanoTime() - start) / 1_000_000_000L);
        System.out.println(passed + " passed, " + failed + " failed" + (skipped > 0 ? ", " + skipped + " skipped" : ""));
        System.exit(failed == 0 && s.getTestsFoundCount() > 0 ? 0 : 1);
    }

    /** One line per finished test, so a long run shows progress. */
    static final class Progress implements TestExecutionListener {
        @Override
        public void executionFinished(TestIdentifier id, TestExecutionResult result) {
            if (!id.isTest() && result.getStatus() == TestExecutionResult.Status.SUCCESSFUL) return;
            String mark = switch (result.getStatus()) {
                case SUCCESSFUL -> "PASS";
                case ABORTED -> "SKIP";
                case FAILED -> "FAIL";
            };
            String why = result.getThrowable().map(t -> " — " + String.valueOf(t.getMessage()).lines().findFirst().orElse("")).orElse("");
            System.out.println(mark + " " + id.getDisplayName() + " [" + id.getUniqueIdObject().getSegments().get(1).getValue() + "]" + why);
        }

        @Override
        public void executionSkipped(TestIdentifier id, String reason) {
            System.out.println("SKIP " + id.getDisplayName() + " — " + reason);
        }
    }
}
