//DEPS software.amazon.awssdk:bom:2.57.8@pom
//DEPS software.amazon.awssdk:bedrockruntime
//DEPS info.picocli:picocli:4.7.7

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * What three or more samples share: one-line error reporting, the model-id check and the
 * token-usage lines. Deliberately free of S3/STS/Jackson imports so that a sample only needs
 * {@code bedrockruntime} and picocli to compile it.
 */
public final class Utils {
    private Utils() {}

    /*
     * Netty (the async HTTP client) does not use slf4j-nop: it falls back to java.util.logging, which
     * prints stack traces for connection failures that handleError already reports in one line, and
     * setting that up costs start-up time. So Netty's logging goes to SLF4J like the SDK's own. By
     * reflection, because a sync sample may be built without Netty on its class path.
     */
    static {
        try {
            Class<?> factory = Class.forName("io.netty.util.internal.logging.InternalLoggerFactory");
            Object slf4j = Class.forName("io.netty.util.internal.logging.Slf4JLoggerFactory").getField("INSTANCE").get(null);
            factory.getMethod("setDefaultFactory", factory).invoke(null, slf4j);
        } catch (ReflectiveOperationException | LinkageError noNettyOrNoSlf4j) {
            // nothing to route
        }
    }

    /**
     * A stream that ended without its final event (ConverseStream {@code messageStop}, Claude
     * {@code message_stop}, Nova {@code messageStop}, Pegasus final chunk): the answer is incomplete.
     */
    public static final class IncompleteStreamException extends RuntimeException {
        public IncompleteStreamException(String finalEvent) {
            super("the stream ended before " + finalEvent + ": the answer is incomplete — retry");
        }
    }

    /**
     * picocli {@code IExecutionExceptionHandler}: prints one line {@code ❌ <what went wrong> — <what to do>}
     * to stderr (never a stack trace) and returns exit code 1.
     */
    public static int handleError(Exception e, CommandLine cmd, ParseResult parseResult) {
        System.out.flush();
        cmd.getErr().println("❌ " + explain(e));
        cmd.getErr().flush();
        return 1;
    }

    /** Maps a failure to one line: what went wrong — what to do. */
    public static String explain(Throwable error) {
        Throwable e = unwrap(error);
        if (e instanceof IncompleteStreamException) return e.getMessage();
        // A sample's own failure, already worded as "what went wrong — what to do".
        if (e instanceof IllegalStateException && e.getCause() == null && e.getMessage() != null) return e.getMessage();
        if (e instanceof TimeoutException) {
            return "no complete answer within the --timeout — retry, or raise --timeout (thinking models can take minutes)";
        }
        if (e instanceof InterruptedException) return "interrupted before the answer arrived — run the sample again";

        if (e instanceof AwsServiceException ase) {
            String code = ase.awsErrorDetails() == null ? null : ase.awsErrorDetails().errorCode();
            if (code == null || code.isBlank()) code = e.getClass().getSimpleName();
            // in-stream exceptions arrive with lowerCamel names (modelStreamErrorException)
            code = Character.toUpperCase(code.charAt(0)) + code.substring(1);
            String msg = serviceMessage(ase);
            String lower = msg.toLowerCase(Locale.ROOT);
            // A Bedrock API key (AWS_BEARER_TOKEN_BEDROCK) that Bedrock refused: 403 with a message about the "API Key".
            if (ase.statusCode() == 403 && lower.contains("api key")) {
                return "Bedrock did not accept the API key (" + msg + ") — check AWS_BEARER_TOKEN_BEDROCK (the whole key), "
                        + "that the key was generated in this Region (--region) and that it has not expired";
            }
            switch (code) {
                case "ValidationException":
                    if (lower.contains("on-demand")) {
                        return "this model cannot be called on demand by its foundation-model ID (" + msg
                                + ") — use the inference profile ID, e.g. global.<foundation-model ID>";
                    }
                    if (lower.contains("model identifier is invalid")) {
                        return "Bedrock does not know this model ID here (" + msg
                                + ") — check the inference profile ID exists in the source Region (--region), "
                                + "e.g. aws bedrock list-inference-profiles --region <region>";
                    }
                    return "Bedrock rejected the request: " + msg + " — check --model-id and the option values";
                case "AccessDeniedException":
                    return "access denied (" + msg + ") — IAM must allow bedrock:InvokeModel* on the inference profile ARN "
                            + "and on the foundation model in every destination Region "
                            + "(arn:aws:bedrock:*::foundation-model/… and arn:aws:bedrock:::foundation-model/… for global); "
                            + "organisation SCPs that deny Regions block global routing";
                case "ThrottlingException":
                case "ServiceQuotaExceededException":
                    return "throttled (" + msg + ") — Bedrock reserves quota for the full max tokens up front: "
                            + "lower --max-tokens or retry later";
                case "ModelNotReadyException":
                    return "the model is not ready (" + msg + ") — retry in a little while";
                case "ResourceNotFoundException":
                    return "not found (" + msg + ") — check --model-id and --region";
                case "UnrecognizedClientException":
                case "InvalidSignatureException":
                case "InvalidClientTokenId":
                case "SignatureDoesNotMatch":
                case "IncompleteSignatureException":
                    return "AWS did not accept the credentials (" + code + ") — the access key ID or secret access key is wrong; "
                            + "check AWS_PROFILE / AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY";
                case "ExpiredTokenException":
                case "ExpiredToken":
                    return "the session credentials have expired — refresh them (e.g. aws sso login) and retry";
                case "ModelStreamErrorException":
                    return "the model failed while streaming (" + msg + ") — retry";
                case "ModelTimeoutException":
                    return "the model took too long to answer (" + msg + ") — retry, or lower --max-tokens";
                case "ModelErrorException":
                    return "the model returned an error (" + msg + ") — retry, or change the prompt";
                case "ServiceUnavailableException":
                case "InternalServerException":
                    return "Bedrock is temporarily unavailable (" + code + ": " + msg + ") — retry later";
                default:
                    return code + ": " + msg + " — check --model-id, --region and the other options, then retry";
            }
        }

        String msg = String.valueOf(e.getMessage());
        if (msg.contains("Unable to load credentials") || msg.contains("Unable to load an HTTP authentication")) {
            return "no AWS credentials found — run `aws configure`, set AWS_PROFILE, export AWS_ACCESS_KEY_ID and "
                    + "AWS_SECRET_ACCESS_KEY, or run `aws sso login`";
        }
        if (msg.contains("Unable to load region")) {
            return "no AWS Region set — pass --region or set AWS_REGION";
        }
        if (e instanceof SdkClientException && hasCause(error, ConnectException.class)) {
            return "could not connect to " + endpointName() + " — "
                    + (configuredEndpoint() != null ? "is the local endpoint running?" : "check your network or proxy");
        }
        if (hasCause(error, ConnectException.class)) { // not an AWS call (e.g. a download)
            String detail = firstMessage(error);
            return "could not connect" + (detail == null ? "" : " (" + detail + ")") + " — check the address, your network or proxy";
        }
        if (hasCause(error, UnknownHostException.class)) {
            return "cannot resolve the host of " + endpointName() + " — check --region, your DNS and network";
        }
        if (e instanceof ApiCallTimeoutException || e instanceof ApiCallAttemptTimeoutException
                || hasCause(error, SocketTimeoutException.class) || hasCauseNamed(error, "ReadTimeoutException")) {
            return "timed out waiting for " + endpointName() + " — retry; thinking models can take minutes";
        }
        if (e instanceof SdkClientException) {
            return "the AWS SDK failed: " + msg + " — check your network, Region and credentials";
        }
        return e.getClass().getSimpleName() + ": " + msg;
    }

    /**
     * Fails with picocli's usage error (exit code 2, no request sent) when {@code modelId} is blank or a
     * bare foundation-model ID: global cross-Region inference needs the inference profile ID.
     */
    public static void checkModelId(CommandSpec spec, String modelId) {
        if (modelId == null || modelId.isBlank()) {
            throw new ParameterException(spec.commandLine(), "--model-id must not be blank");
        }
        String id = modelId.trim();
        for (String provider : new String[] {"anthropic.", "amazon.", "twelvelabs.", "cohere.", "meta.", "mistral.", "ai21.", "deepseek.", "openai.", "qwen.", "writer."}) {
            if (id.startsWith(provider)) {
                throw new ParameterException(spec.commandLine(), "--model-id " + id
                        + " is a foundation-model ID, which Bedrock does not route across Regions: use the inference profile ID, e.g. global." + id);
            }
        }
        if (id.startsWith("arn:") && id.contains(":foundation-model/")) {
            String bare = id.substring(id.indexOf(":foundation-model/") + ":foundation-model/".length());
            throw new ParameterException(spec.commandLine(), "--model-id " + id
                    + " is a foundation-model ARN: use the inference profile ID, e.g. global." + bare);
        }
    }

    /** Prints the token lines; cache lines only when non-zero. */
    public static void printUsage(long in, long out, long total, long cacheRead, long cacheWrite) {
        System.out.println("🔢 Input tokens: " + in);
        System.out.println("🔢 Output tokens: " + out);
        System.out.println("🔢 Total tokens: " + total);
        if (cacheRead != 0) System.out.println("🔢 Cache read input tokens: " + cacheRead);
        if (cacheWrite != 0) System.out.println("🔢 Cache write input tokens: " + cacheWrite);
    }

    /** Null-safe long for the SDK's boxed token counts. */
    public static long orZero(Integer value) {
        return value == null ? 0 : value;
    }

    // ---- internals ----

    private static Throwable unwrap(Throwable e) {
        Throwable t = e;
        while ((t instanceof CompletionException || t instanceof ExecutionException
                || t instanceof CommandLine.ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        // the SDK wraps service errors from async calls in SdkClientException or CompletionException
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof AwsServiceException || c instanceof IncompleteStreamException) return c;
            if (c.getCause() == c) break;
        }
        return t;
    }

    private static String serviceMessage(AwsServiceException e) {
        if (e.awsErrorDetails() != null && e.awsErrorDetails().errorMessage() != null) {
            return e.awsErrorDetails().errorMessage();
        }
        return String.valueOf(e.getMessage());
    }

    private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (type.isInstance(c)) return true;
            if (c.getCause() == c) break;
        }
        return false;
    }

    private static String firstMessage(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c.getMessage() != null && !c.getMessage().isBlank()) return c.getMessage();
            if (c.getCause() == c) break;
        }
        return null;
    }

    private static boolean hasCauseNamed(Throwable e, String simpleName) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c.getClass().getSimpleName().equals(simpleName)) return true;
            if (c.getCause() == c) break;
        }
        return false;
    }

    private static String configuredEndpoint() {
        String specific = System.getenv("AWS_ENDPOINT_URL_BEDROCK_RUNTIME");
        if (specific != null && !specific.isBlank()) return "AWS_ENDPOINT_URL_BEDROCK_RUNTIME=" + specific;
        String global = System.getenv("AWS_ENDPOINT_URL");
        if (global != null && !global.isBlank()) return "AWS_ENDPOINT_URL=" + global;
        return null;
    }

    private static String endpointName() {
        String configured = configuredEndpoint();
        return configured != null ? "the endpoint " + configured : "the Bedrock endpoint";
    }

    // ---- cleanup on Ctrl-C / SIGTERM (the samples that create AWS resources) ----

    /**
     * Deletes what a sample created when the JVM stops before the sample's own {@code finally} could:
     * Ctrl-C (SIGINT), SIGTERM, SIGHUP. A {@code finally} block does not run when the JVM is stopped by
     * a signal; a shutdown hook does ({@link Runtime#addShutdownHook}, the documented way to act on
     * those signals). The exit code needs nothing from us: after the hooks, the JVM exits with
     * 128 + the signal's number, i.e. 130 for SIGINT and 143 for SIGTERM (no {@code System.exit} or
     * {@code Runtime.halt} in the hook, and no internal {@code sun.misc.Signal} API).
     *
     * <p>Each create runs through {@link #create}, which registers its undo before the hook can look:
     * a hook that fires while a create is in flight waits for it to return (bounded), then deletes
     * everything still registered and prints what it deleted. The normal path deletes through
     * {@link #undo} so nothing is deleted twice. Once the hook has started, a sample thread that asks
     * to create or delete anything more simply waits for the JVM to exit. {@code kill -9} cannot be
     * caught: only then can something be left behind.
     */
    public static final class Cleanup {
        /** How long the hook waits for a create or delete in flight to return. */
        static final long IN_FLIGHT_WAIT_MILLIS = 60_000;

        /** A step that may throw (an SDK call, an upload). */
        @FunctionalInterface
        public interface Step<T> {
            T run() throws Exception;
        }

        private final java.util.LinkedHashMap<String, Runnable> pending = new java.util.LinkedHashMap<>();
        private int inFlight;
        private boolean stopping;

        private Cleanup() {}

        /** A new registry whose shutdown hook deletes whatever is still registered when the JVM stops. */
        public static Cleanup onExit() {
            Cleanup c = new Cleanup();
            Runtime.getRuntime().addShutdownHook(new Thread(c::runHook, "cleanup-on-exit"));
            return c;
        }

        /**
         * Runs {@code create}; when {@code undoOf} maps its result to a non-null undo, that undo is
         * registered under {@code key} before the hook can run. The undo deletes and prints one line.
         */
        public <T> T create(String key, Step<T> create, java.util.function.Function<T, Runnable> undoOf) throws Exception {
            enter();
            try {
                T result = create.run();
                Runnable undo = undoOf.apply(result);
                if (undo != null) {
                    synchronized (this) {
                        pending.put(key, undo);
                    }
                }
                return result;
            } finally {
                leave();
            }
        }

        /** The normal path: runs and forgets the undo registered under {@code key}; false when there is none. */
        public boolean undo(String key) {
            Runnable undo;
            synchronized (this) {
                waitWhileStopping();
                undo = pending.remove(key);
                if (undo == null) return false;
                inFlight++;
            }
            try {
                undo.run();
                return true;
            } finally {
                leave();
            }
        }

        /** Call between steps: once the run is being stopped, waits here for the exit instead of going on. */
        public synchronized void checkpoint() {
            waitWhileStopping();
        }

        private synchronized void enter() {
            waitWhileStopping();
            inFlight++;
        }

        private synchronized void leave() {
            inFlight--;
            notifyAll();
        }

        /** Once the hook runs, the JVM is exiting: a sample thread waits here for it instead of racing the hook. */
        private void waitWhileStopping() {
            while (stopping) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    // keep waiting: the JVM is about to exit
                }
            }
        }

        private void runHook() {
            java.util.List<java.util.Map.Entry<String, Runnable>> todo;
            synchronized (this) {
                stopping = true;
                long deadline = System.currentTimeMillis() + IN_FLIGHT_WAIT_MILLIS;
                for (long left; inFlight > 0 && (left = deadline - System.currentTimeMillis()) > 0; ) {
                    try {
                        wait(left);
                    } catch (InterruptedException e) {
                        break;
                    }
                }
                todo = new java.util.ArrayList<>(pending.entrySet());
                pending.clear();
            }
            if (todo.isEmpty()) return;
            System.out.flush();
            System.out.println("⚠️ Stopped before the end: deleting what this run created");
            for (java.util.Map.Entry<String, Runnable> e : todo) {
                try {
                    e.getValue().run();
                } catch (RuntimeException ex) {
                    System.out.flush();
                    System.err.println("❌ " + e.getKey() + ": could not delete — " + explain(ex));
                }
            }
            System.out.flush();
        }
    }

    // ---- S3 helpers for the Pegasus samples (owned by the Pegasus samples' author) ----
    // Pure policy logic only (no S3 client here): the Pegasus samples make the S3 calls themselves.
    // JBang reads //DEPS anywhere in a source file, so the line below puts jackson-databind on the
    // classpath of every sample that includes Utils; Jackson is referenced by full name to keep the
    // import list above free of it.
//DEPS com.fasterxml.jackson.core:jackson-databind:2.21.3

    /** Sid of the statement the Pegasus samples add (the same Sid as the Python original). */
    public static final String BEDROCK_READ_SID = "AllowBedrockAccess";

    /**
     * Returns the bucket policy with a statement that lets Bedrock ({@code bedrock.amazonaws.com})
     * read {@code arn:aws:s3:::{bucket}/*}, limited to {@code accountId} by {@code aws:SourceAccount};
     * or empty when a statement already allows that (nothing to write). {@code policyJsonOrNull} is the
     * current policy (null or blank: the bucket has none, so a new policy is built). A stale statement
     * with our Sid is replaced, never duplicated (Sids must be unique within a policy).
     */
    public static java.util.Optional<String> withBedrockReadGrant(String policyJsonOrNull, String bucket, String accountId) {
        var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        String resource = "arn:aws:s3:::" + bucket + "/*";
        com.fasterxml.jackson.databind.node.ObjectNode policy;
        if (policyJsonOrNull == null || policyJsonOrNull.isBlank()) {
            policy = mapper.createObjectNode().put("Version", "2012-10-17");
        } else {
            try {
                var parsed = mapper.readTree(policyJsonOrNull);
                if (!parsed.isObject()) throw new IllegalArgumentException("the bucket policy is not a JSON object");
                policy = (com.fasterxml.jackson.databind.node.ObjectNode) parsed;
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalArgumentException("the bucket policy of " + bucket + " is not valid JSON: " + e.getOriginalMessage(), e);
            }
        }
        // "Statement" may be one object or an array; normalise to an array.
        var statements = mapper.createArrayNode();
        var existing = policy.get("Statement");
        if (existing != null && existing.isArray()) existing.forEach(statements::add);
        else if (existing != null && existing.isObject()) statements.add(existing);

        var kept = mapper.createArrayNode();
        for (var st : statements) {
            if (grantsBedrockRead(st, resource)) return java.util.Optional.empty();
            if (!BEDROCK_READ_SID.equals(st.path("Sid").asText(null))) kept.add(st);
        }
        var grant = kept.addObject();
        grant.put("Sid", BEDROCK_READ_SID).put("Effect", "Allow");
        grant.putObject("Principal").put("Service", "bedrock.amazonaws.com");
        grant.putArray("Action").add("s3:GetObject");
        grant.put("Resource", resource);
        grant.putObject("Condition").putObject("StringEquals").put("aws:SourceAccount", accountId);
        policy.set("Statement", kept);
        try {
            return java.util.Optional.of(mapper.writeValueAsString(policy));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An Allow statement for the Bedrock service principal with s3:GetObject (or a wildcard) on the resource. */
    private static boolean grantsBedrockRead(com.fasterxml.jackson.databind.JsonNode st, String resource) {
        if (!"Allow".equals(st.path("Effect").asText())) return false;
        if (!anyMatches(st.path("Principal").path("Service"), "bedrock.amazonaws.com"::equals)) return false;
        if (!anyMatches(st.path("Action"), a -> a.equals("s3:GetObject") || a.equals("s3:*") || a.equals("*"))) return false;
        return anyMatches(st.path("Resource"), r -> r.equals(resource) || r.equals("*"));
    }

    /** True when the node (a string or an array of strings) holds a value accepted by {@code test}. */
    private static boolean anyMatches(com.fasterxml.jackson.databind.JsonNode node, java.util.function.Predicate<String> test) {
        if (node.isTextual()) return test.test(node.asText());
        if (node.isArray()) {
            for (var n : node) if (n.isTextual() && test.test(n.asText())) return true;
        }
        return false;
    }
    // ---- end S3 helpers ----
}
