import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The Jetty 12 adapter (core API, no servlets): one connector on 127.0.0.1 speaking HTTP/1.1 and
 * h2c with prior knowledge (what the SDK's default Netty client opens with over http://). Turns
 * each request into an {@link Exchange} and hands it to the {@link Router}.
 */
final class HttpServer implements AutoCloseable {
    private final Server server;
    private final ServerConnector connector;
    /** Stalled streams (fault stream-stall-after), released by close() before stopping. */
    private final java.util.Set<Exchange> stalled = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile boolean closing;
    /** Checks, every 500 ms, that the client of a stalled stream is still there (created on first use). */
    private java.util.concurrent.ScheduledExecutorService probes;

    HttpServer(int port, Router router) {
        QueuedThreadPool pool = new QueuedThreadPool(256, 8);
        pool.setName("local-bedrock");
        pool.setDaemon(true);
        server = new Server(pool);
        HttpConfiguration config = new HttpConfiguration();
        config.setSendServerVersion(false);
        config.setHeaderCacheCaseSensitive(true); // keep header values byte-exact: SigV4 signs them as sent
        config.setSendXPoweredBy(false);
        config.setSendDateHeader(true);
        // model ids arrive as one encoded segment (%3A, %2F): keep the raw path, never reject it
        config.setUriCompliance(UriCompliance.UNSAFE);
        config.setRequestHeaderSize(64 * 1024);
        HTTP2CServerConnectionFactory h2c = new HTTP2CServerConnectionFactory(config);
        h2c.setMaxConcurrentStreams(1024);
        connector = new ServerConnector(server, new HttpConnectionFactory(config), h2c);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        connector.setIdleTimeout(120_000);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                serve(router, request, response, callback, HttpServer.this);
                return true;
            }
        });
        server.setStopTimeout(2000);
        server.setErrorHandler(new ServiceShapedErrors());
    }

    void start() throws Exception {
        server.start();
    }

    int port() {
        return connector.getLocalPort();
    }

    @Override
    public void close() {
        closing = true;
        stalled.forEach(Exchange::release);
        synchronized (this) {
            if (probes != null) probes.shutdownNow();
        }
        try {
            server.stop();
        } catch (Exception e) {
            // stopping is best effort
        }
    }

    private static void serve(Router router, Request request, Response response, Callback callback, HttpServer server) {
        try {
            HttpURI uri = request.getHttpURI();
            String rawPath = uri.getPath() == null || uri.getPath().isEmpty() ? "/" : uri.getPath();
            Map<String, String> headers = new LinkedHashMap<>();
            String duplicate = null;
            for (HttpField f : request.getHeaders()) {
                String name = f.getName().toLowerCase(Locale.ROOT);
                if (headers.containsKey(name) && SINGLE_VALUED.contains(name)) duplicate = name;
                headers.merge(name, f.getValue() == null ? "" : f.getValue(), (a, b) -> a + "," + b);
            }
            if (!headers.containsKey("host") && uri.getHost() != null) {
                // HTTP/2 has :authority instead of Host; SigV4 signs it as "host"
                headers.put("host", uri.getPort() > 0 ? uri.getHost() + ":" + uri.getPort() : uri.getHost());
            }
            String protocol = request.getConnectionMetaData().getHttpVersion() == HttpVersion.HTTP_2 ? "h2c" : "http/1.1";
            long limit = Router.bodyLimit(rawPath);
            long declared = request.getLength();
            byte[] body;
            boolean tooLarge;
            String incomplete = null;
            try (InputStream in = Content.Source.asInputStream(request)) {
                if (declared > limit) {
                    body = new byte[0];
                } else if (declared >= 0) {
                    // Content-Length known: one array of exactly that size (readNBytes(limit + 1) would
                    // work in 8 KiB buffers and copy, for every small request).
                    body = in.readNBytes((int) declared);
                    int next = in.read();
                    if (next >= 0) { // more than declared (not expected): read on as when no length is known
                        byte[] rest = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 16, limit + 1) - body.length - 1);
                        byte[] all = java.util.Arrays.copyOf(body, body.length + 1 + rest.length);
                        all[body.length] = (byte) next;
                        System.arraycopy(rest, 0, all, body.length + 1, rest.length);
                        body = all;
                    }
                } else {
                    body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 16, limit + 1));
                }
                tooLarge = declared > limit || body.length > limit;
                if (tooLarge) {
                    // Read the rest and drop it: a client still sending would otherwise see a reset, not the 4xx.
                    body = new byte[0];
                    in.transferTo(OutputStream.nullOutputStream());
                }
            } catch (IOException e) {
                // the body ended early (client half-closed, bad chunk): answer 400 while the client can still read
                body = new byte[0];
                tooLarge = false;
                incomplete = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            }
            Exchange.StreamOpener opener = (status, h) -> {
                response.setStatus(status);
                h.forEach((k, v) -> response.getHeaders().put(k, v));
                return Content.Sink.asOutputStream(response);
            };
            Exchange ex = new Exchange(request.getMethod(), rawPath, uri.getQuery(), headers, body, protocol, opener);
            // a stalled stream ends when the client resets or closes the connection (Jetty reports it as
            // a failure), at the connector's idle timeout, or when the endpoint closes
            request.addFailureListener(failure -> ex.release());
            request.addIdleTimeoutListener(timeout -> {
                if (!ex.stalled) return false;
                ex.release();
                return true;
            });
            handleExchange(router, ex, request, response, callback, tooLarge, limit, incomplete, duplicate, server);
        } catch (Throwable t) {
            // a client that went away is no endpoint failure: say nothing
            if (!(t instanceof IOException)) System.err.println("local-bedrock: request failed in the HTTP adapter: " + t);
            callback.failed(t);
        }
    }

    private static void handleExchange(Router router, Exchange ex, Request request, Response response, Callback callback, boolean tooLarge,
                                       long limit, String incomplete, String duplicate, HttpServer server) {
        if (tooLarge) {
            router.tooLarge(ex, limit);
        } else if (incomplete != null) {
            router.rejectEarly(ex, Router.Rejection.INCOMPLETE_BODY, incomplete);
        } else if (duplicate != null) {
            router.rejectEarly(ex, Router.Rejection.DUPLICATE_HEADER, duplicate);
        } else {
            router.handle(ex);
        }
        if (ex.stalled) {
            // the handler returns and its thread goes back to Jetty, which keeps reading the connection
            // (a blocked handler thread would leave a client's close unnoticed); the answer stays open
            server.stalled.add(ex);
            ex.onRelease(() -> {
                server.stalled.remove(ex);
                callback.failed(new IOException("stalled stream released"));
            });
            if (server.closing) ex.release();
            server.watch(ex, request);
            return;
        }
        if (ex.streamed()) {
            if (ex.abortStream) {
                callback.failed(new IOException("stream cut by local-bedrock"));
            } else {
                callback.succeeded();
            }
            return;
        }
        response.setStatus(ex.status);
        ex.responseHeaders.forEach((k, v) -> response.getHeaders().put(k, v));
        if (ex.responseBody.length == 0 || "HEAD".equals(ex.method)) {
            if (!ex.responseHeaders.keySet().stream().anyMatch(k -> k.equalsIgnoreCase("Content-Length"))) {
                response.getHeaders().put("Content-Length", "0");
            }
            response.write(true, ByteBuffer.allocate(0), callback);
        } else {
            response.write(true, ByteBuffer.wrap(ex.responseBody), callback);
        }
    }

    /**
     * Notices the client of a stalled stream leaving: Jetty reads a connection only while a stream
     * demands content, so a close would go unseen. Over HTTP/2 a PING every 500 ms (a control frame,
     * invisible to the event stream) fails once the peer is gone; over HTTP/1.1 the connection is
     * polled for end of input (a client cannot send more on it while its answer is streaming).
     */
    private void watch(Exchange ex, Request request) {
        org.eclipse.jetty.io.Connection c = request.getConnectionMetaData().getConnection();
        java.util.concurrent.ScheduledExecutorService p;
        synchronized (this) {
            if (closing) return;
            if (probes == null) {
                probes = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "local-bedrock-stall-probe");
                    t.setDaemon(true);
                    return t;
                });
            }
            p = probes;
        }
        Runnable probe;
        if (c instanceof org.eclipse.jetty.http2.HTTP2Connection h2) {
            probe = () -> h2.getSession().ping(new org.eclipse.jetty.http2.frames.PingFrame(false), Callback.from(() -> { }, x -> ex.release()));
        } else {
            org.eclipse.jetty.io.EndPoint endPoint = c.getEndPoint();
            ByteBuffer scratch = ByteBuffer.allocate(256);
            probe = () -> {
                try {
                    scratch.clear().flip(); // Jetty fills after the limit: an empty buffer in flush mode
                    if (!endPoint.isOpen() || endPoint.fill(scratch) < 0) ex.release();
                } catch (IOException e) {
                    ex.release();
                }
            };
        }
        java.util.concurrent.ScheduledFuture<?> f = p.scheduleWithFixedDelay(probe, 500, 500, java.util.concurrent.TimeUnit.MILLISECONDS);
        ex.onRelease(() -> f.cancel(false));
    }

    /** Headers a request may carry once; a second copy is refused (SigV4 signs one value). */
    private static final java.util.Set<String> SINGLE_VALUED = java.util.Set.of("authorization", "x-amz-date",
            "x-amz-content-sha256", "x-amz-security-token", "content-type", "content-length");

    /**
     * Jetty's own answers (bad request line or header, headers or URI too large, bad chunking, a
     * failed handler) in the service's error shape instead of Jetty's HTML page, as AWS's front end
     * answers with the service's shape: 4xx statuses stay (431 becomes 400, as AWS front ends say), and
     * the service comes from the path and SigV4 scope as for any request.
     */
    static final class ServiceShapedErrors extends ErrorHandler {
        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            int status = response.getStatus() >= 400 ? response.getStatus() : 500;
            Object attr = request.getAttribute(ERROR_STATUS);
            if (attr instanceof Integer i) status = i;
            Object message = request.getAttribute(ERROR_MESSAGE);
            Object cause = request.getAttribute(ERROR_EXCEPTION);
            String why = message != null ? String.valueOf(message) : cause instanceof Throwable t && t.getMessage() != null ? t.getMessage() : null;
            Map<String, String> headers = new LinkedHashMap<>();
            try {
                for (HttpField f : request.getHeaders()) headers.putIfAbsent(f.getName().toLowerCase(Locale.ROOT), f.getValue());
            } catch (RuntimeException e) {
                // no headers parsed
            }
            HttpURI uri = request.getHttpURI();
            String path = uri == null || uri.getPath() == null || uri.getPath().isEmpty() ? "/" : uri.getPath();
            String method = request.getMethod() == null ? "GET" : request.getMethod();
            Exchange ex = new Exchange(method, path, uri == null ? "" : uri.getQuery(), headers, new byte[0], "http/1.1",
                    (s, h) -> { throw new IOException("no streaming here"); });
            ex.service = Router.serviceOf(method, path, headers, null);
            Router.render(ex, Router.frontEndError(ex.service, status, why));
            response.setStatus(ex.status);
            response.getHeaders().remove("Content-Type");
            ex.responseHeaders.forEach((k, v) -> response.getHeaders().put(k, v));
            response.getHeaders().put("Content-Length", String.valueOf("HEAD".equals(method) ? 0 : ex.responseBody.length));
            response.write(true, ByteBuffer.wrap("HEAD".equals(method) ? new byte[0] : ex.responseBody), callback);
            return true;
        }
    }
}
