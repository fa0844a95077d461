import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Amazon S3, path-style, the subset the Pegasus sample needs (wire doc §8): buckets, objects (plain
 * and aws-chunked uploads) and bucket policies. Objects live as files under
 * {@code dataDir/s3/{bucket}/{key}}; policies under {@code dataDir/s3-policies/{bucket}.json}.
 * A key can never leave its bucket folder: keys with NUL, backslash, "." or ".." segments, empty
 * segments or a leading "/" are refused, and the resolved path is checked to stay inside.
 */
final class S3Store {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final Pattern IPV4 = Pattern.compile("\\d+\\.\\d+\\.\\d+\\.\\d+");
    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);
    private static final String DEFAULT_REGION = "us-east-1";

    private final Path objectsRoot;
    private final Path policiesRoot;
    private final String accountId;
    /** Region each bucket was created in (from the creating request's credential scope). */
    private final Map<String, String> bucketRegions = new ConcurrentHashMap<>();
    /** Content-Type per object ("bucket/key"); absent → binary/octet-stream. */
    private final Map<String, String> contentTypes = new ConcurrentHashMap<>();

    S3Store(Path dataDir, String accountId) {
        try {
            this.objectsRoot = Files.createDirectories(dataDir.resolve("s3")).toRealPath();
            this.policiesRoot = Files.createDirectories(dataDir.resolve("s3-policies")).toRealPath();
        } catch (IOException e) {
            throw new IllegalStateException("cannot create the S3 data folders under " + dataDir, e);
        }
        this.accountId = accountId;
    }

    // ------------------------------------------------------------------ dispatch

    void handle(Exchange ex) {
        ex.operation = "Unknown";
        String raw = ex.rawPath.isEmpty() ? "/" : ex.rawPath;
        if (!raw.startsWith("/")) throw new ApiError(400, "InvalidURI", "Couldn't parse the specified URI.");
        String rest = raw.substring(1);
        if (rest.isEmpty()) {
            if (ex.method.equals("GET")) {
                ex.operation = "ListBuckets";
                listBuckets(ex);
                return;
            }
            throw methodNotAllowed(ex.method);
        }
        int slash = rest.indexOf('/');
        String bucket = Exchange.decode(slash < 0 ? rest : rest.substring(0, slash));
        String rawKey = slash < 0 ? "" : rest.substring(slash + 1);
        Map<String, java.util.List<String>> query = ex.query();
        if (rawKey.isEmpty()) {
            bucketOperation(ex, bucket, query);
        } else {
            objectOperation(ex, bucket, Exchange.decode(rawKey));
        }
    }

    private void bucketOperation(Exchange ex, String bucket, Map<String, java.util.List<String>> query) {
        if (query.containsKey("policy")) {
            switch (ex.method) {
                case "GET" -> { ex.operation = "GetBucketPolicy"; getPolicy(ex, bucket); }
                case "PUT" -> { ex.operation = "PutBucketPolicy"; putPolicy(ex, bucket); }
                case "DELETE" -> { ex.operation = "DeleteBucketPolicy"; deletePolicy(ex, bucket); }
                default -> throw methodNotAllowed(ex.method);
            }
            return;
        }
        if (!query.isEmpty() && !(ex.method.equals("GET") && (query.containsKey("list-type") || query.containsKey("prefix")))) {
            // other sub-resources (?acl, ?versioning, ?location, …) are not emulated
            if (ex.method.equals("GET") && query.containsKey("location")) {
                ex.operation = "GetBucketLocation";
                bucketDir(bucket, true);
                String region = bucketRegions.getOrDefault(bucket, DEFAULT_REGION);
                String x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<LocationConstraint xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                        + (region.equals("us-east-1") ? "" : Sts.xml(region)) + "</LocationConstraint>";
                ex.respond(200, "application/xml", x.getBytes(StandardCharsets.UTF_8));
                return;
            }
            throw notImplemented();
        }
        switch (ex.method) {
            case "PUT" -> { ex.operation = "CreateBucket"; createBucket(ex, bucket); }
            case "HEAD" -> { ex.operation = "HeadBucket"; headBucket(ex, bucket); }
            case "DELETE" -> { ex.operation = "DeleteBucket"; deleteBucket(ex, bucket); }
            case "GET" -> { ex.operation = "ListObjectsV2"; listObjects(ex, bucket); }
            default -> throw methodNotAllowed(ex.method);
        }
    }

    private void objectOperation(Exchange ex, String bucket, String key) {
        switch (ex.method) {
            case "PUT" -> {
                ex.operation = ex.header("x-amz-copy-source") != null ? "CopyObject" : "PutObject";
                if (ex.operation.equals("CopyObject")) throw notImplemented();
                putObject(ex, bucket, key);
            }
            case "GET" -> { ex.operation = "GetObject"; getObject(ex, bucket, key, true); }
            case "HEAD" -> { ex.operation = "HeadObject"; getObject(ex, bucket, key, false); }
            case "DELETE" -> { ex.operation = "DeleteObject"; deleteObject(ex, bucket, key); }
            default -> throw methodNotAllowed(ex.method);
        }
        simulation.hold(ex, false);
    }

    /** Local-only slow answers (Simulation.java; none unless set). */
    private volatile Simulation simulation = new Simulation();

    void simulation(Simulation s) {
        this.simulation = s;
    }

    // ------------------------------------------------------------------ buckets

    private synchronized void createBucket(Exchange ex, String bucket) {
        Path dir = bucketDir(bucket, false);
        if (Files.isDirectory(dir)) {
            throw new ApiError(409, "BucketAlreadyOwnedByYou",
                    "Your previous request to create the named bucket succeeded and you already own it.").with("BucketName", bucket);
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw internal(e);
        }
        String region = SigV4.scopeRegion(ex);
        bucketRegions.put(bucket, region == null ? DEFAULT_REGION : region);
        ex.responseHeaders.put("Location", "/" + bucket);
        s3Headers(ex);
        ex.respond(200, null, new byte[0]);
    }

    private void headBucket(Exchange ex, String bucket) {
        bucketDir(bucket, true);
        s3Headers(ex);
        ex.responseHeaders.put("x-amz-bucket-region", bucketRegions.getOrDefault(bucket, regionOr(ex)));
        ex.respond(200, null, new byte[0]);
    }

    private synchronized void deleteBucket(Exchange ex, String bucket) {
        Path dir = bucketDir(bucket, true);
        try (Stream<Path> s = Files.list(dir)) {
            if (s.findAny().isPresent()) {
                throw new ApiError(409, "BucketNotEmpty", "The bucket you tried to delete is not empty").with("BucketName", bucket);
            }
            Files.delete(dir);
            Files.deleteIfExists(policiesRoot.resolve(bucket + ".json"));
        } catch (IOException e) {
            throw internal(e);
        }
        bucketRegions.remove(bucket);
        s3Headers(ex);
        ex.respond(204, null, new byte[0]);
    }

    private void listBuckets(Exchange ex) {
        StringBuilder x = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<ListAllMyBucketsResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Owner><ID>")
                .append(accountId).append("</ID></Owner><Buckets>");
        try (Stream<Path> s = Files.list(objectsRoot)) {
            s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().forEach(b -> x
                    .append("<Bucket><Name>").append(Sts.xml(b)).append("</Name><CreationDate>")
                    .append(DateTimeFormatter.ISO_INSTANT.format(lastModified(objectsRoot.resolve(b))))
                    .append("</CreationDate></Bucket>"));
        } catch (IOException e) {
            throw internal(e);
        }
        x.append("</Buckets></ListAllMyBucketsResult>");
        s3Headers(ex);
        ex.respond(200, "application/xml", x.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** ListObjectsV2 without paging (prefix only): enough to look into a bucket. */
    private void listObjects(Exchange ex, String bucket) {
        Path dir = bucketDir(bucket, true);
        String prefix = ex.queryParam("prefix") == null ? "" : ex.queryParam("prefix");
        StringBuilder items = new StringBuilder();
        int[] count = {0};
        try (Stream<Path> s = Files.walk(dir)) {
            s.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString().replace('\\', '/')).sorted()
                    .filter(k -> k.startsWith(prefix)).forEach(k -> {
                        Path f = dir.resolve(k);
                        count[0]++;
                        items.append("<Contents><Key>").append(Sts.xml(k)).append("</Key><LastModified>")
                                .append(DateTimeFormatter.ISO_INSTANT.format(lastModified(f))).append("</LastModified><ETag>")
                                .append(Sts.xml(etag(read(f)))).append("</ETag><Size>").append(size(f))
                                .append("</Size><StorageClass>STANDARD</StorageClass></Contents>");
                    });
        } catch (IOException e) {
            throw internal(e);
        }
        String x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>"
                + Sts.xml(bucket) + "</Name><Prefix>" + Sts.xml(prefix) + "</Prefix><KeyCount>" + count[0]
                + "</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>" + items + "</ListBucketResult>";
        s3Headers(ex);
        ex.respond(200, "application/xml", x.getBytes(StandardCharsets.UTF_8));
    }

    // ------------------------------------------------------------------ objects

    private void putObject(Exchange ex, String bucket, String key) {
        Path dir = bucketDir(bucket, true);
        Path file = objectPath(dir, bucket, key);
        byte[] data = ex.body == null ? new byte[0] : ex.body;
        String payloadHash = ex.header("x-amz-content-sha256");
        String encoding = ex.header("content-encoding");
        boolean chunked = (payloadHash != null && payloadHash.startsWith("STREAMING-"))
                || (encoding != null && encoding.toLowerCase(Locale.ROOT).contains("aws-chunked"));
        String crc32 = ex.header("x-amz-checksum-crc32");
        if (chunked) {
            SigV4.Chunked c;
            try {
                c = SigV4.decodeAwsChunked(data);
            } catch (IllegalArgumentException e) {
                throw new ApiError(400, "IncompleteBody", "The request body terminated unexpectedly");
            }
            data = c.data();
            String declared = ex.header("x-amz-decoded-content-length");
            if (declared != null && !declared.trim().equals(String.valueOf(data.length))) {
                throw new ApiError(400, "IncompleteBody", "You did not provide the number of bytes specified by the Content-Length HTTP header.");
            }
            if (c.trailers().containsKey("x-amz-checksum-crc32")) crc32 = c.trailers().get("x-amz-checksum-crc32");
        } else if (payloadHash != null && payloadHash.matches("[0-9a-fA-F]{64}")
                && !payloadHash.equalsIgnoreCase(SigV4.hex(SigV4.sha256(data)))) {
            throw new ApiError(400, "XAmzContentSHA256Mismatch", "The provided 'x-amz-content-sha256' header does not match what was computed.")
                    .with("ClientComputedContentSHA256", payloadHash).with("S3ComputedContentSHA256", SigV4.hex(SigV4.sha256(data)));
        }
        String computedCrc = SigV4.crc32Base64(data);
        if (crc32 != null && !crc32.trim().equals(computedCrc)) {
            throw new ApiError(400, "BadDigest", "The CRC32 you specified did not match the calculated checksum.");
        }
        try {
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(objectsRoot, ".upload-", ".tmp");
            Files.write(tmp, data);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (java.nio.file.FileAlreadyExistsException | java.nio.file.NotDirectoryException e) {
            throw new ApiError(400, "InvalidArgument",
                    "Local endpoint limit: key '" + key + "' clashes with another key used as a folder (a/b next to a).");
        } catch (IOException e) {
            if (Files.isDirectory(file)) {
                throw new ApiError(400, "InvalidArgument",
                        "Local endpoint limit: key '" + key + "' clashes with another key used as a folder (a/b next to a).");
            }
            throw internal(e);
        }
        String contentType = ex.header("content-type");
        if (contentType != null) contentTypes.put(bucket + "/" + key, contentType);
        else contentTypes.remove(bucket + "/" + key);
        s3Headers(ex);
        ex.responseHeaders.put("ETag", etag(data));
        if (crc32 != null) ex.responseHeaders.put("x-amz-checksum-crc32", computedCrc);
        ex.respond(200, null, new byte[0]);
    }

    private void getObject(Exchange ex, String bucket, String key, boolean withBody) {
        Path dir = bucketDir(bucket, true);
        Path file = objectPath(dir, bucket, key);
        if (!Files.isRegularFile(file)) {
            throw new ApiError(404, "NoSuchKey", "The specified key does not exist.").with("Key", key);
        }
        byte[] data = read(file);
        s3Headers(ex);
        ex.responseHeaders.put("ETag", etag(data));
        ex.responseHeaders.put("Last-Modified", HTTP_DATE.format(lastModified(file)));
        ex.responseHeaders.put("Accept-Ranges", "bytes");
        if ("ENABLED".equalsIgnoreCase(ex.header("x-amz-checksum-mode"))) {
            ex.responseHeaders.put("x-amz-checksum-crc32", SigV4.crc32Base64(data));
            ex.responseHeaders.put("x-amz-checksum-type", "FULL_OBJECT");
        }
        String type = contentTypes.getOrDefault(bucket + "/" + key, "binary/octet-stream");
        if (withBody) {
            ex.respond(200, type, data);
        } else {
            // HEAD: no body, but the length of the object
            ex.responseHeaders.put("Content-Length", String.valueOf(data.length));
            ex.respond(200, type, new byte[0]);
        }
    }

    private void deleteObject(Exchange ex, String bucket, String key) {
        Path dir = bucketDir(bucket, true);
        Path file = objectPath(dir, bucket, key);
        try {
            if (Files.isRegularFile(file)) Files.delete(file);
        } catch (IOException e) {
            throw internal(e);
        }
        contentTypes.remove(bucket + "/" + key);
        s3Headers(ex);
        ex.respond(204, null, new byte[0]);
    }

    /** True when the object exists (for the runtime's Pegasus s3Location check). */
    boolean objectExists(String bucket, String key) {
        try {
            if (!BUCKET.matcher(bucket).matches()) return false;
            Path dir = objectsRoot.resolve(bucket);
            return Files.isDirectory(dir) && Files.isRegularFile(objectPath(dir, bucket, key));
        } catch (ApiError | InvalidPathException e) {
            return false;
        }
    }

    // ------------------------------------------------------------------ policies

    private void getPolicy(Exchange ex, String bucket) {
        bucketDir(bucket, true);
        Optional<String> policy = bucketPolicy(bucket);
        if (policy.isEmpty()) {
            throw new ApiError(404, "NoSuchBucketPolicy", "The bucket policy does not exist").with("BucketName", bucket);
        }
        s3Headers(ex);
        ex.respond(200, "application/json", policy.get().getBytes(StandardCharsets.UTF_8));
    }

    private void putPolicy(Exchange ex, String bucket) {
        bucketDir(bucket, true);
        byte[] body = ex.body == null ? new byte[0] : ex.body;
        String payloadHash = ex.header("x-amz-content-sha256");
        if (payloadHash != null && payloadHash.startsWith("STREAMING-")) {
            try {
                body = SigV4.decodeAwsChunked(body).data();
            } catch (IllegalArgumentException e) {
                throw new ApiError(400, "IncompleteBody", "The request body terminated unexpectedly");
            }
        }
        String text = new String(body, StandardCharsets.UTF_8);
        String problem = policyProblem(text);
        if (problem != null) throw new ApiError(400, "MalformedPolicy", problem);
        try {
            Files.writeString(policiesRoot.resolve(bucket + ".json"), text);
        } catch (IOException e) {
            throw internal(e);
        }
        s3Headers(ex);
        ex.respond(204, null, new byte[0]);
    }

    private void deletePolicy(Exchange ex, String bucket) {
        bucketDir(bucket, true);
        try {
            Files.deleteIfExists(policiesRoot.resolve(bucket + ".json"));
        } catch (IOException e) {
            throw internal(e);
        }
        s3Headers(ex);
        ex.respond(204, null, new byte[0]);
    }

    /** The bucket's policy JSON, when it has one. */
    Optional<String> bucketPolicy(String bucket) {
        if (bucket == null || !BUCKET.matcher(bucket).matches()) return Optional.empty();
        Path f = policiesRoot.resolve(bucket + ".json");
        try {
            return Files.isRegularFile(f) ? Optional.of(Files.readString(f)) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Why a bucket policy would be refused, or null. Checks the structure S3 checks first. */
    static String policyProblem(String text) {
        JsonNode policy;
        try {
            policy = JSON.readTree(text);
        } catch (IOException e) {
            return "This policy contains invalid Json";
        }
        if (policy == null || !policy.isObject()) return "This policy contains invalid Json";
        JsonNode statements = policy.get("Statement");
        if (statements == null) return "Missing required field Statement";
        if (statements.isObject()) statements = JSON.createArrayNode().add(statements);
        if (!statements.isArray() || statements.isEmpty()) return "Missing required field Statement";
        for (JsonNode s : statements) {
            if (!s.isObject()) return "Policy has invalid statement";
            String effect = s.path("Effect").asText("");
            if (!effect.equals("Allow") && !effect.equals("Deny")) return "Invalid effect: " + effect;
            if (!s.has("Principal") && !s.has("NotPrincipal")) return "Missing required field Principal";
            if (!s.has("Action") && !s.has("NotAction")) return "Missing required field Action";
            if (!s.has("Resource") && !s.has("NotResource")) return "Missing required field Resource";
        }
        return null;
    }

    // ------------------------------------------------------------------ paths and helpers

    /** The bucket folder; validates the name; when mustExist, 404 NoSuchBucket if absent. */
    private Path bucketDir(String bucket, boolean mustExist) {
        if (!validBucketName(bucket)) {
            throw new ApiError(400, "InvalidBucketName", "The specified bucket is not valid.").with("BucketName", bucket);
        }
        Path dir = objectsRoot.resolve(bucket);
        if (mustExist && !Files.isDirectory(dir)) {
            throw new ApiError(404, "NoSuchBucket", "The specified bucket does not exist").with("BucketName", bucket);
        }
        return dir;
    }

    static boolean validBucketName(String bucket) {
        return bucket != null && bucket.length() >= 3 && bucket.length() <= 63 && BUCKET.matcher(bucket).matches()
                && !bucket.contains("..") && !bucket.contains(".-") && !bucket.contains("-.")
                && !IPV4.matcher(bucket).matches() && !bucket.startsWith("xn--") && !bucket.endsWith("-s3alias");
    }

    /** The file of an object; refuses any key that could leave the bucket folder. */
    private static Path objectPath(Path bucketDir, String bucket, String key) {
        if (key.isEmpty() || key.length() > 1024 || key.indexOf('\0') >= 0 || key.indexOf('\\') >= 0
                || key.startsWith("/")) {
            throw badKey(bucket, key);
        }
        for (String segment : key.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) throw badKey(bucket, key);
        }
        Path file;
        try {
            file = bucketDir.resolve(key).normalize();
        } catch (InvalidPathException e) {
            throw badKey(bucket, key);
        }
        if (!file.startsWith(bucketDir) || file.equals(bucketDir)) throw badKey(bucket, key);
        return file;
    }

    private static ApiError badKey(String bucket, String key) {
        // Real S3 accepts such keys as opaque names; the local endpoint stores keys as file paths and
        // therefore refuses the ones that could point outside the bucket folder.
        return new ApiError(400, "InvalidArgument",
                "Local endpoint limit: object keys with empty, '.' or '..' segments, a leading '/', '\\' or NUL are refused.")
                .with("ArgumentName", "key").with("ArgumentValue", key.replace("\0", "\\0")).with("BucketName", bucket);
    }

    private void s3Headers(Exchange ex) {
        ex.responseHeaders.put("x-amz-request-id", ex.requestId);
        ex.responseHeaders.put("x-amz-id-2", "local-bedrock");
    }

    private static String regionOr(Exchange ex) {
        String r = SigV4.scopeRegion(ex);
        return r == null ? DEFAULT_REGION : r;
    }

    private static String etag(byte[] data) {
        try {
            return "\"" + HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data)) + "\"";
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] read(Path f) {
        try {
            return Files.readAllBytes(f);
        } catch (IOException e) {
            throw internal(e);
        }
    }

    private static long size(Path f) {
        try {
            return Files.size(f);
        } catch (IOException e) {
            return 0;
        }
    }

    private static Instant lastModified(Path f) {
        try {
            return Files.getLastModifiedTime(f).toInstant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        } catch (IOException e) {
            return Instant.EPOCH;
        }
    }

    private static ApiError notImplemented() {
        return new ApiError(501, "NotImplemented", "A header or query you provided implies functionality that is not implemented (local endpoint).");
    }

    private static ApiError methodNotAllowed(String method) {
        return new ApiError(405, "MethodNotAllowed", "The specified method is not allowed against this resource.").with("Method", method);
    }

    private static ApiError internal(IOException e) {
        return new ApiError(500, "InternalError", "We encountered an internal error. Please try again. (" + e.getMessage() + ")");
    }
}
