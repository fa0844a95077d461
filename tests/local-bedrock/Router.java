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
        // One host serves every service locally: a path no service above claims belongs to the service
        // the request was signed for (on AWS, its host), S3 when unsigned.
        String scope = scopeService(headers);
        if ("bedrock".equals(scope)) return "bedrock";
        if ("sts".equals(scope)) return "sts";
        return "s3";
    }

    /** The service of the SigV4 credential scope ("bedrock", "s3", "sts"), or null. */
    private static String scopeService(Map<String, String> headers) {
        String auth = headers.get("authorization");
        if (auth == null) return null;
        int c = auth.indexOf("Credential=");
        if (c < 0) return null;
        String[] parts = auth.substring(c + 11).split("[,\\s]", 2)[0].split("/");
        return parts.length == 5 ? parts[3] : null;
    }

    private static boolean isStsForm(Map<String, String> headers, byte[] body) {
        String ct = headers.getOrDefault("content-type", "");
        if (!ct.startsWith("application/x-www-form-urlencoded")) return false;
        if (body == null) return true; // not read yet (error before the body): the form content type says STS
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
            checkContentType(ex);
            checkUtf8(ex);
            BodyTypes.check(ex);
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
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("URLDecoder:")) {
                // a bad %-escape in the path, query or form: the client's mistake
                ApiError bad = badEscape(ex.service);
                errorCode = bad.code;
                fail(ex, bad);
            } else {
                errorCode = unexpected(ex, e);
            }
        } catch (Throwable t) {
            errorCode = unexpected(ex, t);
        }
        if (errorCode == null && ex.status >= 400 && !ex.streamed()) {
            errorCode = errorCodeFromResponse(ex);
        }
        if (ex.stalled) { // logged when the stalled stream is released
            String code = errorCode;
            ex.onRelease(() -> log.add(ex, code));
            return;
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

    /**
     * The JSON services (bedrock, bedrock-runtime) take a body only as application/json: restJson1
     * servers refuse other media types with 415 (Smithy's protocol tests); InvokeModel's contentType
     * "must be application/json" (API reference), so a validation error there.
     */
    private static void checkContentType(Exchange ex) {
        if (!ex.service.startsWith("bedrock") || ex.body == null || ex.body.length == 0) return;
        String ct = ex.header("content-type");
        String media = ct == null ? "" : ct.split(";", 2)[0].trim().toLowerCase(java.util.Locale.ROOT);
        if (media.equals("application/json")) return;
        if (ex.rawPath.startsWith("/model/") && (ex.rawPath.endsWith("/invoke") || ex.rawPath.endsWith("/invoke-with-response-stream"))) {
            throw ApiError.validation("The provided contentType '" + (ct == null ? "" : ct) + "' is not supported. Use application/json.");
        }
        throw new ApiError(415, "UnsupportedMediaTypeException", "Unsupported Media Type: expected application/json, got '"
                + (ct == null ? "" : ct) + "'.");
    }

    /**
     * Paths (S3 keys), JSON bodies and bucket policies are UTF-8: one that is not is refused, never
     * read mangled (Jackson lets overlong forms and code points above U+10FFFF through).
     */
    private static void checkUtf8(Exchange ex) {
        if (ex.service.startsWith("bedrock")) {
            if (ex.body == null || ex.body.length == 0 || utf8(ex.body)) return;
            if (ex.service.equals("bedrock")) throw new ApiError(400, "SerializationException", "Malformed request body: not valid JSON.");
            throw ApiError.validation(ex.rawPath.endsWith("/converse") || ex.rawPath.endsWith("/converse-stream")
                    ? "The request body is not valid JSON: Invalid UTF-8 in the body."
                    : RuntimeSupport.malformed("request body is not valid JSON (Invalid UTF-8)"));
        }
        java.io.ByteArrayOutputStream path = new java.io.ByteArrayOutputStream();
        String p = ex.rawPath;
        for (int i = 0; i < p.length(); i++) {
            char c = p.charAt(i);
            if (c == '%' && i + 2 < p.length() && Character.digit(p.charAt(i + 1), 16) >= 0 && Character.digit(p.charAt(i + 2), 16) >= 0) {
                path.write(Integer.parseInt(p.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                path.write(b, 0, b.length);
            }
        }
        if (!utf8(path.toByteArray())) {
            throw "sts".equals(ex.service) ? new ApiError(400, "ValidationError", "The request path is not valid UTF-8.")
                    : new ApiError(400, "InvalidURI", "Couldn't parse the specified URI.");
        }
        if ("PUT".equals(ex.method) && ex.query().containsKey("policy") && !utf8(ex.body)) {
            throw new ApiError(400, "MalformedPolicy", "Policies must be valid JSON and the first byte must be '{'");
        }
    }

    /** Well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF), without copying. */
    static boolean utf8(byte[] b) {
        int i = 0, n = b.length;
        while (i < n) {
            int c = b[i] & 0xff;
            if (c < 0x80) { i++; continue; }
            int need, min;
            if (c >= 0xC2 && c <= 0xDF) { need = 1; min = 0x80; }
            else if (c >= 0xE0 && c <= 0xEF) { need = 2; min = 0x800; }
            else if (c >= 0xF0 && c <= 0xF4) { need = 3; min = 0x10000; }
            else return false;
            if (i + need >= n) return false;
            int cp = c & (0x3F >> need);
            for (int k = 1; k <= need; k++) {
                int d = b[i + k] & 0xff;
                if ((d & 0xC0) != 0x80) return false;
                cp = (cp << 6) | (d & 0x3F);
            }
            if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
            i += need + 1;
        }
        return true;
    }

    private static ApiError badEscape(String service) {
        return switch (service == null ? "" : service) {
            case "s3" -> new ApiError(400, "InvalidURI", "Couldn't parse the specified URI.");
            case "sts" -> new ApiError(404, "MalformedQueryString", "The query string contains a syntax error.");
            default -> ApiError.validation("The request contains an invalid percent-encoded sequence.");
        };
    }

    /** Requests refused by the HTTP layer before any service sees them. */
    enum Rejection { INCOMPLETE_BODY, DUPLICATE_HEADER }

    /** Answers (and logs) a request the HTTP adapter refuses: body cut short, or a header sent twice. */
    void rejectEarly(Exchange ex, Rejection why, String detail) {
        ex.service = serviceOf(ex.method, ex.rawPath, ex.headers, null);
        ex.responseHeaders.put("x-amzn-RequestId", ex.requestId);
        ApiError e = switch (why) {
            case INCOMPLETE_BODY -> switch (ex.service) {
                case "s3" -> new ApiError(400, "IncompleteBody", "The request body terminated unexpectedly");
                case "sts" -> new ApiError(400, "ValidationError", "The request body terminated unexpectedly.");
                default -> ApiError.validation("The request body terminated unexpectedly.");
            };
            case DUPLICATE_HEADER -> {
                String m = "The request carries the " + detail + " header more than once.";
                yield switch (ex.service) {
                    case "s3" -> new ApiError(400, "InvalidArgument", m);
                    case "sts" -> new ApiError(400, detail.equals("authorization") || detail.startsWith("x-amz") ? "IncompleteSignature" : "ValidationError", m);
                    default -> new ApiError(400, detail.equals("authorization") || detail.startsWith("x-amz")
                            ? "IncompleteSignatureException" : "ValidationException", m);
                };
            }
        };
        render(ex, e);
        log.add(ex, e.code);
    }

    /**
     * What a front end says for a request Jetty refused (bad request line or header, too large, bad
     * chunking): 4xx statuses kept (431 → 400, as AWS's front ends answer), anything else 400; a
     * failure of the endpoint itself (5xx) stays a 500.
     */
    static ApiError frontEndError(String service, int status, String reason) {
        String why = reason == null || reason.isBlank() ? "Bad Request" : reason;
        if (status >= 500 && status != 505) { // 505: an HTTP version Jetty does not speak, the client's mistake
            return new ApiError(500, "s3".equals(service) ? "InternalError" : "InternalServerException",
                    "The server encountered an internal error while processing the request.");
        }
        int s = status == 431 || status == 505 || status < 400 ? 400 : status;
        String code = switch (service == null ? "" : service) {
            case "s3" -> status == 431 ? "RequestHeaderSectionTooLarge" : why.contains("EOF") ? "IncompleteBody" : "InvalidRequest";
            case "sts" -> "ValidationError";
            default -> "ValidationException";
        };
        String message = status == 431 && "s3".equals(service) ? "Your request header section exceeds the maximum allowed size." : why;
        return new ApiError(s, code, message);
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
