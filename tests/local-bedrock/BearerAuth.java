import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;

/**
 * Amazon Bedrock API keys: {@code Authorization: Bearer <key>} instead of SigV4, which the SDK sends
 * for Bedrock Runtime and the Bedrock control plane when {@code AWS_BEARER_TOKEN_BEDROCK} is set.
 * The endpoint accepts only the keys it was given ({@code --api-key}, repeatable), or
 * {@link #DEFAULT_KEY} when none was; any other token is refused the way Bedrock refuses it.
 *
 * <p>What Bedrock answers (from public reports of real responses; the error shape is not in the
 * service model): HTTP 403, {@code x-amzn-ErrorType: AccessDeniedException}, and a body whose
 * {@code Message} is "Authentication failed: Please make sure your API Key is valid." for a key it
 * does not know (wrong, revoked, expired, or from another Region), or "Invalid API Key format: Must
 * start with pre-defined prefix" for a token that does not look like a key at all. Long-term keys
 * start with {@code ABSK}, short-term keys with {@code bedrock-api-key-}. The endpoint renders its
 * usual {@code message} member as well, with the same text.
 */
final class BearerAuth {
    /** The key offline runs use when none is configured (long-term key format: ABSK + base64). */
    static final String DEFAULT_KEY = "ABSKbG9jYWwtYmVkcm9jay1hcGkta2V5";
    static final List<String> PREFIXES = List.of("ABSK", "bedrock-api-key-");
    static final String UNKNOWN_KEY = "Authentication failed: Please make sure your API Key is valid.";
    static final String BAD_FORMAT = "Invalid API Key format: Must start with pre-defined prefix";

    private final List<byte[]> keys;

    BearerAuth(List<String> configured) {
        List<String> k = configured == null || configured.isEmpty() ? List.of(DEFAULT_KEY) : configured;
        for (String key : k) {
            // a key without a Bedrock prefix could never be accepted (verify refuses its format first)
            if (key == null || PREFIXES.stream().noneMatch(key::startsWith) || !key.equals(key.trim())) {
                throw new IllegalArgumentException("--api-key must start with ABSK or bedrock-api-key- (as Bedrock API keys do)"
                        + " and carry no spaces around it"); // the value is not echoed: it may be a secret
            }
        }
        this.keys = k.stream().map(s -> s.getBytes(StandardCharsets.UTF_8)).toList();
    }

    /** Services that take API keys (Bedrock Runtime and the Bedrock control plane; never S3 or STS). */
    static boolean appliesTo(String service) {
        return "bedrock-runtime".equals(service) || "bedrock".equals(service);
    }

    /** Checks the token; sets ex.signature ("valid: api key" | "invalid: …"); throws the service's 403 otherwise. */
    void verify(Exchange ex, String token) {
        String t = token.trim();
        if (PREFIXES.stream().noneMatch(t::startsWith)) {
            ex.signature = "invalid: api key format";
            throw refuse(BAD_FORMAT);
        }
        byte[] given = t.getBytes(StandardCharsets.UTF_8);
        boolean known = false;
        for (byte[] k : keys) known |= MessageDigest.isEqual(k, given); // constant time, every key
        if (!known) {
            ex.signature = "invalid: unknown api key";
            throw refuse(UNKNOWN_KEY);
        }
        ex.signature = "valid: api key";
    }

    private static ApiError refuse(String message) {
        return ApiError.accessDenied(message).with("Message", message);
    }
}
