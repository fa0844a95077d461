///usr/bin/env jbang "$0" "$@" ; exit $?
//DESCRIPTION Sends the same Converse request through a model's global profile and its geographic profile (us., eu., jp., au., apac. from --region), interleaved: latency, throttles, tokens and the price difference
//JAVA 17+
//DEPS software.amazon.awssdk:bom:2.57.8@pom
//DEPS software.amazon.awssdk:bedrockruntime
//DEPS software.amazon.awssdk:bedrock
//DEPS software.amazon.awssdk:url-connection-client
//DEPS info.picocli:picocli:4.7.7
//DEPS org.slf4j:slf4j-nop:2.0.17
//SOURCES ../foundation_models/Utils.java

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.bedrock.BedrockClient;
import software.amazon.awssdk.services.bedrock.model.ResourceNotFoundException;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ConversationRole;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseResponse;
import software.amazon.awssdk.services.bedrockruntime.model.Message;

/**
 * Global or geographic routing for the same model? Sends the same Converse request through the
 * model's global profile and through the geographic profile of the source Region's geography,
 * {@code --rounds} times, interleaved (global, geographic, global, …) so that both see the same
 * moment's load. Prints per profile the client-side latency (p50/p95), Bedrock's own
 * {@code metrics.latencyMs}, throttles (429 answers the SDK retried), failures and tokens, then the
 * price difference for the tokens used, from a small price table kept here (never fetched).
 *
 * <p>The geographic profile is derived from {@code --region}: us-* → {@code us.}, us-gov-* →
 * {@code us-gov.}, eu-* → {@code eu.}, ap-northeast-1/3 → {@code jp.} then {@code apac.},
 * ap-southeast-2/4 → {@code au.} then {@code apac.}, other ap-* → {@code apac.}; the first one
 * GetInferenceProfile finds in the Region is used (after checking the global profile is offered there:
 * GovCloud Regions have none). A model without one (e.g. from ap-south-1 the
 * Claude 4.5 models have only the global profile) ends with a message and exit code 1: the
 * command line is valid, the service said no. A Region outside these geographies is refused
 * before any request (exit code 2). The default Region is us-east-1, not ap-south-1 as in the
 * other samples, for that reason.
 *
 * <p>Run: {@code jbang compare-global-geo --region eu-west-1 --rounds 10} — without AWS:
 * {@code ./jbang offline compare-global-geo --region us-east-1}
 *
 * <p>Leaves out: streaming, prompt caching, statistics beyond percentiles (a few rounds are not a
 * benchmark; run more rounds at different times of day). New in this collection.
 */
@Command(name = "compare-global-geo", mixinStandardHelpOptions = true,
        description = "Compares a model's global profile with its geographic profile (derived from --region) on the same Converse request, interleaved.")
public class CompareGlobalGeo implements Callable<Integer> {
    static final String MODEL_ID = "global.anthropic.claude-haiku-4-5-20251001-v1:0";
    static final String PROMPT = "In one sentence, what is cross-Region inference?";
    static final int MAX_ROUNDS = 100;

    /**
     * On-demand prices in US dollars per million tokens, input/output, global vs geographic profile,
     * as of 2026-12-01 (Amazon Bedrock pricing page, https://aws.amazon.com/bedrock/pricing/, us-east-1
     * source Region). AWS's user guide states global is about 10% cheaper than geographic for
     * Claude Sonnet 4.5 on both input and output; the other rows follow the same 10% step. Prices
     * differ per source Region and change: check the page before you decide. Never fetched at run time.
     */
    static final String PRICES_AS_OF = "2026-12-01";
    static final String PRICES_SOURCE = "https://aws.amazon.com/bedrock/pricing/ (us-east-1)";
    record Price(double globalIn, double globalOut, double geoIn, double geoOut) {}
    static final Map<String, Price> PRICES = Map.of(
            "anthropic.claude-haiku-4-5-20251001-v1:0", new Price(1.00, 5.00, 1.10, 5.50),
            "anthropic.claude-sonnet-4-5-20250929-v1:0", new Price(3.00, 15.00, 3.30, 16.50),
            "anthropic.claude-opus-4-5-20251101-v1:0", new Price(5.00, 25.00, 5.50, 27.50),
            "anthropic.claude-sonnet-4-6", new Price(3.00, 15.00, 3.30, 16.50),
            "anthropic.claude-opus-4-6-v1", new Price(5.00, 25.00, 5.50, 27.50));

    @Spec
    CommandSpec spec;

    // Not ap-south-1 like the other samples: from there the current Claude models have only their
    // global profile, so there would be nothing to compare with.
    @Option(names = "--region", defaultValue = "${AWS_REGION:-us-east-1}",
            description = "Source Region; decides the geographic profile (default: AWS_REGION, else us-east-1; now ${DEFAULT-VALUE}).")
    String region;

    @Option(names = "--model-id", defaultValue = MODEL_ID,
            description = "Global inference profile ID (global.…) of the model to compare (default: ${DEFAULT-VALUE}).")
    String modelId;

    @Option(names = "--prompt", defaultValue = PROMPT, description = "The user message sent through both profiles (default: ${DEFAULT-VALUE}).")
    String prompt;

    @Option(names = "--max-tokens", defaultValue = "200", description = "Maximum output tokens per call (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--rounds", defaultValue = "5", description = "Calls per profile, interleaved global/geographic, 1.." + MAX_ROUNDS + " (default: ${DEFAULT-VALUE}).")
    int rounds;

    /** One profile's results. */
    static final class Stats {
        final String profileId;
        final List<Long> clientMs = new ArrayList<>();
        final List<Long> serviceMs = new ArrayList<>();
        long inputTokens, outputTokens;
        int throttles, failures;
        String firstAnswer, lastError;

        Stats(String profileId) {
            this.profileId = profileId;
        }
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new CompareGlobalGeo()).setExecutionExceptionHandler(Utils::handleError).execute(args));
    }

    /**
     * The geographic prefixes to try for a source Region, most specific first (empty: no geography
     * known for it). jp and au exist only for some models; apac is the wider Asia-Pacific one.
     */
    static List<String> geographiesFor(String region) {
        if (region.startsWith("us-gov-")) return List.of("us-gov");
        if (region.startsWith("us-")) return List.of("us");
        if (region.startsWith("eu-")) return List.of("eu");
        if (region.equals("ap-northeast-1") || region.equals("ap-northeast-3")) return List.of("jp", "apac");
        if (region.equals("ap-southeast-2") || region.equals("ap-southeast-4")) return List.of("au", "apac");
        if (region.startsWith("ap-")) return List.of("apac");
        return List.of();
    }

    /** The first geographic profile of the model that GetInferenceProfile finds in the source Region, or null. */
    static String findGeographicProfile(BedrockClient bedrock, String foundationModelId, List<String> geographies) {
        for (String geo : geographies) {
            String id = geo + "." + foundationModelId;
            try {
                bedrock.getInferenceProfile(r -> r.inferenceProfileIdentifier(id));
                return id;
            } catch (ResourceNotFoundException notInThisRegion) {
                // try the next, wider geography
            }
        }
        return null;
    }

    /** One Converse call; the same request whichever profile it goes through. */
    static ConverseResponse converse(BedrockRuntimeClient client, String profileId, String prompt, int maxTokens) {
        // snippet-start:[bedrock.compare-global-geo]
        Message message = Message.builder().role(ConversationRole.USER).content(ContentBlock.fromText(prompt)).build();
        return client.converse(r -> r.modelId(profileId)          // global.… or us./eu./jp./… — nothing else differs
                .messages(message)
                .inferenceConfig(c -> c.maxTokens(maxTokens)));
        // snippet-end:[bedrock.compare-global-geo]
    }

    @Override
    public Integer call() {
        validate();
        String foundationModelId = modelId.substring("global.".length());
        List<String> geographies = geographiesFor(region);
        String geoId;
        try (BedrockClient bedrock = BedrockClient.builder().region(Region.of(region))
                .httpClientBuilder(UrlConnectionHttpClient.builder()).build()) {
            try {
                bedrock.getInferenceProfile(r -> r.inferenceProfileIdentifier(modelId));
            } catch (ResourceNotFoundException e) {
                throw new IllegalStateException(modelId + " is not offered in " + region
                        + " (GetInferenceProfile: not found) — check the ID with list-global-profiles --region " + region
                        + "; GovCloud Regions have no global profiles");
            }
            geoId = findGeographicProfile(bedrock, foundationModelId, geographies);
        }
        if (geoId == null) {
            throw new IllegalStateException(foundationModelId + " has no geographic inference profile in " + region + " (looked for "
                    + String.join(", ", geographies.stream().map(g -> g + "." + foundationModelId).toList())
                    + ") — only its global profile serves this Region; compare from a Region of another geography, e.g. --region us-east-1");
        }
        System.out.println("🚀 Comparing " + modelId + " with " + geoId + " from " + region + ": " + rounds
                + " Converse calls each, interleaved");

        // Counts the 429 answers the SDK retried, per call (calls are sequential).
        AtomicInteger throttledAttempts = new AtomicInteger();
        ExecutionInterceptor countThrottles = new ExecutionInterceptor() {
            @Override
            public void afterTransmission(Context.AfterTransmission context, ExecutionAttributes attributes) {
                if (context.httpResponse().statusCode() == 429) throttledAttempts.incrementAndGet();
            }
        };
        Stats global = new Stats(modelId);
        Stats geo = new Stats(geoId);
        try (BedrockRuntimeClient client = BedrockRuntimeClient.builder()
                .region(Region.of(region))
                .httpClientBuilder(UrlConnectionHttpClient.builder().socketTimeout(Duration.ofMinutes(2)))
                .overrideConfiguration(o -> o.addExecutionInterceptor(countThrottles))
                .build()) {
            for (int round = 1; round <= rounds; round++) {
                for (Stats s : List.of(global, geo)) {
                    throttledAttempts.set(0);
                    long start = System.nanoTime();
                    try {
                        ConverseResponse r = converse(client, s.profileId, prompt, maxTokens);
                        s.clientMs.add((System.nanoTime() - start) / 1_000_000);
                        if (r.metrics() != null && r.metrics().latencyMs() != null) s.serviceMs.add(r.metrics().latencyMs());
                        s.inputTokens += Utils.orZero(r.usage().inputTokens());
                        s.outputTokens += Utils.orZero(r.usage().outputTokens());
                        if (s.firstAnswer == null) s.firstAnswer = firstText(r);
                    } catch (RuntimeException e) {
                        s.failures++;
                        s.lastError = Utils.explain(e);
                    }
                    s.throttles += throttledAttempts.get();
                }
            }
        }
        print(global, "global");
        print(geo, "geographic " + geoId.substring(0, geoId.indexOf('.')));
        printPrice(foundationModelId, global, geo);
        int failures = global.failures + geo.failures;
        if (failures > 0) {
            String last = geo.lastError != null ? geo.lastError : global.lastError;
            throw new IllegalStateException(failures + " of " + 2 * rounds + " calls failed; last: " + last);
        }
        System.out.println("✅ Completed successfully");
        return 0;
    }

    private void print(Stats s, String kind) {
        System.out.println("📊 " + s.profileId + " (" + kind + ")");
        if (s.firstAnswer != null) System.out.println("   💬 " + s.firstAnswer.replace('\n', ' '));
        System.out.println(s.clientMs.isEmpty() ? "   ⏱️  latency: none measured, no call succeeded"
                : "   ⏱️  client latency p50 " + percentile(s.clientMs, 50) + " ms, p95 " + percentile(s.clientMs, 95)
                + " ms · metrics.latencyMs p50 " + percentile(s.serviceMs, 50) + ", p95 " + percentile(s.serviceMs, 95));
        System.out.println("   🔁 throttled attempts retried: " + s.throttles + " · failed calls: " + s.failures + " of " + rounds);
        System.out.println("   🔢 tokens: input " + s.inputTokens + ", output " + s.outputTokens);
    }

    private static void printPrice(String foundationModelId, Stats global, Stats geo) {
        Price p = PRICES.get(foundationModelId);
        if (p == null) {
            System.out.println("💰 No price for " + foundationModelId + " in this sample's table (as of " + PRICES_AS_OF + "): see " + PRICES_SOURCE);
            return;
        }
        // the same tokens priced both ways, so that the difference is the routing's alone
        long in = global.inputTokens + geo.inputTokens;
        long out = global.outputTokens + geo.outputTokens;
        double viaGlobal = (in * p.globalIn() + out * p.globalOut()) / 1e6;
        double viaGeo = (in * p.geoIn() + out * p.geoOut()) / 1e6;
        double saving = viaGeo == 0 ? 0 : (viaGeo - viaGlobal) / viaGeo * 100;
        double premium = viaGlobal == 0 ? 0 : (viaGeo - viaGlobal) / viaGlobal * 100;
        System.out.printf("💰 The %d input and %d output tokens of this run cost %.1f%% less through the global profile "
                        + "(the geographic one costs %.1f%% more: USD %.6f vs %.6f)%n", in, out, saving, premium, viaGlobal, viaGeo);
        System.out.printf("   prices per million input/output tokens: global %.2f/%.2f, geographic %.2f/%.2f (table as of %s, %s)%n",
                p.globalIn(), p.globalOut(), p.geoIn(), p.geoOut(), PRICES_AS_OF, PRICES_SOURCE);
    }

    static long percentile(List<Long> values, int pct) {
        if (values.isEmpty()) return 0;
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int rank = (int) Math.ceil(pct / 100.0 * sorted.size()); // nearest-rank method
        return sorted.get(Math.max(0, rank - 1));
    }

    private static String firstText(ConverseResponse r) {
        for (ContentBlock b : r.output().message().content()) if (b.text() != null) return b.text();
        return "";
    }

    private void validate() {
        if (region == null || region.isBlank()) throw new ParameterException(spec.commandLine(), "--region must not be blank");
        Utils.checkModelId(spec, modelId);
        if (!modelId.trim().startsWith("global.")) {
            throw new ParameterException(spec.commandLine(), "--model-id " + modelId.trim()
                    + " is not a global profile ID: pass global.<model>, the geographic one is derived from --region");
        }
        modelId = modelId.trim();
        if (geographiesFor(region).isEmpty()) {
            throw new ParameterException(spec.commandLine(), "--region " + region + ": no geographic cross-Region inference is known for this "
                    + "source Region (this sample knows us-*, us-gov-*, eu-*, ap-*) — compare from a Region of one of them");
        }
        if (prompt == null || prompt.isBlank()) throw new ParameterException(spec.commandLine(), "--prompt must not be blank");
        if (maxTokens < 1 || maxTokens > 4096) throw new ParameterException(spec.commandLine(), "--max-tokens must be between 1 and 4096");
        if (rounds < 1 || rounds > MAX_ROUNDS) throw new ParameterException(spec.commandLine(), "--rounds must be between 1 and " + MAX_ROUNDS);
    }
}
