import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * TwelveLabs Pegasus 1.2 video understanding through InvokeModel / InvokeModelWithResponseStream
 * (wire doc §4.3). A video in S3 is read only when the caller owns the bucket, its policy lets
 * bedrock.amazonaws.com s3:GetObject the object, and the object exists; base64 video is limited
 * to 25 MB.
 */
final class PegasusVideo extends RuntimeSupport {
    static final long BASE64_LIMIT = 25L * 1024 * 1024;

    static void invoke(Call call, boolean stream) throws IOException {
        JsonNode req = parseObject(call.ex.body, true);
        JsonNode prompt = req.get("inputPrompt");
        if (prompt == null) throw ApiError.validation(malformed("#: required key [inputPrompt] not found"));
        if (!prompt.isTextual() || prompt.asText().isBlank()) {
            throw ApiError.validation(malformed("#/inputPrompt: expected a non-empty string"));
        }
        JsonNode media = req.get("mediaSource");
        if (media == null) throw ApiError.validation(malformed("#: required key [mediaSource] not found"));
        Double temperature = optRange(req, "temperature", "#/temperature", true);
        Integer max = optInt(req, "maxOutputTokens", "#/maxOutputTokens", true);
        if (max != null && (max < 1 || max > 4096)) {
            throw ApiError.validation(malformed("#/maxOutputTokens: " + max + " is not between 1 and 4096"));
        }
        boolean hasS3 = media.has("s3Location");
        boolean hasB64 = media.has("base64String");
        if (hasS3 == hasB64) {
            throw ApiError.validation(malformed("#/mediaSource: exactly one of [s3Location, base64String] is required"));
        }
        int videoChars;
        if (hasS3) {
            checkS3(call.s3, media.get("s3Location"));
            videoChars = 2000;
        } else {
            JsonNode b64 = media.get("base64String");
            if (!b64.isTextual()) throw ApiError.validation(malformed("#/mediaSource/base64String: expected type: String"));
            String s = b64.asText();
            long decoded = (long) s.length() / 4 * 3 - (s.endsWith("==") ? 2 : s.endsWith("=") ? 1 : 0);
            if (decoded > BASE64_LIMIT) {
                throw ApiError.validation("The provided base64String media is " + decoded + " bytes; the maximum size for base64 "
                        + "input is 25 MB. Upload larger videos to Amazon S3 and use s3Location instead.");
            }
            try {
                Base64.getDecoder().decode(s);
            } catch (IllegalArgumentException e) {
                throw ApiError.validation(malformed("#/mediaSource/base64String: not valid base64"));
            }
            videoChars = 2000;
        }
        Answers.Answer a = Answers.answer(call.model, prompt.asText(), prompt.asText().length() + videoChars,
                max == null ? 2048 : max, false);
        String finish = a.truncated() ? "length" : "stop";
        if (!stream) {
            ObjectNode out = F.objectNode().put("message", a.text()).put("finishReason", finish);
            call.json(out, tokenHeaders(a, call.latencyMs()));
            call.record(a.inputTokens(), a.outputTokens());
            return;
        }
        try (EventStreams.Writer w = call.stream(true)) {
            int[] seq = {0};
            for (String piece : Answers.pieces(a.text(), 4)) {
                chunk(w, F.objectNode().put("message", piece), seq);
            }
            ObjectNode fin = F.objectNode().put("message", "").put("stopReason", finish).put("finishReason", finish);
            fin.set("amazon-bedrock-invocationMetrics", invocationMetrics(a, call.latencyMs()));
            chunk(w, fin, seq);
            call.record(a.inputTokens(), a.outputTokens());
        }
    }

    /** Bedrock may read the video only if the caller owns the bucket and its policy grants bedrock.amazonaws.com s3:GetObject. */
    static void checkS3(S3Store s3, JsonNode loc) {
        String uri = loc.path("uri").asText("");
        if (!uri.startsWith("s3://") || uri.indexOf('/', 5) < 0 || uri.endsWith("/")) {
            throw ApiError.validation("The provided S3 URI is invalid: '" + uri + "'. Use the form s3://bucket/key.");
        }
        String bucket = uri.substring(5, uri.indexOf('/', 5));
        String key = uri.substring(uri.indexOf('/', 5) + 1);
        String owner = loc.path("bucketOwner").asText("");
        if (!owner.isEmpty() && !owner.equals(LocalBedrock.ACCOUNT_ID)) {
            throw ApiError.accessDenied("Access denied to " + uri + ": the bucket is not owned by account " + owner + ".");
        }
        Optional<String> policy = s3.bucketPolicy(bucket);
        if (policy.isEmpty() || !policyAllowsBedrock(policy.get(), bucket, key)) {
            throw ApiError.accessDenied("Amazon Bedrock cannot read " + uri + ". The bucket policy must allow the service principal "
                    + "bedrock.amazonaws.com to perform s3:GetObject on the object.");
        }
        if (!s3.objectExists(bucket, key)) {
            throw ApiError.validation("The provided S3 object " + uri + " does not exist.");
        }
    }

    static boolean policyAllowsBedrock(String policyJson, String bucket, String key) {
        JsonNode policy;
        try {
            policy = JSON.readTree(policyJson);
        } catch (IOException e) {
            return false;
        }
        JsonNode statements = policy.path("Statement");
        List<JsonNode> list = new ArrayList<>();
        if (statements.isArray()) statements.forEach(list::add);
        else if (statements.isObject()) list.add(statements);
        String objectArn = "arn:aws:s3:::" + bucket + "/" + key;
        for (JsonNode st : list) {
            if (!"Allow".equals(st.path("Effect").asText())) continue;
            if (!anyMatches(st.path("Principal").path("Service"), "bedrock.amazonaws.com")
                    && !"*".equals(st.path("Principal").asText(null))) continue;
            if (!anyMatches(st.path("Action"), "s3:GetObject")) continue;
            if (anyMatches(st.path("Resource"), objectArn)) return true;
        }
        return false;
    }

    static boolean anyMatches(JsonNode patterns, String value) {
        List<String> ps = new ArrayList<>();
        if (patterns.isTextual()) ps.add(patterns.asText());
        else if (patterns.isArray()) patterns.forEach(p -> ps.add(p.asText()));
        for (String p : ps) {
            String regex = ("\\Q" + p + "\\E").replace("*", "\\E.*\\Q").replace("?", "\\E.\\Q");
            if (value.matches("(?i)" + regex)) return true;
        }
        return false;
    }

    private PegasusVideo() {}
}
