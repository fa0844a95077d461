import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Every request the endpoint answered (runtime, control plane, S3, STS; failures included), in
 * arrival order (the last {@value #MAX_ENTRIES} in memory). Local-only; optionally mirrored to a
 * JSON Lines file as requests happen. Headers are not logged, and bodies and notes pass through
 * {@link Redact}: no Authorization value, session token or API key reaches the log.
 */
final class RequestLog {
    static final int BODY_CAP = 1 << 20;
    /** Entries kept in memory (oldest dropped first) so a long-running endpoint does not grow forever. */
    static final int MAX_ENTRIES = 20_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One request. {@code body} is UTF-8 text, or base64 when binary; capped at 1 MiB.
     * {@code errorCode} is the error answered (or sent as an in-stream exception frame), null when
     * OK; two local-only codes mark streams that ended early: {@code LocalStreamCut} (cut fault)
     * and {@code LocalClientDisconnected}.
     */
    record Entry(Instant time, String protocol, String method, String rawPath, String service,
                 String operation, String modelId, int status, String errorCode, String signature,
                 String accessKeyId, String body) {
        /** The body parsed as JSON, or null when it is not JSON. */
        JsonNode bodyJson() {
            if (body == null || body.isEmpty()) return null;
            char c = body.charAt(0);
            if (c != '{' && c != '[') return null;
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                return null;
            }
        }

        ObjectNode toJson() {
            ObjectNode n = JSON.createObjectNode();
            n.put("time", time.toString());
            n.put("protocol", protocol);
            n.put("method", method);
            n.put("rawPath", rawPath);
            n.put("service", service);
            n.put("operation", operation);
            n.put("modelId", modelId);
            n.put("status", status);
            n.put("errorCode", errorCode);
            n.put("signature", signature);
            n.put("accessKeyId", accessKeyId);
            n.put("body", body);
            return n;
        }
    }

    /**
     * Oldest first. Lock-free, so request threads do not queue behind each other to log; with a
     * mirror file, adding and writing the line happen under one lock so both keep the same order.
     */
    private final ConcurrentLinkedDeque<Entry> entries = new ConcurrentLinkedDeque<>();
    private final AtomicInteger size = new AtomicInteger();
    private final Path mirror;

    RequestLog(Path mirrorOrNull) {
        this.mirror = mirrorOrNull;
    }

    void add(Exchange ex, String errorCode) {
        // No header is logged; whatever could still carry a secret (a body, a signature note) is redacted.
        Entry e = new Entry(Instant.now(), ex.protocol, ex.method, ex.rawPath, ex.service, ex.operation,
                ex.modelId, ex.status, errorCode, Redact.text(ex.signature), ex.accessKeyId, Redact.text(bodyText(ex.body)));
        if (mirror == null) {
            append(e);
            return;
        }
        synchronized (this) {
            append(e);
            try {
                Files.writeString(mirror, JSON.writeValueAsString(e.toJson()) + "\n", StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            } catch (IOException ignored) {
                // the mirror file is a convenience; never fail a request because of it
            }
        }
    }

    private void append(Entry e) {
        entries.addLast(e);
        if (size.incrementAndGet() > MAX_ENTRIES && entries.pollFirst() != null) size.decrementAndGet();
    }

    List<Entry> entries() {
        return List.copyOf(entries);
    }

    void clear() {
        for (Entry e; (e = entries.pollFirst()) != null; ) size.decrementAndGet();
    }

    synchronized void writeJsonLines(Path file) throws IOException {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (Entry e : entries) {
                w.write(JSON.writeValueAsString(e.toJson()));
                w.write('\n');
            }
        }
    }

    static String bodyText(byte[] body) {
        if (body == null || body.length == 0) return "";
        int n = Math.min(body.length, BODY_CAP);
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body, 0, n)).toString();
        } catch (CharacterCodingException e) {
            if (n == BODY_CAP) { // the cap may have cut a multi-byte character: retry a few bytes shorter
                for (int k = 1; k <= 3; k++) {
                    try {
                        return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(body, 0, n - k)).toString();
                    } catch (CharacterCodingException ignored) {
                        // keep trying
                    }
                }
            }
            return Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(body, Math.min(body.length, BODY_CAP / 4 * 3)));
        }
    }
}
