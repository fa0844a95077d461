import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.eventstream.HeaderValue;
import software.amazon.awssdk.eventstream.Message;

/**
 * AWS event-stream frames ({@code application/vnd.amazon.eventstream}, wire doc §2) as Bedrock
 * sends them, and a writer that sends them one by one (flushed) while honouring stream faults.
 */
final class EventStreams {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PAD = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    /** An event frame: {@code :event-type}, {@code :content-type}, {@code :message-type: event}. */
    static byte[] event(String eventType, byte[] json) {
        Map<String, HeaderValue> h = new LinkedHashMap<>();
        h.put(":event-type", HeaderValue.fromString(eventType));
        h.put(":content-type", HeaderValue.fromString("application/json"));
        h.put(":message-type", HeaderValue.fromString("event"));
        return bytes(new Message(h, json));
    }

    /** A modeled exception frame; the type is the lowerCamel union member name (wire doc §2.5). */
    static byte[] exception(String lowerCamelType, byte[] json) {
        Map<String, HeaderValue> h = new LinkedHashMap<>();
        h.put(":exception-type", HeaderValue.fromString(lowerCamelType));
        h.put(":content-type", HeaderValue.fromString("application/json"));
        h.put(":message-type", HeaderValue.fromString("exception"));
        return bytes(new Message(h, json));
    }

    private static byte[] bytes(Message m) {
        java.nio.ByteBuffer b = m.toByteBuffer();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    /** The {@code "p"} padding string real Bedrock adds to events (variable length). */
    static String pad(int seed) {
        return PAD.substring(0, 1 + Math.floorMod(seed * 7, PAD.length()));
    }

    /** InvokeModelWithResponseStream chunk payload {@code {"bytes":"<b64>","p":"…"}}. */
    static ObjectNode chunk(JsonNode nativeChunk, int seq) {
        ObjectNode n = JSON.createObjectNode();
        try {
            n.put("bytes", Base64.getEncoder().encodeToString(JSON.writeValueAsBytes(nativeChunk)));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        n.put("p", pad(seq));
        return n;
    }

    /** Thrown by the writer when a fault ended the stream early; the handler just stops. */
    static final class Stopped extends RuntimeException {
        Stopped() {
            super(null, null, false, false);
        }
    }

    /** Writes events in order, flushing each, applying delay / cut / in-stream exception faults. */
    static final class Writer implements AutoCloseable {
        private final OutputStream out;
        private final Faults.StreamPlan plan;
        private final Exchange ex;
        private int written;

        Writer(OutputStream out, Faults.StreamPlan plan, Exchange ex) {
            this.out = out;
            this.plan = plan;
            this.ex = ex;
        }

        int written() {
            return written;
        }

        void event(String eventType, JsonNode payload) throws IOException {
            if (plan.stallAfter() >= 0 && written >= plan.stallAfter()) {
                // stop here without ending the stream: the server adapter keeps it open, off this thread,
                // until the client goes away or the endpoint closes
                ex.stalled = true;
                ex.abortStream = true;
                ex.streamError = "LocalStreamStalled"; // local-only marker for the request log
                throw new Stopped();
            }
            if (plan.cutAfter() >= 0 && written >= plan.cutAfter()) {
                ex.abortStream = true; // the server adapter resets the stream / closes the connection
                ex.streamError = "LocalStreamCut"; // local-only marker for the request log
                throw new Stopped();
            }
            if (plan.exceptionType() != null && written >= plan.exceptionAfter()) {
                ApiError e = Faults.modeled(upperCamel(plan.exceptionType()));
                ObjectNode body = JSON.createObjectNode().put("message", e.getMessage());
                e.extra.forEach((k, v) -> body.putPOJO(k, v));
                out.write(exception(plan.exceptionType(), JSON.writeValueAsBytes(body)));
                out.flush();
                ex.streamError = e.code;
                throw new Stopped();
            }
            if (written > 0 && !plan.delay().isZero()) {
                try {
                    Thread.sleep(plan.delay().toMillis());
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted");
                }
            }
            out.write(EventStreams.event(eventType, JSON.writeValueAsBytes(payload)));
            out.flush();
            written++;
        }

        @Override
        public void close() throws IOException {
            if (!ex.abortStream) out.close();
        }

        static String upperCamel(String lowerCamel) {
            return Character.toUpperCase(lowerCamel.charAt(0)) + lowerCamel.substring(1);
        }
    }

    private EventStreams() {}
}
