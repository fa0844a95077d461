import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP request and its answer, independent of the HTTP server library. The server adapter
 * fills the request side; a service handler fills the response side (or opens a stream).
 */
final class Exchange {
    /** Opens the response for streaming (event streams); supplied by the server adapter. */
    interface StreamOpener {
        OutputStream open(int status, Map<String, String> headers) throws IOException;
    }

    // ---- request ----
    final String method;
    /** Path exactly as received, still percent-encoded (never decoded before routing). */
    final String rawPath;
    /** Query string as received, without '?', or "" when none. */
    final String rawQuery;
    /** Request headers, names lower-cased; multiple values joined with ",". */
    final Map<String, String> headers;
    final byte[] body;
    /** "http/1.1" or "h2c" (HTTP/2 cleartext). */
    final String protocol;
    private final StreamOpener streamOpener;

    // ---- routing / log facts, filled in as the request is handled ----
    String service;      // "bedrock-runtime", "bedrock", "s3", "sts" or "unknown"
    String operation;    // e.g. "Converse", "CreateInferenceProfile", "PutObject"
    String modelId;      // decoded model id / ARN for runtime calls
    String accessKeyId;  // from the Authorization header, when present
    String signature;    // "valid", "missing", "invalid: <why>"
    final String requestId = randomRequestId();
    /** Set by a stream writer: end the streamed answer abruptly (no final frames). */
    volatile boolean abortStream;
    /** Error code of an in-stream exception frame that was sent, for the request log. */
    volatile String streamError;

    // ---- response (non-streaming) ----
    int status = 200;
    final Map<String, String> responseHeaders = new LinkedHashMap<>();
    byte[] responseBody = new byte[0];
    private boolean streamed;

    Exchange(String method, String rawPath, String rawQuery, Map<String, String> headers, byte[] body,
             String protocol, StreamOpener streamOpener) {
        this.method = method;
        this.rawPath = rawPath;
        this.rawQuery = rawQuery == null ? "" : rawQuery;
        this.headers = headers;
        this.body = body;
        this.protocol = protocol;
        this.streamOpener = streamOpener;
    }

    /**
     * A random (version 4) UUID, like AWS request ids. Drawn from ThreadLocalRandom, not from
     * UUID.randomUUID(): its SecureRandom is one lock every request thread queues on, and a request
     * id is no secret.
     */
    static String randomRequestId() {
        java.util.concurrent.ThreadLocalRandom r = java.util.concurrent.ThreadLocalRandom.current();
        long msb = (r.nextLong() & ~0xF000L) | 0x4000L;                       // version 4
        long lsb = (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L; // IETF variant
        return new java.util.UUID(msb, lsb).toString();
    }

    /** Case-insensitive request header, or null. */
    String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    /** Decoded query parameters in order; a bare key ("?policy") maps to "". */
    Map<String, List<String>> query() {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (rawQuery.isEmpty()) return out;
        for (String part : rawQuery.split("&")) {
            if (part.isEmpty()) continue;
            int eq = part.indexOf('=');
            String k = decode(eq < 0 ? part : part.substring(0, eq));
            String v = eq < 0 ? "" : decode(part.substring(eq + 1));
            out.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
        }
        return out;
    }

    String queryParam(String name) {
        List<String> v = query().get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    void respond(int status, String contentType, byte[] body) {
        this.status = status;
        if (contentType != null) responseHeaders.put("Content-Type", contentType);
        this.responseBody = body == null ? new byte[0] : body;
    }

    /** Starts a streamed answer; the handler writes frames and closes the stream when done. */
    OutputStream startStream(int status, Map<String, String> headers) throws IOException {
        this.status = status;
        this.responseHeaders.putAll(headers);
        this.streamed = true;
        return streamOpener.open(status, responseHeaders);
    }

    boolean streamed() {
        return streamed;
    }

    // ---- stalled streams (fault stream-stall-after) ----
    /** Set by a stream writer: the stream stops here but stays open until {@link #release()}. */
    volatile boolean stalled;
    private final List<Runnable> onRelease = new ArrayList<>();
    private boolean released;

    /** Runs action when a stalled stream is released (at once if it already was). */
    void onRelease(Runnable action) {
        synchronized (onRelease) {
            if (!released) {
                onRelease.add(action);
                return;
            }
        }
        action.run();
    }

    /** Ends a stall (the client went away, or the endpoint closes); runs the release actions once. */
    void release() {
        List<Runnable> actions;
        synchronized (onRelease) {
            if (released) return;
            released = true;
            actions = new ArrayList<>(onRelease);
        }
        actions.forEach(Runnable::run);
    }
}
