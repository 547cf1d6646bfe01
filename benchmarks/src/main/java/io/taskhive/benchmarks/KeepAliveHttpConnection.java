package io.taskhive.benchmarks;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One HTTP/1.1 keep-alive connection that sends requests one after the other: a client as thin as
 * a load generator should be, so that on a machine shared with the system under test the client
 * takes as little CPU as possible (java.net.http costs several times more per request).
 */
final class KeepAliveHttpConnection implements AutoCloseable {

    record Response(int status, String body) {
    }

    private final String host;
    private final int port;
    private Socket socket;
    private OutputStream out;
    private InputStream in;
    private int opened;

    KeepAliveHttpConnection(String host, int port) {
        this.host = host;
        this.port = port;
    }

    Response post(String path, String bearer, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        return exchange("POST " + path + " HTTP/1.1\r\nHost: " + host + ":" + port + "\r\nAuthorization: Bearer "
                + bearer + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n", body);
    }

    Response get(String path, String bearer) throws IOException {
        return exchange("GET " + path + " HTTP/1.1\r\nHost: " + host + ":" + port + "\r\nAuthorization: Bearer "
                + bearer + "\r\n\r\n", new byte[0]);
    }

    private Response exchange(String head, byte[] body) throws IOException {
        for (int attempt = 0; ; attempt++) {
            try {
                connect();
                out.write(head.getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.flush();
                return read();
            } catch (IOException e) {
                close(); // the server closed an idle keep-alive connection: one fresh try
                if (attempt > 0) {
                    throw e;
                }
            }
        }
    }

    private void connect() throws IOException {
        if (socket == null) {
            socket = new Socket(host, port);
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(60_000);
            out = new BufferedOutputStream(socket.getOutputStream(), 8192);
            in = new BufferedInputStream(socket.getInputStream(), 16384);
            opened++;
        }
    }

    /**
     * TCP connections opened so far: more than one means the server closed one (Tomcat does after
     * {@code max-keep-alive-requests}, and after every 400, 500 or 503 answer), and the request after
     * it paid for a new connection.
     */
    int connectionsOpened() {
        return opened;
    }

    private Response read() throws IOException {
        String statusLine = line();
        int status = Integer.parseInt(statusLine.split(" ", 3)[1]);
        int length = -1;
        boolean chunked = false;
        boolean closeAfter = false;
        for (String header = line(); !header.isEmpty(); header = line()) {
            String lower = header.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Integer.parseInt(header.substring(15).trim());
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            } else if (lower.startsWith("connection:") && lower.contains("close")) {
                closeAfter = true;
            }
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (chunked) {
            for (int size = Integer.parseInt(line().split(";")[0].trim(), 16); size > 0;
                    size = Integer.parseInt(line().split(";")[0].trim(), 16)) {
                body.write(in.readNBytes(size));
                line();
            }
            line();
        } else if (length >= 0) {
            body.write(in.readNBytes(length));
        }
        if (closeAfter) {
            close();
        }
        return new Response(status, body.toString(StandardCharsets.UTF_8));
    }

    private String line() throws IOException {
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                int end = line.length();
                return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
            }
            line.append((char) b);
        }
        throw new IOException("connection closed by the server");
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException e) {
                // closing anyway
            }
            socket = null;
        }
    }
}
