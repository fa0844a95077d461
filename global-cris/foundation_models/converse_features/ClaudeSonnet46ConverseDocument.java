///usr/bin/env jbang "$0" "$@" ; exit $?
//DESCRIPTION Claude Sonnet 4.6 reads documents (PDF, docx, md, …) and images (png, jpeg, gif, webp) via the Converse API on its global cross-Region inference profile
//JAVA 17+
//DEPS software.amazon.awssdk:bom:2.57.8@pom
//DEPS software.amazon.awssdk:bedrockruntime
//DEPS software.amazon.awssdk:url-connection-client
//DEPS info.picocli:picocli:4.7.7
//DEPS org.slf4j:slf4j-nop:2.0.17
//SOURCES ../Utils.java
//FILES fixtures/global-cris-overview.pdf
//FILES fixtures/global-cris-regions.png

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ConversationRole;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseResponse;
import software.amazon.awssdk.services.bedrockruntime.model.Message;
import software.amazon.awssdk.services.bedrockruntime.model.TokenUsage;

/**
 * Claude Sonnet 4.6 reads documents and images through the Converse API on the global
 * cross-Region inference profile: files from {@code --document} and {@code --image} (repeatable)
 * go as {@code DocumentBlock}/{@code ImageBlock} bytes next to the prompt, in one user message.
 * With neither option, a one-page PDF and a small PNG shipped next to this file are sent.
 *
 * <p>Everything Bedrock would refuse is checked before sending, with exit code 2 and a message:
 * the format comes from the file extension and must match the file's first bytes (a PNG renamed
 * {@code .pdf} is refused, not sent); a document's name is made from its file name to fit
 * Bedrock's rule (letters, digits, single spaces, hyphens, parentheses, square brackets) and made
 * unique; at most 5 documents of 4.5 MB and 20 images of 3.75 MB and 8,000 pixels a side each (the
 * limits of the Converse API reference; AWS's user guide says that Claude 4 models take larger
 * PDFs — this sample keeps the stricter documented limit). Image sizes are read from the file
 * headers, nothing is decoded.
 *
 * <p>Run: {@code jbang converse-document-sonnet-4-6 --document report.pdf --image chart.png --prompt "What changed?"}
 * — without AWS: {@code ./jbang offline converse-document-sonnet-4-6}
 *
 * <p>Left out: documents and images from S3 ({@code s3Location}), citations, and the model
 * provider's own limits (Anthropic's request size and PDF page count), which the service checks.
 */
@Command(name = "converse-document-sonnet-4-6", mixinStandardHelpOptions = true,
        description = {"Sends documents and images (from files) with a prompt to Claude Sonnet 4.6 via the Converse API on its global profile.",
                "Documents: pdf csv doc docx xls xlsx html txt md (at most 5, 4.5 MB each); images: png jpeg gif webp (at most 20, 3.75 MB and 8000 px a side each).",
                "With neither --document nor --image, a bundled one-page PDF and a small PNG are sent."})
public class ClaudeSonnet46ConverseDocument implements Callable<Integer> {
    static final String MODEL_ID = "global.anthropic.claude-sonnet-4-6";
    static final String PROMPT = "Summarise the document in two sentences, then say what the image shows.";
    /** Largest output the model allows; --max-tokens above it is rejected before any request. */
    static final int MODEL_MAX_OUTPUT_TOKENS = 64_000;
    static final int MAX_DOCUMENTS = 5;
    static final int MAX_IMAGES = 20;
    static final long MAX_DOCUMENT_BYTES = 4_718_592; // 4.5 MB
    static final long MAX_IMAGE_BYTES = 3_932_160;    // 3.75 MB
    static final int MAX_IMAGE_PIXELS = 8_000;        // width and height
    static final List<String> BUNDLED_DOCUMENTS = List.of("fixtures/global-cris-overview.pdf");
    static final List<String> BUNDLED_IMAGES = List.of("fixtures/global-cris-regions.png");

    /** File extension → Bedrock format. */
    static final Map<String, String> DOCUMENT_FORMATS = Map.of("pdf", "pdf", "csv", "csv", "doc", "doc", "docx", "docx",
            "xls", "xls", "xlsx", "xlsx", "html", "html", "htm", "html", "txt", "txt", "md", "md");
    static final Set<String> TEXT_FORMATS = Set.of("csv", "html", "txt", "md");
    static final Map<String, String> IMAGE_FORMATS = Map.of("png", "png", "jpg", "jpeg", "jpeg", "jpeg", "gif", "gif", "webp", "webp");

    @Spec
    CommandSpec spec;

    @Option(names = "--region", defaultValue = "${AWS_REGION:-ap-south-1}",
            description = "Source Region (default: AWS_REGION, else ap-south-1; now ${DEFAULT-VALUE}).")
    String region;

    @Option(names = "--model-id", defaultValue = MODEL_ID,
            description = "Inference profile ID or ARN (default: ${DEFAULT-VALUE}).")
    String modelId;

    @Option(names = "--document", paramLabel = "FILE", description = "A document to send; repeat for several (at most " + MAX_DOCUMENTS + ").")
    List<Path> documents = new ArrayList<>();

    @Option(names = "--image", paramLabel = "FILE", description = "An image to send; repeat for several (at most " + MAX_IMAGES + ").")
    List<Path> images = new ArrayList<>();

    @Option(names = "--prompt", defaultValue = PROMPT, description = "The question about the files (default: ${DEFAULT-VALUE}).")
    String prompt;

    @Option(names = "--max-tokens", defaultValue = "500", description = "Maximum output tokens (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--temperature", description = "Sampling temperature 0..1 (default: not sent, the model's default).")
    Double temperature;

    /** One file to send: what the user named, the Bedrock format, the document name (null for images) and the bytes. */
    record Attachment(String source, boolean image, String format, String name, byte[] bytes) {}

    public static void main(String[] args) {
        System.exit(new CommandLine(new ClaudeSonnet46ConverseDocument()).setExecutionExceptionHandler(Utils::handleError).execute(args));
    }

    /** Sends the files and the prompt in one user message with the Converse API and returns Bedrock's answer. */
    static ConverseResponse converse(BedrockRuntimeClient client, String modelId, List<Attachment> files, String prompt,
                                     int maxTokens, Double temperature) {
        // snippet-start:[bedrock.converse-document-sonnet-4-6]
        List<ContentBlock> content = new ArrayList<>();
        for (Attachment f : files) {
            SdkBytes bytes = SdkBytes.fromByteArray(f.bytes()); // raw bytes: the SDK base64-encodes them
            content.add(f.image()
                    ? ContentBlock.fromImage(i -> i.format(f.format()).source(s -> s.bytes(bytes)))
                    : ContentBlock.fromDocument(d -> d.format(f.format()).name(f.name()).source(s -> s.bytes(bytes))));
        }
        content.add(ContentBlock.fromText(prompt)); // a message with a document must also have a text block
        Message message = Message.builder().role(ConversationRole.USER).content(content).build();
        return client.converse(r -> r.modelId(modelId)
                .messages(message)
                .inferenceConfig(c -> c.maxTokens(maxTokens).temperature(temperature == null ? null : temperature.floatValue())));
        // snippet-end:[bedrock.converse-document-sonnet-4-6]
    }

    @Override
    public Integer call() throws IOException {
        validate();
        List<Attachment> files = attachments();
        System.out.println("🚀 Calling " + modelId + " with the Converse API in " + region);
        for (Attachment f : files) {
            System.out.println((f.image() ? "🖼️ Image: " : "📄 Document: ") + f.source() + " — format " + f.format()
                    + (f.image() ? "" : ", name \"" + f.name() + "\"") + ", " + f.bytes().length + " bytes");
        }
        // The lightest SDK HTTP client; a long read timeout because large documents take a while.
        try (BedrockRuntimeClient client = BedrockRuntimeClient.builder()
                .region(Region.of(region))
                .httpClientBuilder(UrlConnectionHttpClient.builder().socketTimeout(Duration.ofMinutes(5)))
                .build()) {
            ConverseResponse response = converse(client, modelId, files, prompt, maxTokens, temperature);
            System.out.println("💬 Response:");
            for (ContentBlock block : response.output().message().content()) {
                if (block.text() != null) System.out.println(block.text());
            }
            System.out.println("🛑 Stop reason: " + response.stopReasonAsString());
            TokenUsage usage = response.usage();
            Utils.printUsage(Utils.orZero(usage.inputTokens()), Utils.orZero(usage.outputTokens()), Utils.orZero(usage.totalTokens()),
                    Utils.orZero(usage.cacheReadInputTokens()), Utils.orZero(usage.cacheWriteInputTokens()));
        }
        System.out.println("✅ Completed successfully");
        return 0;
    }

    // ---- checks before sending: every failure is a usage error (exit 2) and nothing is sent ----

    /** The files to send, read and checked; the bundled ones when neither --document nor --image is given. */
    List<Attachment> attachments() throws IOException {
        if (documents.size() > MAX_DOCUMENTS) {
            throw usage("at most " + MAX_DOCUMENTS + " documents per request (got " + documents.size() + " --document)");
        }
        if (images.size() > MAX_IMAGES) throw usage("at most " + MAX_IMAGES + " images per request (got " + images.size() + " --image)");
        List<Attachment> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        if (documents.isEmpty() && images.isEmpty()) {
            for (String r : BUNDLED_DOCUMENTS) out.add(checked(r + " (bundled)", fileName(r), bundled(r), false, names));
            for (String r : BUNDLED_IMAGES) out.add(checked(r + " (bundled)", fileName(r), bundled(r), true, names));
            return out;
        }
        for (Path p : documents) out.add(checked(p.toString(), p.getFileName().toString(), read(p, MAX_DOCUMENT_BYTES, "--document"), false, names));
        for (Path p : images) out.add(checked(p.toString(), p.getFileName().toString(), read(p, MAX_IMAGE_BYTES, "--image"), true, names));
        return out;
    }

    /** The file's bytes; its size is checked before it is read. */
    private byte[] read(Path p, long maxBytes, String option) throws IOException {
        if (Files.isDirectory(p)) throw usage(option + " " + p + ": is a directory, not a file");
        if (!Files.isRegularFile(p)) throw usage(option + " " + p + ": no such file");
        if (!Files.isReadable(p)) throw usage(option + " " + p + ": the file is not readable");
        long size = Files.size(p);
        if (size > maxBytes) {
            throw usage(option + " " + p + ": " + size + " bytes is over Bedrock's limit of " + maxBytes + " bytes ("
                    + (option.equals("--image") ? "3.75" : "4.5") + " MB) per " + option.substring(2));
        }
        if (size == 0) throw usage(option + " " + p + ": the file is empty");
        return Files.readAllBytes(p);
    }

    /** A file shipped with the sample: JBang's //FILES puts it at the root of the class path, by its file name. */
    private static byte[] bundled(String resource) throws IOException {
        try (InputStream in = ClaudeSonnet46ConverseDocument.class.getResourceAsStream("/" + fileName(resource))) {
            if (in == null) {
                throw new IllegalStateException("the bundled " + resource + " is not on the class path (run the sample with JBang, "
                        + "which adds it from //FILES) — or pass your own files with --document/--image");
            }
            return in.readAllBytes();
        }
    }

    /** Format from the extension, checked against the first bytes; for documents, a valid unique name. */
    private Attachment checked(String source, String fileName, byte[] bytes, boolean image, Set<String> names) {
        String option = image ? "--image" : "--document";
        int dot = fileName.lastIndexOf('.');
        String ext = dot < 0 ? "" : fileName.substring(dot + 1).toLowerCase(Locale.ROOT);
        String format = (image ? IMAGE_FORMATS : DOCUMENT_FORMATS).get(ext);
        if (format == null) {
            String other = (image ? DOCUMENT_FORMATS : IMAGE_FORMATS).containsKey(ext) ? " (." + ext + " is " + (image ? "a document" : "an image")
                    + " format: pass it with " + (image ? "--document" : "--image") + ")" : "";
            throw usage(option + " " + source + ": the extension " + (ext.isEmpty() ? "is missing" : "." + ext + " is not supported") + other
                    + " — " + (image ? "images: png, jpg/jpeg, gif, webp" : "documents: pdf, csv, doc, docx, xls, xlsx, html/htm, txt, md"));
        }
        String actual = sniff(bytes);
        boolean text = TEXT_FORMATS.contains(format);
        boolean ok = switch (format) {
            case "pdf" -> "PDF document".equals(actual);
            case "docx", "xlsx" -> "ZIP archive (docx/xlsx)".equals(actual);
            case "doc", "xls" -> "OLE2 file (doc/xls)".equals(actual);
            case "png" -> "PNG image".equals(actual);
            case "jpeg" -> "JPEG image".equals(actual);
            case "gif" -> "GIF image".equals(actual);
            case "webp" -> "WebP image".equals(actual);
            default -> text && actual == null && isUtf8Text(bytes);
        };
        if (!ok) {
            String what = actual != null ? "those of a " + actual : text ? "not UTF-8 text" : "not those of a " + format + " file";
            throw usage(option + " " + source + ": named ." + ext + " but its first bytes are " + what
                    + " — fix the extension or pass the right file");
        }
        int[] px = image ? pixels(bytes, format) : null;
        if (px != null && (px[0] > MAX_IMAGE_PIXELS || px[1] > MAX_IMAGE_PIXELS)) {
            throw usage(option + " " + source + ": " + px[0] + "x" + px[1] + " pixels is over Bedrock's limit of "
                    + MAX_IMAGE_PIXELS + " pixels a side — scale the image down");
        }
        String name = null;
        if (!image) {
            String base = documentName(dot < 0 ? fileName : fileName.substring(0, dot));
            name = base;
            for (int n = 2; !names.add(name.toLowerCase(Locale.ROOT)); n++) name = base + " (" + n + ")";
        }
        return new Attachment(source, image, format, name, bytes);
    }

    /**
     * A document name Bedrock accepts: letters and digits, single spaces, hyphens, parentheses and
     * square brackets. Anything else (dots, underscores, accents…) becomes a space; runs of spaces
     * become one.
     */
    static String documentName(String base) {
        StringBuilder b = new StringBuilder();
        for (char c : base.toCharArray()) {
            boolean allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '(' || c == ')' || c == '[' || c == ']';
            b.append(allowed ? c : ' ');
        }
        String name = b.toString().trim().replaceAll(" {2,}", " ");
        if (name.length() > 200) name = name.substring(0, 200).trim();
        return name.isEmpty() ? "document" : name;
    }

    /** What the first bytes say the file is, or null when they match no binary format (text, or unknown). */
    static String sniff(byte[] b) {
        if (starts(b, 0x25, 0x50, 0x44, 0x46, 0x2D)) return "PDF document";           // %PDF-
        if (starts(b, 0x50, 0x4B, 0x03, 0x04)) return "ZIP archive (docx/xlsx)";       // PK\3\4
        if (starts(b, 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1)) return "OLE2 file (doc/xls)";
        if (starts(b, 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A)) return "PNG image";
        if (starts(b, 0xFF, 0xD8, 0xFF)) return "JPEG image";
        if (starts(b, 0x47, 0x49, 0x46, 0x38, 0x37, 0x61) || starts(b, 0x47, 0x49, 0x46, 0x38, 0x39, 0x61)) return "GIF image"; // GIF87a, GIF89a
        if (b.length >= 12 && starts(b, 0x52, 0x49, 0x46, 0x46) && b[8] == 'W' && b[9] == 'E' && b[10] == 'B' && b[11] == 'P') return "WebP image";
        return null;
    }

    /**
     * Width and height from the image header (no decoding), or null when the header cannot be read
     * here (the service then checks it): PNG IHDR, GIF screen descriptor, the first JPEG SOF
     * segment, WebP VP8/VP8L/VP8X.
     */
    static int[] pixels(byte[] b, String format) {
        switch (format) {
            case "png":
                return b.length < 24 ? null : new int[] {be(b, 16, 4), be(b, 20, 4)};
            case "gif":
                return b.length < 10 ? null : new int[] {le(b, 6, 2), le(b, 8, 2)};
            case "jpeg":
                for (int i = 2; i + 9 < b.length && (b[i] & 0xFF) == 0xFF; ) {
                    int marker = b[i + 1] & 0xFF;
                    if (marker == 0xFF) { i++; continue; } // fill byte
                    boolean sof = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
                    if (sof) return new int[] {be(b, i + 7, 2), be(b, i + 5, 2)};
                    i += 2 + be(b, i + 2, 2);
                }
                return null;
            case "webp":
                if (b.length < 30) return null;
                String chunk = new String(b, 12, 4, StandardCharsets.US_ASCII);
                if (chunk.equals("VP8X")) return new int[] {1 + le(b, 24, 3), 1 + le(b, 27, 3)};
                if (chunk.equals("VP8L") && (b[20] & 0xFF) == 0x2F) {
                    int bits = le(b, 21, 4);
                    return new int[] {1 + (bits & 0x3FFF), 1 + ((bits >>> 14) & 0x3FFF)};
                }
                if (chunk.equals("VP8 ")) return new int[] {le(b, 26, 2) & 0x3FFF, le(b, 28, 2) & 0x3FFF};
                return null;
            default:
                return null;
        }
    }

    private static int be(byte[] b, int at, int n) {
        int v = 0;
        for (int i = 0; i < n; i++) v = (v << 8) | (b[at + i] & 0xFF);
        return v;
    }

    private static int le(byte[] b, int at, int n) {
        int v = 0;
        for (int i = n - 1; i >= 0; i--) v = (v << 8) | (b[at + i] & 0xFF);
        return v;
    }

    private static boolean starts(byte[] b, int... magic) {
        if (b.length < magic.length) return false;
        for (int i = 0; i < magic.length; i++) if ((b[i] & 0xFF) != magic[i]) return false;
        return true;
    }

    /** Text formats (csv, html, txt, md) must be UTF-8 without NUL bytes. */
    private static boolean isUtf8Text(byte[] b) {
        for (byte x : b) if (x == 0) return false;
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(b));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    private static String fileName(String resource) {
        return resource.substring(resource.lastIndexOf('/') + 1);
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    private void validate() {
        if (region == null || region.isBlank()) throw usage("--region must not be blank");
        Utils.checkModelId(spec, modelId);
        if (prompt == null || prompt.isBlank()) throw usage("--prompt must not be blank");
        if (maxTokens < 1 || maxTokens > MODEL_MAX_OUTPUT_TOKENS) {
            throw usage("--max-tokens must be between 1 and " + MODEL_MAX_OUTPUT_TOKENS + " for this model");
        }
        if (temperature != null && !(temperature >= 0 && temperature <= 1)) throw usage("--temperature must be between 0 and 1");
    }
}
