///usr/bin/env jbang "$0" "$@" ; exit $?
//DESCRIPTION Lists the system-defined inference profiles of a source Region, every page, global profiles first (with --details: the models and Regions each routes to)
//JAVA 17+
//DEPS software.amazon.awssdk:bom:2.57.8@pom
//DEPS software.amazon.awssdk:bedrock
//DEPS software.amazon.awssdk:url-connection-client
//DEPS info.picocli:picocli:4.7.7
//DEPS com.fasterxml.jackson.core:jackson-databind:2.21.3
//DEPS org.slf4j:slf4j-nop:2.0.17
//SOURCES ../foundation_models/Utils.java

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.bedrock.BedrockClient;
import software.amazon.awssdk.services.bedrock.model.GetInferenceProfileResponse;
import software.amazon.awssdk.services.bedrock.model.InferenceProfileModel;
import software.amazon.awssdk.services.bedrock.model.InferenceProfileSummary;
import software.amazon.awssdk.services.bedrock.model.InferenceProfileType;
import software.amazon.awssdk.services.bedrock.model.ListInferenceProfilesResponse;

/**
 * Which global cross-Region inference profiles can I call from this Region? Lists the
 * system-defined inference profiles of the source Region through the SDK's paginator (Bedrock
 * answers in pages and a client that ignores {@code nextToken} misses profiles), global ones first:
 * ID, name and status; {@code --details} asks GetInferenceProfile for each and prints the
 * foundation models and Regions it routes to (a global profile also lists the Region-less
 * foundation-model ARN that IAM policies must allow). {@code --all} adds the geographic profiles
 * ({@code us.}, {@code eu.}, {@code jp.} …), {@code --model TEXT} filters, {@code --json} prints one
 * JSON document for scripts.
 *
 * <p>Run: {@code jbang list-global-profiles --region us-east-1 --all --details} — without AWS:
 * {@code ./jbang offline list-global-profiles}
 *
 * <p>Why: profile IDs differ per model generation ({@code -v1:0}, {@code -v1}, none), and
 * "The provided model identifier is invalid" is the usual answer to a guessed one. Leaves out
 * application inference profiles (see {@code multi-tenant-profile}) and foundation models that
 * have no profile. New in this collection (the Python original has no such script).
 */
@Command(name = "list-global-profiles", mixinStandardHelpOptions = true,
        description = "Lists the system-defined inference profiles of the source Region (every page), global ones first.")
public class ListGlobalProfiles implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Spec
    CommandSpec spec;

    @Option(names = "--region", defaultValue = "${AWS_REGION:-ap-south-1}",
            description = "Source Region whose profiles are listed (default: AWS_REGION, else ap-south-1; now ${DEFAULT-VALUE}).")
    String region;

    @Option(names = "--model-id", description = "Show only the profile with exactly this inference profile ID (default: every profile).")
    String modelId;

    @Option(names = "--model", paramLabel = "TEXT", description = "Show only profiles whose ID or name contains TEXT (case-insensitive).")
    String model;

    @Option(names = "--all", description = "Also list the geographic profiles (us., eu., apac., jp., au., …), after the global ones.")
    boolean all;

    @Option(names = "--details", description = "Ask GetInferenceProfile for each listed profile: the models and Regions it routes to.")
    boolean details;

    @Option(names = "--json", description = "Print one JSON document instead of the console story.")
    boolean json;

    /** One listed profile, with its routing details when asked for. */
    record Profile(InferenceProfileSummary summary, List<String> modelArns) {
        boolean global() {
            return summary.inferenceProfileId().startsWith("global.");
        }
    }

    /** What the listing found: the profiles (sorted, filtered) and how many pages Bedrock answered. */
    record Listing(List<InferenceProfileSummary> profiles, int pages) {}

    public static void main(String[] args) {
        System.exit(new CommandLine(new ListGlobalProfiles()).setExecutionExceptionHandler(Utils::handleError).execute(args));
    }

    /**
     * Every system-defined profile of the client's Region, following {@code nextToken} until the last
     * page; global profiles first, then by ID.
     */
    static Listing listSystemProfiles(BedrockClient client) {
        List<InferenceProfileSummary> out = new ArrayList<>();
        int pages = 0;
        // snippet-start:[bedrock.list-global-profiles]
        // The paginator sends ListInferenceProfiles again with each nextToken until there is none.
        for (ListInferenceProfilesResponse page : client.listInferenceProfilesPaginator(
                r -> r.typeEquals(InferenceProfileType.SYSTEM_DEFINED))) {
            out.addAll(page.inferenceProfileSummaries());
            pages++;
        }
        // snippet-end:[bedrock.list-global-profiles]
        out.sort(Comparator.comparing((InferenceProfileSummary s) -> !s.inferenceProfileId().startsWith("global."))
                .thenComparing(InferenceProfileSummary::inferenceProfileId));
        return new Listing(out, pages);
    }

    /** The foundation-model ARNs a profile routes to (GetInferenceProfile). */
    static List<String> routesOf(BedrockClient client, String profileId) {
        GetInferenceProfileResponse p = client.getInferenceProfile(r -> r.inferenceProfileIdentifier(profileId));
        List<String> arns = new ArrayList<>();
        for (InferenceProfileModel m : p.models()) arns.add(m.modelArn());
        return arns;
    }

    @Override
    public Integer call() throws Exception {
        validate();
        if (!json) {
            System.out.println("🚀 Listing the system-defined inference profiles of " + region
                    + (all ? " (global and geographic)" : " (global)") + " with ListInferenceProfiles, every page");
        }
        List<Profile> shown = new ArrayList<>();
        Listing listing;
        try (BedrockClient client = BedrockClient.builder()
                .region(Region.of(region))
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .build()) {
            listing = listSystemProfiles(client);
            for (InferenceProfileSummary s : listing.profiles()) {
                if (!matches(s)) continue;
                List<String> routes = details ? routesOf(client, s.inferenceProfileId()) : null;
                shown.add(new Profile(s, routes));
            }
        }
        long globals = listing.profiles().stream().filter(s -> s.inferenceProfileId().startsWith("global.")).count();
        if (shown.isEmpty()) {
            throw new IllegalStateException("no system-defined " + (all ? "" : "global ") + "inference profile in " + region
                    + " matches" + (modelId != null ? " --model-id " + modelId : "") + (model != null ? " --model " + model : "")
                    + " (" + listing.profiles().size() + " profiles listed, " + globals + " global)"
                    + " — check the spelling, try --all, or another --region");
        }
        if (json) {
            System.out.println(JSON.writeValueAsString(toJson(listing, shown)));
            return 0;
        }
        System.out.println("📄 " + listing.pages() + " page" + (listing.pages() == 1 ? "" : "s") + ", "
                + listing.profiles().size() + " system-defined profiles (" + globals + " global, "
                + (listing.profiles().size() - globals) + " geographic)");
        for (Profile p : shown) {
            InferenceProfileSummary s = p.summary();
            System.out.println((p.global() ? "🌍 " : "🗺️  ") + s.inferenceProfileId() + "  " + s.inferenceProfileName() + "  " + s.statusAsString());
            if (p.modelArns() != null) {
                for (String arn : p.modelArns()) System.out.println("     → " + describeRoute(arn));
            }
        }
        System.out.println("✅ Completed successfully");
        return 0;
    }

    /** "arn:aws:bedrock:us-east-1::foundation-model/x" → "x in us-east-1"; the Region-less ARN says so. */
    static String describeRoute(String modelArn) {
        String[] parts = modelArn.split(":", 6);
        if (parts.length < 6) return modelArn;
        String model = parts[5].substring(parts[5].indexOf('/') + 1);
        return parts[3].isEmpty() ? model + " (Region-less ARN: any commercial Region; allow it in IAM)" : model + " in " + parts[3];
    }

    private boolean matches(InferenceProfileSummary s) {
        if (!all && !s.inferenceProfileId().startsWith("global.")) return false;
        if (modelId != null && !s.inferenceProfileId().equals(modelId.trim())) return false;
        if (model == null) return true;
        String text = model.toLowerCase(Locale.ROOT);
        return s.inferenceProfileId().toLowerCase(Locale.ROOT).contains(text)
                || String.valueOf(s.inferenceProfileName()).toLowerCase(Locale.ROOT).contains(text);
    }

    private ObjectNode toJson(Listing listing, List<Profile> shown) {
        ObjectNode out = JSON.createObjectNode();
        out.put("region", region);
        out.put("pages", listing.pages());
        out.put("systemDefinedProfiles", listing.profiles().size());
        ArrayNode profiles = out.putArray("profiles");
        for (Profile p : shown) {
            InferenceProfileSummary s = p.summary();
            ObjectNode n = profiles.addObject();
            n.put("id", s.inferenceProfileId());
            n.put("name", s.inferenceProfileName());
            n.put("status", s.statusAsString());
            n.put("scope", p.global() ? "global" : s.inferenceProfileId().substring(0, s.inferenceProfileId().indexOf('.')));
            n.put("arn", s.inferenceProfileArn());
            if (p.modelArns() != null) {
                ArrayNode models = n.putArray("models");
                p.modelArns().forEach(models::add);
            }
        }
        return out;
    }

    private void validate() {
        if (region == null || region.isBlank()) throw new ParameterException(spec.commandLine(), "--region must not be blank");
        if (modelId != null) Utils.checkModelId(spec, modelId);
        if (model != null && model.isBlank()) throw new ParameterException(spec.commandLine(), "--model must not be blank");
        if (modelId != null && !modelId.trim().startsWith("global.") && !all) {
            throw new ParameterException(spec.commandLine(), "--model-id " + modelId.trim()
                    + " is not a global profile: add --all to look for geographic profiles");
        }
    }
}
