///usr/bin/env jbang "$0" "$@" ; exit $?
//DESCRIPTION Per-tenant application inference profiles copied from the global Claude Sonnet 4.5 profile: create with tags, converse through each, sum usage per tenant, clean up
//JAVA 17+
//DEPS software.amazon.awssdk:bom:2.57.8@pom
//DEPS software.amazon.awssdk:bedrockruntime
//DEPS software.amazon.awssdk:bedrock
//DEPS software.amazon.awssdk:sts
//DEPS software.amazon.awssdk:url-connection-client
//DEPS info.picocli:picocli:4.7.7
//DEPS org.slf4j:slf4j-nop:2.0.17
//SOURCES ../global-cris/foundation_models/Utils.java

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.bedrock.BedrockClient;
import software.amazon.awssdk.services.bedrock.model.ConflictException;
import software.amazon.awssdk.services.bedrock.model.CreateInferenceProfileResponse;
import software.amazon.awssdk.services.bedrock.model.InferenceProfileSummary;
import software.amazon.awssdk.services.bedrock.model.InferenceProfileType;
import software.amazon.awssdk.services.bedrock.model.ListInferenceProfilesResponse;
import software.amazon.awssdk.services.bedrock.model.Tag;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ConversationRole;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseResponse;
import software.amazon.awssdk.services.bedrockruntime.model.Message;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * Multi-tenant usage tracking with application inference profiles: one profile per tenant, copied
 * from the global Claude Sonnet 4.5 profile (so every tenant keeps global cross-Region routing) and
 * tagged for cost allocation. Requests go through each tenant's profile ARN; the sample sums the
 * token usage per tenant and deletes the profiles it created, even when a call failed.
 *
 * <p>Run: {@code jbang multi-tenant-profile --tenants acme,globex} (no AWS account:
 * {@code ./jbang offline multi-tenant-profile --tenants acme,globex}).
 *
 * <p>Differences from the Python original ({@code multi_tenant_inference_profile_example.py}): an
 * existing profile name is recognised by {@code ConflictException} (what CreateInferenceProfile
 * declares; the original waits for {@code ResourceInUseException}, which this operation never
 * returns) and found with ListInferenceProfiles filtered on type APPLICATION across all pages (an
 * unfiltered list only returns system-defined profiles); {@code copyFrom} names the account (from STS)
 * in the source Region; only profiles this run created are deleted, in a {@code finally} and, when the
 * run is stopped by Ctrl-C or SIGTERM (exit 130 / 143), by a shutdown hook ({@code Utils.Cleanup});
 * {@code --keep} keeps them; tenants are an option and the original's three requests are spread
 * round-robin over them; a failed tenant call makes the exit code non-zero.
 */
@Command(name = "multi-tenant-profile", mixinStandardHelpOptions = true,
        description = "Creates a tagged application inference profile per tenant, converses through each, "
                + "prints usage per tenant and deletes the profiles it created.")
public class MultiTenantInferenceProfiles implements Callable<Integer> {

    /** The system-defined global profile every tenant profile is copied from. */
    static final String MODEL_ID = "global.anthropic.claude-sonnet-4-5-20250929-v1:0";
    static final List<String> PROMPTS = List.of(
            "What are the benefits of cloud computing?",
            "Explain machine learning in simple terms.",
            "How does serverless architecture work?");
    /** Tenant ids end up in profile names ({@code tenant_<id>_profile}, at most 64 characters). */
    static final Pattern TENANT_ID = Pattern.compile("[0-9A-Za-z]+([_-][0-9A-Za-z]+)*");
    static final int MAX_TENANT_ID = 49;

    @Spec CommandSpec spec;

    @Option(names = "--region", defaultValue = "${AWS_REGION:-ap-south-1}",
            description = "Source Region (default: AWS_REGION or ${DEFAULT-VALUE}).")
    String region;

    @Option(names = "--model-id", defaultValue = MODEL_ID,
            description = "Global inference profile the tenant profiles copy (default: ${DEFAULT-VALUE}).")
    String modelId;

    @Option(names = "--tenants", split = ",", defaultValue = "tenant-001,tenant-002",
            description = "Comma-separated tenant ids (letters, digits, '-' and '_'; default: ${DEFAULT-VALUE}).")
    List<String> tenants;

    @Option(names = "--prompt", description = "A request to send; repeat for several. Requests go to the tenants "
            + "round-robin, at least one per tenant (default: the original's three questions).")
    List<String> prompts = new ArrayList<>();

    @Option(names = "--max-tokens", defaultValue = "150", description = "Maximum output tokens per request (1..64000, default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--temperature", defaultValue = "0.7", description = "Temperature 0..1 (default: ${DEFAULT-VALUE}).")
    double temperature;

    @Option(names = "--keep", description = "Keep the created profiles (prints their ARNs) instead of deleting them.")
    boolean keep;

    public static void main(String[] args) {
        System.exit(new CommandLine(new MultiTenantInferenceProfiles()).setExecutionExceptionHandler(Utils::handleError).execute(args));
    }

    /** A tenant's profile and whether this run created it (only those are deleted). */
    record Profile(String arn, boolean created) {}

    /** Token totals of one tenant. */
    static final class Usage {
        long input, output, total;
        int requests;
    }

    static String profileName(String tenant) {
        return "tenant_" + tenant + "_profile";
    }

    // snippet-start:[bedrock.multi-tenant-profile]
    /**
     * Creates the tenant's application inference profile, copied from {@code copyFrom} and tagged for
     * cost allocation. When the name is taken (ConflictException) the existing profile is reused.
     */
    static Profile createOrReuseProfile(BedrockClient bedrock, String tenant, String copyFrom) {
        String name = profileName(tenant);
        try {
            CreateInferenceProfileResponse created = bedrock.createInferenceProfile(r -> r
                    .inferenceProfileName(name)
                    .description("Inference profile for tenant " + tenant)
                    .modelSource(s -> s.copyFrom(copyFrom))
                    .tags(Tag.builder().key("tenant_id").value(tenant).build(),
                          Tag.builder().key("cost-center").value(tenant).build(),
                          Tag.builder().key("application").value("saas-platform").build()));
            return new Profile(created.inferenceProfileArn(), true);
        } catch (ConflictException e) {
            String arn = findApplicationProfile(bedrock, name);
            if (arn == null) throw e;
            return new Profile(arn, false);
        }
    }

    /** Looks an application profile up by name, following nextToken through every page. */
    static String findApplicationProfile(BedrockClient bedrock, String name) {
        String token = null;
        do {
            String page = token;
            ListInferenceProfilesResponse response = bedrock.listInferenceProfiles(r -> r
                    .typeEquals(InferenceProfileType.APPLICATION).maxResults(100).nextToken(page));
            for (InferenceProfileSummary p : response.inferenceProfileSummaries()) {
                if (name.equals(p.inferenceProfileName())) return p.inferenceProfileArn();
            }
            token = response.nextToken();
        } while (token != null && !token.isEmpty());
        return null;
    }

    /** Deletes a profile this run created and says so. */
    static void deleteProfile(BedrockClient bedrock, String tenant, String arn) {
        bedrock.deleteInferenceProfile(r -> r.inferenceProfileIdentifier(arn));
        System.out.println("🧹 " + tenant + ": deleted " + arn);
    }

    /** One Converse call through a tenant's profile ARN: Bedrock records the usage under that profile. */
    static ConverseResponse converse(BedrockRuntimeClient runtime, String profileArn, String prompt, int maxTokens, double temperature) {
        Message message = Message.builder().role(ConversationRole.USER).content(ContentBlock.fromText(prompt)).build();
        return runtime.converse(r -> r.modelId(profileArn)
                .messages(message)
                .inferenceConfig(c -> c.maxTokens(maxTokens).temperature((float) temperature)));
    }
    // snippet-end:[bedrock.multi-tenant-profile]

    @Override
    public Integer call() throws Exception {
        if (region == null || region.isBlank()) throw new ParameterException(spec.commandLine(), "--region must not be blank");
        Utils.checkModelId(spec, modelId);
        if (modelId.startsWith("arn:")) {
            throw new ParameterException(spec.commandLine(), "--model-id takes the inference profile ID (e.g. " + MODEL_ID + "), not an ARN");
        }
        List<String> tenantIds = new ArrayList<>(new LinkedHashSet<>(tenants));
        if (tenantIds.size() != tenants.size()) throw new ParameterException(spec.commandLine(), "--tenants lists a tenant twice");
        for (String t : tenantIds) {
            if (t.length() > MAX_TENANT_ID || !TENANT_ID.matcher(t).matches()) {
                throw new ParameterException(spec.commandLine(), "tenant id '" + t + "' must be 1-" + MAX_TENANT_ID
                        + " letters or digits, optionally separated by single '-' or '_'");
            }
        }
        List<String> questions = prompts.isEmpty() ? PROMPTS : prompts;
        for (String p : questions) {
            if (p == null || p.isBlank()) throw new ParameterException(spec.commandLine(), "--prompt must not be blank");
        }
        if (maxTokens < 1 || maxTokens > 64_000) {
            throw new ParameterException(spec.commandLine(), "--max-tokens must be between 1 and 64000 (got " + maxTokens + ")");
        }
        if (temperature < 0 || temperature > 1) {
            throw new ParameterException(spec.commandLine(), "--temperature must be between 0 and 1 (got " + temperature + ")");
        }

        Region awsRegion = Region.of(region);
        // Lightest SDK HTTP client for all three (sync) clients.
        try (StsClient sts = StsClient.builder().region(awsRegion).httpClientBuilder(UrlConnectionHttpClient.builder()).build();
             BedrockClient bedrock = BedrockClient.builder().region(awsRegion).httpClientBuilder(UrlConnectionHttpClient.builder()).build();
             BedrockRuntimeClient runtime = BedrockRuntimeClient.builder().region(awsRegion)
                     .httpClientBuilder(UrlConnectionHttpClient.builder().socketTimeout(Duration.ofMinutes(5))).build()) {
            System.out.println("🚀 Calling " + modelId + " with the Converse API in " + region);
            String account = sts.getCallerIdentity().account();
            String copyFrom = "arn:aws:bedrock:" + region + ":" + account + ":inference-profile/" + modelId;
            System.out.println("🏗️ Tenant profiles copy " + copyFrom);

            Utils.Cleanup cleanup = Utils.Cleanup.onExit();
            Map<String, Profile> profiles = new LinkedHashMap<>();
            Map<String, Usage> usage = new LinkedHashMap<>();
            int failures = 0;
            try {
                for (String tenant : tenantIds) {
                    // Registered for deletion as soon as it exists: Ctrl-C or SIGTERM from here on (even while
                    // this create is in flight) still deletes it — a finally does not run on a signal.
                    Profile profile = cleanup.create(tenant, () -> createOrReuseProfile(bedrock, tenant, copyFrom),
                            p -> p.created() && !keep ? () -> deleteProfile(bedrock, tenant, p.arn()) : null);
                    profiles.put(tenant, profile);
                    usage.put(tenant, new Usage());
                    System.out.println((profile.created() ? "📝 " + tenant + ": created " : "♻️ " + tenant + ": reused existing ")
                            + profile.arn());
                }

                int requests = Math.max(questions.size(), tenantIds.size());
                for (int i = 0; i < requests; i++) {
                    cleanup.checkpoint(); // stopped by a signal: no more calls through profiles being deleted
                    String tenant = tenantIds.get(i % tenantIds.size());
                    String question = questions.get(i % questions.size());
                    try {
                        ConverseResponse response = converse(runtime, profiles.get(tenant).arn(), question, maxTokens, temperature);
                        String text = response.output().message().content().stream()
                                .filter(b -> b.text() != null).map(ContentBlock::text).findFirst().orElse("");
                        System.out.println("💬 " + tenant + " asked: " + question);
                        System.out.println("   " + (text.length() > 100 ? text.substring(0, 100) + "…" : text).replace('\n', ' '));
                        Usage u = usage.get(tenant);
                        u.input += Utils.orZero(response.usage().inputTokens());
                        u.output += Utils.orZero(response.usage().outputTokens());
                        u.total += Utils.orZero(response.usage().totalTokens());
                        u.requests++;
                    } catch (RuntimeException e) {
                        failures++;
                        System.out.flush();
                        System.err.println("❌ " + tenant + ": " + Utils.explain(e));
                    }
                }

                System.out.println("📊 Usage per tenant (for chargeback):");
                for (Map.Entry<String, Usage> e : usage.entrySet()) {
                    Usage u = e.getValue();
                    System.out.println("🏢 " + e.getKey() + ": input=" + u.input + " output=" + u.output + " total=" + u.total);
                }
            } finally {
                for (Map.Entry<String, Profile> e : profiles.entrySet()) {
                    Profile p = e.getValue();
                    if (!p.created()) {
                        System.out.println("📌 " + e.getKey() + ": kept (it existed before this run) " + p.arn());
                    } else if (keep) {
                        System.out.println("📌 " + e.getKey() + ": kept (--keep) " + p.arn());
                    } else {
                        try {
                            cleanup.undo(e.getKey());
                        } catch (RuntimeException ex) {
                            failures++;
                            System.out.flush();
                            System.err.println("❌ " + e.getKey() + ": could not delete " + p.arn() + " — " + Utils.explain(ex));
                        }
                    }
                }
            }
            if (failures > 0) {
                System.out.flush();
                System.err.println("❌ " + failures + " tenant call(s) failed — see the lines above");
                return 1;
            }
            System.out.println("✅ Completed successfully");
            return 0;
        }
    }
}
