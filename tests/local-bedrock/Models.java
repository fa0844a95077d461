import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The models the local endpoint knows (wire doc §5.1) and how a runtime {@code modelId} — profile
 * id, profile ARN, application-profile ARN or (wrongly) a bare foundation-model id — resolves to one.
 */
final class Models {
    /** System-defined global profiles: what ListInferenceProfiles returns and runtime accepts. */
    static final List<String> GLOBAL_PROFILE_IDS = List.of(
            "global.anthropic.claude-haiku-4-5-20251001-v1:0",
            "global.anthropic.claude-sonnet-4-5-20250929-v1:0",
            "global.anthropic.claude-opus-4-5-20251101-v1:0",
            "global.anthropic.claude-sonnet-4-6",
            "global.anthropic.claude-opus-4-6-v1",
            "global.amazon.nova-2-lite-v1:0",
            "global.twelvelabs.pegasus-1-2-v1:0",
            "global.cohere.embed-v4:0");

    /** Geographic prefixes accepted in front of a foundation-model id (wire doc §5.2). */
    static final List<String> GEO_PREFIXES = List.of("global", "us", "eu", "apac", "jp", "au", "us-gov");

    // ---- the system-defined profile catalogue (global + geographic), by source Region ----

    /**
     * Geographic system-defined profiles per foundation model, besides its global one (AWS
     * "Regional availability by models", wire doc §12). A runtime call through any other prefix
     * is answered "The provided model identifier is invalid.".
     */
    static final Map<String, List<String>> GEOGRAPHIES = Map.of(
            "anthropic.claude-haiku-4-5-20251001-v1:0", List.of("us", "eu", "jp", "au"),
            "anthropic.claude-sonnet-4-5-20250929-v1:0", List.of("us", "us-gov", "eu", "jp", "au"),
            "anthropic.claude-opus-4-5-20251101-v1:0", List.of("us", "eu"),
            "anthropic.claude-sonnet-4-6", List.of("us", "eu", "jp", "au"),
            "anthropic.claude-opus-4-6-v1", List.of("us", "eu", "au"),
            "amazon.nova-2-lite-v1:0", List.of("us", "eu", "jp"),
            "twelvelabs.pegasus-1-2-v1:0", List.of("us", "eu"),
            "cohere.embed-v4:0", List.of("us", "eu"));

    /**
     * Destination Regions the endpoint lists for each geography's profiles. Local choice: AWS's
     * lists differ per model and change over time (not confirmed per model).
     */
    static final Map<String, List<String>> DESTINATIONS = Map.of(
            "us", List.of("us-east-1", "us-east-2", "us-west-1", "us-west-2"),
            "us-gov", List.of("us-gov-east-1", "us-gov-west-1"),
            "eu", List.of("eu-central-1", "eu-north-1", "eu-south-1", "eu-south-2", "eu-west-1", "eu-west-3"),
            "apac", List.of("ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1", "ap-south-2",
                    "ap-southeast-1", "ap-southeast-2", "ap-southeast-4"),
            "jp", List.of("ap-northeast-1", "ap-northeast-3"),
            "au", List.of("ap-southeast-2", "ap-southeast-4"));

    /**
     * Whether a source Region may use the profiles of a geography: us = the commercial us-*
     * Regions, us-gov = GovCloud, eu = eu-*, apac = ap-*, jp = Tokyo and Osaka, au = Sydney and
     * Melbourne; global = every commercial Region (not GovCloud).
     */
    static boolean inGeography(String geography, String sourceRegion) {
        String r = sourceRegion == null ? "" : sourceRegion;
        return switch (geography) {
            case "global" -> !r.startsWith("us-gov-");
            case "us" -> r.startsWith("us-") && !r.startsWith("us-gov-");
            case "us-gov" -> r.startsWith("us-gov-");
            case "eu" -> r.startsWith("eu-");
            case "apac" -> r.startsWith("ap-");
            case "jp" -> r.equals("ap-northeast-1") || r.equals("ap-northeast-3");
            case "au" -> r.equals("ap-southeast-2") || r.equals("ap-southeast-4");
            default -> false;
        };
    }

    /** The geography prefix of a profile id ("us-gov.x" → "us-gov"), or null. */
    static String geographyOf(String profileId) {
        int dot = profileId == null ? -1 : profileId.indexOf('.');
        return dot > 0 && GEO_PREFIXES.contains(profileId.substring(0, dot)) ? profileId.substring(0, dot) : null;
    }

    /** Whether the catalogue has this system-defined profile (in some source Region). */
    static boolean isSystemProfile(String profileId) {
        String geo = geographyOf(profileId);
        if (geo == null) return false;
        String fm = profileId.substring(geo.length() + 1);
        if (geo.equals("global")) return GLOBAL_PROFILE_IDS.contains(profileId);
        List<String> geos = GEOGRAPHIES.get(fm);
        return geos != null && geos.contains(geo);
    }

    /** Whether a source Region lists (and GetInferenceProfile answers) this system-defined profile. */
    static boolean isSystemProfileIn(String profileId, String sourceRegion) {
        return isSystemProfile(profileId) && inGeography(geographyOf(profileId), sourceRegion);
    }

    /**
     * The system-defined profiles a source Region lists, in the endpoint's (stable) order: per
     * model, its geographic profiles of that Region first, then its global one.
     */
    static List<String> systemProfileIds(String sourceRegion) {
        List<String> out = new java.util.ArrayList<>();
        for (String global : GLOBAL_PROFILE_IDS) {
            String fm = foundationModelId(global);
            for (String geo : GEOGRAPHIES.getOrDefault(fm, List.of())) {
                if (inGeography(geo, sourceRegion)) out.add(geo + "." + fm);
            }
            if (inGeography("global", sourceRegion)) out.add(global);
        }
        return out;
    }

    enum Family { CLAUDE, NOVA, PEGASUS, COHERE }

    /**
     * One model. {@code responseName} is what Anthropic puts in {@code "model"} of a native answer;
     * {@code adaptiveThinking} marks the 4.6 models that take {@code thinking.type:"adaptive"}.
     */
    record Model(String foundationId, Family family, String displayName, String responseName,
                 boolean adaptiveThinking) {
        boolean supportsConverse() {
            return family == Family.CLAUDE || family == Family.NOVA;
        }

        boolean supportsStreaming() {
            return family != Family.COHERE;
        }
    }

    /** A runtime modelId as sent, the model it names and the profile id it was answered as. */
    record Resolved(String sentId, String profileId, Model model) {}

    static final Map<String, Model> BY_FOUNDATION_ID = new LinkedHashMap<>();

    static {
        add(new Model("anthropic.claude-haiku-4-5-20251001-v1:0", Family.CLAUDE, "Claude Haiku 4.5", "claude-haiku-4-5-20251001", false));
        add(new Model("anthropic.claude-sonnet-4-5-20250929-v1:0", Family.CLAUDE, "Claude Sonnet 4.5", "claude-sonnet-4-5-20250929", false));
        add(new Model("anthropic.claude-opus-4-5-20251101-v1:0", Family.CLAUDE, "Claude Opus 4.5", "claude-opus-4-5-20251101", false));
        add(new Model("anthropic.claude-sonnet-4-6", Family.CLAUDE, "Claude Sonnet 4.6", "claude-sonnet-4-6", true));
        add(new Model("anthropic.claude-opus-4-6-v1", Family.CLAUDE, "Claude Opus 4.6", "claude-opus-4-6", true));
        add(new Model("amazon.nova-2-lite-v1:0", Family.NOVA, "Amazon Nova 2 Lite", "nova-2-lite", false));
        add(new Model("twelvelabs.pegasus-1-2-v1:0", Family.PEGASUS, "TwelveLabs Pegasus 1.2", "pegasus-1.2", false));
        add(new Model("cohere.embed-v4:0", Family.COHERE, "Cohere Embed v4", "embed-v4.0", false));
    }

    private static void add(Model m) {
        BY_FOUNDATION_ID.put(m.foundationId(), m);
    }

    /** Foundation-model id behind a global profile id (the id without "global."). */
    static String foundationModelId(String globalProfileId) {
        return globalProfileId.substring("global.".length());
    }

    /** Foundation-model id behind any system-defined profile id (the id without its geography prefix). */
    static String modelOfProfile(String profileId) {
        String geo = geographyOf(profileId);
        return geo == null ? profileId : profileId.substring(geo.length() + 1);
    }

    private static final Pattern PROFILE_ARN =
            Pattern.compile("arn:aws:bedrock:[a-z0-9-]*:[0-9]{0,12}:inference-profile/(.+)");
    private static final Pattern FOUNDATION_ARN =
            Pattern.compile("arn:aws:bedrock:[a-z0-9-]*:[0-9]{0,12}:foundation-model/(.+)");

    static final String INVALID_ID = "The provided model identifier is invalid.";

    /**
     * Resolves a runtime modelId as sent. {@code applicationProfiles} answers for
     * application-profile ARNs (ControlPlane.resolveApplicationProfile). Throws the real
     * ValidationException for a bare foundation-model id or an unknown id.
     */
    static Resolved resolve(String sent, Function<String, Optional<String>> applicationProfiles) {
        if (sent == null || sent.isEmpty()) throw ApiError.validation(INVALID_ID);
        String id = sent;
        Optional<String> app = applicationProfiles.apply(sent);
        if (app.isPresent()) id = app.get();
        Matcher m = PROFILE_ARN.matcher(id);
        if (m.matches()) id = m.group(1);
        Matcher f = FOUNDATION_ARN.matcher(id);
        String bare = f.matches() ? f.group(1) : id;
        if (BY_FOUNDATION_ID.containsKey(bare)) {
            throw ApiError.validation("Invocation of model ID " + bare + " with on-demand throughput isn\u2019t supported. "
                    + "Retry your request with the ID or ARN of an inference profile that contains this model.");
        }
        // only profiles of the catalogue: e.g. no jp. profile for a model that has none
        String geo = geographyOf(id);
        if (geo != null && isSystemProfile(id)) {
            Model model = BY_FOUNDATION_ID.get(id.substring(geo.length() + 1));
            if (model != null) return new Resolved(sent, id, model);
        }
        throw ApiError.validation(INVALID_ID);
    }

    private Models() {}
}
