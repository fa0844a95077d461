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
                serve(router, request, response, callback);
                return true;
            }
        });
        server.setStopTimeout(2000);
    }

    void start() throws Exception {
        server.start();
    }

    int port() {
        return connector.getLocalPort();
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            // stopping is best effort
        }
    }

    private static void serve(Router router, Request request, Response response, Callback callback) {
        try {
            HttpURI uri = request.getHttpURI();
            String rawPath = uri.getPath() == null || uri.getPath().isEmpty() ? "/" : uri.getPath();
            Map<String, String> headers = new LinkedHashMap<>();
            for (HttpField f : request.getHeaders()) {
                headers.merge(f.getName().toLowerCase(Locale.ROOT), f.getValue() == null ? "" : f.getValue(),
                        (a, b) -> a + "," + b);
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
            }
            Exchange.StreamOpener opener = (status, h) -> {
                response.setStatus(status);
                h.forEach((k, v) -> response.getHeaders().put(k, v));
                return Content.Sink.asOutputStream(response);
            };
            Exchange ex = new Exchange(request.getMethod(), rawPath, uri.getQuery(), headers, body, protocol, opener);
            if (tooLarge) {
                router.tooLarge(ex, limit);
            } else {
                router.handle(ex);
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
        } catch (Throwable t) {
            System.err.println("local-bedrock: request failed in the HTTP adapter: " + t);
            callback.failed(t);
        }
    }
}
