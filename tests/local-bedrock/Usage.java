import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

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

    private final ConcurrentHashMap<String, Totals> totals = new ConcurrentHashMap<>();

    void add(String modelId, long inputTokens, long outputTokens) {
        totals.merge(modelId, new Totals(1, inputTokens, outputTokens), Totals::plus);
    }

    /** A sorted snapshot. */
    Map<String, Totals> byModelId() {
        return new TreeMap<>(totals);
    }

    Totals of(String modelId) {
        return totals.getOrDefault(modelId, Totals.ZERO);
    }

    void reset() {
        totals.clear();
    }
}
