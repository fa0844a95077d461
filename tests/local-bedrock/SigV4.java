import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * Checks AWS Signature Version 4 on every request, the way the services do (wire doc §9).
 *
 * <p>The signature is recomputed with the SDK's own signer ({@link AwsV4HttpSigner}) over a request
 * rebuilt from what arrived: raw path, raw query, only the headers named in SignedHeaders, and a
 * signing clock fixed at the request's X-Amz-Date. Two cases the SDK signer cannot reproduce are
 * computed by hand with the same published algorithm (see {@link #handSignature}):
 * <ul>
 *   <li>aws-chunked uploads ({@code x-amz-content-sha256: STREAMING-…}): the signer would re-chunk the
 *       body itself instead of signing the literal payload-hash string, so the seed signature is built
 *       by hand; every chunk signature and the trailer signature are then chained from it;</li>
 *   <li>a client that signed the HTTP/2 pseudo-header {@code :authority} (the signer only knows
 *       {@code host}).</li>
 * </ul>
 * {@code UNSIGNED-PAYLOAD} is reproduced with the SDK signer by describing the rebuilt request as
 * https (over http the signer insists on hashing the payload); the protocol is not part of the
 * signature, only the payload-hash string is.
 */
final class SigV4 {
    static final Duration MAX_SKEW = Duration.ofMinutes(15);
    private static final DateTimeFormatter AMZ_DATE =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final String STREAMING_PREFIX = "STREAMING-";
    private static final String EMPTY_SHA256 = hex(sha256(new byte[0]));
    /** The SDK's signer holds no per-request state: one instance serves every request thread. */
    private static final AwsV4HttpSigner SIGNER = AwsV4HttpSigner.create();

    private final Map<String, String> secretByAccessKey;
    /** The Bedrock API keys accepted as bearer tokens (default: only {@link BearerAuth#DEFAULT_KEY}). */
    volatile BearerAuth bearer = new BearerAuth(List.of());
    /** The server's clock (tests may replace it). */
    volatile Clock clock = Clock.systemUTC();

    SigV4(Map<String, String> secretByAccessKey) {
        this.secretByAccessKey = Map.copyOf(secretByAccessKey);
    }

    /** The parsed {@code Authorization: AWS4-HMAC-SHA256 …} header. */
    record Auth(String accessKeyId, String date, String region, String service, List<String> signedHeaders,
                String signature) {
        String scope() {
            return date + "/" + region + "/" + service + "/aws4_request";
        }
    }

    /**
     * Checks the request; sets ex.accessKeyId and ex.signature ("valid" | "missing" | "invalid: why");
     * throws ApiError in the service's own shape when the request must be refused.
     */
    void verify(Exchange ex) {
        String authorization = ex.header("authorization");
        if (authorization == null || authorization.isBlank()) {
            ex.signature = "missing";
            throw missing(ex.service);
        }
        authorization = authorization.trim();
        if (authorization.regionMatches(true, 0, "Bearer ", 0, 7) && BearerAuth.appliesTo(ex.service)) {
            // Bedrock API keys (env AWS_BEARER_TOKEN_BEDROCK): the SDK sends no SigV4 at all; only
            // configured keys pass (BearerAuth).
            if (authorization.substring(7).isBlank()) {
                ex.signature = "missing";
                throw missing(ex.service);
            }
            bearer.verify(ex, authorization.substring(7));
            return;
        }
        Auth auth;
        try {
            auth = parse(authorization);
        } catch (IllegalArgumentException e) {
            ex.signature = "invalid: " + e.getMessage();
            throw incomplete(ex.service, e.getMessage());
        }
        ex.accessKeyId = auth.accessKeyId();
        String secret = secretByAccessKey.get(auth.accessKeyId());
        if (secret == null) {
            ex.signature = "invalid: unknown access key " + auth.accessKeyId();
            throw unknownKey(ex.service, auth.accessKeyId());
        }
        String amzDate = ex.header("x-amz-date");
        Instant signedAt;
        try {
            if (amzDate == null) throw new DateTimeParseException("missing", "", 0);
            signedAt = Instant.from(AMZ_DATE.parse(amzDate.trim()));
        } catch (DateTimeParseException e) {
            ex.signature = "invalid: no valid X-Amz-Date";
            throw incomplete(ex.service, "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
        }
        if (!auth.date().equals(amzDate.trim().substring(0, 8))) {
            ex.signature = "invalid: credential date " + auth.date() + " does not match X-Amz-Date";
            throw badSignature(ex.service, "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '"
                    + auth.date() + "' != '" + amzDate.trim().substring(0, 8) + "', from '" + amzDate.trim() + "'.");
        }
        Instant now = clock.instant();
        if (Duration.between(signedAt, now).abs().compareTo(MAX_SKEW) > 0) {
            ex.signature = "invalid: X-Amz-Date " + amzDate.trim() + " is more than 15 minutes from the server clock";
            throw stale(ex.service, amzDate.trim(), now, signedAt.isBefore(now));
        }
        String expectedService = "s3".equals(ex.service) ? "s3" : "sts".equals(ex.service) ? "sts" : "bedrock";
        String expected;
        try {
            expected = expectedSignature(ex, auth, secret, signedAt);
        } catch (RuntimeException e) {
            ex.signature = "invalid: cannot recompute (" + e.getMessage() + ")";
            throw badSignature(ex.service, null);
        }
        if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                auth.signature().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII))) {
            ex.signature = "invalid: signature mismatch";
            throw badSignature(ex.service, null);
        }
        if (!expectedService.equals(auth.service())) {
            ex.signature = "invalid: credential scoped to service '" + auth.service() + "'";
            throw badSignature(ex.service, "Credential should be scoped to correct service: '" + expectedService + "'. ");
        }
        String payloadHash = ex.header("x-amz-content-sha256");
        if (payloadHash != null && payloadHash.startsWith(STREAMING_PREFIX)
                && payloadHash.startsWith("STREAMING-AWS4-HMAC-SHA256-PAYLOAD")) {
            String why = verifyChunks(ex, auth, secret, amzDate.trim(), expected);
            if (why != null) {
                ex.signature = "invalid: " + why;
                throw badSignature(ex.service, null);
            }
        }
        ex.signature = "valid";
    }

    // ------------------------------------------------------------------ parsing

    static Auth parse(String authorization) {
        String prefix = "AWS4-HMAC-SHA256";
        if (!authorization.startsWith(prefix + " ")) {
            throw new IllegalArgumentException("Authorization header is not AWS4-HMAC-SHA256");
        }
        Map<String, String> parts = new LinkedHashMap<>();
        for (String p : authorization.substring(prefix.length()).split(",")) {
            String t = p.trim();
            int eq = t.indexOf('=');
            if (eq > 0) parts.put(t.substring(0, eq).trim(), t.substring(eq + 1).trim());
        }
        String credential = parts.get("Credential");
        String signedHeaders = parts.get("SignedHeaders");
        String signature = parts.get("Signature");
        if (credential == null || signedHeaders == null || signature == null) {
            throw new IllegalArgumentException("Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters");
        }
        String[] c = credential.split("/");
        if (c.length != 5 || !"aws4_request".equals(c[4])) {
            throw new IllegalArgumentException("Credential should be akid/yyyymmdd/region/service/aws4_request");
        }
        return new Auth(c[0], c[1], c[2], c[3], List.of(signedHeaders.split(";")), signature);
    }

    /** The region of the request's credential scope, or null when the request carries none. */
    static String scopeRegion(Exchange ex) {
        String authorization = ex.header("authorization");
        if (authorization == null) return null;
        try {
            return parse(authorization.trim()).region();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    // ------------------------------------------------------------------ signature

    private String expectedSignature(Exchange ex, Auth auth, String secret, Instant signedAt) {
        String payloadHash = ex.header("x-amz-content-sha256");
        boolean streaming = payloadHash != null && payloadHash.startsWith(STREAMING_PREFIX);
        if (streaming || auth.signedHeaders().contains(":authority")) {
            return handSignature(ex, auth, secret);
        }
        boolean s3 = "s3".equals(ex.service);
        boolean unsigned = "UNSIGNED-PAYLOAD".equals(payloadHash);
        String[] hostPort = hostAndPort(ex.header("host"));
        SdkHttpRequest.Builder rb = SdkHttpRequest.builder()
                .method(SdkHttpMethod.fromValue(ex.method))
                // The protocol only steers the signer's payload hashing: https + payload signing off
                // yields "UNSIGNED-PAYLOAD"; it is not itself signed.
                .protocol(unsigned ? "https" : "http")
                .host(hostPort[0])
                .encodedPath(ex.rawPath.isEmpty() ? "/" : ex.rawPath);
        if (hostPort[1] != null) rb.port(Integer.parseInt(hostPort[1]));
        for (Map.Entry<String, List<String>> q : ex.query().entrySet()) {
            for (String v : q.getValue()) rb.appendRawQueryParameter(q.getKey(), v);
        }
        for (String name : auth.signedHeaders()) {
            if (name.equals("host") || name.equals("x-amz-date")) continue;
            String value = ex.header(name);
            if (value != null) rb.appendHeader(name, value);
        }
        SdkHttpRequest request = rb.build();
        byte[] body = ex.body == null ? new byte[0] : ex.body;
        SignedRequest signed = SIGNER.sign(r -> r
                .identity(AwsCredentialsIdentity.create(auth.accessKeyId(), secret))
                .request(request)
                .payload(ContentStreamProvider.fromByteArrayUnsafe(body))
                .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, auth.service())
                .putProperty(AwsV4HttpSigner.REGION_NAME, auth.region())
                .putProperty(AwsV4FamilyHttpSigner.DOUBLE_URL_ENCODE, !s3)
                .putProperty(AwsV4FamilyHttpSigner.NORMALIZE_PATH, !s3)
                .putProperty(AwsV4FamilyHttpSigner.PAYLOAD_SIGNING_ENABLED, !unsigned)
                .putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(signedAt, ZoneOffset.UTC)));
        String header = signed.request().firstMatchingHeader("Authorization").orElse("");
        int at = header.indexOf("Signature=");
        return at < 0 ? "" : header.substring(at + "Signature=".length()).trim();
    }

    /**
     * The SigV4 steps by hand (wire doc §9 steps 2–8), for what the SDK signer cannot rebuild.
     * Path handling follows the service: S3 signs the raw path, everything else the raw path encoded again.
     */
    private static String handSignature(Exchange ex, Auth auth, String secret) {
        boolean s3 = "s3".equals(ex.service);
        String path = ex.rawPath.isEmpty() ? "/" : ex.rawPath;
        String uri = s3 ? path : encode(path, false);
        List<String[]> params = new ArrayList<>();
        for (Map.Entry<String, List<String>> q : ex.query().entrySet()) {
            for (String v : q.getValue()) params.add(new String[] {encode(q.getKey(), true), encode(v, true)});
        }
        params.sort((a, b) -> a[0].equals(b[0]) ? a[1].compareTo(b[1]) : a[0].compareTo(b[0]));
        StringBuilder query = new StringBuilder();
        for (String[] p : params) {
            if (query.length() > 0) query.append('&');
            query.append(p[0]).append('=').append(p[1]);
        }
        TreeMap<String, String> headers = new TreeMap<>();
        for (String name : auth.signedHeaders()) {
            String value = name.equals(":authority") ? ex.header("host") : ex.header(name);
            if (value == null && name.equals("host")) value = ex.header(":authority");
            headers.put(name, value == null ? "" : value.trim().replaceAll("\\s+", " "));
        }
        StringBuilder canonicalHeaders = new StringBuilder();
        for (Map.Entry<String, String> h : headers.entrySet()) {
            canonicalHeaders.append(h.getKey()).append(':').append(h.getValue()).append('\n');
        }
        String payloadHash = ex.header("x-amz-content-sha256");
        if (payloadHash == null) payloadHash = hex(sha256(ex.body == null ? new byte[0] : ex.body));
        String canonical = ex.method + "\n" + uri + "\n" + query + "\n" + canonicalHeaders + "\n"
                + String.join(";", auth.signedHeaders()) + "\n" + payloadHash;
        String stringToSign = "AWS4-HMAC-SHA256\n" + ex.header("x-amz-date").trim() + "\n" + auth.scope() + "\n"
                + hex(sha256(canonical.getBytes(StandardCharsets.UTF_8)));
        return hex(hmac(signingKey(secret, auth), stringToSign));
    }

    // ------------------------------------------------------------------ aws-chunked

    /** One decoded aws-chunked body: the data, each chunk's signature (may be null) and the trailers. */
    record Chunked(byte[] data, List<byte[]> chunks, List<String> chunkSignatures, Map<String, String> trailers,
                   String trailerSignature) {}

    /**
     * Decodes an aws-chunked body ({@code size[;chunk-signature=hex]\r\n data \r\n … 0…\r\n trailers \r\n}).
     * Throws IllegalArgumentException when the framing is broken.
     */
    static Chunked decodeAwsChunked(byte[] body) {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        List<byte[]> chunks = new ArrayList<>();
        List<String> sigs = new ArrayList<>();
        int pos = 0;
        while (true) {
            int eol = indexOfCrlf(body, pos);
            if (eol < 0) throw new IllegalArgumentException("chunk header without CRLF");
            String line = new String(body, pos, eol - pos, StandardCharsets.US_ASCII);
            pos = eol + 2;
            String[] ext = line.split(";");
            int size;
            try {
                size = Integer.parseInt(ext[0].trim(), 16);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad chunk size '" + ext[0] + "'");
            }
            String sig = null;
            for (int i = 1; i < ext.length; i++) {
                String e = ext[i].trim();
                if (e.startsWith("chunk-signature=")) sig = e.substring("chunk-signature=".length());
            }
            if (size < 0 || pos + size > body.length) throw new IllegalArgumentException("chunk longer than the body");
            byte[] chunk = java.util.Arrays.copyOfRange(body, pos, pos + size);
            chunks.add(chunk);
            sigs.add(sig);
            data.write(chunk, 0, size);
            pos += size;
            if (size == 0) break;
            if (pos + 2 > body.length || body[pos] != '\r' || body[pos + 1] != '\n') {
                throw new IllegalArgumentException("chunk data not followed by CRLF");
            }
            pos += 2;
        }
        Map<String, String> trailers = new LinkedHashMap<>();
        String trailerSignature = null;
        while (pos < body.length) {
            int eol = indexOfCrlf(body, pos);
            if (eol < 0) eol = body.length;
            String line = new String(body, pos, eol - pos, StandardCharsets.UTF_8);
            pos = Math.min(body.length, eol + 2);
            if (line.isEmpty()) continue;
            int colon = line.indexOf(':');
            if (colon < 0) throw new IllegalArgumentException("bad trailer line");
            String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).trim();
            if (name.equals("x-amz-trailer-signature")) trailerSignature = value;
            else trailers.put(name, value);
        }
        return new Chunked(data.toByteArray(), chunks, sigs, trailers, trailerSignature);
    }

    /** Base64 CRC32 of data, as in x-amz-checksum-crc32. */
    static String crc32Base64(byte[] data) {
        CRC32 crc = new CRC32();
        crc.update(data);
        long v = crc.getValue();
        byte[] b = {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
        return Base64.getEncoder().encodeToString(b);
    }

    /** Verifies the chain of chunk signatures and the trailer signature; returns why not, or null. */
    private static String verifyChunks(Exchange ex, Auth auth, String secret, String amzDate, String seed) {
        Chunked c;
        try {
            c = decodeAwsChunked(ex.body == null ? new byte[0] : ex.body);
        } catch (IllegalArgumentException e) {
            return "aws-chunked body: " + e.getMessage();
        }
        byte[] key = signingKey(secret, auth);
        String previous = seed;
        for (int i = 0; i < c.chunks().size(); i++) {
            String sig = c.chunkSignatures().get(i);
            if (sig == null) return "chunk " + i + " has no chunk-signature";
            String sts = "AWS4-HMAC-SHA256-PAYLOAD\n" + amzDate + "\n" + auth.scope() + "\n" + previous + "\n"
                    + EMPTY_SHA256 + "\n" + hex(sha256(c.chunks().get(i)));
            String expected = hex(hmac(key, sts));
            if (!expected.equalsIgnoreCase(sig)) return "chunk " + i + " signature mismatch";
            previous = expected;
        }
        if (!c.trailers().isEmpty() || c.trailerSignature() != null) {
            if (c.trailerSignature() == null) return "trailer without x-amz-trailer-signature";
            StringBuilder canonical = new StringBuilder();
            for (Map.Entry<String, String> t : c.trailers().entrySet()) {
                canonical.append(t.getKey()).append(':').append(t.getValue()).append('\n');
            }
            String sts = "AWS4-HMAC-SHA256-TRAILER\n" + amzDate + "\n" + auth.scope() + "\n" + previous + "\n"
                    + hex(sha256(canonical.toString().getBytes(StandardCharsets.UTF_8)));
            if (!hex(hmac(key, sts)).equalsIgnoreCase(c.trailerSignature())) return "trailer signature mismatch";
        }
        return null;
    }

    // ------------------------------------------------------------------ errors (per service)

    private static boolean json(String service) {
        return !"s3".equals(service) && !"sts".equals(service);
    }

    static ApiError missing(String service) {
        if ("s3".equals(service)) return new ApiError(403, "AccessDenied", "Access Denied");
        if ("sts".equals(service)) {
            return new ApiError(403, "MissingAuthenticationToken", "Request is missing Authentication Token");
        }
        return new ApiError(403, "MissingAuthenticationTokenException", "Missing Authentication Token");
    }

    static ApiError unknownKey(String service, String accessKeyId) {
        if ("s3".equals(service)) {
            return new ApiError(403, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.")
                    .with("AWSAccessKeyId", accessKeyId);
        }
        if ("sts".equals(service)) {
            return new ApiError(403, "InvalidClientTokenId", "The security token included in the request is invalid.");
        }
        return new ApiError(403, "UnrecognizedClientException", "The security token included in the request is invalid.");
    }

    static ApiError badSignature(String service, String message) {
        if ("s3".equals(service)) {
            return new ApiError(403, "SignatureDoesNotMatch", message != null ? message
                    : "The request signature we calculated does not match the signature you provided. Check your key and signing method.");
        }
        String text = message != null ? message
                : "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";
        return new ApiError(403, "sts".equals(service) ? "SignatureDoesNotMatch" : "InvalidSignatureException", text);
    }

    static ApiError incomplete(String service, String message) {
        if ("s3".equals(service)) return new ApiError(400, "AuthorizationHeaderMalformed", message);
        if ("sts".equals(service)) return new ApiError(400, "IncompleteSignature", message);
        return new ApiError(400, "IncompleteSignatureException", message);
    }

    static ApiError stale(String service, String amzDate, Instant now, boolean past) {
        if ("s3".equals(service)) {
            return new ApiError(403, "RequestTimeTooSkewed", "The difference between the request time and the current time is too large.")
                    .with("RequestTime", amzDate)
                    .with("ServerTime", DateTimeFormatter.ISO_INSTANT.format(now.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)))
                    .with("MaxAllowedSkewMilliseconds", String.valueOf(MAX_SKEW.toMillis()));
        }
        String message = past
                ? "Signature expired: " + amzDate + " is now earlier than " + AMZ_DATE.format(now.minus(MAX_SKEW))
                        + " (" + AMZ_DATE.format(now) + " - 15 min.)"
                : "Signature not yet current: " + amzDate + " is still later than " + AMZ_DATE.format(now.plus(MAX_SKEW))
                        + " (" + AMZ_DATE.format(now) + " + 15 min.)";
        return new ApiError(403, json(service) ? "InvalidSignatureException" : "SignatureDoesNotMatch", message);
    }

    // ------------------------------------------------------------------ helpers

    private static String[] hostAndPort(String host) {
        if (host == null || host.isEmpty()) return new String[] {"localhost", null};
        host = host.trim();
        int close = host.lastIndexOf(']');
        int colon = host.lastIndexOf(':');
        if (colon > close && colon > 0) return new String[] {host.substring(0, colon), host.substring(colon + 1)};
        return new String[] {host, null};
    }

    private static int indexOfCrlf(byte[] b, int from) {
        for (int i = from; i + 1 < b.length; i++) {
            if (b[i] == '\r' && b[i + 1] == '\n') return i;
        }
        return -1;
    }

    /** RFC 3986 encoding of every byte outside the unreserved set; '/' kept unless encodeSlash. */
    static String encode(String s, boolean encodeSlash) {
        StringBuilder out = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_' || c == '.' || c == '~' || (c == '/' && !encodeSlash)) {
                out.append(c);
            } else {
                out.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return out.toString();
    }

    private static byte[] signingKey(String secret, Auth auth) {
        byte[] k = hmac(("AWS4" + secret).getBytes(StandardCharsets.UTF_8), auth.date());
        k = hmac(k, auth.region());
        k = hmac(k, auth.service());
        return hmac(k, "aws4_request");
    }

    static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
