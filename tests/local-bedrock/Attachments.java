import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Documents and images in Converse messages ({@code DocumentBlock}, {@code ImageBlock} with bytes,
 * SDK 2.57.8 enums): format, document name, size, count and the bytes' signature, with AWS's messages
 * where they were found (wire doc §12; users' reports of the service's errors). What arrived is
 * summed up for the answer text ({@link #describe}), so tests can check it.
 *
 * <p>Limits: a document ≤ 4.5 MB, ≤ 5 documents per request, names unique; an image ≤ 3.75 MB and
 * ≤ 8,000 px a side, ≤ 20 images per request. Names: alphanumerics, whitespace (one in a row),
 * hyphens, parentheses, square brackets — and underscores, which the service accepts although its
 * message does not list them (users' measurements); 1..200 characters.
 */
final class Attachments {
    static final long MAX_DOCUMENT_BYTES = 4_718_592L; // 4.5 MB
    static final long MAX_IMAGE_BYTES = 3_932_160L;    // 3.75 MB
    static final int MAX_DOCUMENTS = 5;
    static final int MAX_IMAGES = 20;
    static final int MAX_IMAGE_PIXELS = 8000;
    static final List<String> DOCUMENT_FORMATS = List.of("pdf", "csv", "doc", "docx", "xls", "xlsx", "html", "txt", "md");
    static final List<String> IMAGE_FORMATS = List.of("png", "jpeg", "gif", "webp");
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9_\\-()\\[\\] ]{1,200}");
    static final String NAME_RULES = "The document file name can only contain alphanumeric characters, whitespace characters, hyphens, "
            + "parentheses, and square brackets. The name can't contain more than one consecutive whitespace character. "
            + "Check that the file name conforms to these restrictions and retry your request.";
    static final String DUPLICATE_NAMES = "Messages can't contain duplicate document names.";
    static final String TOO_MANY_DOCUMENTS = "You can't include more than 5 documents in a request.";

    /** One attachment that arrived: kind ("document" or "image"), name (documents), format, size, pixels (images, when read). */
    record Item(String kind, String name, String format, long bytes, String pixels) {}

    /** Checks every document and image block of the request; returns what arrived, in order. */
    static List<Item> check(JsonNode messages) {
        List<Item> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        int documents = 0;
        int images = 0;
        for (int i = 0; i < messages.size(); i++) {
            JsonNode content = messages.get(i).path("content");
            for (int j = 0; j < content.size(); j++) {
                JsonNode b = content.get(j);
                String at = "messages." + (i + 1) + ".member.content." + (j + 1) + ".member";
                if (b.has("document")) {
                    documents++;
                    out.add(document(b.get("document"), at, i, j, names));
                } else if (b.has("image")) {
                    images++;
                    out.add(image(b.get("image"), at, i, j));
                }
            }
        }
        if (documents > MAX_DOCUMENTS) throw ApiError.validation(TOO_MANY_DOCUMENTS);
        if (images > MAX_IMAGES) throw ApiError.validation("The model returned the following errors: messages: too many images: image_count > " + MAX_IMAGES);
        return out;
    }

    private static Item document(JsonNode d, String at, int i, int j, Set<String> names) {
        String format = enumValue(d.get("format"), at + ".document.format", DOCUMENT_FORMATS);
        JsonNode nameNode = d.get("name");
        if (nameNode == null || nameNode.isNull()) {
            throw ApiError.missing(at + ".document.name");
        }
        String name = nameNode.asText();
        if (name.isEmpty() || name.length() > 200) {
            throw ApiError.constraint(name, at + ".document.name",
                    "Member must have length " + (name.isEmpty() ? "greater than or equal to 1" : "less than or equal to 200"));
        }
        if (!NAME.matcher(name).matches() || name.contains("  ")) throw ApiError.validation(NAME_RULES);
        if (!names.add(name)) throw ApiError.validation(DUPLICATE_NAMES);
        JsonNode source = d.get("source");
        if (source == null || !source.isObject() || source.isEmpty()) {
            throw ApiError.missing(at + ".document.source");
        }
        if (!source.has("bytes")) {
            long size = source.has("text") ? source.get("text").asText("").getBytes(StandardCharsets.UTF_8).length : 0;
            return new Item("document", name, format, size, null);
        }
        byte[] bytes = bytes(source.get("bytes"), at + ".document.source.bytes");
        if (bytes.length > MAX_DOCUMENT_BYTES) {
            throw ApiError.validation("The document at messages." + i + ".content." + j + " is " + bytes.length
                    + " bytes. The maximum document size is 4.5 MB (" + MAX_DOCUMENT_BYTES + " bytes).");
        }
        if (!documentMatches(format, bytes)) {
            throw ApiError.validation(format.equals("pdf")
                    ? "The model returned the following errors: messages." + i + ".content." + j + ".pdf.source.base64.data: The PDF specified was not valid."
                    : "The document at messages." + i + ".content." + j + " could not be read as " + format + ". Check the document format and try again.");
        }
        return new Item("document", name, format, bytes.length, null);
    }

    private static Item image(JsonNode im, String at, int i, int j) {
        String format = enumValue(im.get("format"), at + ".image.format", IMAGE_FORMATS);
        JsonNode source = im.get("source");
        if (source == null || !source.isObject() || source.isEmpty()) {
            throw ApiError.missing(at + ".image.source");
        }
        if (!source.has("bytes")) return new Item("image", null, format, 0, null);
        byte[] bytes = bytes(source.get("bytes"), at + ".image.source.bytes");
        String where = "The model returned the following errors: messages." + i + ".content." + j + ".image.source.base64";
        if (bytes.length > MAX_IMAGE_BYTES) {
            throw ApiError.validation(where + ": image exceeds 3.75 MB maximum: " + bytes.length + " bytes > " + MAX_IMAGE_BYTES + " bytes");
        }
        String actual = imageFormat(bytes);
        if (actual == null) throw ApiError.validation(where + ": Could not process image");
        if (!actual.equals(format)) {
            throw ApiError.validation(where + ": The image was specified using the image/" + format
                    + " media type, but the image appears to be a image/" + actual + " image");
        }
        int[] size = pixels(actual, bytes);
        if (size != null && (size[0] > MAX_IMAGE_PIXELS || size[1] > MAX_IMAGE_PIXELS)) {
            throw ApiError.validation(where + ".data: image exceed max allowed size: " + MAX_IMAGE_PIXELS + " pixels");
        }
        return new Item("image", null, format, bytes.length, size == null ? null : size[0] + "x" + size[1]);
    }

    /** "document "name" (pdf, 1234 bytes); image (png, 999 bytes, 64x48)" — what the answer text mentions. */
    static String describe(List<Item> items) {
        List<String> parts = new ArrayList<>();
        for (Item it : items) {
            if (it.kind().equals("document")) parts.add("document \"" + it.name() + "\" (" + it.format() + ", " + it.bytes() + " bytes)");
            else parts.add("image (" + it.format() + ", " + it.bytes() + " bytes" + (it.pixels() == null ? "" : ", " + it.pixels()) + ")");
        }
        return String.join("; ", parts);
    }

    private static String enumValue(JsonNode n, String at, List<String> allowed) {
        if (n == null || n.isNull()) {
            throw ApiError.missing(at);
        }
        if (!allowed.contains(n.asText())) {
            throw ApiError.notInSet(n.asText(), at, String.join(", ", allowed));
        }
        return n.asText();
    }

    private static byte[] bytes(JsonNode n, String at) {
        byte[] b;
        try {
            b = Base64.getDecoder().decode(n.asText(""));
        } catch (IllegalArgumentException e) {
            throw ApiError.validation("1 validation error detected: Value at '" + at + "' failed to satisfy constraint: Member must be a base64-encoded blob");
        }
        if (b.length == 0) {
            throw ApiError.validation("1 validation error detected: Value at '" + at + "' failed to satisfy constraint: Member must have length greater than or equal to 1");
        }
        return b;
    }

    static boolean documentMatches(String format, byte[] b) {
        return switch (format) {
            case "pdf" -> starts(b, "%PDF-".getBytes(StandardCharsets.US_ASCII));
            case "docx", "xlsx" -> starts(b, new byte[] {'P', 'K', 3, 4});
            case "doc", "xls" -> starts(b, new byte[] {(byte) 0xD0, (byte) 0xCF, 0x11, (byte) 0xE0, (byte) 0xA1, (byte) 0xB1, 0x1A, (byte) 0xE1});
            default -> isText(b); // txt, md, csv, html
        };
    }

    static String imageFormat(byte[] b) {
        if (starts(b, new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'})) return "png";
        if (starts(b, new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF})) return "jpeg";
        if (starts(b, "GIF87a".getBytes(StandardCharsets.US_ASCII)) || starts(b, "GIF89a".getBytes(StandardCharsets.US_ASCII))) return "gif";
        if (b.length >= 12 && starts(b, "RIFF".getBytes(StandardCharsets.US_ASCII))
                && b[8] == 'W' && b[9] == 'E' && b[10] == 'B' && b[11] == 'P') return "webp";
        return null;
    }

    /** Width and height from the PNG header or the GIF screen descriptor; null for other formats. */
    static int[] pixels(String format, byte[] b) {
        if (format.equals("png") && b.length >= 24) {
            return new int[] {be32(b, 16), be32(b, 20)};
        }
        if (format.equals("gif") && b.length >= 10) {
            return new int[] {(b[6] & 0xFF) | (b[7] & 0xFF) << 8, (b[8] & 0xFF) | (b[9] & 0xFF) << 8};
        }
        return null;
    }

    private static int be32(byte[] b, int off) {
        return (b[off] & 0xFF) << 24 | (b[off + 1] & 0xFF) << 16 | (b[off + 2] & 0xFF) << 8 | (b[off + 3] & 0xFF);
    }

    private static boolean starts(byte[] b, byte[] prefix) {
        if (b.length < prefix.length) return false;
        for (int i = 0; i < prefix.length; i++) if (b[i] != prefix[i]) return false;
        return true;
    }

    private static boolean isText(byte[] b) {
        for (byte x : b) if (x == 0) return false;
        return Router.utf8(b); // well-formed UTF-8, the check the router applies to bodies
    }

    private Attachments() {}
}
