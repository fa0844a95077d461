///usr/bin/env jbang "$0" "$@" ; exit $?
//DESCRIPTION Runs a sample alias against a throw-away local Bedrock endpoint: no AWS account needed.
//JAVA 17+
//MAIN Offline
//DEPS software.amazon.awssdk:bom:2.57.8@pom
//DEPS software.amazon.awssdk:eventstream
//DEPS software.amazon.awssdk:http-auth-aws
//DEPS org.eclipse.jetty:jetty-server:12.1.14
//DEPS org.eclipse.jetty.http2:jetty-http2-server:12.1.14
//DEPS info.picocli:picocli:4.7.7
//DEPS com.fasterxml.jackson.core:jackson-databind:2.21.3
//DEPS org.slf4j:slf4j-nop:2.0.17
//SOURCES ../local-bedrock/*.java

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ./jbang offline <alias> [sample options]}: starts the local endpoint on a free port,
 * runs the sample unchanged against it (through the SDK's AWS_ENDPOINT_URL variable, with test
 * credentials), then stops the endpoint and exits with the sample's exit code.
 */
@Command(name = "offline", mixinStandardHelpOptions = true,
        description = {"Runs a sample alias (or a sample's .java file) against a throw-away local Bedrock endpoint (no AWS account needed).",
                "Example: ./jbang offline converse-haiku --prompt \"Hello\"    ./jbang offline /tmp/MySample.java"})
public class Offline implements Callable<Integer> {

    @Option(names = "--faults", paramLabel = "SPEC",
            description = "Faults for the endpoint, e.g. throttle-first=2 (see: ./jbang local-bedrock --help).")
    String faults;

    @Option(names = "--request-log", paramLabel = "FILE", description = "Write the endpoint's request log as JSON lines.")
    Path requestLog;

    @Option(names = "--api-key", description = {
            "Authenticate Bedrock calls with a Bedrock API key (AWS_BEARER_TOKEN_BEDROCK=" + BearerAuth.DEFAULT_KEY + ",",
            "the endpoint's default key) instead of SigV4 keys; samples that also call S3 or STS keep the test keys for those."})
    boolean apiKey;

    @Parameters(index = "0", paramLabel = "ALIAS|FILE",
            description = "A sample alias from jbang-catalog.json, e.g. converse-haiku, or the path of a sample's .java file.")
    String alias;

    @Parameters(index = "1..*", paramLabel = "ARGS", description = "Options passed to the sample unchanged.")
    List<String> sampleArgs = new ArrayList<>();

    public static void main(String[] args) {
        CommandLine cmd = new CommandLine(new Offline());
        cmd.setStopAtPositional(true);                    // everything after the alias belongs to the sample
        cmd.setUnmatchedOptionsArePositionalParams(true);
        cmd.setExecutionExceptionHandler(Tools::oneLineError);
        System.exit(cmd.execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Path root = Tools.repoRoot();
        JsonNode aliases = new ObjectMapper().readTree(root.resolve("jbang-catalog.json").toFile()).path("aliases");
        // a .java file (e.g. one written by `jbang init -t global-cris-sample`) runs as `jbang <file>`
        boolean file = alias.endsWith(".java");
        if (file && !Files.isRegularFile(Path.of(alias))) {
            System.err.println("❌ " + alias + " is not a file — give a sample's .java file or an alias of jbang-catalog.json");
            return 2;
        }
        if (!file && !aliases.has(alias)) {
            List<String> known = new ArrayList<>();
            aliases.fieldNames().forEachRemaining(known::add);
            System.err.println("❌ '" + alias + "' is not an alias of jbang-catalog.json — use one of: " + String.join(", ", known));
            return 2;
        }
        List<String> command = new ArrayList<>(List.of(root.resolve("jbang").toString(),
                file ? Path.of(alias).toAbsolutePath().normalize().toString() : alias));
        command.addAll(sampleArgs);
        Path data = Files.createTempDirectory("local-bedrock-offline");
        try (LocalBedrock endpoint = LocalBedrock.start(new LocalBedrock.Config().port(0).dataDir(data).faults(faults))) {
            ProcessBuilder pb = new ProcessBuilder(command).inheritIO();
            Map<String, String> env = pb.environment();
            // Never touch a real account: drop whatever could point the SDK at AWS or at a profile.
            env.keySet().removeIf(k -> k.startsWith("AWS_ENDPOINT_URL") || k.equals("AWS_PROFILE")
                    || k.equals("AWS_SESSION_TOKEN") || k.equals("AWS_BEARER_TOKEN_BEDROCK")
                    || k.equals("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"));
            env.put("AWS_CONFIG_FILE", data.resolve("no-config").toString());
            env.put("AWS_SHARED_CREDENTIALS_FILE", data.resolve("no-credentials").toString());
            env.put("AWS_ENDPOINT_URL", endpoint.endpoint().toString());
            env.put("AWS_ACCESS_KEY_ID", "test");
            env.put("AWS_SECRET_ACCESS_KEY", "test");
            String auth = "test credentials";
            if (apiKey) {
                // The SDK (bedrock-runtime and bedrock clients) sends "Authorization: Bearer <key>" when this is set.
                env.put("AWS_BEARER_TOKEN_BEDROCK", BearerAuth.DEFAULT_KEY);
                auth = "the Bedrock API key in AWS_BEARER_TOKEN_BEDROCK";
                if (!callsS3OrSts(file ? Path.of(alias) : root.resolve(aliases.path(alias).path("script-ref").asText()))) {
                    env.remove("AWS_ACCESS_KEY_ID");
                    env.remove("AWS_SECRET_ACCESS_KEY");
                } else {
                    auth += " (test keys for S3/STS)";
                }
            }
            if (alias.contains("pegasus")) {
                // The Pegasus samples need a bucket and a video; offline, use a local bucket and the shipped clip.
                env.putIfAbsent("S3_BUCKET_NAME", "local-bedrock-demo");
                if (!sampleArgs.contains("--video")) {
                    command.addAll(List.of("--video", root.resolve("tests/fixtures/sample-video.mp4").toString()));
                    pb.command(command);
                }
            }
            System.err.println("[offline] local endpoint on " + endpoint.endpoint() + " with " + auth + "; running: jbang "
                    + String.join(" ", command.subList(1, command.size())));
            Process p = pb.start();
            int exit = p.waitFor();
            if (requestLog != null) endpoint.requestLog().writeJsonLines(requestLog);
            return exit;
        } finally {
            Tools.deleteTree(data);
        }
    }

    /** True when the script declares the S3 or STS module: API keys only cover Bedrock, so it keeps SigV4 keys. */
    static boolean callsS3OrSts(Path script) throws java.io.IOException {
        if (!Files.isRegularFile(script)) return false;
        for (String line : Files.readAllLines(script)) {
            String l = line.trim();
            if (l.equals("//DEPS software.amazon.awssdk:s3") || l.equals("//DEPS software.amazon.awssdk:sts")) return true;
        }
        return false;
    }
}
