import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.bedrock.BedrockClient;
import software.amazon.awssdk.services.bedrock.model.GetInferenceProfileResponse;
import software.amazon.awssdk.services.bedrock.model.InferenceProfileModel;
import software.amazon.awssdk.services.bedrock.model.InferenceProfileSummary;
import software.amazon.awssdk.services.bedrock.model.InferenceProfileType;
import software.amazon.awssdk.services.bedrock.model.ListInferenceProfilesResponse;
import software.amazon.awssdk.services.bedrock.model.ResourceNotFoundException;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseResponse;
import software.amazon.awssdk.services.bedrockruntime.model.ThrottlingException;
import software.amazon.awssdk.services.bedrockruntime.model.ValidationException;

/**
 * The endpoint's system-defined profile catalogue (a global and the geographic profiles per model,
 * by source Region, in short pages), runtime calls through geographic profile ids, and the
 * local-only quota and latency per profile (Simulation.java).
 */
class EndpointProfileCatalogueTest {
    static final String HAIKU = "anthropic.claude-haiku-4-5-20251001-v1:0";
    static final String OPUS_45 = "anthropic.claude-opus-4-5-20251101-v1:0";
    static final String OPUS_46 = "anthropic.claude-opus-4-6-v1";
    static final String SONNET_45 = "anthropic.claude-sonnet-4-5-20250929-v1:0";
    static LocalBedrock lb;

    @BeforeAll
    static void start() throws Exception {
        lb = LocalBedrock.start(new LocalBedrock.Config().port(0));
    }

    @AfterAll
    static void stop() {
        if (lb != null) lb.close();
    }

    @BeforeEach
    void clean() {
        lb.simulation().reset();
    }

    static BedrockClient bedrock(String region) {
        return EndpointSigV4Test.configure(lb, BedrockClient.builder(), "test", "test", null).region(Region.of(region)).build();
    }

    /** A runtime client in region, one attempt per call (a throttled call surfaces at once). */
    static BedrockRuntimeClient runtime(String region) {
        return EndpointSigV4Test.configure(lb, BedrockRuntimeClient.builder(), "test", "test", null).region(Region.of(region)).build();
    }

    static ConverseResponse converse(BedrockRuntimeClient c, String id) {
        return c.converse(r -> r.modelId(id).messages(EndpointRuntimeTest.user("Catalogue check")));
    }

    /** Every page of a default ListInferenceProfiles (no maxResults), and how many pages it took. */
    static List<String> listAll(BedrockClient c, List<Integer> pageSizes) {
        List<String> ids = new ArrayList<>();
        for (ListInferenceProfilesResponse page : c.listInferenceProfilesPaginator(r -> {})) {
            pageSizes.add(page.inferenceProfileSummaries().size());
            page.inferenceProfileSummaries().forEach(s -> ids.add(s.inferenceProfileId()));
        }
        return ids;
    }

    @Test
    void aRegionListsItsGeographyAndTheGlobalProfilesInPagesThatMustBeFollowed() {
        try (BedrockClient c = bedrock("us-east-1")) {
            ListInferenceProfilesResponse first = c.listInferenceProfiles(r -> r.maxResults(1000));
            assertEquals(ControlPlane.SERVER_PAGE_SIZE, first.inferenceProfileSummaries().size(), "maxResults=1000 still answers a short page");
            assertNotNull(first.nextToken(), "a client that ignores nextToken misses profiles");
            List<Integer> pages = new ArrayList<>();
            List<String> ids = listAll(c, pages);
            assertTrue(pages.size() >= 2, "pages " + pages);
            assertEquals(Models.systemProfileIds("us-east-1"), ids);
            assertEquals(ids.size(), ids.stream().distinct().count(), "each profile once: " + ids);
            assertEquals(Models.GLOBAL_PROFILE_IDS.size(), ids.stream().filter(i -> i.startsWith("global.")).count());
            assertEquals(Models.GLOBAL_PROFILE_IDS.size(), ids.stream().filter(i -> i.startsWith("us.")).count(), ids.toString());
            assertTrue(ids.stream().allMatch(i -> i.startsWith("global.") || i.startsWith("us.")), ids.toString());
        }
    }

    @Test
    void geographyFollowsTheSourceRegionAndTheModel() {
        assertEquals(List.of("eu.", "global."), prefixesOf("eu-west-1", HAIKU));
        assertEquals(List.of("jp.", "global."), prefixesOf("ap-northeast-1", HAIKU));
        assertEquals(List.of("global."), prefixesOf("ap-northeast-1", OPUS_45), "Opus 4.5 has no jp. profile");
        assertEquals(List.of("au.", "global."), prefixesOf("ap-southeast-2", OPUS_46));
        assertEquals(List.of("global."), prefixesOf("ap-south-1", HAIKU), "from ap-south-1 only the global profile");
        assertEquals(List.of("us-gov."), prefixesOf("us-gov-west-1", SONNET_45), "GovCloud: no global profile");
        assertEquals(List.of(), prefixesOf("us-gov-west-1", HAIKU));
    }

    static List<String> prefixesOf(String region, String model) {
        try (BedrockClient c = bedrock(region)) {
            return listAll(c, new ArrayList<>()).stream().filter(id -> id.endsWith("." + model))
                    .map(id -> id.substring(0, id.length() - model.length())).collect(Collectors.toList());
        }
    }

    @Test
    void getInferenceProfileAnswersOnlyInTheGeographyAndListsDestinations() {
        try (BedrockClient eu = bedrock("eu-west-1"); BedrockClient us = bedrock("us-east-1")) {
            GetInferenceProfileResponse geo = eu.getInferenceProfile(r -> r.inferenceProfileIdentifier("eu." + HAIKU));
            assertEquals(InferenceProfileType.SYSTEM_DEFINED, geo.type());
            assertEquals("EU Anthropic Claude Haiku 4.5", geo.inferenceProfileName());
            assertEquals("arn:aws:bedrock:eu-west-1:" + LocalBedrock.ACCOUNT_ID + ":inference-profile/eu." + HAIKU, geo.inferenceProfileArn());
            List<String> arns = geo.models().stream().map(InferenceProfileModel::modelArn).collect(Collectors.toList());
            assertEquals(Models.DESTINATIONS.get("eu").stream().map(r -> "arn:aws:bedrock:" + r + "::foundation-model/" + HAIKU)
                    .collect(Collectors.toList()), arns);
            ResourceNotFoundException e = assertThrows(ResourceNotFoundException.class,
                    () -> us.getInferenceProfile(r -> r.inferenceProfileIdentifier("eu." + HAIKU)));
            assertEquals(404, e.statusCode());
            assertThrows(ResourceNotFoundException.class, () -> eu.getInferenceProfile(r -> r.inferenceProfileIdentifier("jp." + OPUS_45)));

            GetInferenceProfileResponse global = us.getInferenceProfile(r -> r.inferenceProfileIdentifier("global." + HAIKU));
            List<String> globalArns = global.models().stream().map(InferenceProfileModel::modelArn).collect(Collectors.toList());
            assertEquals("arn:aws:bedrock:us-east-1::foundation-model/" + HAIKU, globalArns.get(0));
            assertTrue(globalArns.contains("arn:aws:bedrock:::foundation-model/" + HAIKU), "Region-less ARN: " + globalArns);
            InferenceProfileSummary listed = us.listInferenceProfiles(r -> r.maxResults(1)).inferenceProfileSummaries().get(0);
            assertEquals("US Anthropic Claude Haiku 4.5", listed.inferenceProfileName(), "geographic profiles are listed among the global ones");
        }
    }

    @Test
    void runtimeAcceptsOnlyProfilesOfTheCatalogue() {
        try (BedrockRuntimeClient c = runtime("ap-northeast-1")) {
            assertTrue(converse(c, "jp." + HAIKU).output().message().content().get(0).text().contains("Claude Haiku 4.5"));
            for (String missing : List.of("jp." + OPUS_45, "apac." + HAIKU, "au.amazon.nova-2-lite-v1:0", "us-gov." + HAIKU, "ca." + HAIKU)) {
                ValidationException e = assertThrows(ValidationException.class, () -> converse(c, missing), missing);
                assertEquals("The provided model identifier is invalid.", e.awsErrorDetails().errorMessage(), missing);
            }
        }
    }

    @Test
    void quotaThrottlesPastNRequestsAMinuteAndSaysItIsSimulated() {
        lb.simulation().quota("us." + HAIKU, 3);
        try (BedrockRuntimeClient c = runtime("us-east-1")) {
            for (int i = 0; i < 3; i++) {
                String text = converse(c, "us." + HAIKU).output().message().content().get(0).text();
                assertTrue(text.endsWith("(simulated locally on us." + HAIKU + ": quota 3 requests per minute)"), text);
            }
            ThrottlingException t = assertThrows(ThrottlingException.class, () -> converse(c, "us." + HAIKU));
            assertEquals(429, t.statusCode());
            assertTrue(t.awsErrorDetails().errorMessage().startsWith("Too many requests, please wait before trying again."));
            assertTrue(t.awsErrorDetails().errorMessage().contains("(simulated locally: quota of 3 requests per minute on us." + HAIKU + ")"),
                    t.awsErrorDetails().errorMessage());
            // other profiles of the same model are not limited
            assertFalse(converse(c, "global." + HAIKU).output().message().content().get(0).text().contains("simulated"));
        }
        long throttled = lb.requestLog().entries().stream().filter(e -> ("us." + HAIKU).equals(e.modelId()) && e.status() == 429).count();
        assertEquals(1, throttled);
    }

    @Test
    void latencyDelaysTheAnswerAndShowsInMetrics() {
        lb.simulation().latency("global." + HAIKU, 120);
        try (BedrockRuntimeClient c = runtime("us-east-1")) {
            ConverseResponse r = converse(c, "global." + HAIKU);
            assertTrue(r.metrics().latencyMs() >= 120, "metrics.latencyMs " + r.metrics().latencyMs());
            assertTrue(r.output().message().content().get(0).text().endsWith("(simulated locally on global." + HAIKU + ": latency 120 ms)"));
        }
        assertTrue(lb.simulation().arrivals().stream().anyMatch(a -> ("global." + HAIKU).equals(a.modelId())));
    }

    @Test
    void commandLineDocumentsTheLocalOnlySettings() {
        String help = new CommandLine(new LocalBedrock.Cli()).getUsageMessage();
        assertTrue(help.contains("--quota=PROFILE=N") && help.contains("--latency=PROFILE=MS"), help);
        assertTrue(help.contains("Local-only: at most N runtime requests per minute"), help);
        assertThrows(IllegalArgumentException.class, () -> new Simulation().apply("quota", List.of("no-equals-sign")));
        assertThrows(IllegalArgumentException.class, () -> new Simulation().apply("latency", List.of("x=abc")));
    }
}
