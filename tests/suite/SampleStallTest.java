import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Stalled streams (issue 10 item 5): the endpoint stops sending events after the second one and
 * keeps the stream open (fault stream-stall-after=2). Every streaming sample, run with
 * {@code --timeout 3}, must then give up by itself: exit 1, one error line that names the timeout,
 * no "Completed successfully", and the process must end (its Netty event loops shut down) — the
 * harness's own limit is far above the sample's timeout. The endpoint's stalled request must be
 * released once the sample has gone.
 */
class SampleStallTest {
    static final int STALL_AFTER = 2;

    @BeforeAll
    static void buildScripts() {
        SampleHarness.buildAll();
    }

    @TestFactory
    Stream<DynamicTest> everyStreamingSampleEndsWithinItsTimeout() {
        List<DynamicTest> tests = new ArrayList<>();
        for (SampleHarness.Alias a : SampleHarness.streamingSamples()) {
            tests.add(dynamicTest(a.name() + " stalled after " + STALL_AFTER + " events", () -> stalled(a)));
        }
        return tests.stream();
    }

    static void stalled(SampleHarness.Alias a) throws Exception {
        SampleHarness.assertBuilt(a);
        try (LocalBedrock lb = SampleHarness.start()) {
            lb.faults().streamStallAfter(STALL_AFTER);
            List<String> args = new ArrayList<>(a.kind() == SampleHarness.Kind.PEGASUS_STREAM
                    ? List.of("--bucket", "suite-stream-stall-bucket", "--video", PegasusEndToEndTest.VIDEO)
                    : SampleHarness.happyArgs(a));
            args.add("--timeout");
            args.add("3");
            SampleHarness.Result r = SampleHarness.runAlias(lb, a.name(), args.toArray(String[]::new));
            String line = SampleHarness.assertOneLineError(r);
            assertEquals(1, r.exit(), () -> "expected exit 1\n" + r.all());
            assertTrue(line.toLowerCase(Locale.ROOT).contains("timeout"), () -> "the error must name the timeout\n" + r.all());
            // the stream's log entry is written when the endpoint lets it go: the sample leaving released it
            // (LocalClientDisconnected: on a slow machine the sample gave up before the stall was reached)
            List<RequestLog.Entry> released = awaitEntry(lb, "LocalStreamStalled", "LocalClientDisconnected");
            assertTrue(!released.isEmpty(), () -> "the stalled stream was not released when the sample left: "
                    + SampleHarness.describe(SampleHarness.runtimeEntries(lb)) + "\n" + r.all());
        }
    }

    /**
     * The stalled request's log entry, written when the endpoint released it (the client's
     * disconnect); waits a little, as the sample may exit before the server has noticed.
     */
    static List<RequestLog.Entry> awaitStalledEntry(LocalBedrock lb) throws InterruptedException {
        return awaitEntry(lb, "LocalStreamStalled");
    }

    static List<RequestLog.Entry> awaitEntry(LocalBedrock lb, String... errorCodes) throws InterruptedException {
        List<String> codes = List.of(errorCodes);
        for (int i = 0; i < 100; i++) {
            List<RequestLog.Entry> e = SampleHarness.runtimeEntries(lb).stream()
                    .filter(x -> codes.contains(x.errorCode())).toList();
            if (!e.isEmpty()) return e;
            Thread.sleep(100);
        }
        return List.of();
    }

    /** Over HTTP/1.1 too, a client that closes its connection releases the stalled stream. */
    @Test
    void aClientLeavingReleasesAStalledStream() throws Exception {
        try (LocalBedrock lb = SampleHarness.start()) {
            lb.faults().streamStallAfter(1);
            try (java.net.Socket s = new java.net.Socket(lb.endpoint().getHost(), lb.endpoint().getPort())) {
                s.getOutputStream().write(stalledRequest(lb));
                s.setSoTimeout(30_000);
                assertTrue(s.getInputStream().read(new byte[256]) > 0, "the first event never came");
            }
            assertEquals(1, awaitStalledEntry(lb).size(), () -> SampleHarness.describe(lb.requestLog().entries()));
        }
    }

    static byte[] stalledRequest(LocalBedrock lb) {
        byte[] body = EndpointRuntimeTest.bytes(EndpointRuntimeTest.claudeBody("stall", 50));
        String path = "/model/global.anthropic.claude-haiku-4-5-20251001-v1%3A0/invoke-with-response-stream";
        return RawHttp.requestBytes(lb, "POST", path, "", java.util.Map.of("content-type", "application/json"),
                body, RawHttp.signer("bedrock", "test", "test", java.time.Instant.now(), null));
    }

    /** Closing the endpoint releases a stream stalled by an in-process client that never disconnects. */
    @Test
    void closingTheEndpointReleasesAStalledStream() throws Exception {
        LocalBedrock lb = SampleHarness.start();
        lb.faults().streamStallAfter(1);
        java.net.Socket s = new java.net.Socket(lb.endpoint().getHost(), lb.endpoint().getPort());
        try {
            s.getOutputStream().write(stalledRequest(lb));
            s.setSoTimeout(30_000);
            assertTrue(s.getInputStream().read(new byte[256]) > 0, "the first event never came");
        } finally {
            lb.close(); // the socket stays open: only the endpoint's close can release the request
        }
        assertEquals(1, awaitStalledEntry(lb).size(), () -> SampleHarness.describe(lb.requestLog().entries()));
        s.close();
    }
}
