import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** {@code ./jbang <alias> --help} for every catalog alias: usage on stdout, exit 0, no request sent. */
class SampleHelpTest {
    static LocalBedrock lb;

    @BeforeAll
    static void setUp() {
        SampleHarness.buildAll();
        lb = SampleHarness.start();
    }

    @AfterAll
    static void tearDown() {
        if (lb != null) lb.close();
    }

    @TestFactory
    Stream<DynamicTest> everyAliasPrintsHelp() {
        return SampleHarness.aliases().stream().map(a -> dynamicTest(a.name(), () -> {
            if (!a.scriptRef().equals("tests/RunTests.java")) SampleHarness.assertBuilt(a);
            lb.requestLog().clear();
            SampleHarness.Result r = SampleHarness.runAlias(lb, a.name(), "--help");
            assertEquals(0, r.exit(), () -> "--help must exit 0\n" + r.all());
            SampleHarness.assertNoStackTrace(r);
            assertTrue(r.stdout().contains("Usage:"), () -> "no usage text on stdout\n" + r.all());
            if (a.isSample()) {
                assertTrue(r.stdout().contains("--help"), () -> "picocli usage lists --help\n" + r.all());
                assertTrue(r.stdout().contains("Usage: " + a.name() + " "),
                        () -> "usage should name the command as its alias (" + a.name() + ")\n" + r.all());
                for (String option : new String[] {"--region", "--model-id"}) {
                    assertTrue(r.stdout().contains(option), () -> "README promises " + option + " on every sample\n" + r.all());
                }
            }
            SampleHarness.assertNoRequests(lb, r);
        }));
    }
}
