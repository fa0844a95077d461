import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.bedrock.BedrockClient;
import software.amazon.awssdk.services.bedrock.model.ConflictException;
import software.amazon.awssdk.services.bedrock.model.CreateInferenceProfileResponse;
import software.amazon.awssdk.services.bedrock.model.GetInferenceProfileResponse;
import software.amazon.awssdk.services.bedrock.model.InferenceProfileSummary;
import software.amazon.awssdk.services.bedrock.model.InferenceProfileType;
import software.amazon.awssdk.services.bedrock.model.ListInferenceProfilesResponse;
import software.amazon.awssdk.services.bedrock.model.ResourceNotFoundException;
import software.amazon.awssdk.services.bedrock.model.Tag;
import software.amazon.awssdk.services.bedrock.model.ValidationException;

/** The inference-profile control plane through the real BedrockClient (wire doc §6). */
class EndpointControlPlaneTest {
    static final String SONNET = "global.anthropic.claude-sonnet-4-5-20250929-v1:0";
    /** The Python original's copyFrom form: system profile ARN with an empty account. */
    static final String SONNET_ARN = "arn:aws:bedrock:ap-south-1::inference-profile/" + SONNET;
    static LocalBedrock lb;
    static BedrockClient bedrock;

    @BeforeAll
    static void start() throws Exception {
        lb = LocalBedrock.start(new LocalBedrock.Config().port(0));
        bedrock = client("ap-south-1");
    }

    @AfterAll
    static void stop() {
        if (bedrock != null) bedrock.close();
        if (lb != null) lb.close();
    }

    static BedrockClient client(String region) {
        return BedrockClient.builder().endpointOverride(lb.endpoint()).region(Region.of(region))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .build();
    }

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static CreateInferenceProfileResponse create(String name, String copyFrom, Tag... tags) {
        return bedrock.createInferenceProfile(r -> r.inferenceProfileName(name).description("tenant profile")
                .modelSource(s -> s.copyFrom(copyFrom)).tags(tags));
    }

    static List<InferenceProfileSummary> listAll(InferenceProfileType type, int pageSize) {
        List<InferenceProfileSummary> all = new ArrayList<>();
        bedrock.listInferenceProfilesPaginator(r -> r.typeEquals(type).maxResults(pageSize))
                .forEach(p -> all.addAll(p.inferenceProfileSummaries()));
        return all;
    }

    @Test
    void listWithoutTypeReturnsOnlySystemDefinedGlobalProfiles() {
        create(unique("hidden"), SONNET_ARN);
        ListInferenceProfilesResponse r = bedrock.listInferenceProfiles(b -> {});
        assertNull(r.nextToken());
        List<String> ids = r.inferenceProfileSummaries().stream().map(InferenceProfileSummary::inferenceProfileId).toList();
        assertEquals(Models.GLOBAL_PROFILE_IDS, ids);
        for (InferenceProfileSummary s : r.inferenceProfileSummaries()) {
            assertEquals(InferenceProfileType.SYSTEM_DEFINED, s.type());
            assertEquals("ACTIVE", s.statusAsString());
            assertEquals("arn:aws:bedrock:ap-south-1:" + LocalBedrock.ACCOUNT_ID + ":inference-profile/" + s.inferenceProfileId(),
                    s.inferenceProfileArn());
            assertFalse(s.models().isEmpty());
            assertTrue(s.models().size() <= 5);
            assertTrue(s.models().get(0).modelArn().startsWith("arn:aws:bedrock:ap-south-1::foundation-model/"),
                    s.models().get(0).modelArn());
            assertNotNull(s.createdAt());
            assertTrue(s.inferenceProfileName().startsWith("Global "), s.inferenceProfileName());
        }
    }

    @Test
    void pagingReallyPages() {
        ListInferenceProfilesResponse first = bedrock.listInferenceProfiles(r -> r.maxResults(3));
        assertEquals(3, first.inferenceProfileSummaries().size());
        assertNotNull(first.nextToken());
        ListInferenceProfilesResponse second = bedrock.listInferenceProfiles(r -> r.maxResults(3).nextToken(first.nextToken()));
        assertNotEquals(first.inferenceProfileSummaries().get(0).inferenceProfileId(),
                second.inferenceProfileSummaries().get(0).inferenceProfileId());
        List<String> paged = listAll(InferenceProfileType.SYSTEM_DEFINED, 3).stream()
                .map(InferenceProfileSummary::inferenceProfileId).toList();
        assertEquals(Models.GLOBAL_PROFILE_IDS, paged);
        assertEquals(Models.GLOBAL_PROFILE_IDS.size(), listAll(InferenceProfileType.SYSTEM_DEFINED, 1).size());

        assertThrows(ValidationException.class, () -> bedrock.listInferenceProfiles(r -> r.maxResults(1001)));
        assertThrows(ValidationException.class, () -> bedrock.listInferenceProfiles(r -> r.maxResults(0)));
        assertThrows(ValidationException.class, () -> bedrock.listInferenceProfiles(r -> r.nextToken("garbage!")));
    }

    @Test
    void typeApplicationListsOnlyApplicationProfilesAndPages() {
        String a = create(unique("app-a"), SONNET_ARN).inferenceProfileArn();
        String b = create(unique("app-b"), SONNET_ARN).inferenceProfileArn();
        String c = create(unique("app-c"), SONNET_ARN).inferenceProfileArn();
        List<InferenceProfileSummary> apps = listAll(InferenceProfileType.APPLICATION, 2);
        assertTrue(apps.stream().allMatch(s -> s.type() == InferenceProfileType.APPLICATION));
        List<String> arns = apps.stream().map(InferenceProfileSummary::inferenceProfileArn).toList();
        assertTrue(arns.containsAll(List.of(a, b, c)), arns.toString());
        assertEquals(arns.size(), arns.stream().distinct().count());
        assertEquals(lb.controlPlane().applicationProfiles().size(), apps.size());
    }

    @Test
    void createGetDeleteApplicationProfile() {
        String name = unique("tenant");
        CreateInferenceProfileResponse created = create(name, SONNET_ARN);
        assertEquals("ACTIVE", created.statusAsString());
        String arn = created.inferenceProfileArn();
        assertTrue(arn.matches("arn:aws:bedrock:ap-south-1:" + LocalBedrock.ACCOUNT_ID + ":application-inference-profile/[a-z0-9]{12}"), arn);
        assertEquals(201, created.sdkHttpResponse().statusCode());
        String id = arn.substring(arn.lastIndexOf('/') + 1);

        GetInferenceProfileResponse byArn = bedrock.getInferenceProfile(r -> r.inferenceProfileIdentifier(arn));
        assertEquals(name, byArn.inferenceProfileName());
        assertEquals("tenant profile", byArn.description());
        assertEquals(id, byArn.inferenceProfileId());
        assertEquals(InferenceProfileType.APPLICATION, byArn.type());
        assertNotNull(byArn.createdAt());
        assertNotNull(byArn.updatedAt());
        assertTrue(byArn.models().get(0).modelArn().endsWith("::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0"));
        GetInferenceProfileResponse byId = bedrock.getInferenceProfile(r -> r.inferenceProfileIdentifier(id));
        assertEquals(arn, byId.inferenceProfileArn());

        assertEquals(Optional.of(SONNET), lb.controlPlane().resolveApplicationProfile(arn));
        assertEquals(Optional.empty(), lb.controlPlane().resolveApplicationProfile(SONNET));

        bedrock.deleteInferenceProfile(r -> r.inferenceProfileIdentifier(arn));
        ResourceNotFoundException gone = assertThrows(ResourceNotFoundException.class,
                () -> bedrock.getInferenceProfile(r -> r.inferenceProfileIdentifier(arn)));
        assertEquals(404, gone.statusCode());
        assertThrows(ResourceNotFoundException.class, () -> bedrock.deleteInferenceProfile(r -> r.inferenceProfileIdentifier(arn)));
        ApiError e = assertThrows(ApiError.class, () -> lb.controlPlane().resolveApplicationProfile(arn));
        assertEquals(400, e.status);
        assertEquals("ValidationException", e.code);
    }

    @Test
    void getSystemProfileByIdAndArn() {
        GetInferenceProfileResponse byId = bedrock.getInferenceProfile(r -> r.inferenceProfileIdentifier(SONNET));
        assertEquals(InferenceProfileType.SYSTEM_DEFINED, byId.type());
        assertEquals(SONNET, byId.inferenceProfileId());
        GetInferenceProfileResponse byArn = bedrock.getInferenceProfile(r -> r.inferenceProfileIdentifier(
                "arn:aws:bedrock:ap-south-1:" + LocalBedrock.ACCOUNT_ID + ":inference-profile/" + SONNET));
        assertEquals(byId.inferenceProfileArn(), byArn.inferenceProfileArn());
        assertThrows(ResourceNotFoundException.class,
                () -> bedrock.getInferenceProfile(r -> r.inferenceProfileIdentifier("global.unknown.model-v1:0")));
        assertThrows(ValidationException.class, () -> bedrock.deleteInferenceProfile(r -> r.inferenceProfileIdentifier(SONNET)));
    }

    @Test
    void createIsIdempotentByClientRequestToken() {
        String name = unique("idem");
        String token = UUID.randomUUID().toString();
        String first = bedrock.createInferenceProfile(r -> r.inferenceProfileName(name).clientRequestToken(token)
                .modelSource(s -> s.copyFrom(SONNET_ARN))).inferenceProfileArn();
        String again = bedrock.createInferenceProfile(r -> r.inferenceProfileName(name).clientRequestToken(token)
                .modelSource(s -> s.copyFrom(SONNET_ARN))).inferenceProfileArn();
        assertEquals(first, again);
        assertEquals(1, lb.controlPlane().applicationProfiles().stream().filter(p -> name.equals(p.get("name"))).count());
    }

    @Test
    void duplicateNameIsConflictException() {
        String name = unique("dup");
        create(name, SONNET_ARN);
        ConflictException e = assertThrows(ConflictException.class, () -> create(name, SONNET_ARN));
        assertEquals(400, e.statusCode());
        assertEquals("ConflictException", e.awsErrorDetails().errorCode());
    }

    @Test
    void createValidatesItsInput() {
        assertThrows(ValidationException.class, () -> create("bad name!", SONNET_ARN));
        assertThrows(ValidationException.class, () -> create("x".repeat(65), SONNET_ARN));
        assertThrows(ValidationException.class, () -> create(unique("ok"), "not-an-arn"));
        assertThrows(ValidationException.class, () -> create(unique("ok"),
                "arn:aws:bedrock:ap-south-1:123456789012:application-inference-profile/abcdefabcdef"));
        assertThrows(ValidationException.class, () -> bedrock.createInferenceProfile(r -> r.inferenceProfileName(unique("d"))
                .description("x".repeat(201)).modelSource(s -> s.copyFrom(SONNET_ARN))));
        assertThrows(ValidationException.class, () -> create(unique("t"), SONNET_ARN, Tag.builder().key("").value("v").build()));
        assertThrows(ResourceNotFoundException.class, () -> create(unique("ok"),
                "arn:aws:bedrock:ap-south-1::inference-profile/global.unknown.model-v1:0"));
        // a foundation-model ARN is a valid source
        String arn = create(unique("fm"), "arn:aws:bedrock:ap-south-1::foundation-model/amazon.nova-2-lite-v1:0").inferenceProfileArn();
        assertEquals(Optional.of("amazon.nova-2-lite-v1:0"), lb.controlPlane().resolveApplicationProfile(arn));
    }

    @Test
    void tagsCanBeAddedListedAndRemoved() {
        String arn = create(unique("tagged"), SONNET_ARN, Tag.builder().key("tenant").value("acme").build(),
                Tag.builder().key("env").value("dev").build()).inferenceProfileArn();
        assertEquals(Map.of("tenant", "acme", "env", "dev"), tags(arn));
        bedrock.tagResource(r -> r.resourceARN(arn).tags(Tag.builder().key("env").value("prod").build(),
                Tag.builder().key("cost-center").value("42").build()));
        assertEquals(Map.of("tenant", "acme", "env", "prod", "cost-center", "42"), tags(arn));
        bedrock.untagResource(r -> r.resourceARN(arn).tagKeys("tenant", "absent"));
        assertEquals(Map.of("env", "prod", "cost-center", "42"), tags(arn));
        Map<String, Object> snapshot = lb.controlPlane().applicationProfiles().stream()
                .filter(p -> arn.equals(p.get("arn"))).findFirst().orElseThrow();
        assertEquals(Map.of("env", "prod", "cost-center", "42"), snapshot.get("tags"));

        String missing = arn.substring(0, arn.lastIndexOf('/') + 1) + "zzzzzzzzzzzz";
        assertThrows(ResourceNotFoundException.class, () -> bedrock.listTagsForResource(r -> r.resourceARN(missing)));
        assertThrows(ResourceNotFoundException.class,
                () -> bedrock.tagResource(r -> r.resourceARN(missing).tags(Tag.builder().key("a").value("b").build())));
    }

    static Map<String, String> tags(String arn) {
        return bedrock.listTagsForResource(r -> r.resourceARN(arn)).tags().stream()
                .collect(Collectors.toMap(Tag::key, Tag::value));
    }

    @Test
    void regionComesFromTheCredentialScope() {
        try (BedrockClient west = client("us-west-2")) {
            String arn = west.createInferenceProfile(r -> r.inferenceProfileName(unique("west"))
                    .modelSource(s -> s.copyFrom(SONNET_ARN))).inferenceProfileArn();
            assertTrue(arn.startsWith("arn:aws:bedrock:us-west-2:" + LocalBedrock.ACCOUNT_ID + ":application-inference-profile/"), arn);
            InferenceProfileSummary first = west.listInferenceProfiles(r -> r.maxResults(1)).inferenceProfileSummaries().get(0);
            assertTrue(first.inferenceProfileArn().startsWith("arn:aws:bedrock:us-west-2:"), first.inferenceProfileArn());
        }
    }
}
