import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.bedrock.BedrockClient;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;
import software.amazon.awssdk.services.bedrockruntime.model.InternalServerException;
import software.amazon.awssdk.services.bedrockruntime.model.ModelErrorException;
import software.amazon.awssdk.services.bedrockruntime.model.ModelStreamErrorException;
import software.amazon.awssdk.services.bedrockruntime.model.ThrottlingException;

/** Every fault the local endpoint can inject, observed through the real SDK clients. */
class EndpointFaultsTest {
    static final String HAIKU = EndpointRuntimeTest.HAIKU;
    static final String NOVA = EndpointRuntimeTest.NOVA;

    static LocalBedrock lb;
    static BedrockRuntimeClient retrying;
    static BedrockRuntimeClient once;
    static BedrockRuntimeAsyncClient async;

    /** Netty logs client-side stream resets at INFO through java.util.logging; keep the test output clean. */
    static final java.util.logging.Logger NETTY_LOG = java.util.logging.Logger.getLogger("io.netty");

    @BeforeAll
    static void start() throws Exception {
        NETTY_LOG.setLevel(java.util.logging.Level.WARNING);
        lb = LocalBedrock.start(new LocalBedrock.Config().port(0));
        retrying = EndpointRuntimeTest.syncClient(lb);
        once = BedrockRuntimeClient.builder().endpointOverride(lb.endpoint()).region(Region.AP_SOUTH_1)
                .credentialsProvider(EndpointRuntimeTest.creds()).httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())).build();
        async = EndpointRuntimeTest.asyncClient(lb);
    }

    @AfterAll
    static void stop() {
        retrying.close();
        once.close();
        async.close();
        lb.close();
    }

    @BeforeEach
    void clean() {
        lb.faults().reset();
        lb.requestLog().clear();
        lb.usage().reset();
    }

    static void converse(BedrockRuntimeClient c, String id) {
        c.converse(b -> b.modelId(id).messages(EndpointRuntimeTest.user("fault test")));
    }

    static List<String> codes() {
        return lb.requestLog().entries().stream().filter(e -> "bedrock-runtime".equals(e.service()))
                .map(e -> e.status() + ":" + e.errorCode()).toList();
    }

    /**
     * The log once it holds {@code n} runtime entries (at most 10 s). A stream's entry is written when the
     * server has finished sending it, which can be after the client has already failed on an exception
     * event — so a test waits for it, both to check it and to keep it out of the next test's log.
     */
    static List<String> codesOnce(int n) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (codes().size() < n && System.nanoTime() < deadline) Thread.sleep(20);
        return codes();
    }

    @Test
    void throttleFirstIsRetriedBySdkThenSucceeds() {
        lb.faults().throttleFirst(2);
        converse(retrying, HAIKU);
        assertEquals(List.of("429:ThrottlingException", "429:ThrottlingException", "200:null"), codes());
        assertEquals(1, lb.usage().of(HAIKU).calls(), "failed attempts add no usage");
    }

    @Test
    void throttleBeyondRetriesSurfacesThrottlingException() {
        lb.faults().throttleFirst(2);
        ThrottlingException e = assertThrows(ThrottlingException.class, () -> converse(once, HAIKU));
        assertEquals(429, e.statusCode());
        assertEquals("Too many requests, please wait before trying again.", e.awsErrorDetails().errorMessage());
        assertEquals(1, codes().size());
    }

    @Test
    void serverErrorFirstGives500ThenRecovers() {
        lb.faults().serverErrorFirst(1);
        InternalServerException e = assertThrows(InternalServerException.class, () -> converse(once, HAIKU));
        assertEquals(500, e.statusCode());
        converse(once, HAIKU);
        assertEquals(List.of("500:InternalServerException", "200:null"), codes());
    }

    @Test
    void throttleThenServerErrorAreSequential() {
        lb.faults().throttleFirst(1).serverErrorFirst(1);
        converse(retrying, HAIKU);
        assertEquals(List.of("429:ThrottlingException", "500:InternalServerException", "200:null"), codes());
    }

    @Test
    void failCallHitsExactlyTheNthCall() {
        lb.faults().failCall(2, "ModelErrorException");
        converse(once, HAIKU);
        ModelErrorException e = assertThrows(ModelErrorException.class, () -> converse(once, HAIKU));
        assertEquals(424, e.statusCode());
        assertEquals(500, e.originalStatusCode());
        converse(once, HAIKU);
        assertEquals(List.of("200:null", "424:ModelErrorException", "200:null"), codes());
    }

    @Test
    void throttlePercentHundredAlwaysThrottles() {
        lb.faults().throttlePercent(100);
        assertThrows(ThrottlingException.class, () -> converse(once, HAIKU));
        assertThrows(ThrottlingException.class, () -> converse(once, NOVA));
        // faults never touch the control plane
        try (BedrockClient bedrock = BedrockClient.builder().endpointOverride(lb.endpoint()).region(Region.AP_SOUTH_1)
                .credentialsProvider(EndpointRuntimeTest.creds()).httpClient(UrlConnectionHttpClient.create()).build()) {
            assertTrue(bedrock.listInferenceProfiles(b -> b.maxResults(100)).inferenceProfileSummaries().size() >= 8);
        }
    }

    @Test
    void onlyModelScopesFaults() {
        lb.faults().throttleFirst(5).onlyModel(NOVA);
        converse(once, HAIKU);
        assertThrows(ThrottlingException.class, () -> converse(once, NOVA));
        assertEquals(1, lb.faults().calls());
    }

    @Test
    void streamEventDelaySlowsTheStream() throws Exception {
        lb.faults().streamEventDelay(Duration.ofMillis(120));
        EndpointRuntimeTest.StreamResult r = new EndpointRuntimeTest.StreamResult();
        long t0 = System.nanoTime();
        EndpointRuntimeTest.converseStream(async, HAIKU, "slow please", r, null).get(60, TimeUnit.SECONDS);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms >= (r.events.size() - 1) * 120L * 9 / 10, ms + " ms for " + r.events.size() + " events");
        assertEquals("metadata", r.events.get(r.events.size() - 1));
    }

    /**
     * The endpoint aborts the response after N events (HTTP/1.1: connection closed inside the
     * chunked body; HTTP/2: stream reset). Observed with SDK 2.57.8: the async client then simply
     * completes the call without messageStop/metadata — callers must notice the missing end.
     */
    @Test
    void cutStreamEndsAbruptlyWithoutFinalEvents() throws Exception {
        lb.faults().cutStreamAfter(3);
        EndpointRuntimeTest.StreamResult r = new EndpointRuntimeTest.StreamResult();
        try {
            EndpointRuntimeTest.converseStream(async, HAIKU, "cut me", r, null).get(60, TimeUnit.SECONDS);
        } catch (ExecutionException expectedOrNot) {
            // either outcome is acceptable; what matters is that the final events never came
        }
        assertEquals("messageStart", r.events.get(0));
        assertTrue(!r.events.contains("metadata") && !r.events.contains("messageStop"), r.events.toString());
        assertTrue(r.events.size() <= 3 * 4, r.events.toString());
        assertEquals(0, lb.usage().of(HAIKU).calls(), "a cut stream adds no usage");
        assertTrue(codesOnce(1).contains("200:LocalStreamCut"), codes().toString());
        // the raw HTTP/1.1 view: the chunked body ends without its last chunk
        java.io.IOException io = assertThrows(java.io.IOException.class, () -> EndpointBadInputTest.raw(lb, "POST",
                "/model/global.anthropic.claude-haiku-4-5-20251001-v1%3A0/converse-stream",
                "{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"x\"}]}]}".getBytes(), true));
        assertTrue(String.valueOf(io.getMessage()).contains("chunked"), io.toString());
        // the server is fine afterwards
        lb.faults().reset();
        EndpointRuntimeTest.StreamResult ok = new EndpointRuntimeTest.StreamResult();
        EndpointRuntimeTest.converseStream(async, HAIKU, "whole", ok, null).get(30, TimeUnit.SECONDS);
        assertEquals("metadata", ok.events.get(ok.events.size() - 1));
    }

    @Test
    void inStreamModelStreamErrorIsNotRetried() throws Exception {
        lb.faults().streamException("modelStreamErrorException", 2);
        EndpointRuntimeTest.StreamResult r = new EndpointRuntimeTest.StreamResult();
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> EndpointRuntimeTest.converseStream(async, HAIKU, "fail inside", r, null).get(60, TimeUnit.SECONDS));
        assertInstanceOf(ModelStreamErrorException.class, e.getCause());
        assertEquals(424, ((ModelStreamErrorException) e.getCause()).statusCode());
        assertEquals(2, r.events.size(), r.events.toString());
        assertEquals(List.of("200:ModelStreamErrorException"), codesOnce(1));
    }

    @Test
    void inStreamThrottlingIsRetriedWholeBySdk() throws Exception {
        lb.faults().streamException("throttlingException", 1);
        List<com.fasterxml.jackson.databind.JsonNode> chunks = new java.util.concurrent.CopyOnWriteArrayList<>();
        ExecutionException e = assertThrows(ExecutionException.class, () -> EndpointRuntimeTest.invokeStream(async, NOVA,
                EndpointRuntimeTest.novaBody("throttle inside", 100), chunks, null).get(60, TimeUnit.SECONDS));
        assertInstanceOf(ThrottlingException.class, e.getCause());
        assertEquals(4, codesOnce(4).size(), "default SDK retries re-send the whole call: " + codes());
        assertEquals(4, chunks.stream().filter(c -> c.has("messageStart")).count());
    }

    @Test
    void flagSyntaxParsesEveryFault() throws Exception {
        Faults f = Faults.parse("throttle-first=2,server-error-first=1,throttle-percent=10,fail-call=2:ThrottlingException,"
                + "stream-delay-ms=50,cut-stream-after=3,stream-exception=modelStreamErrorException@2,model=global.amazon.nova-2-lite-v1:0");
        Faults.StreamPlan plan = null;
        int thrown = 0;
        for (int i = 0; i < 4; i++) {
            try {
                plan = f.onRuntimeCall(NOVA);
            } catch (ApiError e) {
                thrown++;
            }
        }
        assertTrue(thrown >= 3, "calls 1-3 fail");
        assertNotNull(plan);
        assertEquals(Duration.ofMillis(50), plan.delay());
        assertEquals(3, plan.cutAfter());
        assertEquals("modelStreamErrorException", plan.exceptionType());
        assertEquals(2, plan.exceptionAfter());
        assertEquals(Faults.StreamPlan.NONE, f.onRuntimeCall(HAIKU), "other models are out of scope");
        assertThrows(IllegalArgumentException.class, () -> Faults.parse("explode=1"));
        assertThrows(IllegalArgumentException.class, () -> Faults.parse("fail-call=1:NoSuchError"));
        assertThrows(IllegalArgumentException.class, () -> Faults.parse("stream-exception=ThrottlingException@1"));

        try (LocalBedrock other = LocalBedrock.start(new LocalBedrock.Config().port(0).faults("throttle-first=1"));
             BedrockRuntimeClient c = BedrockRuntimeClient.builder().endpointOverride(other.endpoint()).region(Region.AP_SOUTH_1)
                     .credentialsProvider(EndpointRuntimeTest.creds()).httpClient(UrlConnectionHttpClient.create())
                     .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())).build()) {
            assertThrows(ThrottlingException.class, () -> converse(c, HAIKU));
            converse(c, HAIKU);
        }
    }
}
