import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Local-only settings that make global-routing behaviour visible offline (AWS has neither): a
 * request quota per profile and a latency per profile, both for bedrock-runtime calls.
 *
 * <ul>
 *   <li>{@code quota PROFILE=N}: at most N requests a minute (sliding 60-second window of the calls
 *       it let through) on that profile; the next one answers 429 ThrottlingException, with AWS's
 *       message plus "(simulated locally: …)".</li>
 *   <li>{@code latency PROFILE=MS}: every call on that profile waits MS milliseconds before it is
 *       answered (so Converse's {@code metrics.latencyMs} includes it).</li>
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

    /** When a runtime call arrived, and the modelId it was sent with (for tests). */
    record Arrival(Instant time, String modelId) {}

    private final Map<String, Integer> quotas = new LinkedHashMap<>();
    private final Map<String, Integer> latencies = new LinkedHashMap<>();
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

    public synchronized void reset() {
        quotas.clear();
        latencies.clear();
        windows.clear();
        arrivals.clear();
        arrivalCount.set(0);
        active = false;
    }

    /** Adds {@code PROFILE=N} settings (command line): kind "quota" or "latency". */
    Simulation apply(String kind, List<String> specs) {
        if (specs == null) return this;
        for (String spec : specs) {
            int eq = spec == null ? -1 : spec.lastIndexOf('=');
            if (eq <= 0) throw new IllegalArgumentException("--" + kind + " needs PROFILE=" + (kind.equals("quota") ? "N" : "MS") + ", got '" + spec + "'");
            int n;
            try {
                n = Integer.parseInt(spec.substring(eq + 1).trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--" + kind + " " + spec + ": not a number");
            }
            String profile = spec.substring(0, eq).trim();
            if (kind.equals("quota")) quota(profile, n);
            else latency(profile, n);
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
}
