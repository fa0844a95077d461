import java.io.IOException;

/**
 * bedrock-runtime: routes {@code POST /model/{modelId}/{op}} to Converse, ConverseStream,
 * InvokeModel or InvokeModelWithResponseStream. The modelId is the raw path segment decoded once;
 * faults are applied first, then the id is resolved (profile id, profile ARN, application-profile
 * ARN) and the call goes to {@link ConverseApi} or the model family's native handler
 * ({@link ClaudeMessages}, {@link NovaMessages}, {@link PegasusVideo}, {@link CohereEmbed}).
 */
final class RuntimeApi {
    private final Faults faults;
    private final Usage usage;
    private final ControlPlane controlPlane;
    private final S3Store s3;
    /** Local-only quota and latency per profile (Simulation.java). */
    private volatile Simulation simulation = new Simulation();
    /** Converse prompt-cache prefixes written on this endpoint instance (local-only store). */
    private final PromptCache promptCache = new PromptCache();

    RuntimeApi(Faults faults, Usage usage, ControlPlane controlPlane, S3Store s3) {
        this.faults = faults;
        this.usage = usage;
        this.controlPlane = controlPlane;
        this.s3 = s3;
    }

    void simulation(Simulation s) {
        this.simulation = s;
    }

    void handle(Exchange ex) throws IOException {
        long start = System.nanoTime();
        int last = ex.rawPath.lastIndexOf('/');
        String rawId = last > "/model/".length() - 1 ? ex.rawPath.substring("/model/".length(), last) : "";
        String op = last >= 0 ? ex.rawPath.substring(last + 1) : "";
        ex.operation = switch (op) {
            case "converse" -> "Converse";
            case "converse-stream" -> "ConverseStream";
            case "invoke" -> "InvokeModel";
            case "invoke-with-response-stream" -> "InvokeModelWithResponseStream";
            default -> null;
        };
        try {
            ex.modelId = Exchange.decode(rawId);
        } catch (IllegalArgumentException e) {
            ex.modelId = rawId;
            throw ApiError.validation(Models.INVALID_ID);
        }
        if (ex.operation == null || rawId.isEmpty() || !"POST".equals(ex.method)) {
            throw new ApiError(404, "UnknownOperationException", "The requested operation is not recognized by the service.");
        }
        simulation.arrived(ex.modelId);
        Faults.StreamPlan plan = faults.onRuntimeCall(ex.modelId);
        Models.Resolved r = Models.resolve(ex.modelId, controlPlane::resolveApplicationProfile);
        RuntimeSupport.Call call = new RuntimeSupport.Call(ex, r.model(), plan, start, usage, s3);
        try {
            call.simulationNote = simulation.apply(ex.modelId, r.profileId());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted during the simulated latency", e);
        }
        call.faults = faults;
        call.promptCache = promptCache;
        boolean stream = ex.operation.endsWith("Stream");
        if (ex.operation.startsWith("Invoke")) ServiceTiers.checkHeader(ex.header("X-Amzn-Bedrock-Service-Tier"), r.model(), faults);
        if (ex.operation.startsWith("Converse")) {
            if (!r.model().supportsConverse()) throw ApiError.validation(ConverseApi.UNSUPPORTED_MODEL);
            ConverseApi.converse(call, stream);
            return;
        }
        if (stream && !r.model().supportsStreaming()) throw ApiError.validation("The model is unsupported for streaming.");
        switch (r.model().family()) {
            case CLAUDE -> ClaudeMessages.invoke(call, stream);
            case NOVA -> NovaMessages.invoke(call, stream);
            case PEGASUS -> PegasusVideo.invoke(call, stream);
            case COHERE -> CohereEmbed.invoke(call);
        }
    }
}
