package io.taskhive.gateway.tcp;

import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.taskhive.gateway.security.CurrentUser;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.exc.JacksonIOException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One client connection, served on its own virtual thread. Requests are JSON objects read with a
 * streaming parser, so they may end with a newline or simply be followed by the next object (the
 * seeds' clients send one object and wait). Requests are answered in order; every reply is one
 * JSON value and a newline, and pushed events are written under the same lock, so a push never
 * lands inside a reply.
 */
final class TcpConnection implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(TcpConnection.class);

    private final Socket socket;
    private final TcpRequestRouter router;
    private final JsonMapper json;
    private final TcpProperties properties;
    private final Runnable onClose;
    private OutputStream out;
    private volatile CurrentUser user;
    private volatile AutoCloseable subscription;
    private volatile boolean draining;

    TcpConnection(Socket socket, TcpRequestRouter router, JsonMapper json, TcpProperties properties, Runnable onClose) {
        this.socket = socket;
        this.router = router;
        this.json = json;
        this.properties = properties;
        this.onClose = onClose;
    }

    @Override
    public void run() {
        try (socket) {
            socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, properties.idleTimeout().toMillis()));
            socket.setTcpNoDelay(true);
            out = new BufferedOutputStream(socket.getOutputStream(), 8192);
            RequestLimit limited = new RequestLimit(socket.getInputStream(), properties.maxRequestBytes());
            serve(limited);
        } catch (IOException e) {
            log.debug("connection from {} ended: {}", socket.getRemoteSocketAddress(), e.toString());
        } catch (RuntimeException e) {
            log.warn("connection from {} closed after an unexpected error", socket.getRemoteSocketAddress(), e);
        } finally {
            unsubscribe();
            onClose.run();
        }
    }

    private void serve(RequestLimit limited) throws IOException {
        InputStream source = limited;
        while (source != null && !draining) {
            JsonParser parser = json.createParser(source);
            try {
                readRequests(parser, limited);
                return; // the client closed its side
            } catch (JacksonIOException e) {
                handleIoFailure(e.getCause());
                return;
            } catch (JacksonException e) {
                if (e.getCause() instanceof IOException io) {
                    handleIoFailure(io);
                    return;
                }
                // not JSON, not UTF-8, or past the parser's limits (nesting depth, number length)
                send(TcpReplies.error("malformed_json", "the request is not valid JSON: "
                        + e.getOriginalMessage() + "; send one JSON object per request"));
                source = skipPastNewline(parser, limited);
            }
        }
    }

    private void readRequests(JsonParser parser, RequestLimit limited) throws IOException {
        while (!draining) {
            limited.startRequest();
            JsonToken token = parser.nextToken();
            if (token == null) {
                return;
            }
            if (token != JsonToken.START_OBJECT) {
                parser.skipChildren();
                send(TcpReplies.error("invalid_request", "a request is a JSON object, e.g. {\"action\":\"ping\"}"));
                continue;
            }
            JsonNode request = parser.readValueAsTree();
            send(router.handle(this, request));
        }
    }

    private void handleIoFailure(Throwable cause) throws IOException {
        if (cause instanceof RequestTooLargeException) {
            send(TcpReplies.error("too_large", "a request may be at most " + properties.maxRequestBytes()
                    + " bytes; closing the connection"));
        } else if (cause instanceof SocketTimeoutException) {
            send(TcpReplies.error("idle_timeout", "nothing received for " + properties.idleTimeout().toSeconds()
                    + " s; closing the connection"));
        } else if (cause instanceof IOException io) {
            throw io;
        }
    }

    /** After malformed input: drop everything up to the next newline and go on from there. */
    private InputStream skipPastNewline(JsonParser parser, RequestLimit limited) throws IOException {
        ByteArrayOutputStream buffered = new ByteArrayOutputStream();
        parser.releaseBuffered(buffered);
        InputStream rest = new SequenceInputStream(new ByteArrayInputStream(buffered.toByteArray()), limited);
        limited.startRequest();
        int b;
        while ((b = rest.read()) != -1) {
            if (b == '\n') {
                return rest;
            }
        }
        return null;
    }

    /** Writes one reply or pushed event as a line. */
    synchronized void send(JsonNode message) throws IOException {
        out.write(json.writeValueAsBytes(message));
        out.write('\n');
        out.flush();
    }

    /** Pushes an event; a connection that cannot take it is closed. */
    void push(JsonNode event) {
        try {
            send(event);
        } catch (IOException e) {
            close();
        }
    }

    CurrentUser user() {
        return user;
    }

    void authenticate(CurrentUser user) {
        this.user = user;
    }

    void subscribe(AutoCloseable subscription) {
        unsubscribe();
        this.subscription = subscription;
    }

    private void unsubscribe() {
        AutoCloseable current = subscription;
        subscription = null;
        if (current != null) {
            try {
                current.close();
            } catch (Exception e) {
                log.debug("unsubscribe failed", e);
            }
        }
    }

    /** Stops reading further requests; the one in progress is still answered. */
    void drain() {
        draining = true;
        try {
            socket.shutdownInput();
        } catch (IOException e) {
            close();
        }
    }

    void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // already gone
        }
    }

    /** Counts the bytes of the request being read and refuses to read past the limit. */
    private static final class RequestLimit extends FilterInputStream {

        private final long limit;
        private long read;

        RequestLimit(InputStream in, long limit) {
            super(in);
            this.limit = limit;
        }

        void startRequest() {
            read = 0;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(int n) throws IOException {
            read += n;
            if (read > limit) {
                throw new RequestTooLargeException();
            }
        }
    }

    static final class RequestTooLargeException extends IOException {
        RequestTooLargeException() {
            super("request too large");
        }
    }
}
