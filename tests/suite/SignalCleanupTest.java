import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Ctrl-C (SIGINT) and SIGTERM sent to a real sample JVM ({@code ./jbang <alias>} as a child process)
 * while it holds AWS resources: everything the run created is deleted — also a create still in flight
 * when the signal came — the deletions are printed, and the exit code is 130 / 143. The endpoint holds
 * the answers of the create calls for a while ({@code --operation-latency}, local-only) so the signal can land
 * after one create and during the next.
 *
 * <p>A shell starts background jobs with SIGINT ignored, and a JVM keeps an ignored SIGINT ignored;
 * the child is therefore started through {@code env --default-signal=INT,TERM} (GNU coreutils) so that
 * it gets the signals a foreground program in a terminal gets.
 */
class SignalCleanupTest {
    static final Pattern CREATED = Pattern.compile("📝 ([a-z0-9-]+): created (arn:aws:bedrock:\\S+:application-inference-profile/\\S+)");
    static final String VIDEO = "tests/fixtures/sample-video.mp4";
    static final String BUCKET = "signal-test-videos";
    static final Duration WAIT = Duration.ofSeconds(90);

    @BeforeAll
    static void buildScripts() {
        SampleHarness.buildAll();
    }

    @Test
    void sigintAfterOneCreateAndDuringTheNextDeletesBoth() throws Exception {
        SampleHarness.assertBuilt(SampleHarness.alias("multi-tenant-profile"));
        try (LocalBedrock lb = LocalBedrock.start(new LocalBedrock.Config().port(0).operationLatency("control-plane=1500"))) {
            Child c = Child.start(lb, "multi-tenant-profile", "--tenants", "t1,t2,t3");
            // the first create has been answered and the second one's answer is being held: in flight
            c.await(() -> logged(lb, "CreateInferenceProfile") == 1 && lb.simulation().held("CreateInferenceProfile") == 2
                    && c.stdout().contains("📝 t1: created"), "first profile created, second create in flight");
            c.signal("INT");
            int exit = c.waitForExit();
            String out = c.stdout();
            assertEquals(130, exit, () -> "exit code after SIGINT\n" + c.all());
            assertTrue(out.contains("⚠️ Stopped before the end: deleting what this run created"), () -> c.all());
            List<String> arns = createdArns(out);
            assertEquals(2, arns.size(), () -> "t1 and t2 created (t2 while the signal came)\n" + c.all());
            for (String arn : arns) assertTrue(out.contains(": deleted " + arn), () -> "deletion of " + arn + " not printed\n" + c.all());
            assertEquals(2, logged(lb, "CreateInferenceProfile"), () -> "no create may start after the signal\n" + c.all());
            assertEquals(2, logged(lb, "DeleteInferenceProfile"), () -> c.all());
            assertTrue(lb.controlPlane().applicationProfiles().isEmpty(),
                    () -> "profiles left behind: " + lb.controlPlane().applicationProfiles() + "\n" + c.all());
            assertEquals(0, SampleHarness.runtimeEntries(lb).size(), () -> "no Converse after the signal\n" + c.all());
            SampleHarness.assertNoStackTrace(c.result(exit));
        }
    }

    @Test
    void sigtermDuringTheFirstCreateDeletesIt() throws Exception {
        SampleHarness.assertBuilt(SampleHarness.alias("multi-tenant-profile"));
        try (LocalBedrock lb = LocalBedrock.start(new LocalBedrock.Config().port(0).operationLatency("control-plane=2000"))) {
            Child c = Child.start(lb, "multi-tenant-profile", "--tenants", "solo");
            // the profile exists on the endpoint, but its ARN has not reached the sample yet
            c.await(() -> lb.simulation().held("CreateInferenceProfile") == 1 && logged(lb, "CreateInferenceProfile") == 0,
                    "first create in flight");
            c.signal("TERM");
            int exit = c.waitForExit();
            assertEquals(143, exit, () -> "exit code after SIGTERM\n" + c.all());
            List<String> arns = createdArns(c.stdout());
            assertEquals(1, arns.size(), () -> c.all());
            assertTrue(c.stdout().contains("🧹 solo: deleted " + arns.get(0)), () -> c.all());
            assertEquals(1, logged(lb, "DeleteInferenceProfile"), () -> c.all());
            // the ARN printed (it came from the hook alone) is the one the endpoint was asked to delete
            String deleted = lb.requestLog().entries().stream().filter(e -> "DeleteInferenceProfile".equals(e.operation()))
                    .map(e -> java.net.URLDecoder.decode(e.rawPath(), StandardCharsets.UTF_8)).findFirst().orElseThrow();
            String id = arns.get(0).substring(arns.get(0).lastIndexOf('/') + 1);
            assertTrue(deleted.endsWith("/" + id), () -> "deleted " + deleted + ", printed " + arns.get(0) + "\n" + c.all());
            assertTrue(lb.controlPlane().applicationProfiles().isEmpty(),
                    () -> "profile left behind: " + lb.controlPlane().applicationProfiles() + "\n" + c.all());
        }
    }

    @Test
    void pegasusSigtermDuringTheUploadDeletesTheVideo() throws Exception {
        SampleHarness.assertBuilt(SampleHarness.alias("invoke-pegasus"));
        try (LocalBedrock lb = LocalBedrock.start(new LocalBedrock.Config().port(0).operationLatency("PutObject=2000"))) {
            Child c = Child.start(lb, "invoke-pegasus", "--bucket", BUCKET, "--video", VIDEO);
            c.await(() -> lb.simulation().held("PutObject") == 1, "video upload in flight");
            c.signal("TERM");
            int exit = c.waitForExit();
            assertEquals(143, exit, () -> "exit code after SIGTERM\n" + c.all());
            String uri = "s3://" + BUCKET + "/pegasus-samples/sample-video.mp4";
            assertTrue(c.stdout().contains("🧹 Video: deleted " + uri), () -> c.all());
            assertFalse(lb.s3().objectExists(BUCKET, "pegasus-samples/sample-video.mp4"), () -> "video left behind\n" + c.all());
            assertEquals(1, logged(lb, "DeleteObject"), () -> c.all());
            assertFalse(c.stdout().contains("✅"), () -> c.all());
        }
    }

    @Test
    void pegasusStreamSigintWhileStreamingDeletesTheVideo() throws Exception {
        SampleHarness.assertBuilt(SampleHarness.alias("invoke-stream-pegasus"));
        try (LocalBedrock lb = LocalBedrock.start(new LocalBedrock.Config().port(0).faults("stream-delay-ms=1500"))) {
            Child c = Child.start(lb, "invoke-stream-pegasus", "--bucket", BUCKET, "--video", VIDEO);
            c.await(() -> logged(lb, "PutObject") == 1 && c.stdout().contains("💬 Response:"), "video uploaded, stream started");
            c.signal("INT");
            int exit = c.waitForExit();
            assertEquals(130, exit, () -> "exit code after SIGINT\n" + c.all());
            assertTrue(c.stdout().contains("🧹 Video: deleted s3://" + BUCKET + "/pegasus-samples/sample-video.mp4"), () -> c.all());
            assertFalse(lb.s3().objectExists(BUCKET, "pegasus-samples/sample-video.mp4"), () -> "video left behind\n" + c.all());
            assertFalse(c.stdout().contains("✅"), () -> c.all());
        }
    }

    // ------------------------------------------------------------------ helpers

    /** Answered calls of an operation in the request log (any status). */
    static long logged(LocalBedrock lb, String operation) {
        return lb.requestLog().entries().stream().filter(e -> operation.equals(e.operation())).count();
    }

    static List<String> createdArns(String stdout) {
        List<String> out = new ArrayList<>();
        Matcher m = CREATED.matcher(stdout);
        while (m.find()) out.add(m.group(2));
        // a profile whose create was in flight is printed by the hook only ("🧹 t: deleted ARN")
        Matcher d = Pattern.compile("🧹 [a-z0-9-]+: deleted (\\S+)").matcher(stdout);
        while (d.find()) if (!out.contains(d.group(1))) out.add(d.group(1));
        return out;
    }

    /** A sample started like {@code ./jbang <alias> …} in a terminal, with output captured to files. */
    static final class Child {
        final Process process;
        final Path out, err;
        final List<String> command;

        private Child(Process p, Path out, Path err, List<String> command) {
            this.process = p;
            this.out = out;
            this.err = err;
            this.command = command;
        }

        static Child start(LocalBedrock lb, String alias, String... args) throws IOException {
            Map<String, String> env = SampleHarness.baseEnv(lb);
            List<String> cmd = new ArrayList<>(List.of("env", "--default-signal=INT,TERM", SampleHarness.wrapper().toString(), alias));
            cmd.addAll(List.of(args));
            Path dir = Files.createTempDirectory(SampleHarness.scratch(), "signal-");
            Path out = dir.resolve("stdout"), err = dir.resolve("stderr");
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(SampleHarness.repoRoot().toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            pb.environment().clear();
            pb.environment().putAll(env);
            return new Child(pb.start(), out, err, cmd);
        }

        String stdout() {
            return read(out);
        }

        String stderr() {
            return read(err);
        }

        /** Polls (no timing assertion) until the condition holds; fails if the sample exits or WAIT passes first. */
        void await(BooleanSupplier condition, String what) throws InterruptedException {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (!condition.getAsBoolean()) {
                if (!process.isAlive()) fail("the sample ended before: " + what + "\n" + all());
                if (System.nanoTime() > deadline) {
                    kill();
                    fail("never reached: " + what + "\n" + all());
                }
                Thread.sleep(20);
            }
        }

        /**
         * Sends the signal to the sample's JVM. The wrapper and {@code env} exec, so the child process is
         * the JVM itself; checked, so that the signal never goes to a shell that would pass it on differently.
         */
        void signal(String name) throws Exception {
            ProcessHandle.Info info = process.toHandle().info();
            String exe = info.command().orElse("");
            assertTrue(exe.endsWith("/java"), () -> "pid " + process.pid() + " is not the JVM but " + exe + "\n" + all());
            String args = String.join(" ", info.arguments().orElse(new String[0]));
            assertFalse(args.contains("dev.jbang.Main"), () -> "pid " + process.pid() + " is JBang itself, not the sample: " + args);
            Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
            assertEquals(0, kill.waitFor(), "kill -" + name + " " + process.pid());
        }

        int waitForExit() throws InterruptedException {
            if (!process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)) {
                kill();
                fail("the sample did not exit after the signal\n" + all());
            }
            return process.exitValue();
        }

        void kill() {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }

        SampleHarness.Result result(int exit) {
            return new SampleHarness.Result(exit, stdout(), stderr(), 0, command);
        }

        String all() {
            return "$ " + String.join(" ", command) + "\n--- stdout ---\n" + stdout() + "\n--- stderr ---\n" + stderr();
        }

        private static String read(Path p) {
            try {
                return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
            } catch (IOException e) {
                return "<unreadable: " + e + ">";
            }
        }
    }
}
