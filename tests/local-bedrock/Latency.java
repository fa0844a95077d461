import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Local-only: holds the answer of chosen control-plane and S3 object operations for a while, after
 * the work is done and before the answer leaves (a slow server: the client has not seen the result
 * yet, the resource already exists). For tests that stop a sample while a create is in flight.
 *
 * <p>Spec ({@code --latency} / {@code Config.latency}): a comma list of {@code Operation=MS}, where
 * Operation is an operation name as the request log shows it (CreateInferenceProfile, PutObject, …)
 * or {@code control-plane} for every Bedrock control-plane operation. Example:
 * {@code control-plane=1500,PutObject=2000}. Runtime calls are slowed with the stream faults instead.
 */
final class Latency {
    static final String CONTROL_PLANE = "control-plane";

    private final Map<String, Duration> delays;
    private final Map<String, AtomicInteger> held = new ConcurrentHashMap<>();

    private Latency(Map<String, Duration> delays) {
        this.delays = Map.copyOf(delays);
    }

    static Latency none() {
        return new Latency(Map.of());
    }

    static Latency parse(String spec) {
        Map<String, Duration> out = new java.util.HashMap<>();
        if (spec != null && !spec.isBlank()) {
            for (String part : spec.split(",")) {
                String p = part.trim();
                int eq = p.indexOf('=');
                if (eq <= 0) throw new IllegalArgumentException("latency '" + p + "' must be Operation=MS, e.g. control-plane=1500");
                long ms;
                try {
                    ms = Long.parseLong(p.substring(eq + 1).trim());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("latency '" + p + "': MS must be a number of milliseconds");
                }
                if (ms < 0 || ms > 600_000) throw new IllegalArgumentException("latency '" + p + "': MS must be 0..600000");
                out.put(p.substring(0, eq).trim(), Duration.ofMillis(ms));
            }
        }
        return new Latency(out);
    }

    /** Holds the answer of {@code ex} when its operation is slowed (controlPlane: a Bedrock control-plane call). */
    void hold(Exchange ex, boolean controlPlane) {
        if (delays.isEmpty() || ex.operation == null) return;
        Duration d = delays.get(ex.operation);
        if (d == null && controlPlane) d = delays.get(CONTROL_PLANE);
        if (d == null || d.isZero()) return;
        held.computeIfAbsent(ex.operation, k -> new AtomicInteger()).incrementAndGet();
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** How many answers of this operation have been held so far (they are, or were, in flight). */
    int held(String operation) {
        AtomicInteger n = held.get(operation);
        return n == null ? 0 : n.get();
    }
}
