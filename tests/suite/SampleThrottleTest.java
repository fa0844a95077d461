import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The endpoint throttles the first two runtime calls (429 ThrottlingException): every sample that
 * calls a runtime model must still succeed through the SDK's retries, print the third attempt's
 * answer once, and report exactly the usage the endpoint counted.
 */
class SampleThrottleTest {
    @BeforeAll
    static void buildScripts() {
        SampleHarness.buildAll();
    }

    @TestFactory
    Stream<DynamicTest> samplesSurviveTwoThrottles() {
        return SampleHarness.directRuntimeSamples().stream().map(a -> dynamicTest(a.name(), () -> {
            SampleHarness.assertBuilt(a);
            try (LocalBedrock lb = SampleHarness.start()) {
                lb.faults().throttleFirst(2);
                SampleHarness.Result r = SampleHarness.runAlias(lb, a.name(), SampleHarness.happyArgs(a).toArray(String[]::new));
                SampleHarness.assertHappyRun(a, lb, r, 3);
            }
        }));
    }
}
