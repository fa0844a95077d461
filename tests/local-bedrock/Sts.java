import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * AWS STS, AWS Query protocol (wire doc §7): only GetCallerIdentity, which the Pegasus sample uses to
 * learn the account id. Every other Action answers 400 InvalidAction in STS's XML error shape.
 */
final class Sts {
    private static final String NS = "https://sts.amazonaws.com/doc/2011-06-15/";

    private final String accountId;

    Sts(String accountId) {
        this.accountId = accountId;
    }

    void handle(Exchange ex) {
        Map<String, String> params = new LinkedHashMap<>();
        // Query parameters first, then a form body (what the SDKs send) overrides them.
        ex.query().forEach((k, v) -> params.put(k, v.isEmpty() ? "" : v.get(0)));
        String contentType = ex.header("content-type");
        if (ex.body != null && ex.body.length > 0
                && contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
            for (String part : new String(ex.body, StandardCharsets.UTF_8).split("&")) {
                if (part.isEmpty()) continue;
                int eq = part.indexOf('=');
                String k = formDecode(eq < 0 ? part : part.substring(0, eq));
                String v = eq < 0 ? "" : formDecode(part.substring(eq + 1));
                params.put(k, v);
            }
        }
        String action = params.get("Action");
        ex.operation = action == null || action.isEmpty() ? "Unknown" : action;
        if (action == null || action.isEmpty()) {
            throw new ApiError(400, "MissingAction", "Missing Action");
        }
        String version = params.getOrDefault("Version", "2011-06-15");
        if (!"GetCallerIdentity".equals(action) || !"2011-06-15".equals(version)) {
            throw new ApiError(400, "InvalidAction", "Could not find operation " + action + " for version " + version);
        }
        String user = ex.accessKeyId == null || ex.accessKeyId.isEmpty() ? "local" : ex.accessKeyId;
        String xml = "<GetCallerIdentityResponse xmlns=\"" + NS + "\">\n"
                + "  <GetCallerIdentityResult>\n"
                + "    <Arn>" + xml("arn:aws:iam::" + accountId + ":user/" + user) + "</Arn>\n"
                + "    <UserId>" + xml(userId(user)) + "</UserId>\n"
                + "    <Account>" + xml(accountId) + "</Account>\n"
                + "  </GetCallerIdentityResult>\n"
                + "  <ResponseMetadata>\n"
                + "    <RequestId>" + xml(ex.requestId) + "</RequestId>\n"
                + "  </ResponseMetadata>\n"
                + "</GetCallerIdentityResponse>\n";
        ex.responseHeaders.put("x-amzn-RequestId", ex.requestId);
        ex.respond(200, "text/xml", xml.getBytes(StandardCharsets.UTF_8));
    }

    /** An IAM user's unique id looks like "AIDA" + 17 upper-case letters/digits; derived from the key. */
    static String userId(String accessKeyId) {
        String hex = SigV4.hex(SigV4.sha256(accessKeyId.getBytes(StandardCharsets.UTF_8))).toUpperCase(Locale.ROOT);
        return "AIDA" + hex.substring(0, 17);
    }

    private static String formDecode(String s) {
        return java.net.URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    static String xml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;").replace("'", "&apos;");
    }
}
