import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Local-only fault injection for bedrock-runtime calls (never control plane, S3 or STS).
 * Thread-safe; every setter returns this; {@link #reset()} clears faults and the call counter.
 *
 * <p>Counting: each runtime call in scope (all calls, or only those whose modelId as sent equals
 * {@link #onlyModel}) gets a 1-based number k. Calls 1..throttleFirst answer 429
 * ThrottlingException, then the next serverErrorFirst calls answer 500 InternalServerException;
 * failCall(k, code) fails call k with that modeled error; throttlePercent throttles at random
 * (seeded, so runs repeat). Stream faults (delay, cut, in-stream exception) apply to every
 * streamed call in scope.
 *
 * <p>Flag syntax ({@code --faults} / {@code Config.faults}), comma separated:
 * {@code throttle-first=2,server-error-first=1,throttle-percent=10,fail-call=2:ThrottlingException,
 * stream-delay-ms=50,cut-stream-after=3,stream-exception=modelStreamErrorException@2,stream-stall-after=2,model=ID}.
 *
 * <p>Converse feature faults (local-only, not scoped by {@code model}): {@code tool-input=NAME:B64URL}
 * makes the local model call tool NAME with that JSON input (base64url of the JSON text) instead of
 * one generated from its schema, until reset; {@code structured-invalid=missing-required|not-json}
 * makes the next structured-output answer lack its first required property, or not be JSON;
 * {@code tier-unavailable=priority|flex|default} refuses requests for that service tier, until reset.
 */
final class Faults {
    /**
     * What a streamed answer must do: pause between events, cut after N, inject an exception, or
     * stall after N events (stop sending, keep the stream open until the client goes away).
     */
    record StreamPlan(Duration delay, int cutAfter, String exceptionType, int exceptionAfter, int stallAfter) {
        static final StreamPlan NONE = new StreamPlan(Duration.ZERO, -1, null, -1, -1);
    }

    private int throttleFirst;
    private int throttlePercent;
    private int serverErrorFirst;
    private final Map<Integer, String> failCalls = new ConcurrentHashMap<>();
    private Duration streamEventDelay = Duration.ZERO;
    private int cutStreamAfter = -1;
    private String streamExceptionType;
    private int streamExceptionAfter = -1;
    private int streamStallAfter = -1;
    private String onlyModel;
    private int calls;
    /** Control-plane faults: operation name -> (nth call of that operation -> error code). */
    private final Map<String, Map<Integer, String>> failOperations = new HashMap<>();
    private final Map<String, Integer> operationCalls = new HashMap<>();
    private Random random = new Random(42);
    /** Converse feature faults: tool name -> input the local model sends; the next structured answer's defect. */
    private final Map<String, com.fasterxml.jackson.databind.JsonNode> toolInputs = new ConcurrentHashMap<>();
    private String structuredInvalid;
    private final java.util.Set<String> unavailableTiers = ConcurrentHashMap.newKeySet();

    public synchronized Faults throttleFirst(int n) { throttleFirst = n; return this; }
    public synchronized Faults throttlePercent(int p) { throttlePercent = p; return this; }
    public synchronized Faults serverErrorFirst(int n) { serverErrorFirst = n; return this; }
    public synchronized Faults failCall(int nth, String errorCode) {
        modeled(errorCode); // rejects unknown codes early
        failCalls.put(nth, errorCode);
        return this;
    }
    /**
     * The nth call (1-based, since reset) of a control-plane operation such as
     * "CreateInferenceProfile" fails with that modeled error (bedrock control plane only).
     */
    public synchronized Faults failOperation(String operation, int nth, String errorCode) {
        modeled(errorCode);
        failOperations.computeIfAbsent(operation, k -> new HashMap<>()).put(nth, errorCode);
        return this;
    }
    public synchronized Faults streamEventDelay(Duration d) { streamEventDelay = d == null ? Duration.ZERO : d; return this; }
    public synchronized Faults cutStreamAfter(int events) { cutStreamAfter = events; return this; }
    /**
     * Streams stop sending after this many events without closing (a stalled stream); the request
     * is released when the client disconnects or the endpoint closes. -1 turns it off.
     */
    public synchronized Faults streamStallAfter(int events) { streamStallAfter = events; return this; }
    public synchronized Faults streamException(String lowerCamelType, int afterEvents) {
        if (lowerCamelType == null || lowerCamelType.isEmpty() || !Character.isLowerCase(lowerCamelType.charAt(0))) {
            throw new IllegalArgumentException("stream exception type must be lowerCamel, e.g. modelStreamErrorException");
        }
        modeled(EventStreams.Writer.upperCamel(lowerCamelType)); // rejects unknown types early
        streamExceptionType = lowerCamelType;
        streamExceptionAfter = afterEvents;
        return this;
    }
    public synchronized Faults onlyModel(String modelIdOrNull) { onlyModel = modelIdOrNull; return this; }
    /** The local model calls tool {@code toolName} with this JSON object as input (every call, until reset). */
    public synchronized Faults toolInput(String toolName, String json) {
        com.fasterxml.jackson.databind.JsonNode n;
        try {
            n = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("tool-input for '" + toolName + "' is not JSON: " + e.getMessage());
        }
        if (n == null || !n.isObject()) throw new IllegalArgumentException("tool-input for '" + toolName + "' must be a JSON object");
        toolInputs.put(toolName, n);
        return this;
    }
    /** The next structured-output answer is defective: "missing-required" (valid JSON without its first required property) or "not-json". */
    public synchronized Faults structuredInvalid(String mode) {
        if (!"missing-required".equals(mode) && !"not-json".equals(mode)) {
            throw new IllegalArgumentException("structured-invalid must be missing-required or not-json");
        }
        structuredInvalid = mode;
        return this;
    }
    /** Requests for this service tier (priority or flex) are refused with a ValidationException, until reset. */
    public synchronized Faults tierUnavailable(String tier) {
        if (!"priority".equals(tier) && !"flex".equals(tier) && !"default".equals(tier)) {
            throw new IllegalArgumentException("tier-unavailable must be priority, flex or default");
        }
        unavailableTiers.add(tier);
        return this;
    }
    boolean refusesTier(String tier) { return unavailableTiers.contains(tier); }
    synchronized com.fasterxml.jackson.databind.JsonNode toolInputFor(String toolName) { return toolInputs.get(toolName); }
    /** The pending structured-answer defect, cleared by reading it (it applies to one answer). */
    synchronized String takeStructuredInvalid() {
        String m = structuredInvalid;
        structuredInvalid = null;
        return m;
    }

    /** Number of runtime calls in scope since the last reset. */
    public synchronized int calls() { return calls; }

    public synchronized void reset() {
        throttleFirst = 0;
        throttlePercent = 0;
        serverErrorFirst = 0;
        failCalls.clear();
        failOperations.clear();
        operationCalls.clear();
        streamEventDelay = Duration.ZERO;
        cutStreamAfter = -1;
        streamExceptionType = null;
        streamExceptionAfter = -1;
        streamStallAfter = -1;
        onlyModel = null;
        calls = 0;
        random = new Random(42);
        toolInputs.clear();
        structuredInvalid = null;
        unavailableTiers.clear();
    }

    /** Adds the faults of a flag spec (see class comment) to the current ones. */
    public synchronized Faults apply(String spec) {
        if (spec == null || spec.isBlank()) return this;
        for (String item : spec.split(",")) {
            item = item.trim();
            if (item.isEmpty()) continue;
            int eq = item.indexOf('=');
            if (eq < 0) throw new IllegalArgumentException("fault '" + item + "' needs name=value");
            String key = item.substring(0, eq).trim();
            String value = item.substring(eq + 1).trim();
            try {
                switch (key) {
                    case "throttle-first" -> throttleFirst(Integer.parseInt(value));
                    case "throttle-percent" -> throttlePercent(Integer.parseInt(value));
                    case "server-error-first" -> serverErrorFirst(Integer.parseInt(value));
                    case "fail-call" -> {
                        int c = value.indexOf(':');
                        if (c < 0) throw new IllegalArgumentException("fail-call needs N:ErrorCode");
                        failCall(Integer.parseInt(value.substring(0, c)), value.substring(c + 1));
                    }
                    case "fail-operation" -> {
                        String[] p = value.split(":");
                        if (p.length != 3) throw new IllegalArgumentException("fail-operation needs Operation:N:ErrorCode");
                        failOperation(p[0], Integer.parseInt(p[1]), p[2]);
                    }
                    case "stream-delay-ms" -> streamEventDelay(Duration.ofMillis(Long.parseLong(value)));
                    case "cut-stream-after" -> cutStreamAfter(Integer.parseInt(value));
                    case "stream-stall-after" -> streamStallAfter(Integer.parseInt(value));
                    case "stream-exception" -> {
                        int at = value.indexOf('@');
                        streamException(at < 0 ? value : value.substring(0, at),
                                at < 0 ? 1 : Integer.parseInt(value.substring(at + 1)));
                    }
                    case "model" -> onlyModel(value.isEmpty() ? null : value);
                    case "tool-input" -> {
                        int c = value.indexOf(':');
                        if (c < 1) throw new IllegalArgumentException("tool-input needs TOOL:BASE64URL-JSON");
                        String json;
                        try {
                            json = new String(java.util.Base64.getUrlDecoder().decode(value.substring(c + 1)), java.nio.charset.StandardCharsets.UTF_8);
                        } catch (IllegalArgumentException e) {
                            throw new IllegalArgumentException("tool-input: the input must be base64url-encoded JSON");
                        }
                        toolInput(value.substring(0, c), json);
                    }
                    case "structured-invalid" -> structuredInvalid(value);
                    case "tier-unavailable" -> tierUnavailable(value);
                    default -> throw new IllegalArgumentException("unknown fault '" + key + "'");
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("fault '" + item + "': not a number");
            }
        }
        return this;
    }

    static Faults parse(String spec) {
        return new Faults().apply(spec);
    }

    /**
     * Called once per runtime call, before the request is validated: throws the injected error
     * for this call, or returns what a streamed answer must do.
     */
    synchronized StreamPlan onRuntimeCall(String modelIdAsSent) {
        if (onlyModel != null && !onlyModel.equals(modelIdAsSent)) return StreamPlan.NONE;
        int k = ++calls;
        String code = failCalls.get(k);
        if (code != null) throw modeled(code);
        if (k <= throttleFirst) throw modeled("ThrottlingException");
        if (k <= throttleFirst + serverErrorFirst) throw modeled("InternalServerException");
        if (throttlePercent > 0 && random.nextInt(100) < throttlePercent) throw modeled("ThrottlingException");
        return new StreamPlan(streamEventDelay, cutStreamAfter, streamExceptionType, streamExceptionAfter, streamStallAfter);
    }

    /** Called once per control-plane call, before it runs: throws the injected error for this call, if any. */
    synchronized void onControlPlaneCall(String operation) {
        int k = operationCalls.merge(operation, 1, Integer::sum);
        Map<Integer, String> plan = failOperations.get(operation);
        String code = plan == null ? null : plan.get(k);
        if (code != null) throw modeled(code);
    }

    /** The bedrock-runtime error with this code, with AWS's status and usual message. */
    static ApiError modeled(String code) {
        return switch (code) {
            case "ThrottlingException" -> new ApiError(429, code, "Too many requests, please wait before trying again.");
            case "ModelNotReadyException" -> new ApiError(429, code, "The model is not ready to serve inference requests. Try again later.");
            case "InternalServerException" -> new ApiError(500, code, "The server encountered an internal error while processing the request.");
            case "ServiceUnavailableException" -> new ApiError(503, code, "Bedrock is unable to process your request.");
            case "ModelTimeoutException" -> new ApiError(408, code, "Model has timed out in processing the request. Try your request again.");
            case "ModelErrorException" -> new ApiError(424, code, "The model returned an error. Try your request again.")
                    .with("originalStatusCode", 500).with("resourceName", "local-bedrock");
            case "ModelStreamErrorException" -> new ApiError(424, code, "The model stream returned an error.")
                    .with("originalStatusCode", 500).with("originalMessage", "Model stream error (local-bedrock fault)");
            case "ServiceQuotaExceededException" -> new ApiError(400, code, "Your request exceeds the service quota for your account.");
            case "AccessDeniedException" -> new ApiError(403, code, "You don't have access to the model with the specified model ID.");
            case "ResourceNotFoundException" -> new ApiError(404, code, "The specified resource was not found.");
            case "ValidationException" -> new ApiError(400, code, "Input validation failed (local-bedrock fault).");
            case "ConflictException" -> new ApiError(400, code, "A conflicting operation is in progress (local-bedrock fault).");
            default -> throw new IllegalArgumentException("unknown bedrock-runtime error code '" + code + "'");
        };
    }
}
