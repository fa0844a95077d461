import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Sends each request to its service, checks SigV4 first, renders errors in the service's own
 * shape, and logs every request. Routing looks at the raw (still encoded) path only:
 * {@code /model/{id}/{op}} → bedrock-runtime; {@code /inference-profiles…}, {@code /tagResource},
 * {@code /untagResource}, {@code /listTagsForResource} → bedrock; {@code POST /} with a form body
 * holding {@code Action=} → sts; everything else → s3.
 */
final class Router {
    /** Largest body for the JSON services and STS (Pegasus base64 video up to 25 MB must fit). */
    static final long MAX_JSON_BODY = 64L << 20;
    /** Largest S3 request body (PutObject). */
    static final long MAX_S3_BODY = 512L << 20;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ERROR_TYPE_SUFFIX = ":http://internal.amazon.com/coral/com.amazon.bedrock/";

    private final SigV4 sigV4;
    private final RuntimeApi runtime;
    private final ControlPlane controlPlane;
    private final S3Store s3;
    private final Sts sts;
    private final RequestLog log;

    Router(SigV4 sigV4, RuntimeApi runtime, ControlPlane controlPlane, S3Store s3, Sts sts, RequestLog log) {
        this.sigV4 = sigV4;
        this.runtime = runtime;
        this.controlPlane = controlPlane;
        this.s3 = s3;
        this.sts = sts;
        this.log = log;
    }

    /** The service a request belongs to, from the method, raw path and (for STS) the body. */
    static String serviceOf(String method, String rawPath, Map<String, String> headers, byte[] body) {
        if (rawPath.startsWith("/model/")) return "bedrock-runtime";
        if (rawPath.equals("/inference-profiles") || rawPath.startsWith("/inference-profiles/")
                || rawPath.equals("/tagResource") || rawPath.equals("/untagResource")
                || rawPath.equals("/listTagsForResource")) return "bedrock";
        if ("POST".equals(method) && "/".equals(rawPath) && isStsForm(headers, body)) return "sts";
        return "s3";
    }

    private static boolean isStsForm(Map<String, String> headers, byte[] body) {
        String ct = headers.getOrDefault("content-type", "");
        if (!ct.startsWith("application/x-www-form-urlencoded") || body == null) return false;
        String form = new String(body, 0, Math.min(body.length, 4096), StandardCharsets.UTF_8);
        return form.startsWith("Action=") || form.contains("&Action=");
    }

    /** Body limit for a request before its body is read (by path only). */
    static long bodyLimit(String rawPath) {
        return "s3".equals(serviceOf("GET", rawPath, Map.of(), null)) && !"/".equals(rawPath) ? MAX_S3_BODY : MAX_JSON_BODY;
    }

    /** Handles one request completely (response or stream, and the log entry). Never throws. */
    void handle(Exchange ex) {
        ex.service = serviceOf(ex.method, ex.rawPath, ex.headers, ex.body);
        ex.responseHeaders.put("x-amzn-RequestId", ex.requestId);
        String errorCode = null;
        try {
            sigV4.verify(ex);
            switch (ex.service) {
                case "bedrock-runtime" -> runtime.handle(ex);
                case "bedrock" -> controlPlane.handle(ex);
                case "sts" -> sts.handle(ex);
                default -> s3.handle(ex);
            }
            if (ex.streamed()) errorCode = ex.streamError;
        } catch (ApiError e) {
            errorCode = e.code;
            fail(ex, e);
        } catch (EventStreams.Stopped e) {
            errorCode = ex.streamError;
        } catch (java.io.IOException e) {
            if (ex.streamed()) {
                ex.abortStream = true; // the client went away mid-stream: nothing to answer
                errorCode = "LocalClientDisconnected";
            } else {
                errorCode = unexpected(ex, e);
            }
        } catch (Throwable t) {
            errorCode = unexpected(ex, t);
        }
        if (errorCode == null && ex.status >= 400 && !ex.streamed()) {
            errorCode = errorCodeFromResponse(ex);
        }
        log.add(ex, errorCode);
    }

    /** Any unexpected failure: logged to stderr, answered 500 in the service's shape. */
    private String unexpected(Exchange ex, Throwable t) {
        System.err.println("local-bedrock: unexpected error in " + ex.service + " " + ex.method + " " + ex.rawPath + ": " + t);
        t.printStackTrace(System.err);
        ApiError e = new ApiError(500, ex.service.equals("s3") ? "InternalError" : "InternalServerException",
                "The server encountered an internal error while processing the request.");
        fail(ex, e);
        return e.code;
    }

    /** Answers a request whose body is over the limit (the body was not read). */
    void tooLarge(Exchange ex, long limit) {
        ex.service = serviceOf(ex.method, ex.rawPath, ex.headers, null);
        ex.responseHeaders.put("x-amzn-RequestId", ex.requestId);
        ApiError e = switch (ex.service) {
            case "s3" -> new ApiError(400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size")
                    .with("MaxSizeAllowed", limit);
            default -> new ApiError(413, "ValidationException",
                    "Request body too large: the local endpoint accepts at most " + limit + " bytes.");
        };
        render(ex, e);
        log.add(ex, e.code);
    }

    private void fail(Exchange ex, ApiError e) {
        if (ex.streamed()) {
            // too late for an error answer: end the stream abruptly
            ex.abortStream = true;
            return;
        }
        render(ex, e);
    }

    /** Renders an error in the service's shape (JSON + x-amzn-ErrorType, S3 XML, STS XML). */
    static void render(Exchange ex, ApiError e) {
        ex.responseHeaders.keySet().removeIf(k -> !k.equalsIgnoreCase("x-amzn-RequestId"));
        ex.responseHeaders.put("x-amzn-RequestId", ex.requestId);
        String service = ex.service == null ? "unknown" : ex.service;
        switch (service) {
            case "s3" -> {
                ex.responseHeaders.put("x-amz-request-id", ex.requestId);
                ex.responseHeaders.put("x-amz-id-2", "local-bedrock");
                StringBuilder x = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error>");
                x.append("<Code>").append(xml(e.code)).append("</Code>");
                x.append("<Message>").append(xml(e.getMessage())).append("</Message>");
                e.extra.forEach((k, v) -> x.append('<').append(k).append('>').append(xml(String.valueOf(v)))
                        .append("</").append(k).append('>'));
                x.append("<RequestId>").append(ex.requestId).append("</RequestId><HostId>local-bedrock</HostId></Error>");
                ex.respond(e.status, "application/xml",
                        "HEAD".equals(ex.method) ? new byte[0] : x.toString().getBytes(StandardCharsets.UTF_8));
            }
            case "sts" -> {
                String x = "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>"
                        + (e.status >= 500 ? "Receiver" : "Sender") + "</Type><Code>" + xml(e.code) + "</Code><Message>"
                        + xml(e.getMessage()) + "</Message></Error><RequestId>" + ex.requestId + "</RequestId></ErrorResponse>";
                ex.respond(e.status, "text/xml", x.getBytes(StandardCharsets.UTF_8));
            }
            default -> {
                ex.responseHeaders.put("x-amzn-ErrorType", e.code + ERROR_TYPE_SUFFIX);
                ObjectNode body = JSON.createObjectNode().put("message", e.getMessage());
                e.extra.forEach(body::putPOJO);
                try {
                    ex.respond(e.status, "application/json", JSON.writeValueAsBytes(body));
                } catch (Exception io) {
                    ex.respond(e.status, "application/json", new byte[0]);
                }
            }
        }
    }

    /** Best effort error code of an error answer a handler wrote itself (for the log). */
    private static String errorCodeFromResponse(Exchange ex) {
        String t = ex.responseHeaders.get("x-amzn-ErrorType");
        if (t != null) return t.contains(":") ? t.substring(0, t.indexOf(':')) : t;
        String body = new String(ex.responseBody, StandardCharsets.UTF_8);
        int a = body.indexOf("<Code>");
        int b = body.indexOf("</Code>");
        if (a >= 0 && b > a) return body.substring(a + 6, b);
        return "HTTP" + ex.status;
    }

    static String xml(String s) {
        if (s == null) return "";
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;").replace("'", "&apos;");
    }
}
