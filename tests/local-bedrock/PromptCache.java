import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Converse prompt caching: {@code cachePoint{type:"default", ttl?:"5m"|"1h"}} blocks in
 * {@code toolConfig.tools}, {@code system} and message content (at most 4 per request), the per-model
 * minimum prefix, and cache writes/reads across calls on this endpoint instance.
 *
 * <p>The prefix of a cache point is everything before it in the order tools → system → messages.
 * Its tokens use the endpoint's estimate (characters / 4, rounded up; a non-text block such as an
 * image counts 256 characters, as in {@link RuntimeSupport#converseMessages}). A cache point counts
 * only when its prefix holds at least the model's minimum more tokens than the previous counted one
 * (AWS: "you can create a second checkpoint after the total reaches 2,048 tokens" for a 1,024 minimum);
 * below it nothing is cached and no error is raised, as on the service. Minimums (AWS / Anthropic
 * documentation, wire doc §12): Claude Haiku 4.5, Opus 4.5, Opus 4.6 4,096; Sonnet 4.5 1,024;
 * Sonnet 4.6 2,048 (Anthropic's table says 1,024, users observe 2,048: the stricter is used);
 * Nova 2 Lite 1,000 (the Nova figure; Nova 2 not confirmed).
 *
 * <p>Accounting (local-only store, keyed by foundation model + a SHA-256 of the prefix): the longest
 * prefix found unexpired is read ({@code cacheReadInputTokens}) and its lifetime refreshed; the tokens
 * from there to the last counted cache point are written ({@code cacheWriteInputTokens}, broken down
 * per TTL in {@code cacheDetails}); {@code inputTokens} is the rest.
 */
final class PromptCache {
    static final int MAX_POINTS = 4;
    static final Set<String> TTLS = Set.of("5m", "1h");

    /** A counted cache point: prefix tokens, prefix hash, TTL. */
    record Point(int tokens, String hash, String ttl) {}

    /** What the request's cache points did: tokens read and written, and the written tokens per TTL. */
    record Accounting(int read, int write, Map<String, Integer> writtenPerTtl) {
        static final Accounting NONE = new Accounting(0, 0, Map.of());
    }

    private final Map<String, Long> expiries = new HashMap<>();

    static int minimumTokens(Models.Model model) {
        return switch (model.foundationId()) {
            case "anthropic.claude-sonnet-4-5-20250929-v1:0" -> 1024;
            case "anthropic.claude-sonnet-4-6" -> 2048;
            case "amazon.nova-2-lite-v1:0" -> 1000;
            default -> 4096;
        };
    }

    /** Checks the request's cache points and returns the counted ones, in prefix order. */
    static List<Point> points(JsonNode req, Models.Model model) {
        MessageDigest digest = sha256();
        digest.update(model.foundationId().getBytes(StandardCharsets.UTF_8));
        long chars = 0;
        int count = 0;
        int lastCounted = 0;
        int minimum = minimumTokens(model);
        List<Point> out = new ArrayList<>();
        List<JsonNode[]> blocks = new ArrayList<>(); // {block, where} in prefix order
        for (JsonNode t : req.path("toolConfig").path("tools")) blocks.add(new JsonNode[] {t, null});
        for (JsonNode s : req.path("system")) blocks.add(new JsonNode[] {s, null});
        int mi = 0;
        for (JsonNode m : req.path("messages")) {
            JsonNode previous = null;
            int bi = 0;
            for (JsonNode b : m.path("content")) {
                if (b.has("cachePoint") && previous != null && previous.has("reasoningContent")) {
                    throw ApiError.validation("Cache point cannot be inserted after reasoning block. Please remove the invalid cache point and try again.");
                }
                blocks.add(new JsonNode[] {b, RuntimeSupport.F.textNode(m.path("role").asText() + ":" + mi + "." + bi)});
                previous = b;
                bi++;
            }
            mi++;
        }
        for (JsonNode[] entry : blocks) {
            JsonNode b = entry[0];
            JsonNode cp = b.get("cachePoint");
            if (cp == null) {
                digest.update((entry[1] == null ? "" : entry[1].asText()).getBytes(StandardCharsets.UTF_8));
                digest.update(b.toString().getBytes(StandardCharsets.UTF_8));
                if (b.has("toolSpec")) chars += b.toString().length();
                else if (b.has("text")) chars += b.get("text").asText("").length();
                else chars += 256;
                continue;
            }
            count++;
            String type = cp.path("type").asText(null);
            if (type == null) {
                throw ApiError.missing("cachePoint.type");
            }
            if (!type.equals("default")) {
                throw ApiError.notInSet(type, "cachePoint.type", "default");
            }
            String ttl = cp.path("ttl").asText("5m");
            if (!TTLS.contains(ttl)) {
                throw ApiError.notInSet(ttl, "cachePoint.ttl", "5m, 1h");
            }
            int tokens = (int) ((chars + 3) / 4);
            if (tokens - lastCounted >= minimum) {
                out.add(new Point(tokens, hash(digest), ttl));
                lastCounted = tokens;
            }
        }
        if (count > MAX_POINTS) {
            throw ApiError.validation("The model returned the following errors: A maximum of " + MAX_POINTS
                    + " blocks with cache_control may be provided. Found " + count + ".");
        }
        return out;
    }

    /** Reads and writes the counted points for this call (now = epoch millis). */
    synchronized Accounting account(List<Point> points, long now) {
        if (points.isEmpty()) return Accounting.NONE;
        int hit = -1;
        for (int i = points.size() - 1; i >= 0; i--) {
            Long exp = expiries.get(points.get(i).hash());
            if (exp != null && exp > now) {
                hit = i;
                break;
            }
        }
        int read = hit < 0 ? 0 : points.get(hit).tokens();
        if (hit >= 0) expiries.put(points.get(hit).hash(), now + millis(points.get(hit).ttl()));
        Map<String, Integer> perTtl = new LinkedHashMap<>();
        int from = read;
        for (int i = hit + 1; i < points.size(); i++) {
            Point p = points.get(i);
            perTtl.merge(p.ttl(), p.tokens() - from, Integer::sum);
            from = p.tokens();
            expiries.put(p.hash(), now + millis(p.ttl()));
        }
        return new Accounting(read, from - read, perTtl);
    }

    /** Forgets every cached prefix (local-only, for tests). */
    synchronized void clear() {
        expiries.clear();
    }

    private static long millis(String ttl) {
        return "1h".equals(ttl) ? 3_600_000L : 300_000L;
    }

    private static String hash(MessageDigest d) {
        try {
            return Base64.getEncoder().encodeToString(((MessageDigest) d.clone()).digest());
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
