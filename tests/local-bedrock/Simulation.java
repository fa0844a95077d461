import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Local-only settings that make global-routing behaviour visible offline (AWS has none of them): a
 * request quota and a latency per profile for bedrock-runtime calls, and a latency per control-plane
 * or S3 object operation.
 *
 * <ul>
 *   <li>{@code quota PROFILE=N}: at most N requests a minute (sliding 60-second window of the calls
 *       it let through) on that profile; the next one answers 429 ThrottlingException, with AWS's
 *       message plus "(simulated locally: …)".</li>
 *   <li>{@code latency PROFILE=MS}: every call on that profile waits MS milliseconds before it is
 *       answered (so Converse's {@code metrics.latencyMs} includes it).</li>
 *   <li>{@code operationLatency Operation=MS}: the answer of that operation (as the request log names
 *       it: CreateInferenceProfile, PutObject, …; {@code control-plane} for every Bedrock control-plane
 *       operation) is held MS milliseconds after the work is done, before it leaves (a slow server:
 *       the resource exists, the client has not seen it yet). For tests that stop a sample while a
 *       create is in flight; {@link #held(String)} counts the held answers.</li>
 * </ul>
 * PROFILE is a runtime modelId as sent or the system-defined profile id it resolves to. A Converse
 * answer on a simulated profile ends with a note saying what was simulated, so a sample's output
 * that stems from these settings says so. Thread-safe; setters return this; {@link #reset()}
 * clears everything.
 */
final class Simulation {
    /** Most arrivals kept for tests (oldest dropped first). */
    static final int MAX_ARRIVALS = 20_000;
    static final long WINDOW_NANOS = 60_000_000_000L;
    /** The operation-latency key for every Bedrock control-plane operation. */
    static final String CONTROL_PLANE = "control-plane";

    /** When a runtime call arrived, and the modelId it was sent with (for tests). */
    record Arrival(Instant time, String modelId) {}

    private final Map<String, Integer> quotas = new LinkedHashMap<>();
    private final Map<String, Integer> latencies = new LinkedHashMap<>();
    private final Map<String, Integer> operationLatencies = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> held = new ConcurrentHashMap<>();
    /** Per profile: arrival times (nanoTime) of the calls the quota let through in the last minute. */
    private final Map<String, ArrayDeque<Long>> windows = new LinkedHashMap<>();
    private final ConcurrentLinkedQueue<Arrival> arrivals = new ConcurrentLinkedQueue<>();
    private final AtomicInteger arrivalCount = new AtomicInteger();
    private volatile boolean active;

    public synchronized Simulation quota(String profile, int requestsPerMinute) {
        if (profile == null || profile.isBlank()) throw new IllegalArgumentException("quota needs a profile id");
        if (requestsPerMinute < 0) throw new IllegalArgumentException("quota must be 0 or more requests per minute");
        quotas.put(profile, requestsPerMinute);
        active = true;
        return this;
    }

    public synchronized Simulation latency(String profile, int millis) {
        if (profile == null || profile.isBlank()) throw new IllegalArgumentException("latency needs a profile id");
        if (millis < 0 || millis > 600_000) throw new IllegalArgumentException("latency must be 0..600000 ms");
        latencies.put(profile, millis);
        active = true;
        return this;
    }

    /** Holds the answers of {@code operation} (or {@code control-plane}) {@code millis} ms. */
    public Simulation operationLatency(String operation, int millis) {
        if (operation == null || operation.isBlank()) throw new IllegalArgumentException("operation latency needs an operation name");
        if (millis < 0 || millis > 600_000) throw new IllegalArgumentException("operation latency must be 0..600000 ms");
        operationLatencies.put(operation, millis);
        return this;
    }

    public synchronized void reset() {
        quotas.clear();
        latencies.clear();
        operationLatencies.clear();
        held.clear();
        windows.clear();
        arrivals.clear();
        arrivalCount.set(0);
        active = false;
    }

    /** Adds {@code KEY=N} settings (command line): kind "quota", "latency" (KEY a profile) or "operation-latency". */
    Simulation apply(String kind, List<String> specs) {
        if (specs == null) return this;
        for (String spec : specs) {
            int eq = spec == null ? -1 : spec.lastIndexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--" + kind + " needs " + (kind.equals("operation-latency") ? "Operation" : "PROFILE")
                        + "=" + (kind.equals("quota") ? "N" : "MS") + ", got '" + spec + "'");
            }
            int n;
            try {
                n = Integer.parseInt(spec.substring(eq + 1).trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--" + kind + " " + spec + ": not a number");
            }
            String key = spec.substring(0, eq).trim();
            if (kind.equals("quota")) quota(key, n);
            else if (kind.equals("operation-latency")) operationLatency(key, n);
            else latency(key, n);
        }
        return this;
    }

    /** Every runtime call's arrival, oldest first (local-only, for tests). */
    List<Arrival> arrivals() {
        return new ArrayList<>(arrivals);
    }

    /** Called when a runtime call arrives, before anything else. */
    void arrived(String modelIdAsSent) {
        arrivals.add(new Arrival(Instant.now(), modelIdAsSent));
        if (arrivalCount.incrementAndGet() > MAX_ARRIVALS && arrivals.poll() != null) arrivalCount.decrementAndGet();
    }

    /**
     * Applies the settings for a call whose modelId resolved to {@code profileId}: throws the
     * simulated ThrottlingException past the quota, waits the latency, and returns the note a
     * Converse answer ends with ("" when nothing is simulated for this profile).
     */
    String apply(String sentId, String profileId) throws InterruptedException {
        if (!active) return "";
        Integer quota;
        Integer latency;
        String key;
        synchronized (this) {
            key = quotas.containsKey(sentId) || latencies.containsKey(sentId) ? sentId : profileId;
            quota = quotas.get(key);
            latency = latencies.get(key);
            if (quota != null) {
                long now = System.nanoTime();
                ArrayDeque<Long> w = windows.computeIfAbsent(key, k -> new ArrayDeque<>());
                while (!w.isEmpty() && now - w.peekFirst() >= WINDOW_NANOS) w.pollFirst();
                if (w.size() >= quota) {
                    throw new ApiError(429, "ThrottlingException", "Too many requests, please wait before trying again. "
                            + "(simulated locally: quota of " + quota + " requests per minute on " + key + ")");
                }
                w.addLast(now);
            }
        }
        if (latency == null && quota == null) return "";
        if (latency != null && latency > 0) Thread.sleep(latency);
        List<String> parts = new ArrayList<>();
        if (latency != null) parts.add("latency " + latency + " ms");
        if (quota != null) parts.add("quota " + quota + " requests per minute");
        return " (simulated locally on " + key + ": " + String.join(", ", parts) + ")";
    }

    /**
     * Holds the answer of {@code ex} when its operation is slowed (controlPlane: a Bedrock
     * control-plane call, also slowed by {@code control-plane=MS}).
     */
    void hold(Exchange ex, boolean controlPlane) {
        if (operationLatencies.isEmpty() || ex.operation == null) return;
        Integer ms = operationLatencies.get(ex.operation);
        if (ms == null && controlPlane) ms = operationLatencies.get(CONTROL_PLANE);
        if (ms == null || ms == 0) return;
        held.computeIfAbsent(ex.operation, k -> new AtomicInteger()).incrementAndGet();
        try {
            Thread.sleep(ms);
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
