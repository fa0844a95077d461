import java.util.List;

/** The models the local endpoint knows, by their global inference-profile ids (wire doc §5.1). */
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

    /** Foundation-model id behind a global profile id (the id without "global."). */
    static String foundationModelId(String globalProfileId) {
        return globalProfileId.substring("global.".length());
    }

    private Models() {}
}
