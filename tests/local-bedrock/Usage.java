import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Token usage per runtime modelId exactly as sent (profile id or ARN), summed over successful
 * calls. Local-only: lets tests compare what a sample printed with what the endpoint answered.
 */
final class Usage {
    record Totals(long calls, long inputTokens, long outputTokens) {
        static final Totals ZERO = new Totals(0, 0, 0);

        Totals plus(Totals o) {
            return new Totals(calls + o.calls, inputTokens + o.inputTokens, outputTokens + o.outputTokens);
        }
    }

    /** Running sums for one modelId: adders, so that concurrent calls on one model never queue on a lock. */
    private static final class Sums {
        final LongAdder calls = new LongAdder();
        final LongAdder inputTokens = new LongAdder();
        final LongAdder outputTokens = new LongAdder();

        Totals totals() {
            return new Totals(calls.sum(), inputTokens.sum(), outputTokens.sum());
        }
    }

    private final ConcurrentHashMap<String, Sums> totals = new ConcurrentHashMap<>();

    void add(String modelId, long inputTokens, long outputTokens) {
        Sums s = totals.get(modelId);
        if (s == null) s = totals.computeIfAbsent(modelId, k -> new Sums());
        s.inputTokens.add(inputTokens);
        s.outputTokens.add(outputTokens);
        s.calls.increment();
    }

    /** A sorted snapshot. */
    Map<String, Totals> byModelId() {
        Map<String, Totals> out = new TreeMap<>();
        totals.forEach((k, v) -> out.put(k, v.totals()));
        return out;
    }

    Totals of(String modelId) {
        Sums s = totals.get(modelId);
        return s == null ? Totals.ZERO : s.totals();
    }

    void reset() {
        totals.clear();
    }
}
