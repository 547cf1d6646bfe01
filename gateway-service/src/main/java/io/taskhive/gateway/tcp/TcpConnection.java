package io.taskhive.gateway.tcp;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.taskhive.gateway.security.CurrentUser;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One client connection, served on its own virtual thread; {@link TcpRequestReader} cuts its input
 * into requests (the seeds' clients send one object without a newline and wait). Requests are
 * answered in order; every reply is one
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
            serve(new TcpRequestReader(socket.getInputStream(), json, properties.maxRequestBytes()));
        } catch (IOException e) {
            log.debug("connection from {} ended: {}", socket.getRemoteSocketAddress(), e.toString());
        } catch (RuntimeException e) {
            log.warn("connection from {} closed after an unexpected error", socket.getRemoteSocketAddress(), e);
        } finally {
            unsubscribe();
            onClose.run();
        }
    }

    private void serve(TcpRequestReader reader) throws IOException {
        while (!draining) {
            switch (reader.next()) {
                case TcpRequestReader.Request request -> send(router.handle(this, request.body()));
                case TcpRequestReader.Malformed malformed -> send(TcpReplies.error("malformed_json",
                        "the request is not valid JSON: " + malformed.reason() + "; send one JSON object per request"));
                case TcpRequestReader.NotAnObject notAnObject -> send(TcpReplies.error("invalid_request",
                        "a request is a JSON object, e.g. {\"action\":\"ping\"}"));
                case TcpRequestReader.TooLarge tooLarge -> {
                    send(TcpReplies.error("too_large", "a request may be at most " + properties.maxRequestBytes()
                            + " bytes; closing the connection"));
                    return;
                }
                case TcpRequestReader.Idle idle -> {
                    send(TcpReplies.error("idle_timeout", "nothing received for "
                            + properties.idleTimeout().toSeconds() + " s; closing the connection"));
                    return;
                }
                case TcpRequestReader.End end -> {
                    return;
                }
            }
        }
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
}
