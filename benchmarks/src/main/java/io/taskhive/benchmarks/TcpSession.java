package io.taskhive.benchmarks;

import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

import tools.jackson.databind.JsonNode;

/** One TCP connection in the native dialect, authenticated by a token on its first request. */
final class TcpSession implements AutoCloseable {

    private final Socket socket;
    private final OutputStream out;
    private final BufferedReader in;

    TcpSession(int port, String token) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(120_000);
        out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
        in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8), 64 * 1024);
        JsonNode reply = request("{\"action\":\"ping\",\"token\":\"" + token + "\"}");
        if (!reply.path("ok").asBoolean()) {
            throw new IOException("the gateway refused the token: " + reply);
        }
    }

    /** Sends one request and waits for its reply. */
    JsonNode request(String json) throws IOException {
        out.write(json.getBytes(StandardCharsets.UTF_8));
        out.write('\n');
        out.flush();
        return reply();
    }

    /**
     * Pipelining: writes all requests as fast as the connection takes them while another thread
     * reads the replies, which come back in request order.
     */
    void pipeline(Iterable<String> requests, int count, Consumer<JsonNode> onReply) throws Exception {
        Thread writer = Thread.ofPlatform().name("tcp-pipeline-writer").start(() -> {
            try {
                for (String request : requests) {
                    out.write(request.getBytes(StandardCharsets.UTF_8));
                    out.write('\n');
                }
                out.flush();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        for (int i = 0; i < count; i++) {
            onReply.accept(reply());
        }
        writer.join();
    }

    private JsonNode reply() throws IOException {
        String line = in.readLine();
        if (line == null) {
            throw new IOException("the gateway closed the connection");
        }
        return ApiClient.JSON.readTree(line);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
