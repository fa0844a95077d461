import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Every Converse and ConverseStream alias, run as a user runs it, against a fresh local endpoint. */
class SampleConverseTest {
    @BeforeAll
    static void buildScripts() {
        SampleHarness.buildAll();
    }

    @TestFactory
    Stream<DynamicTest> converseAndConverseStreamSamplesAnswer() {
        return SampleHarness.aliases().stream()
                .filter(a -> a.kind() == SampleHarness.Kind.CONVERSE || a.kind() == SampleHarness.Kind.CONVERSE_STREAM)
                .map(a -> dynamicTest(a.name(), () -> SampleHarness.happy(a)));
    }
}
