import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every InvokeModel and InvokeModelWithResponseStream alias that needs no bucket (Claude, Nova, the
 * advanced Opus 4.6 pair) and the Cohere embeddings sample, each against a fresh local endpoint.
 */
class SampleInvokeTest {
    @BeforeAll
    static void buildScripts() {
        SampleHarness.buildAll();
    }

    @TestFactory
    Stream<DynamicTest> invokeSamplesAnswer() {
        return SampleHarness.aliases().stream()
                .filter(a -> a.kind() == SampleHarness.Kind.INVOKE || a.kind() == SampleHarness.Kind.INVOKE_STREAM
                        || a.kind() == SampleHarness.Kind.EMBED)
                .map(a -> dynamicTest(a.name(), () -> SampleHarness.happy(a)));
    }
}
