import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signatures of Claude reasoning blocks through Converse ({@code reasoningContent.reasoningText.signature}).
 * The service signs the reasoning text so that a later turn can send the block back only unchanged;
 * locally the signature is an HMAC-SHA256 of the text under a random key of this process (local-only:
 * it verifies on any endpoint instance of the same JVM, never across restarts — as real signatures
 * are opaque). A reasoning block sent back in an assistant message must carry a signature that
 * verifies against its text; Anthropic's messages for a missing or altered signature are used.
 */
final class ReasoningSignatures {
    private static final byte[] KEY = new byte[32];

    static {
        new SecureRandom().nextBytes(KEY);
    }

    static String sign(String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(KEY, "HmacSHA256"));
            return Base64.getEncoder().encodeToString(mac.doFinal(("local-bedrock reasoning\n" + text).getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static boolean verifies(String text, String signature) {
        return MessageDigest.isEqual(sign(text).getBytes(StandardCharsets.US_ASCII), signature.getBytes(StandardCharsets.UTF_8));
    }

    /** Checks every reasoning block of the assistant messages (Claude models; Nova reasoning is not signed). */
    static void verify(JsonNode messages, Models.Model model) {
        if (model.family() != Models.Family.CLAUDE) return;
        for (int i = 0; i < messages.size(); i++) {
            JsonNode m = messages.get(i);
            if (!"assistant".equals(m.path("role").asText())) continue;
            JsonNode content = m.path("content");
            for (int j = 0; j < content.size(); j++) {
                JsonNode rt = content.get(j).path("reasoningContent").get("reasoningText");
                if (rt == null) continue;
                String where = "The model returned the following errors: messages." + i + ".content." + j;
                JsonNode sig = rt.get("signature");
                if (sig == null || sig.isNull() || sig.asText().isEmpty()) throw ApiError.validation(where + ".thinking.signature: Field required");
                if (!verifies(rt.path("text").asText(""), sig.asText())) throw ApiError.validation(where + ": Invalid `signature` in `thinking` block");
            }
        }
    }

    private ReasoningSignatures() {}
}
