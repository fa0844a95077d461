import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Faults a user can meet on AWS: every call throttled (a clear throttling message and a non-zero exit
 * within the SDK's retry budget), and, for every streaming sample, a stream cut after 3 events or an
 * in-stream modelStreamErrorException (non-zero exit, one error line, never "Completed successfully").
 */
class SampleFaultTest {
    /** The SDK's default budget (legacy mode: 4 attempts); a sample must not retry beyond it. */
    static final int MAX_ATTEMPTS = 4;
    static final List<String> THROTTLE_ALL = List.of("converse-haiku", "converse-stream-nova-2-lite", "invoke-sonnet-4-6",
            "invoke-stream-opus-4-5", "embed-cohere", "invoke-stream-opus-4-6-advanced");

    @BeforeAll
    static void buildScripts() {
        SampleHarness.buildAll();
    }

    @TestFactory
    Stream<DynamicTest> throttlingEveryCallFailsClearly() {
        return THROTTLE_ALL.stream().map(name -> dynamicTest(name, () -> {
            SampleHarness.Alias a = SampleHarness.alias(name);
            SampleHarness.assertBuilt(a);
            try (LocalBedrock lb = SampleHarness.start()) {
                lb.faults().throttleFirst(1000);
                SampleHarness.Result r = SampleHarness.runAlias(lb, a.name(), SampleHarness.happyArgs(a).toArray(String[]::new));
                String line = SampleHarness.assertOneLineError(r);
                assertTrue(line.toLowerCase(Locale.ROOT).contains("throttl"), () -> "the error must say it was throttled\n" + r.all());
                assertTrue(line.contains("--max-tokens") || line.toLowerCase(Locale.ROOT).contains("retry"),
                        () -> "the error must say what to do (lower --max-tokens / retry later)\n" + r.all());
                int attempts = SampleHarness.runtimeEntries(lb).size();
                assertTrue(attempts >= 1 && attempts <= MAX_ATTEMPTS,
                        () -> attempts + " attempts: outside the SDK's retry budget of " + MAX_ATTEMPTS + "\n" + r.all());
                assertTrue(r.millis() < 60_000, () -> "took " + r.millis() + " ms to give up\n" + r.all());
            }
        }));
    }

    @TestFactory
    Stream<DynamicTest> brokenStreamsFailEveryStreamingSample() {
        List<DynamicTest> tests = new ArrayList<>();
        for (SampleHarness.Alias a : SampleHarness.streamingSamples()) {
            tests.add(dynamicTest(a.name() + " stream cut after 3 events", () -> brokenStream(a, lb -> lb.faults().cutStreamAfter(3))));
            tests.add(dynamicTest(a.name() + " modelStreamErrorException", () ->
                    brokenStream(a, lb -> lb.faults().streamException("modelStreamErrorException", 2))));
        }
        return tests.stream();
    }

    static void brokenStream(SampleHarness.Alias a, java.util.function.Consumer<LocalBedrock> fault) {
        SampleHarness.assertBuilt(a);
        try (LocalBedrock lb = SampleHarness.start()) {
            fault.accept(lb);
            List<String> args = a.kind() == SampleHarness.Kind.PEGASUS_STREAM
                    ? List.of("--bucket", "suite-stream-fault-bucket", "--video", PegasusEndToEndTest.VIDEO)
                    : SampleHarness.happyArgs(a);
            SampleHarness.Result r = SampleHarness.runAlias(lb, a.name(), args.toArray(String[]::new));
            String line = SampleHarness.assertOneLineError(r);
            assertTrue(line.toLowerCase(Locale.ROOT).contains("stream") || line.toLowerCase(Locale.ROOT).contains("incomplete"),
                    () -> "the error must say the stream broke\n" + r.all());
            assertTrue(!SampleHarness.runtimeEntries(lb).isEmpty(), () -> "the fault never reached a runtime call\n" + r.all());
        }
    }
}
