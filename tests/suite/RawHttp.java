import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * Minimal HTTP/1.1 client over a plain socket (so paths go out byte for byte), with optional
 * SigV4 signing by the SDK signer (credential scope in ap-south-1). Shared by the endpoint tests.
 */
final class RawHttp {
    static final String REGION = "ap-south-1";

    record Response(int status, Map<String, String> headers, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        String errorType() {
            String t = headers.get("x-amzn-errortype");
            return t == null ? null : t.contains(":") ? t.substring(0, t.indexOf(':')) : t;
        }
    }

    /** Adds SigV4 headers to a request (given its final headers); returns the headers to send. */
    interface Signer {
        Map<String, String> sign(String method, String host, int port, String rawPath, String rawQuery,
                                 Map<String, String> headers, byte[] body);
    }

    /** A signer for service (signing name "bedrock", "s3" or "sts"), at the given time, over payload. */
    static Signer signer(String service, String key, String secret, Instant at, byte[] payloadToSign) {
        return (method, host, port, rawPath, rawQuery, headers, body) -> {
            SdkHttpRequest.Builder b = SdkHttpRequest.builder().method(SdkHttpMethod.fromValue(method))
                    .protocol("http").host(host).port(port).encodedPath(rawPath);
            if (!rawQuery.isEmpty()) {
                for (String p : rawQuery.split("&")) {
                    int eq = p.indexOf('=');
                    b.appendRawQueryParameter(Exchange.decode(eq < 0 ? p : p.substring(0, eq)), eq < 0 ? "" : Exchange.decode(p.substring(eq + 1)));
                }
            }
            headers.forEach(b::putHeader);
            byte[] payload = payloadToSign != null ? payloadToSign : body;
            boolean s3 = service.equals("s3");
            SignedRequest signed = AwsV4HttpSigner.create().sign(r -> r
                    .identity(AwsCredentialsIdentity.create(key, secret))
                    .request(b.build())
                    .payload(ContentStreamProvider.fromByteArray(payload))
                    .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, service)
                    .putProperty(AwsV4HttpSigner.REGION_NAME, REGION)
                    .putProperty(AwsV4FamilyHttpSigner.DOUBLE_URL_ENCODE, !s3)
                    .putProperty(AwsV4FamilyHttpSigner.NORMALIZE_PATH, !s3)
                    .putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(at, ZoneOffset.UTC)));
            Map<String, String> out = new LinkedHashMap<>();
            signed.request().headers().forEach((k, v) -> out.put(k, String.join(",", v)));
            return out;
        };
    }

    /** Sends one request (signed when signer is not null) over a fresh connection and reads the answer to EOF. */
    static Response send(LocalBedrock lb, String method, String rawPath, String rawQuery, Map<String, String> headers,
                         byte[] body, Signer signer) throws IOException {
        byte[] request = requestBytes(lb, method, rawPath, rawQuery, headers, body, signer);
        URI ep = lb.endpoint();
        try (Socket s = new Socket(ep.getHost(), ep.getPort())) {
            s.setSoTimeout(20_000);
            OutputStream out = s.getOutputStream();
            out.write(request);
            out.flush();
            return parse(s.getInputStream().readAllBytes(), method.equals("HEAD"));
        }
    }

    /**
     * The bytes {@link #send} writes for this request (signed when signer is not null), with
     * {@code Connection: close} and the body's Content-Length unless headers set one; extra raw header lines (without CRLF) go just before the blank line.
     */
    static byte[] requestBytes(LocalBedrock lb, String method, String rawPath, String rawQuery, Map<String, String> headers,
                               byte[] body, Signer signer, String... extraHeaderLines) {
        URI ep = lb.endpoint();
        Map<String, String> h = new LinkedHashMap<>();
        h.put("host", ep.getHost() + ":" + ep.getPort());
        headers.forEach((k, v) -> h.put(k.toLowerCase(Locale.ROOT), v));
        if (signer != null) {
            Map<String, String> signed = signer.sign(method, ep.getHost(), ep.getPort(), rawPath, rawQuery, h, body);
            h.clear();
            signed.forEach((k, v) -> h.put(k.toLowerCase(Locale.ROOT), v));
        }
        h.putIfAbsent("content-length", String.valueOf(body.length));
        h.put("connection", "close");
        StringBuilder head = new StringBuilder(method).append(' ').append(rawPath)
                .append(rawQuery.isEmpty() ? "" : "?" + rawQuery).append(" HTTP/1.1\r\n");
        h.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
        for (String line : extraHeaderLines) head.append(line).append("\r\n");
        head.append("\r\n");
        byte[] headBytes = head.toString().getBytes(StandardCharsets.UTF_8);
        byte[] all = java.util.Arrays.copyOf(headBytes, headBytes.length + body.length);
        System.arraycopy(body, 0, all, headBytes.length, body.length);
        return all;
    }

    /** How {@link #exchange} sends its bytes. */
    record Sending(int pieceSize, long pauseMillis, boolean halfClose) {
        static final Sending AT_ONCE = new Sending(Integer.MAX_VALUE, 0, false);
    }

    /**
     * Writes bytes as they are over a fresh connection (in pieces with pauses when asked, then
     * optionally half-closes) and reads one answer: null when the server closed without answering.
     * Throws {@link java.net.SocketTimeoutException} when no complete answer arrives within timeoutMillis.
     */
    static Response exchange(LocalBedrock lb, byte[] bytes, Sending how, int timeoutMillis) throws IOException {
        URI ep = lb.endpoint();
        try (Socket s = new Socket(ep.getHost(), ep.getPort())) {
            s.setSoTimeout(timeoutMillis);
            OutputStream out = s.getOutputStream();
            try {
                for (int pos = 0; pos < bytes.length; pos += how.pieceSize()) {
                    if (pos > 0 && how.pauseMillis() > 0) Thread.sleep(how.pauseMillis());
                    out.write(bytes, pos, Math.min(how.pieceSize(), bytes.length - pos));
                    out.flush();
                }
                if (how.halfClose()) s.shutdownOutput();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted");
            } catch (java.net.SocketException e) {
                // the server answered early and closed (e.g. headers too large): read what it said
            }
            java.io.InputStream in = s.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            boolean head = bytes.length >= 5 && new String(bytes, 0, 5, StandardCharsets.ISO_8859_1).startsWith("HEAD ");
            while (true) {
                int n;
                try {
                    n = in.read(buf);
                } catch (java.net.SocketException reset) {
                    n = -1;
                }
                if (n < 0) break;
                got.write(buf, 0, n);
                if (complete(got.toByteArray(), head)) break;
            }
            byte[] all = got.toByteArray();
            if (all.length == 0) return null;
            if (new String(all, StandardCharsets.ISO_8859_1).indexOf("\r\n\r\n") < 0) return new Response(-1, Map.of(), all);
            return parse(all, head);
        }
    }

    /** Whether bytes hold a whole response (headers, then Content-Length bytes or the last chunk). */
    private static boolean complete(byte[] all, boolean head) {
        String text = new String(all, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) return false;
        if (head) return true;
        String lower = text.substring(0, end).toLowerCase(Locale.ROOT);
        int cl = lower.indexOf("\r\ncontent-length:");
        if (cl >= 0) {
            int eol = lower.indexOf("\r\n", cl + 2);
            long length = Long.parseLong(lower.substring(cl + 17, eol < 0 ? lower.length() : eol).trim());
            return all.length - (end + 4) >= length;
        }
        if (lower.contains("\r\ntransfer-encoding: chunked")) return text.endsWith("\r\n0\r\n\r\n");
        return false; // read to EOF
    }

    private static Response parse(byte[] all, boolean head) {
        String text = new String(all, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        String[] lines = text.substring(0, end).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int c = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, c).trim().toLowerCase(Locale.ROOT), lines[i].substring(c + 1).trim());
        }
        byte[] rest = java.util.Arrays.copyOfRange(all, end + 4, all.length);
        if (!head && "chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int pos = 0;
            while (pos < rest.length) {
                int eol = new String(rest, pos, rest.length - pos, StandardCharsets.ISO_8859_1).indexOf("\r\n");
                int size = Integer.parseInt(new String(rest, pos, eol, StandardCharsets.ISO_8859_1).split(";")[0].trim(), 16);
                pos += eol + 2;
                if (size == 0) break;
                out.write(rest, pos, size);
                pos += size + 2;
            }
            rest = out.toByteArray();
        }
        return new Response(status, headers, head ? new byte[0] : rest);
    }
}
