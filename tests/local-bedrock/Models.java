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
    static final List<String> GEO_PREFIXES = List.of("global", "us", "eu", "apac", "jp", "au");

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
        int dot = id.indexOf('.');
        if (dot > 0 && GEO_PREFIXES.contains(id.substring(0, dot))) {
            Model model = BY_FOUNDATION_ID.get(id.substring(dot + 1));
            if (model != null) return new Resolved(sent, id, model);
        }
        throw ApiError.validation(INVALID_ID);
    }

    private Models() {}
}
