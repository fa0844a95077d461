import java.util.regex.Pattern;

/**
 * Keeps secrets out of what the endpoint writes (request log, console): the value of an
 * {@code Authorization} header after its scheme, session tokens ({@code X-Amz-Security-Token}) and
 * Bedrock API keys. Access key ids, credential scopes and signed-header lists are no secret and stay.
 */
final class Redact {
    private Redact() {}

    static final String MARK = "<redacted>";

    private static final Pattern SIGNATURE = Pattern.compile("(?i)(Signature=)[0-9a-f]+");
    private static final Pattern BEARER = Pattern.compile("(?i)(Bearer\\s+)[^\\s\",;&]+");
    private static final Pattern SESSION_TOKEN = Pattern.compile("(?i)(X-Amz-Security-Token\\s*[=:]\\s*\"?)[^\\s\",;&]+");
    private static final Pattern API_KEY = Pattern.compile("(ABSK|bedrock-api-key-)[A-Za-z0-9+/=%_.-]{8,}");

    /** An Authorization header value: the scheme stays; SigV4 keeps Credential and SignedHeaders, not Signature. */
    static String authorization(String value) {
        if (value == null) return null;
        String v = value.trim();
        int sp = v.indexOf(' ');
        if (sp < 0) return MARK;
        String scheme = v.substring(0, sp);
        if (scheme.equalsIgnoreCase("AWS4-HMAC-SHA256")) return SIGNATURE.matcher(v).replaceAll("$1" + MARK);
        return scheme + " " + MARK;
    }

    /** Any text: bearer tokens, SigV4 signatures, session tokens and API keys replaced by {@value #MARK}. */
    static String text(String s) {
        if (s == null || s.isEmpty() || !mayHoldSecret(s)) return s;
        String out = BEARER.matcher(s).replaceAll("$1" + MARK);
        out = SIGNATURE.matcher(out).replaceAll("$1" + MARK);
        out = SESSION_TOKEN.matcher(out).replaceAll("$1" + MARK);
        return API_KEY.matcher(out).replaceAll(MARK);
    }

    /** Cheap pre-check so that ordinary bodies are not scanned by the patterns. */
    private static boolean mayHoldSecret(String s) {
        return s.contains("earer") || s.contains("ignature=") || s.contains("ecurity-Token") || s.contains("ecurity-token")
                || s.contains("SECURITY-TOKEN") || s.contains("ABSK") || s.contains("bedrock-api-key-");
    }
}
