package io.taskhive.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import com.sun.net.httpserver.HttpServer;

/**
 * Stand-ins for a gateway that answer what a test scripted, so the client's side of each reply
 * (exit code, message, output) can be checked without a running system; CliTest in system-tests
 * runs the command against the real one.
 */
final class FakeServers {

    private FakeServers() {
    }

    static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** A request the fake HTTP server received. */
    record Request(String method, String path, Map<String, List<String>> headers, String body) {

        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().getFirst()).findFirst().orElse(null);
        }
    }

    record Reply(int status, String body) {
    }

    /** Answers each request by "METHOD path" (path with its query, as sent), 404 with no body otherwise. */
    static final class Http implements AutoCloseable {

        final List<Request> received = new CopyOnWriteArrayList<>();
        private final Map<String, Reply> replies = new ConcurrentHashMap<>();
        private final HttpServer server;

        Http() throws IOException {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/", exchange -> {
                String target = exchange.getRequestURI().getRawPath()
                        + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery());
                String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                received.add(new Request(exchange.getRequestMethod(), target, Map.copyOf(exchange.getRequestHeaders()), body));
                Reply reply = replies.getOrDefault(exchange.getRequestMethod() + " " + target, new Reply(404, ""));
                byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(reply.status(), bytes.length == 0 ? -1 : bytes.length);
                if (bytes.length > 0) {
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(bytes);
                    }
                }
                exchange.close();
            });
            server.start();
        }

        Http reply(String methodAndPath, int status, String body) {
            replies.put(methodAndPath, new Reply(status, body));
            return this;
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    /**
     * Accepts one connection and answers each request line with the lines {@code script} gives for
     * it (none: no answer; the connection is closed once the script returns null).
     */
    static final class Tcp implements AutoCloseable {

        final List<String> received = new CopyOnWriteArrayList<>();
        private final ServerSocket server;
        private final Thread thread;

        Tcp(Function<String, List<String>> script) throws IOException {
            server = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
            thread = Thread.ofVirtual().start(() -> {
                try (Socket socket = server.accept();
                        BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                                StandardCharsets.UTF_8))) {
                    OutputStream out = socket.getOutputStream();
                    String line;
                    while ((line = in.readLine()) != null) {
                        received.add(line);
                        List<String> answer = script.apply(line);
                        if (answer == null) {
                            return;
                        }
                        for (String reply : answer) {
                            out.write((reply + "\n").getBytes(StandardCharsets.UTF_8));
                        }
                        out.flush();
                    }
                } catch (IOException e) {
                    // the client went away: the test sees what it got
                }
            });
        }

        int port() {
            return server.getLocalPort();
        }

        @Override
        public void close() throws Exception {
            server.close();
            thread.join(5_000);
        }
    }
}
