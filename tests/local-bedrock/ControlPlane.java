import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Amazon Bedrock control plane subset the samples use (wire doc §6): inference profiles
 * (system-defined global profiles plus application inference profiles created with copyFrom) and
 * their tags. REST-JSON, signing name "bedrock". State lives in memory for the life of the endpoint.
 */
final class ControlPlane {
    private static final ObjectMapper JSON = new ObjectMapper().enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final String PROFILES = "/inference-profiles";
    /** When the system-defined profiles "appeared" (fixed so answers are stable). */
    private static final String SYSTEM_CREATED_AT = "2025-10-01T00:00:00Z";
    /** Regions a global profile lists as foundation-model ARNs (AWS lists the model in many Regions). */
    private static final List<String> MODEL_REGIONS = List.of("us-east-1", "us-west-2", "eu-west-1", "ap-northeast-1");
    /**
     * Most profiles one ListInferenceProfiles page holds, whatever maxResults asks for: AWS answers
     * short pages with a nextToken (8 profiles for maxResults=1000 in aws-samples/bedrock-access-gateway#172),
     * so a client must follow nextToken. The exact server page size is not documented; 10 is local.
     */
    static final int SERVER_PAGE_SIZE = 10;

    private static final Pattern NAME = Pattern.compile("([0-9a-zA-Z][ _-]?)+");
    private static final Pattern TOKEN = Pattern.compile("[a-zA-Z0-9](-*[a-zA-Z0-9]){0,256}");
    private static final Pattern TAG_TEXT = Pattern.compile("[a-zA-Z0-9\\s._:/=+@-]*");
    private static final Pattern COPY_FROM = Pattern.compile(
            "arn:aws(|-us-gov|-cn|-iso|-iso-b):bedrock:([0-9a-z-]{0,20}):(\\d{12})?:(inference-profile|foundation-model)/([a-zA-Z0-9-:.]+)");
    private static final Pattern APP_ARN = Pattern.compile(
            "arn:aws(|-us-gov|-cn|-iso|-iso-b):bedrock:([0-9a-z-]{0,20}):(\\d{12}):application-inference-profile/([a-zA-Z0-9]+)");
    private static final Pattern SYSTEM_ARN = Pattern.compile(
            "arn:aws(|-us-gov|-cn|-iso|-iso-b):bedrock:([0-9a-z-]{0,20}):(\\d{12})?:inference-profile/([a-zA-Z0-9-:.]+)");
    private static final String ALPHANUM = "abcdefghijklmnopqrstuvwxyz0123456789";

    /** One application inference profile. */
    private static final class AppProfile {
        String id, arn, name, description, region, copyFrom, sourceModelId, clientRequestToken;
        String createdAt, updatedAt;
        List<String> modelArns = new ArrayList<>();
        final LinkedHashMap<String, String> tags = new LinkedHashMap<>();
    }

    private final String defaultRegion;
    private final String accountId;
    private final SecureRandom random = new SecureRandom();
    /** Application profiles by id, in creation order. */
    private final LinkedHashMap<String, AppProfile> apps = new LinkedHashMap<>();

    ControlPlane(String region, String accountId) {
        this.defaultRegion = region;
        this.accountId = accountId;
    }

    // ------------------------------------------------------------------ dispatch

    /** Faults the tests inject into control-plane calls (none unless set). */
    private volatile Faults faults = new Faults();

    void faults(Faults f) {
        this.faults = f;
    }

    /** Local-only slow answers (Simulation.java; none unless set). */
    private volatile Simulation simulation = new Simulation();

    void simulation(Simulation s) {
        this.simulation = s;
    }

    private void operation(Exchange ex, String name) {
        ex.operation = name;
        faults.onControlPlaneCall(name);
    }

    void handle(Exchange ex) {
        String region = regionOf(ex);
        String path = ex.rawPath;
        try {
            if (path.equals(PROFILES) || path.equals(PROFILES + "/")) {
                if (ex.method.equals("POST")) {
                    operation(ex, "CreateInferenceProfile");
                    create(ex, region);
                    return;
                }
                if (ex.method.equals("GET")) {
                    operation(ex, "ListInferenceProfiles");
                    list(ex, region);
                    return;
                }
            } else if (path.startsWith(PROFILES + "/")) {
                String segment = path.substring(PROFILES.length() + 1);
                if (!segment.contains("/")) {
                    String identifier = Exchange.decode(segment);
                    if (ex.method.equals("GET")) {
                        operation(ex, "GetInferenceProfile");
                        write(ex, 200, find(identifier, region));
                        return;
                    }
                    if (ex.method.equals("DELETE")) {
                        operation(ex, "DeleteInferenceProfile");
                        delete(identifier);
                        write(ex, 200, JSON.createObjectNode());
                        return;
                    }
                }
            } else if (ex.method.equals("POST") && path.equals("/tagResource")) {
                operation(ex, "TagResource");
                tag(body(ex));
                write(ex, 200, JSON.createObjectNode());
                return;
            } else if (ex.method.equals("POST") && path.equals("/untagResource")) {
                operation(ex, "UntagResource");
                untag(body(ex));
                write(ex, 200, JSON.createObjectNode());
                return;
            } else if (ex.method.equals("POST") && path.equals("/listTagsForResource")) {
                operation(ex, "ListTagsForResource");
                write(ex, 200, listTags(body(ex)));
                return;
            }
        } finally {
            if (ex.operation == null) operation(ex, "Unknown");
            simulation.hold(ex, true);
        }
        // What API Gateway-fronted AWS services answer for a path/method they do not route.
        throw new ApiError(404, "UnknownOperationException", "The local endpoint does not implement " + ex.method + " " + path + ".");
    }

    // ------------------------------------------------------------------ operations

    private synchronized void create(Exchange ex, String region) {
        JsonNode in = body(ex);
        String name = text(in, "inferenceProfileName");
        String description = text(in, "description");
        String token = text(in, "clientRequestToken");
        String copyFrom = in.path("modelSource").path("copyFrom").asText(null);

        List<String> problems = new ArrayList<>();
        if (name == null) problems.add(constraint(null, "inferenceProfileName", "Member must not be null"));
        else if (name.isEmpty() || name.length() > 64) problems.add(constraint(name, "inferenceProfileName", "Member must have length between 1 and 64"));
        else if (!NAME.matcher(name).matches()) problems.add(constraint(name, "inferenceProfileName", "Member must satisfy regular expression pattern: ([0-9a-zA-Z][ _-]?)+"));
        if (description != null && (description.isEmpty() || description.length() > 200)) {
            problems.add(constraint(description, "description", "Member must have length between 1 and 200"));
        }
        if (token != null && (token.length() > 256 || !TOKEN.matcher(token).matches())) {
            problems.add(constraint(token, "clientRequestToken", "Member must satisfy regular expression pattern: [a-zA-Z0-9](-*[a-zA-Z0-9]){0,256}"));
        }
        if (copyFrom == null) problems.add(constraint(null, "modelSource", "Member must not be null"));
        else if (copyFrom.length() > 2048 || !COPY_FROM.matcher(copyFrom).matches()) {
            problems.add(constraint(copyFrom, "modelSource.copyFrom",
                    "Member must satisfy regular expression pattern: arn:aws(|-us-gov|-cn|-iso|-iso-b):bedrock:(|[0-9a-z-]{0,20}):(|[0-9]{12}):(inference-profile|foundation-model)/[a-zA-Z0-9-:.]+"));
        }
        LinkedHashMap<String, String> tags = tagsFrom(in.path("tags"), problems);
        if (!problems.isEmpty()) throw validationErrors(problems);

        // Idempotency: the same clientRequestToken with the same request answers the same profile.
        if (token != null) {
            for (AppProfile p : apps.values()) {
                if (token.equals(p.clientRequestToken)) {
                    if (p.name.equals(name) && p.copyFrom.equals(copyFrom)) {
                        ObjectNode out = JSON.createObjectNode().put("inferenceProfileArn", p.arn).put("status", "ACTIVE");
                        write(ex, 201, out);
                        return;
                    }
                    throw new ApiError(400, "ConflictException",
                            "The request uses the same client token as a previous, but non-identical request.");
                }
            }
        }
        for (AppProfile p : apps.values()) {
            if (p.name.equals(name)) {
                throw new ApiError(400, "ConflictException", "Inference profile with name " + name + " already exists.");
            }
        }
        Matcher m = COPY_FROM.matcher(copyFrom);
        m.matches();
        String kind = m.group(4);
        String sourceId = m.group(5);
        List<String> modelArns;
        if (kind.equals("inference-profile")) {
            if (!Models.isSystemProfile(sourceId)) {
                throw ApiError.notFound("The specified inference profile source " + copyFrom + " was not found.");
            }
            modelArns = modelArns(sourceId, m.group(2).isEmpty() ? region : m.group(2));
        } else {
            if (Models.GLOBAL_PROFILE_IDS.stream().map(Models::foundationModelId).noneMatch(sourceId::equals)) {
                throw ApiError.notFound("The specified foundation model " + copyFrom + " was not found.");
            }
            modelArns = List.of(copyFrom);
        }
        if (tags.size() > 200) throw tooManyTags(copyFrom);

        AppProfile p = new AppProfile();
        do {
            StringBuilder id = new StringBuilder();
            for (int i = 0; i < 12; i++) id.append(ALPHANUM.charAt(random.nextInt(ALPHANUM.length())));
            p.id = id.toString();
        } while (apps.containsKey(p.id));
        p.arn = "arn:aws:bedrock:" + region + ":" + accountId + ":application-inference-profile/" + p.id;
        p.name = name;
        p.description = description;
        p.region = region;
        p.copyFrom = copyFrom;
        p.sourceModelId = sourceId;
        p.clientRequestToken = token;
        p.createdAt = now();
        p.updatedAt = p.createdAt;
        p.modelArns = modelArns;
        p.tags.putAll(tags);
        apps.put(p.id, p);
        write(ex, 201, JSON.createObjectNode().put("inferenceProfileArn", p.arn).put("status", "ACTIVE"));
    }

    private synchronized void list(Exchange ex, String region) {
        String type = ex.queryParam("type");
        String maxResultsText = ex.queryParam("maxResults");
        String nextToken = ex.queryParam("nextToken");
        if (type != null && !type.equals("SYSTEM_DEFINED") && !type.equals("APPLICATION")) {
            throw validationErrors(List.of(constraint(type, "typeEquals", "Member must satisfy enum value set: [SYSTEM_DEFINED, APPLICATION]")));
        }
        int maxResults = 1000;
        if (maxResultsText != null) {
            try {
                maxResults = Integer.parseInt(maxResultsText);
            } catch (NumberFormatException e) {
                maxResults = -1;
            }
            if (maxResults < 1 || maxResults > 1000) {
                throw validationErrors(List.of(constraint(maxResultsText, "maxResults", "Member must have value between 1 and 1000")));
            }
        }
        // AWS answers only SYSTEM_DEFINED profiles when no type is given (aws/aws-cli#9728).
        String effectiveType = type == null ? "SYSTEM_DEFINED" : type;
        List<ObjectNode> all = new ArrayList<>();
        if (effectiveType.equals("SYSTEM_DEFINED")) {
            for (String id : Models.systemProfileIds(region)) all.add(systemJson(id, region));
        } else {
            for (AppProfile p : apps.values()) all.add(appJson(p));
        }
        int start = 0;
        if (nextToken != null) {
            start = decodeToken(nextToken, effectiveType);
            if (start > all.size()) start = all.size();
        }
        int end = Math.min(all.size(), start + Math.min(maxResults, SERVER_PAGE_SIZE));
        ObjectNode out = JSON.createObjectNode();
        ArrayNode items = out.putArray("inferenceProfileSummaries");
        for (ObjectNode n : all.subList(start, end)) items.add(n);
        if (end < all.size()) out.put("nextToken", encodeToken(end, effectiveType));
        write(ex, 200, out);
    }

    private synchronized void delete(String identifier) {
        AppProfile p = findApp(identifier);
        if (p == null) {
            if (systemIdOf(identifier) != null) {
                throw ApiError.validation("System defined inference profiles cannot be deleted.");
            }
            throw notFound(identifier);
        }
        apps.remove(p.id);
    }

    private synchronized void tag(JsonNode in) {
        AppProfile p = taggable(in);
        List<String> problems = new ArrayList<>();
        LinkedHashMap<String, String> tags = tagsFrom(in.path("tags"), problems);
        if (!in.has("tags")) problems.add(constraint(null, "tags", "Member must not be null"));
        if (!problems.isEmpty()) throw validationErrors(problems);
        LinkedHashMap<String, String> merged = new LinkedHashMap<>(p.tags);
        merged.putAll(tags);
        if (merged.size() > 200) throw tooManyTags(p.arn);
        p.tags.clear();
        p.tags.putAll(merged);
        p.updatedAt = now();
    }

    private synchronized void untag(JsonNode in) {
        AppProfile p = taggable(in);
        JsonNode keys = in.path("tagKeys");
        if (!keys.isArray()) throw validationErrors(List.of(constraint(null, "tagKeys", "Member must not be null")));
        for (JsonNode k : keys) p.tags.remove(k.asText());
        p.updatedAt = now();
    }

    private synchronized ObjectNode listTags(JsonNode in) {
        String arn = in.path("resourceARN").asText(null);
        ObjectNode out = JSON.createObjectNode();
        ArrayNode tags = out.putArray("tags");
        if (arn != null && SYSTEM_ARN.matcher(arn).matches()
                && Models.isSystemProfile(systemIdOf(arn))) {
            return out;  // system-defined profiles carry no tags
        }
        for (Map.Entry<String, String> t : taggable(in).tags.entrySet()) {
            tags.addObject().put("key", t.getKey()).put("value", t.getValue());
        }
        return out;
    }

    // ------------------------------------------------------------------ runtime + test API

    /**
     * The model id a runtime call on an application inference profile ARN answers as, empty when
     * modelIdOrArn is not such an ARN, or the runtime's error when the profile does not exist.
     */
    Optional<String> resolveApplicationProfile(String modelIdOrArn) {
        // Every runtime call comes here: only a real application-profile ARN takes the lock.
        if (modelIdOrArn == null) return Optional.empty();
        Matcher m = APP_ARN.matcher(modelIdOrArn);
        if (!m.matches()) {
            if (modelIdOrArn.contains(":application-inference-profile/")) {
                throw ApiError.validation("The provided model identifier is invalid.");
            }
            return Optional.empty();
        }
        String source;
        synchronized (this) {
            AppProfile p = apps.get(m.group(4));
            if (p == null || !p.arn.equals(modelIdOrArn)) {
                throw ApiError.validation("The provided model identifier is invalid.");
            }
            source = p.sourceModelId;
        }
        return Optional.of(source);
    }

    /** A snapshot of the application profiles (for tests): arn, id, name, description, tags, … */
    synchronized List<Map<String, Object>> applicationProfiles() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (AppProfile p : apps.values()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("arn", p.arn);
            m.put("id", p.id);
            m.put("name", p.name);
            m.put("description", p.description);
            m.put("region", p.region);
            m.put("copyFrom", p.copyFrom);
            m.put("modelId", p.sourceModelId);
            m.put("models", List.copyOf(p.modelArns));
            m.put("tags", Map.copyOf(p.tags));
            m.put("createdAt", p.createdAt);
            m.put("updatedAt", p.updatedAt);
            out.add(m);
        }
        return out;
    }

    // ------------------------------------------------------------------ lookup

    private ObjectNode find(String identifier, String region) {
        synchronized (this) {
            AppProfile p = findApp(identifier);
            if (p != null) return appJson(p);
        }
        String systemId = systemIdOf(identifier);
        if (systemId != null && Models.isSystemProfile(systemId)) {
            Matcher m = SYSTEM_ARN.matcher(identifier);
            String r = m.matches() && !m.group(2).isEmpty() ? m.group(2) : region;
            // a geographic profile exists only in the source Regions of its geography
            if (Models.isSystemProfileIn(systemId, r)) return systemJson(systemId, r);
        }
        throw notFound(identifier);
    }

    private AppProfile findApp(String identifier) {
        Matcher m = APP_ARN.matcher(identifier);
        if (m.matches()) {
            AppProfile p = apps.get(m.group(4));
            return p != null && p.arn.equals(identifier) ? p : null;
        }
        return apps.get(identifier);
    }

    /** The profile id of a system-defined profile id or ARN, or null. */
    private static String systemIdOf(String identifier) {
        Matcher m = SYSTEM_ARN.matcher(identifier);
        if (m.matches()) return m.group(4);
        return Models.isSystemProfile(identifier) ? identifier : null;
    }

    private AppProfile taggable(JsonNode in) {
        String arn = in.path("resourceARN").asText(null);
        if (arn == null) throw validationErrors(List.of(constraint(null, "resourceARN", "Member must not be null")));
        Matcher m = APP_ARN.matcher(arn);
        AppProfile p = m.matches() ? findApp(arn) : null;
        if (p == null) {
            if (SYSTEM_ARN.matcher(arn).matches()) {
                throw ApiError.validation("Tagging is not supported for system defined inference profiles.");
            }
            throw ApiError.notFound("The specified resource ARN was not found. Check the ARN and try your request again.");
        }
        return p;
    }

    private static ApiError notFound(String identifier) {
        return ApiError.notFound("Inference profile " + identifier + " not found.");
    }

    // ------------------------------------------------------------------ JSON shapes

    private ObjectNode systemJson(String id, String region) {
        ObjectNode n = JSON.createObjectNode();
        String name = systemName(id);
        String geo = Models.geographyOf(id);
        String model = name.substring(name.indexOf(' ') + 1);
        n.put("inferenceProfileName", name);
        n.put("description", geo.equals("global")
                ? "Routes requests to " + model + " in commercial AWS Regions worldwide."
                : "Routes requests to " + model + " in " + String.join(", ", Models.DESTINATIONS.get(geo)) + ".");
        n.put("createdAt", SYSTEM_CREATED_AT);
        n.put("updatedAt", SYSTEM_CREATED_AT);
        n.put("inferenceProfileArn", "arn:aws:bedrock:" + region + ":" + accountId + ":inference-profile/" + id);
        ArrayNode models = n.putArray("models");
        for (String arn : modelArns(id, region)) models.addObject().put("modelArn", arn);
        n.put("inferenceProfileId", id);
        n.put("status", "ACTIVE");
        n.put("type", "SYSTEM_DEFINED");
        return n;
    }

    private static ObjectNode appJson(AppProfile p) {
        ObjectNode n = JSON.createObjectNode();
        n.put("inferenceProfileName", p.name);
        if (p.description != null) n.put("description", p.description);
        n.put("createdAt", p.createdAt);
        n.put("updatedAt", p.updatedAt);
        n.put("inferenceProfileArn", p.arn);
        ArrayNode models = n.putArray("models");
        for (String arn : p.modelArns) models.addObject().put("modelArn", arn);
        n.put("inferenceProfileId", p.id);
        n.put("status", "ACTIVE");
        n.put("type", "APPLICATION");
        return n;
    }

    /**
     * Foundation-model ARNs of a system-defined profile: for a geographic one, one per destination
     * Region of its geography; for a global one, the source Region first, then a few others (at
     * most 5; AWS's full list is not confirmed).
     */
    private static List<String> modelArns(String profileId, String region) {
        String geo = Models.geographyOf(profileId);
        if (geo != null && !geo.equals("global")) {
            List<String> out = new ArrayList<>();
            for (String r : Models.DESTINATIONS.get(geo)) {
                out.add("arn:aws:bedrock:" + r + "::foundation-model/" + Models.modelOfProfile(profileId));
            }
            return out;
        }
        List<String> regions = new ArrayList<>();
        regions.add(region);
        for (String r : MODEL_REGIONS) if (!regions.contains(r) && regions.size() < 4) regions.add(r);
        List<String> out = new ArrayList<>();
        for (String r : regions) out.add("arn:aws:bedrock:" + r + "::foundation-model/" + Models.foundationModelId(profileId));
        // global routing is authorised on the Region-less foundation-model ARN (see README, IAM)
        out.add("arn:aws:bedrock:::foundation-model/" + Models.foundationModelId(profileId));
        return out;
    }

    /** "global.anthropic.claude-sonnet-4-5-20250929-v1:0" → "Global Anthropic Claude Sonnet 4.5" ("us." → "US …"). */
    static String systemName(String id) {
        String geo = Models.geographyOf(id);
        String rest = Models.modelOfProfile(id);
        String provider = rest.substring(0, rest.indexOf('.'));
        String model = rest.substring(rest.indexOf('.') + 1).replaceAll("-v\\d+(:\\d+)?$", "").replaceAll(":\\d+$", "")
                .replaceAll("-\\d{8}$", "");
        StringBuilder out = new StringBuilder(geo == null || geo.equals("global") ? "Global" : geo.toUpperCase(java.util.Locale.ROOT))
                .append(' ').append(cap(provider));
        String[] words = model.split("-");
        for (int i = 0; i < words.length; i++) {
            String w = words[i];
            if (w.matches("\\d+") && i + 1 < words.length && words[i + 1].matches("\\d+")) {
                out.append(' ').append(w).append('.').append(words[++i]);
            } else {
                out.append(' ').append(cap(w));
            }
        }
        return out.toString();
    }

    private static String cap(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    // ------------------------------------------------------------------ helpers

    private String regionOf(Exchange ex) {
        String r = SigV4.scopeRegion(ex);
        return r == null || r.isEmpty() ? defaultRegion : r;
    }

    private static JsonNode body(Exchange ex) {
        if (ex.body == null || ex.body.length == 0) return JSON.createObjectNode();
        try {
            JsonNode n = JSON.readTree(ex.body);
            if (n == null || !n.isObject()) throw new ApiError(400, "SerializationException", "Start of structure or map found where not expected.");
            return n;
        } catch (java.io.IOException e) {
            throw new ApiError(400, "SerializationException", "Malformed request body: not valid JSON.");
        }
    }

    private static String text(JsonNode in, String field) {
        JsonNode n = in.get(field);
        return n == null || n.isNull() ? null : n.asText();
    }

    private static LinkedHashMap<String, String> tagsFrom(JsonNode tags, List<String> problems) {
        LinkedHashMap<String, String> out = new LinkedHashMap<>();
        if (tags == null || tags.isMissingNode() || tags.isNull()) return out;
        if (!tags.isArray()) {
            problems.add(constraint(null, "tags", "Member must be a list"));
            return out;
        }
        int i = 0;
        for (JsonNode t : tags) {
            i++;
            String key = t.path("key").asText(null);
            String value = t.path("value").asText(null);
            if (key == null || key.isEmpty() || key.length() > 128 || !TAG_TEXT.matcher(key).matches()) {
                problems.add(constraint(key, "tags." + i + ".member.key",
                        "Member must have length between 1 and 128 and satisfy regular expression pattern: [a-zA-Z0-9\\s._:/=+@-]*"));
                continue;
            }
            if (value == null || value.length() > 256 || !TAG_TEXT.matcher(value).matches()) {
                problems.add(constraint(value, "tags." + i + ".member.value",
                        "Member must have length less than or equal to 256 and satisfy regular expression pattern: [a-zA-Z0-9\\s._:/=+@-]*"));
                continue;
            }
            out.put(key, value);
        }
        return out;
    }

    private static ApiError tooManyTags(String resource) {
        return new ApiError(400, "TooManyTagsException", "The request contains more tags than can be associated with a resource (200 tags per resource).")
                .with("resourceName", resource);
    }

    /** AWS's wording for constraint failures ("Value 'x' at 'field' failed to satisfy constraint: …"). */
    private static String constraint(String value, String field, String rule) {
        return "Value " + (value == null ? "null" : "'" + value + "'") + " at '" + field + "' failed to satisfy constraint: " + rule;
    }

    private static ApiError validationErrors(List<String> problems) {
        return ApiError.validation(problems.size() + " validation error" + (problems.size() == 1 ? "" : "s")
                + " detected: " + String.join("; ", problems));
    }

    private static String now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
    }

    private static String encodeToken(int offset, String type) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((type + ":" + offset).getBytes(StandardCharsets.UTF_8));
    }

    private static int decodeToken(String token, String type) {
        try {
            String s = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            int colon = s.indexOf(':');
            if (colon < 0 || !s.substring(0, colon).equals(type)) throw new IllegalArgumentException();
            int offset = Integer.parseInt(s.substring(colon + 1));
            if (offset < 0) throw new IllegalArgumentException();
            return offset;
        } catch (IllegalArgumentException e) {
            throw ApiError.validation("Invalid pagination token.");
        }
    }

    private static void write(Exchange ex, int status, JsonNode body) {
        try {
            ex.respond(status, "application/json", JSON.writeValueAsBytes(body));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
