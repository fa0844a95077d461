import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.parallel.Resources;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;

/**
 * The endpoint under abuse (issue 10 item 4): signed and unsigned malformed requests to every
 * operation (bedrock-runtime's four, the control plane's profile and tag operations, STS, the S3
 * subset), generated from a fixed seed so runs repeat. Every answer must be a 4xx in the service's
 * error shape (JSON + x-amzn-ErrorType; S3 XML; STS XML), never a 5xx, never a stack trace in a
 * body or on stderr, and no request may hang past its timeout; a normal Converse through the SDK
 * succeeds afterwards. Each test prints "fuzz &lt;kind&gt;: N cases, M held".
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ResourceLock(Resources.SYSTEM_ERR) // it watches stderr
class EndpointFuzzTest {
    static final long SEED = 0x10F022L;
    /** A client's patience per case; the endpoint must answer (or close) well within it. */
    static final int TIMEOUT_MS = 15_000;
    static final ObjectMapper JSON = new ObjectMapper();
    static final JsonNodeFactory F = JsonNodeFactory.instance;

    static LocalBedrock lb;
    static PrintStream realErr;
    static final ByteArrayOutputStream ERR = new ByteArrayOutputStream();
    static final Map<String, String> SUMMARY = Collections.synchronizedMap(new TreeMap<>());

    /** One operation: how a valid request looks. service: "json" (bedrock, bedrock-runtime), "s3" or "sts". */
    record Target(String op, String service, String signingName, String method, String path, String query,
                  String contentType, byte[] body) {
        boolean jsonBody() {
            return "application/json".equals(contentType) && body.length > 0;
        }
    }

    /** One malformed request and what it must get. */
    record Case(String kind, Target target, byte[] bytes, RawHttp.Sending sending, Expect expect, String what) {}

    enum Expect {
        /** a 4xx in the service's error shape */
        ERROR_4XX,
        /** a 4xx in some service's error shape: the request line is too broken to tell the service by */
        ERROR_4XX_ANY_SHAPE,
        /** a 2xx (a valid request sent slowly, a header just under the limit) */
        SUCCESS,
        /** no answer required (the client went away), but never a 5xx when one comes */
        ANY_OR_NONE
    }

    static final String HAIKU = "global.anthropic.claude-haiku-4-5-20251001-v1%3A0";
    static final String NOVA = "global.amazon.nova-2-lite-v1%3A0";
    static final String COHERE = "global.cohere.embed-v4%3A0";
    static final String PEGASUS = "global.twelvelabs.pegasus-1-2-v1%3A0";
    static final String BUCKET = "fuzz-bucket";
    static List<Target> targets;
    static String profileArn;
    static final AtomicInteger NAMES = new AtomicInteger();
    static long startNanos;

    @BeforeAll
    static void start() throws Exception {
        startNanos = System.nanoTime();
        realErr = System.err;
        System.setErr(new PrintStream(new TeeStream(realErr, ERR), true, StandardCharsets.UTF_8));
        lb = LocalBedrock.start(new LocalBedrock.Config().port(0));
        // fixtures the valid requests refer to: a bucket with one object, an application profile
        assertEquals(200, send(s3("CreateBucket", "PUT", "/" + BUCKET, "", null, new byte[0])).status());
        assertEquals(200, send(s3("PutObject", "PUT", "/" + BUCKET + "/seed.txt", "", "text/plain", bytes("seed"))).status());
        RawHttp.Response created = send(json("CreateInferenceProfile", "POST", "/inference-profiles", createBody("fuzz-seed")));
        assertEquals(201, created.status(), created.text());
        profileArn = JSON.readTree(created.body()).path("inferenceProfileArn").asText();
        targets = targets();
        assertEquals(204, send(target("PutBucketPolicy")).status()); // Bedrock may read the bucket (the Pegasus call)
        // every valid request succeeds as it is: the cases below differ from it only by what they break
        for (Target t : targets) {
            RawHttp.Response r = send(valid(t));
            assertTrue(r.status() >= 200 && r.status() < 300, () -> t.op() + " " + t.path() + ": valid request got " + r.status() + " " + r.text());
        }
    }

    @AfterAll
    static void stop() {
        if (lb != null) lb.close();
        System.setErr(realErr);
        SUMMARY.forEach((k, v) -> System.out.println("fuzz " + k + ": " + v));
        System.out.println("fuzz: whole class took " + (System.nanoTime() - startNanos) / 1_000_000_000 + " s"); // information, not asserted
    }

    // ------------------------------------------------------------------ the operations

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] json(JsonNode n) {
        try {
            return JSON.writeValueAsBytes(n);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static JsonNode tree(String s) {
        try {
            return JSON.readTree(s);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static ObjectNode createBody(String name) {
        ObjectNode n = F.objectNode().put("inferenceProfileName", name).put("description", "fuzz");
        n.putObject("modelSource").put("copyFrom",
                "arn:aws:bedrock:ap-south-1:" + LocalBedrock.ACCOUNT_ID + ":inference-profile/global.anthropic.claude-haiku-4-5-20251001-v1:0");
        n.putArray("tags").addObject().put("key", "team").put("value", "fuzz");
        return n;
    }

    static Target json(String op, String method, String path, JsonNode body) {
        String p = path, q = "";
        if (path.contains("?")) {
            p = path.substring(0, path.indexOf('?'));
            q = path.substring(path.indexOf('?') + 1);
        }
        return new Target(op, "json", "bedrock", method, p, q, body == null ? null : "application/json",
                body == null ? new byte[0] : json(body));
    }

    static Target s3(String op, String method, String path, String query, String contentType, byte[] body) {
        return new Target(op, "s3", "s3", method, path, query, contentType, body);
    }

    static List<Target> targets() {
        String converse = "{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"fuzz\"}]}],"
                + "\"system\":[{\"text\":\"be brief\"}],\"inferenceConfig\":{\"maxTokens\":20,\"temperature\":0.5}}";
        String claude = "{\"anthropic_version\":\"bedrock-2023-05-31\",\"max_tokens\":20,\"system\":\"be brief\",\"temperature\":0.5,"
                + "\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"fuzz\"}]}]}";
        String nova = "{\"schemaVersion\":\"messages-v1\",\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"fuzz\"}]}],"
                + "\"inferenceConfig\":{\"maxTokens\":20}}";
        String cohere = "{\"texts\":[\"fuzz\"],\"input_type\":\"search_document\",\"embedding_types\":[\"float\"],\"output_dimension\":256}";
        String pegasus = "{\"inputPrompt\":\"describe\",\"mediaSource\":{\"s3Location\":{\"uri\":\"s3://" + BUCKET + "/seed.txt\","
                + "\"bucketOwner\":\"" + LocalBedrock.ACCOUNT_ID + "\"}}}";
        String arn = profileArn;
        List<Target> t = new ArrayList<>();
        t.add(json("Converse", "POST", "/model/" + HAIKU + "/converse", tree(converse)));
        t.add(json("Converse", "POST", "/model/" + NOVA + "/converse", tree(converse)));
        t.add(json("ConverseStream", "POST", "/model/" + HAIKU + "/converse-stream", tree(converse)));
        t.add(json("InvokeModel", "POST", "/model/" + HAIKU + "/invoke", tree(claude)));
        t.add(json("InvokeModel", "POST", "/model/" + NOVA + "/invoke", tree(nova)));
        t.add(json("InvokeModel", "POST", "/model/" + COHERE + "/invoke", tree(cohere)));
        t.add(json("InvokeModel", "POST", "/model/" + PEGASUS + "/invoke", tree(pegasus)));
        t.add(json("InvokeModelWithResponseStream", "POST", "/model/" + HAIKU + "/invoke-with-response-stream", tree(claude)));
        t.add(json("InvokeModelWithResponseStream", "POST", "/model/" + NOVA + "/invoke-with-response-stream", tree(nova)));
        t.add(json("CreateInferenceProfile", "POST", "/inference-profiles", createBody("fuzz-base")));
        t.add(json("ListInferenceProfiles", "GET", "/inference-profiles?maxResults=5&typeEquals=SYSTEM_DEFINED", null));
        t.add(json("GetInferenceProfile", "GET", "/inference-profiles/global.anthropic.claude-haiku-4-5-20251001-v1%3A0", null));
        t.add(json("DeleteInferenceProfile", "DELETE", "/inference-profiles/" + RawHttpPath.encode(arn.substring(arn.lastIndexOf('/') + 1)), null));
        t.add(json("TagResource", "POST", "/tagResource", tree("{\"resourceARN\":\"" + arn + "\",\"tags\":[{\"key\":\"a\",\"value\":\"b\"}]}")));
        t.add(json("UntagResource", "POST", "/untagResource", tree("{\"resourceARN\":\"" + arn + "\",\"tagKeys\":[\"a\"]}")));
        t.add(json("ListTagsForResource", "POST", "/listTagsForResource", tree("{\"resourceARN\":\"" + arn + "\"}")));
        t.add(new Target("GetCallerIdentity", "sts", "sts", "POST", "/", "", "application/x-www-form-urlencoded; charset=utf-8",
                bytes("Action=GetCallerIdentity&Version=2011-06-15")));
        t.add(s3("HeadBucket", "HEAD", "/" + BUCKET, "", null, new byte[0]));
        t.add(s3("ListObjectsV2", "GET", "/" + BUCKET, "list-type=2&prefix=s", null, new byte[0]));
        t.add(s3("PutObject", "PUT", "/" + BUCKET + "/fuzz/obj.bin", "", "application/octet-stream", bytes("payload")));
        t.add(s3("GetObject", "GET", "/" + BUCKET + "/seed.txt", "", null, new byte[0]));
        t.add(s3("HeadObject", "HEAD", "/" + BUCKET + "/seed.txt", "", null, new byte[0]));
        t.add(s3("DeleteObject", "DELETE", "/" + BUCKET + "/fuzz/gone.bin", "", null, new byte[0]));
        t.add(s3("PutBucketPolicy", "PUT", "/" + BUCKET, "policy", "application/json", bytes("{\"Version\":\"2012-10-17\",\"Statement\":[{"
                + "\"Sid\":\"AllowBedrockAccess\",\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"bedrock.amazonaws.com\"},"
                + "\"Action\":[\"s3:GetObject\"],\"Resource\":\"arn:aws:s3:::" + BUCKET + "/*\"}]}")));
        t.add(s3("GetBucketPolicy", "GET", "/" + BUCKET, "policy", null, new byte[0]));
        return t;
    }

    /** Minimal percent-encoding for one path segment. */
    static final class RawHttpPath {
        static String encode(String s) {
            return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
        }
    }

    // ------------------------------------------------------------------ building requests

    static Map<String, String> headersFor(Target t, byte[] body, String contentTypeOrNull) {
        Map<String, String> h = new LinkedHashMap<>();
        if (contentTypeOrNull != null) h.put("content-type", contentTypeOrNull);
        if (t.service().equals("s3")) h.put("x-amz-content-sha256", SigV4.hex(SigV4.sha256(body)));
        return h;
    }

    static RawHttp.Signer signer(Target t) {
        return RawHttp.signer(t.signingName(), "test", "test", Instant.now(), null);
    }

    /** The target's request with this body and content type, signed or not, with extra header lines. */
    static byte[] request(Target t, byte[] body, String contentType, boolean signed, String... extra) {
        return RawHttp.requestBytes(lb, t.method(), t.path(), t.query(), headersFor(t, body, contentType), body,
                signed ? signer(t) : null, extra);
    }

    static byte[] valid(Target t) {
        byte[] body = t.body();
        if (t.op().equals("CreateInferenceProfile")) body = json(createBody("fuzz-" + NAMES.incrementAndGet()));
        if (t.op().equals("DeleteInferenceProfile")) { // a profile of its own to delete
            try {
                RawHttp.Response created = send(request(target("CreateInferenceProfile"),
                        json(createBody("fuzz-" + NAMES.incrementAndGet())), "application/json", true));
                String arn = JSON.readTree(created.body()).path("inferenceProfileArn").asText();
                Target own = new Target(t.op(), t.service(), t.signingName(), t.method(),
                        "/inference-profiles/" + RawHttpPath.encode(arn.substring(arn.lastIndexOf('/') + 1)), "", null, new byte[0]);
                return request(own, body, t.contentType(), true);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return request(t, body, t.contentType(), true);
    }

    static RawHttp.Response send(byte[] request) throws Exception {
        return RawHttp.exchange(lb, request, RawHttp.Sending.AT_ONCE, TIMEOUT_MS);
    }

    static RawHttp.Response send(Target t) throws Exception {
        return send(valid(t));
    }

    // ------------------------------------------------------------------ judging answers

    /** Why an answer breaks the rules for its case, or null when it holds. */
    static String problem(Case c, RawHttp.Response r) {
        if (r != null) {
            String text = r.text();
            if (text.contains("\tat ") || text.contains("Exception in thread") || text.contains("java.lang.")
                    || text.contains("org.eclipse.jetty") || text.contains("Caused by:")) {
                return "stack trace or internals in the body: " + abbreviate(text);
            }
            if (r.status() >= 500) return "status " + r.status() + " " + abbreviate(text);
        }
        switch (c.expect()) {
            case ANY_OR_NONE:
                return null;
            case SUCCESS:
                if (r == null) return "no answer";
                return r.status() >= 200 && r.status() < 300 ? null : "expected 2xx, got " + r.status() + " " + abbreviate(r.text());
            default:
                if (r == null) return "no answer";
                if (r.status() < 400 || r.status() >= 500) return "expected 4xx, got " + r.status() + " " + abbreviate(r.text());
                if (c.expect() == Expect.ERROR_4XX_ANY_SHAPE) {
                    if (c.target().method().equals("HEAD")) {
                        return r.errorType() != null || r.headers().containsKey("x-amz-request-id") ? null : "HEAD answer without error headers";
                    }
                    return r.errorType() != null || r.text().contains("<Error><Code>") || r.text().contains("<ErrorResponse")
                            ? null : "not in any service's error shape: " + abbreviate(r.text());
                }
                return shapeProblem(c, r);
        }
    }

    static String shapeProblem(Case c, RawHttp.Response r) {
        Target t = c.target();
        boolean head = t.method().equals("HEAD");
        String service = t.service();
        // an STS request whose form cannot be recognised is answered by S3 (one host serves both locally)
        if (service.equals("sts") && !r.text().contains("<ErrorResponse")) service = "s3";
        switch (service) {
            case "json": {
                if (r.errorType() == null || r.errorType().isEmpty()) return "no x-amzn-ErrorType: " + r.status() + " " + abbreviate(r.text());
                if (head) return null;
                try {
                    JsonNode n = JSON.readTree(r.body());
                    if (n == null || !n.path("message").isTextual()) return "JSON error body without message: " + abbreviate(r.text());
                } catch (Exception e) {
                    return "error body is not JSON: " + abbreviate(r.text());
                }
                return null;
            }
            case "sts":
                return r.text().contains("<ErrorResponse") && r.text().contains("<Code>") ? null : "not an STS error: " + abbreviate(r.text());
            default:
                if (head) return r.headers().containsKey("x-amz-request-id") ? null : "HEAD answer without x-amz-request-id";
                return r.text().startsWith("<?xml") && r.text().contains("<Error><Code>") ? null : "not an S3 error: " + abbreviate(r.text());
        }
    }

    static String abbreviate(String s) {
        String one = s.replace("\r", "\\r").replace("\n", "\\n");
        return one.length() <= 300 ? one : one.substring(0, 300) + "…";
    }

    /** Runs the cases on a few threads, prints and records the tally, and fails listing what broke. */
    static void run(String kind, List<Case> cases, int threads) throws Exception {
        assertTrue(!cases.isEmpty(), "no cases for " + kind);
        List<String> problems = Collections.synchronizedList(new ArrayList<>());
        Map<String, Integer> byStatus = Collections.synchronizedMap(new TreeMap<>());
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (Case c : cases) {
                futures.add(pool.submit(() -> {
                    RawHttp.Response r;
                    try {
                        r = RawHttp.exchange(lb, c.bytes(), c.sending(), TIMEOUT_MS);
                    } catch (SocketTimeoutException e) {
                        problems.add(describe(c) + ": hung (no answer within " + TIMEOUT_MS + " ms)");
                        return;
                    } catch (Exception e) {
                        if (c.expect() != Expect.ANY_OR_NONE) problems.add(describe(c) + ": " + e);
                        return;
                    }
                    byStatus.merge(r == null ? "none" : String.valueOf(r.status()), 1, Integer::sum);
                    String p = problem(c, r);
                    if (p != null) problems.add(describe(c) + ": " + p);
                }));
            }
            for (Future<?> f : futures) f.get(5, TimeUnit.MINUTES);
        } finally {
            pool.shutdownNow();
        }
        String tally = cases.size() + " cases, " + (cases.size() - problems.size()) + " held; answers by status " + byStatus;
        SUMMARY.put(kind, tally);
        System.out.println("fuzz " + kind + ": " + tally);
        assertTrue(problems.isEmpty(), () -> problems.size() + " of " + cases.size() + " " + kind + " cases broke the rules:\n"
                + problems.stream().sorted().limit(40).collect(Collectors.joining("\n")));
        assertQuietStderr();
    }

    static String describe(Case c) {
        return "[" + c.kind() + "] " + c.target().op() + " " + c.target().method() + " " + c.target().path() + " (" + c.what() + ")";
    }

    /** What the endpoint wrote to stderr (its lines start with "local-bedrock"; other classes may run meanwhile). */
    static String endpointStderr() {
        return ERR.toString(StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("local-bedrock") || l.startsWith("\tat "))
                .collect(Collectors.joining("\n"));
    }

    static void assertQuietStderr() {
        String err = endpointStderr();
        assertTrue(err.isEmpty(), () -> "the endpoint wrote to stderr:\n" + abbreviate(err));
    }

    static Case error(String kind, Target t, byte[] bytes, String what) {
        return new Case(kind, t, bytes, RawHttp.Sending.AT_ONCE, Expect.ERROR_4XX, what);
    }

    static List<Target> jsonBodyTargets() {
        return targets.stream().filter(Target::jsonBody).collect(Collectors.toList());
    }

    // ------------------------------------------------------------------ kinds

    @Test
    @Order(1)
    void invalidJson() throws Exception {
        Random rnd = new Random(SEED + 1);
        List<Case> cases = new ArrayList<>();
        for (Target t : jsonBodyTargets()) {
            byte[] good = t.body();
            List<byte[]> bodies = new ArrayList<>();
            for (String s : new String[] {"{", "}", "[", "{\"messages\":", "nul", "{\"a\":1,}", "{'a':1}", "{\"a\" 1}", "\"unterminated",
                    "{\"a\":1}{\"b\":2}", "{\"a\":NaN}", "{\"a\":01}", "\u0000", "{\"a\":\"\\uZZZZ\"}"}) {
                bodies.add(bytes(s));
            }
            for (int i = 0; i < 6; i++) bodies.add(java.util.Arrays.copyOf(good, 1 + rnd.nextInt(good.length - 1))); // cut short
            for (int i = 0; i < 4; i++) { // one byte replaced by a structural character
                byte[] b = good.clone();
                b[rnd.nextInt(b.length)] = (byte) "{}[]:,\"".charAt(rnd.nextInt(7));
                bodies.add(b);
            }
            for (int i = 0; i < 2; i++) {
                byte[] b = new byte[1 + rnd.nextInt(200)];
                rnd.nextBytes(b);
                bodies.add(b);
            }
            for (byte[] b : bodies) {
                if (validJsonObject(b)) continue; // a random edit can leave it valid: not this kind's business
                cases.add(error("invalid-json", t, request(t, b, t.contentType(), true), "signed, " + b.length + " bytes"));
            }
            cases.add(error("invalid-json", t, request(t, bytes("{"), t.contentType(), false), "unsigned"));
            for (String s : new String[] {"", "null", "[]", "123", "\"text\"", "true"}) { // JSON, but not an object
                cases.add(error("invalid-json", t, request(t, bytes(s), t.contentType(), true), "signed, not an object: '" + s + "'"));
            }
        }
        Target sts = target("GetCallerIdentity");
        for (String s : new String[] {"Action", "Action=", "=GetCallerIdentity", "Action=GetCallerIdentity&Version=1999-01-01&",
                "Action=%ZZ", "Action=Nope", "&&&", "Version=2011-06-15"}) {
            cases.add(error("invalid-json", sts, request(sts, bytes(s), sts.contentType(), true), "STS form '" + s + "'"));
        }
        run("invalid-json", cases, 4);
    }

    static boolean validJsonObject(byte[] b) {
        try {
            JsonNode n = JSON.readTree(b);
            return n != null && n.isObject();
        } catch (Exception e) {
            return false;
        }
    }

    static Target target(String op) {
        return targets.stream().filter(t -> t.op().equals(op)).findFirst().orElseThrow();
    }

    @Test
    @Order(2)
    void deeplyNestedJson() throws Exception {
        List<Case> cases = new ArrayList<>();
        for (Target t : jsonBodyTargets()) {
            for (int depth : new int[] {1_001, 20_000, 200_000}) {
                cases.add(error("deep-json", t, request(t, bytes("[".repeat(depth) + "]".repeat(depth)), t.contentType(), true), "arrays " + depth));
                cases.add(error("deep-json", t, request(t, bytes("{\"a\":".repeat(depth) + "1" + "}".repeat(depth)), t.contentType(), true),
                        "objects " + depth));
            }
            // deep inside an otherwise valid body, in the first array member and under the first object member
            ObjectNode n = (ObjectNode) tree(new String(t.body(), StandardCharsets.UTF_8));
            String field = n.properties().iterator().next().getKey();
            String deep = "[".repeat(900) + "]".repeat(900);
            String body = new String(t.body(), StandardCharsets.UTF_8).replaceFirst("\"" + field + "\":", "\"" + field + "\":" + deep + ",\"x\":");
            cases.add(error("deep-json", t, request(t, bytes(body), t.contentType(), true), "900 deep under " + field));
            cases.add(error("deep-json", t, request(t, bytes("[".repeat(5000)), t.contentType(), true), "unclosed 5000"));
        }
        run("deep-json", cases, 2);
    }

    @Test
    @Order(3)
    void wrongTypes() throws Exception {
        Random rnd = new Random(SEED + 3);
        List<Case> cases = new ArrayList<>();
        JsonNode[] values = {F.numberNode(7), F.numberNode(-1.5), F.textNode("seven"), F.booleanNode(true),
                F.arrayNode().add(1).add("x"), F.objectNode().put("k", "v"), F.numberNode(new java.math.BigInteger("1" + "0".repeat(40)))};
        for (Target t : jsonBodyTargets()) {
            if (t.service().equals("s3")) continue; // a bucket policy is a document, checked as such under invalid-json
            JsonNode base = tree(new String(t.body(), StandardCharsets.UTF_8));
            for (String path : paths(base, "")) {
                JsonNode current = at(base, path);
                List<JsonNode> others = new ArrayList<>();
                for (JsonNode v : values) if (!sameType(v, current)) others.add(v);
                Collections.shuffle(others, rnd);
                others.removeIf(v -> alsoValid(t, path, v));
                for (JsonNode v : others.subList(0, Math.min(2, others.size()))) {
                    JsonNode copy = base.deepCopy();
                    replace(copy, path, v);
                    if (t.op().equals("CreateInferenceProfile") && !path.equals("/inferenceProfileName")) {
                        ((ObjectNode) copy).put("inferenceProfileName", "fuzz-" + NAMES.incrementAndGet());
                    }
                    cases.add(error("wrong-types", t, request(t, json(copy), t.contentType(), true), path + " = " + v));
                }
            }
        }
        run("wrong-types", cases, 4);
    }

    /** Members that take more than one type: Anthropic's content and system are a string or a list of blocks. */
    static boolean alsoValid(Target t, String path, JsonNode v) {
        boolean claude = t.path().contains("anthropic") && t.op().startsWith("InvokeModel");
        return claude && v.isTextual() && (path.matches("/messages/\\d+/content") || path.equals("/system"));
    }

    static boolean sameType(JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) return a.isIntegralNumber() == b.isIntegralNumber() || !b.isIntegralNumber();
        return a.getNodeType() == b.getNodeType();
    }

    /** JSON Pointer paths of every member and element below the root. */
    static List<String> paths(JsonNode n, String prefix) {
        List<String> out = new ArrayList<>();
        if (n.isObject()) {
            n.properties().forEach(e -> {
                String p = prefix + "/" + e.getKey();
                out.add(p);
                out.addAll(paths(e.getValue(), p));
            });
        } else if (n.isArray()) {
            for (int i = 0; i < n.size(); i++) {
                String p = prefix + "/" + i;
                out.add(p);
                out.addAll(paths(n.get(i), p));
            }
        }
        return out;
    }

    static JsonNode at(JsonNode root, String path) {
        return root.at(path);
    }

    static void replace(JsonNode root, String path, JsonNode value) {
        int slash = path.lastIndexOf('/');
        JsonNode parent = root.at(path.substring(0, slash));
        String last = path.substring(slash + 1);
        if (parent.isObject()) ((ObjectNode) parent).set(last, value);
        else ((ArrayNode) parent).set(Integer.parseInt(last), value);
    }

    @Test
    @Order(4)
    void invalidUtf8() throws Exception {
        byte[][] bad = {{(byte) 0xC3, 0x28}, {(byte) 0xFF}, {(byte) 0xC0, (byte) 0xAF}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
                {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, {(byte) 0xE2, (byte) 0x82}};
        List<Case> cases = new ArrayList<>();
        for (Target t : jsonBodyTargets()) {
            String body = new String(t.body(), StandardCharsets.UTF_8);
            int quote = body.indexOf(":\"") + 2; // inside the first string value
            for (byte[] b : bad) {
                byte[] before = bytes(body.substring(0, quote));
                byte[] after = bytes(body.substring(quote));
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                out.write(before);
                out.write(b);
                out.write(after);
                cases.add(error("invalid-utf8", t, request(t, out.toByteArray(), t.contentType(), true), "body " + hex(b)));
            }
        }
        for (Target t : targets) {
            for (byte[] b : bad) {
                // in the path (raw bytes on the request line) and in a header value; and in a percent-encoded path
                byte[] req = request(t, t.body(), t.contentType(), true);
                cases.add(error("invalid-utf8", t, insertAfter(req, t.method() + " " + t.path(), b), "raw path bytes " + hex(b)));
                cases.add(error("invalid-utf8", t, insertAfter(req, "\r\nx-amz-date: ", b), "x-amz-date bytes " + hex(b)));
                StringBuilder pct = new StringBuilder();
                for (byte x : b) pct.append('%').append(String.format("%02X", x & 0xff));
                Target broken = new Target(t.op(), t.service(), t.signingName(), t.method(), t.path() + pct, t.query(), t.contentType(), t.body());
                cases.add(error("invalid-utf8", t, request(broken, t.body(), t.contentType(), true), "percent-encoded path " + pct));
            }
            Target badPct = new Target(t.op(), t.service(), t.signingName(), t.method(), t.path() + "%ZZ%", t.query(), t.contentType(), t.body());
            cases.add(new Case("invalid-utf8", t, request(badPct, t.body(), t.contentType(), false), RawHttp.Sending.AT_ONCE,
                    Expect.ERROR_4XX_ANY_SHAPE, "bad percent escape"));
        }
        run("invalid-utf8", cases, 4);
    }

    static String hex(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (byte x : b) s.append(String.format("%02X", x & 0xff));
        return s.toString();
    }

    static byte[] insertAfter(byte[] req, String marker, byte[] insert) {
        String text = new String(req, StandardCharsets.ISO_8859_1);
        int at = text.indexOf(marker);
        if (at < 0) throw new IllegalStateException("no " + marker);
        at += marker.length();
        byte[] out = new byte[req.length + insert.length];
        System.arraycopy(req, 0, out, 0, at);
        System.arraycopy(insert, 0, out, at, insert.length);
        System.arraycopy(req, at, out, at + insert.length, req.length - at);
        return out;
    }

    @Test
    @Order(5)
    void contentTypes() throws Exception {
        List<Case> cases = new ArrayList<>();
        String[] wrong = {null, "text/plain", "application/xml", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
                "application/jsonx", "", "\u00e9/\u00e9"};
        for (Target t : jsonBodyTargets()) {
            if (t.service().equals("s3")) continue; // S3 stores any media type
            for (String ct : wrong) {
                cases.add(error("content-type", t, request(t, t.body(), ct, true), "content-type " + ct + " (valid body)"));
                cases.add(error("content-type", t, request(t, bytes("{\"x\":"), ct, true), "content-type " + ct + " (broken body)"));
            }
        }
        Target sts = target("GetCallerIdentity");
        for (String ct : new String[] {null, "application/json", "text/plain"}) {
            cases.add(error("content-type", sts, request(sts, sts.body(), ct, true), "STS content-type " + ct));
        }
        run("content-type", cases, 4);
    }

    @Test
    @Order(6)
    void duplicateAndOversizedHeaders() throws Exception {
        List<Case> cases = new ArrayList<>();
        for (Target t : targets) {
            byte[] body = t.body();
            String len = String.valueOf(body.length);
            cases.add(error("headers", t, request(t, body, t.contentType(), true, "Content-Length: " + (body.length + 1)), "two Content-Lengths"));
            cases.add(error("headers", t, request(t, body, t.contentType(), true, "Content-Length: " + len), "the same Content-Length twice"));
            cases.add(error("headers", t, request(t, body, t.contentType(), true, "Transfer-Encoding: chunked"), "Content-Length and chunked"));
            cases.add(error("headers", t, request(t, body, t.contentType(), true, "Authorization: AWS4-HMAC-SHA256 Credential=x"),
                    "two Authorization headers"));
            cases.add(error("headers", t, request(t, body, t.contentType(), true, "X-Amz-Date: 20000101T000000Z"), "two X-Amz-Dates"));
            cases.add(error("headers", t, request(t, body, t.contentType(), true, "Host: elsewhere.example"), "two Hosts"));
            if (t.contentType() != null) {
                cases.add(error("headers", t, request(t, body, t.contentType(), true, "Content-Type: text/html"), "two Content-Types"));
            }
            cases.add(error("headers", t, request(t, body, t.contentType(), true, "X-Big: " + "a".repeat(70 * 1024)), "one 70 KiB header"));
            String[] many = new String[3000];
            for (int i = 0; i < many.length; i++) many[i] = "X-H" + i + ": " + "v".repeat(20);
            cases.add(error("headers", t, request(t, body, t.contentType(), true, many), "3000 headers"));
            Target longUri = new Target(t.op(), t.service(), t.signingName(), t.method(), t.path(), "q=" + "z".repeat(100 * 1024),
                    t.contentType(), body);
            cases.add(new Case("headers", t, request(longUri, body, t.contentType(), false), RawHttp.Sending.AT_ONCE,
                    Expect.ERROR_4XX_ANY_SHAPE, "100 KiB query"));
            cases.add(error("headers", t, request(t, body, t.contentType(), true, "Bad Header Line"), "header line without colon"));
            cases.add(error("headers", t, request(t, body, t.contentType(), true, " folded: continuation"), "obsolete line folding"));
            cases.add(error("headers", t, request(t, body, t.contentType(), true, "X-Nul: a\u0000b"), "NUL in a header value"));
            // just under the limit: an ordinary answer (unsigned, so the service's 403)
            cases.add(error("headers", t, request(t, body, t.contentType(), false, "X-Fill: " + "f".repeat(60 * 1024)), "one 60 KiB header, unsigned"));
        }
        Target t = target("Converse");
        cases.add(error("headers", t, bytes("POST /model/" + HAIKU + "/converse HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n"), "negative length"));
        cases.add(error("headers", t, bytes("POST /model/" + HAIKU + "/converse HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999\r\n\r\n"),
                "length beyond long"));
        cases.add(error("headers", t, bytes("POST /model/" + HAIKU + "/converse HTTP/1.1\r\nHost: x\r\nContent-Length: ten\r\n\r\n"), "length not a number"));
        cases.add(new Case("headers", t, bytes("POST /model/" + HAIKU + "/converse HTTP/1.7\r\nHost: x\r\n\r\n"), RawHttp.Sending.AT_ONCE,
                Expect.ERROR_4XX_ANY_SHAPE, "HTTP/1.7"));
        cases.add(error("headers", t, bytes("BREW /model/" + HAIKU + "/converse HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"), "unknown method"));
        cases.add(error("headers", t, bytes("POST /model/" + HAIKU + "/converse HTTP/1.1\r\nContent-Length: 0\r\n\r\n"), "no Host"));
        run("headers", cases, 4);
    }

    @Test
    @Order(7)
    void truncatedAndOversizedBodies() throws Exception {
        Random rnd = new Random(SEED + 7);
        List<Case> cases = new ArrayList<>();
        for (Target t : targets) {
            byte[] body = t.body().length > 0 ? t.body() : bytes("{}");
            // Content-Length promises more than arrives, then the client half-closes
            int cut = rnd.nextInt(body.length);
            byte[] full = request(t, body, t.contentType(), true);
            byte[] truncated = java.util.Arrays.copyOf(full, full.length - body.length + cut);
            cases.add(new Case("bodies", t, truncated, new RawHttp.Sending(Integer.MAX_VALUE, 0, true), Expect.ERROR_4XX,
                    "truncated at " + cut + " of " + body.length + ", half-closed"));
            // chunked body that never ends, half-closed
            String head = new String(request(t, new byte[0], t.contentType(), false), StandardCharsets.ISO_8859_1)
                    .replace("content-length: 0\r\n", "transfer-encoding: chunked\r\n");
            cases.add(new Case("bodies", t, bytes(head + "a\r\n{\"x\":1"), new RawHttp.Sending(Integer.MAX_VALUE, 0, true), Expect.ERROR_4XX,
                    "unfinished chunked body, half-closed"));
            cases.add(error("bodies", t, bytes(head + "zz\r\nabc\r\n0\r\n\r\n"), "bad chunk size"));
            // declared beyond the limit (never sent)
            long over = t.service().equals("s3") ? Router.MAX_S3_BODY + 1 : Router.MAX_JSON_BODY + 1;
            String bigHead = new String(request(t, new byte[0], t.contentType(), true), StandardCharsets.ISO_8859_1)
                    .replace("content-length: 0\r\n", "content-length: " + over + "\r\n");
            cases.add(new Case("bodies", t, bytes(bigHead + "{"), new RawHttp.Sending(Integer.MAX_VALUE, 0, true), Expect.ERROR_4XX,
                    "Content-Length " + over + " declared, 1 byte sent"));
        }
        // a chunked JSON body that grows past the limit without declaring a length (sent for real, once)
        Target converse = target("Converse");
        String head = new String(request(converse, new byte[0], converse.contentType(), false), StandardCharsets.ISO_8859_1)
                .replace("content-length: 0\r\n", "transfer-encoding: chunked\r\n");
        ByteArrayOutputStream huge = new ByteArrayOutputStream();
        huge.write(bytes(head));
        byte[] chunk = new byte[1 << 20];
        java.util.Arrays.fill(chunk, (byte) ' ');
        for (long sent = 0; sent <= Router.MAX_JSON_BODY; sent += chunk.length) {
            huge.write(bytes(Integer.toHexString(chunk.length) + "\r\n"));
            huge.write(chunk);
            huge.write(bytes("\r\n"));
        }
        huge.write(bytes("0\r\n\r\n"));
        cases.add(error("bodies", converse, huge.toByteArray(), "chunked body over " + Router.MAX_JSON_BODY + " bytes"));
        run("bodies", cases, 3);
    }

    @Test
    @Order(8)
    void slowSenders() throws Exception {
        List<Case> cases = new ArrayList<>();
        // valid requests trickled in (about 2 s each): they must still succeed
        for (String op : new String[] {"Converse", "ConverseStream", "InvokeModel", "CreateInferenceProfile", "GetCallerIdentity", "PutObject"}) {
            Target t = target(op);
            byte[] req = valid(t);
            int piece = Math.max(1, req.length / 40);
            cases.add(new Case("slow", t, req, new RawHttp.Sending(piece, 50, false), Expect.SUCCESS, "valid, " + piece + " bytes per 50 ms"));
        }
        // malformed ones trickled in get their 4xx
        for (String op : new String[] {"Converse", "InvokeModelWithResponseStream", "TagResource", "PutBucketPolicy"}) {
            Target t = target(op);
            byte[] req = request(t, bytes("{\"broken\":"), t.contentType(), true);
            cases.add(new Case("slow", t, req, new RawHttp.Sending(Math.max(1, req.length / 40), 50, false), Expect.ERROR_4XX, "broken, trickled"));
        }
        run("slow", cases, cases.size());
    }

    @Test
    @Order(9)
    void abruptDisconnects() throws Exception {
        Random rnd = new Random(SEED + 9);
        int n = 0;
        for (Target t : targets) {
            byte[] req = valid(t);
            for (int mode = 0; mode < 4; mode++) {
                try (Socket s = new Socket(lb.endpoint().getHost(), lb.endpoint().getPort())) {
                    OutputStream out = s.getOutputStream();
                    int upTo = switch (mode) {
                        case 0 -> 1 + rnd.nextInt(20);                  // in the request line
                        case 1 -> new String(req, StandardCharsets.ISO_8859_1).indexOf("\r\n\r\n") / 2; // in the headers
                        case 2 -> req.length - Math.max(1, t.body().length / 2); // in the body
                        default -> req.length;                        // all sent, answer never read
                    };
                    out.write(req, 0, Math.max(1, Math.min(upTo, req.length)));
                    out.flush();
                    if (mode % 2 == 1) s.setSoLinger(true, 0); // reset instead of FIN
                    n++;
                }
            }
        }
        // a stream whose reader goes away after the first bytes
        for (String op : new String[] {"ConverseStream", "InvokeModelWithResponseStream"}) {
            Target t = target(op);
            for (int i = 0; i < 5; i++) {
                try (Socket s = new Socket(lb.endpoint().getHost(), lb.endpoint().getPort())) {
                    s.setSoTimeout(TIMEOUT_MS);
                    s.getOutputStream().write(valid(t));
                    s.getInputStream().read(new byte[64]);
                    s.setSoLinger(true, 0);
                    n++;
                }
            }
        }
        int cases = n;
        assertAnswersNormally("after " + cases + " abrupt disconnects");
        String tally = cases + " cases, " + cases + " held (endpoint answered normally afterwards)";
        SUMMARY.put("disconnects", tally);
        System.out.println("fuzz disconnects: " + tally);
        assertQuietStderr();
    }

    @Test
    @Order(10)
    void aThousandConnectionsOpenedAndDropped() throws Exception {
        Random rnd = new Random(SEED + 10);
        List<Socket> open = new ArrayList<>();
        int total = 1000;
        try {
            for (int i = 0; i < total; i++) {
                Socket s = new Socket(lb.endpoint().getHost(), lb.endpoint().getPort());
                open.add(s);
                int what = rnd.nextInt(3);
                if (what == 1) s.getOutputStream().write(bytes("POST /model/" + HAIKU + "/conv"));
                if (what == 2) s.getOutputStream().write(bytes("GET / HTTP/1.1\r\nHost: x\r\nX-A: "));
                if (open.size() == 100) { // a hundred at a time, then dropped (half reset)
                    for (int j = 0; j < open.size(); j++) {
                        if (j % 2 == 0) open.get(j).setSoLinger(true, 0);
                        open.get(j).close();
                    }
                    open.clear();
                }
            }
        } finally {
            for (Socket s : open) s.close();
        }
        assertAnswersNormally("after " + total + " connections opened and dropped");
        SUMMARY.put("connections", total + " opened and dropped, endpoint answered normally afterwards");
        System.out.println("fuzz connections: " + total + " opened and dropped");
        assertQuietStderr();
    }

    /** Every operation still answers its valid request. */
    static void assertAnswersNormally(String when) throws Exception {
        for (Target t : targets) {
            RawHttp.Response r = send(t);
            assertTrue(r != null && r.status() >= 200 && r.status() < 300, () -> when + ": " + t.op() + " got " + (r == null ? "no answer" : r.status()));
        }
    }

    @Test
    @Order(11)
    void aNormalConverseSucceedsAfterwards() throws Exception {
        try (BedrockRuntimeClient sync = EndpointRuntimeTest.syncClient(lb)) {
            String text = sync.converse(b -> b.modelId("global.anthropic.claude-haiku-4-5-20251001-v1:0")
                    .messages(EndpointRuntimeTest.user("after the fuzz"))).output().message().content().get(0).text();
            assertTrue(text.contains("after the fuzz"), text);
        }
        assertQuietStderr();
    }

    /** Copies what the endpoint writes to stderr into a buffer the tests inspect. */
    static final class TeeStream extends OutputStream {
        private final OutputStream a;
        private final ByteArrayOutputStream b;

        TeeStream(OutputStream a, ByteArrayOutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public synchronized void write(int x) throws java.io.IOException {
            a.write(x);
            b.write(x);
        }

        @Override
        public synchronized void write(byte[] buf, int off, int len) throws java.io.IOException {
            a.write(buf, off, len);
            b.write(buf, off, len);
        }
    }
}
