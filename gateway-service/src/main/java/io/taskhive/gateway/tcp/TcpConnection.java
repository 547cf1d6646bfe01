package io.taskhive.gateway.tcp;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.taskhive.gateway.security.CurrentUser;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One client connection. Its virtual thread reads requests ({@link TcpRequestReader} cuts the input
 * into JSON objects; the seeds' clients send one without a newline and wait) and hands each to the
 * router; a second virtual thread ({@link TcpOutput}) writes the replies in request order and any
 * pushed events between them.
 */
final class TcpConnection implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(TcpConnection.class);
    /** Replies a client may have outstanding before its further requests wait. */
    private static final int MAX_PENDING_REPLIES = 1_000;
    /** Unsent events a subscriber may fall behind by before it is cut off. */
    private static final int MAX_PENDING_PUSHES = 10_000;
    /** Bad requests in a row after which the client is taken for a wrong protocol and closed. */
    private static final int MAX_BAD_IN_A_ROW = 100;
    /** After an error that closes the connection, how long to read what the client still sends. */
    private static final int LINGER_MILLIS = 1_000;
    private static final int LINGER_BYTES = 1 << 20;

    private final Socket socket;
    private final TcpRequestRouter router;
    private final JsonMapper json;
    private final TcpProperties properties;
    private final Runnable onClose;
    private volatile TcpOutput output;
    private volatile CurrentUser user;
    private volatile Instant authenticatedUntil;
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
        Thread writer = null;
        try (socket) {
            socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, properties.idleTimeout().toMillis()));
            socket.setTcpNoDelay(true);
            socket.setKeepAlive(true);
            TcpOutput out = new TcpOutput(socket.getOutputStream(), json,
                    MAX_PENDING_REPLIES, MAX_PENDING_PUSHES, this::close);
            output = out;
            writer = Thread.ofVirtual().name("tcp-writer").start(out);
            boolean cutOff = serve(new TcpRequestReader(socket.getInputStream(), json, properties.maxRequestBytes()));
            out.finish();
            writer.join(properties.drainTimeout().toMillis());
            if (cutOff) {
                linger();
            }
        } catch (IOException e) {
            log.debug("connection from {} ended: {}", socket.getRemoteSocketAddress(), e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.warn("connection from {} closed after an unexpected error", socket.getRemoteSocketAddress(), e);
        } finally {
            if (writer != null) {
                writer.interrupt();
            }
            unsubscribe();
            onClose.run();
        }
    }

    /** Reads and answers requests until the client is done; true if it is cut off with an error. */
    private boolean serve(TcpRequestReader reader) throws IOException, InterruptedException {
        int badInARow = 0;
        while (!draining) {
            TcpRequestReader.Read read = reader.next();
            switch (read) {
                case TcpRequestReader.Request request -> {
                    CompletableFuture<JsonNode> reply = router.handle(this, request.body());
                    badInARow = reply.isDone() && isRefusal(reply.getNow(null)) ? badInARow + 1 : 0;
                    output.reply(reply);
                }
                case TcpRequestReader.Malformed malformed -> {
                    badInARow++;
                    reply(TcpReplies.error("malformed_json", "the request is not valid JSON (" + malformed.reason()
                            + "); send one JSON object per request, e.g. {\"action\":\"ping\"}"));
                }
                case TcpRequestReader.NotAnObject notAnObject -> {
                    badInARow++;
                    reply(TcpReplies.error("invalid_request", "a request is a JSON object, e.g. {\"action\":\"ping\"}"));
                }
                case TcpRequestReader.TooLarge tooLarge -> {
                    reply(TcpReplies.error("too_large", "a request may be at most " + properties.maxRequestBytes()
                            + " bytes; closing the connection"));
                    return true;
                }
                case TcpRequestReader.Idle idle -> {
                    reply(TcpReplies.error("idle_timeout", "nothing received for "
                            + properties.idleTimeout().toSeconds() + " s; closing the connection"));
                    return true;
                }
                case TcpRequestReader.End end -> {
                    return false;
                }
            }
            if (badInARow >= MAX_BAD_IN_A_ROW) {
                reply(TcpReplies.error("invalid_request", MAX_BAD_IN_A_ROW
                        + " bad requests in a row; closing the connection (is this the taskhive JSON protocol?)"));
                return true;
            }
        }
        return false;
    }

    private static boolean isRefusal(JsonNode reply) {
        JsonNode error = reply == null ? null : reply.get("error");
        if (error == null || !error.isObject()) {
            return false;
        }
        String code = error.path("code").asString("");
        return code.equals("invalid_request") || code.equals("unknown_action");
    }

    private void reply(JsonNode reply) throws InterruptedException {
        output.reply(CompletableFuture.completedFuture(reply));
    }

    /**
     * Closing a socket with unread input makes the kernel send a reset, which can destroy the error
     * line just written; so the output is closed first and the input drained for a moment.
     */
    private void linger() {
        try {
            socket.shutdownOutput();
            socket.setSoTimeout(LINGER_MILLIS);
            InputStream in = socket.getInputStream();
            byte[] sink = new byte[8192];
            long deadline = System.nanoTime() + LINGER_MILLIS * 1_000_000L;
            int drained = 0;
            int n;
            while (drained < LINGER_BYTES && System.nanoTime() < deadline && (n = in.read(sink)) != -1) {
                drained += n;
            }
        } catch (IOException e) {
            // the client is gone: nothing left to protect
        }
    }

    /** Pushes an event line; a subscriber too far behind is cut off. */
    void push(JsonNode event) {
        TcpOutput out = output;
        if (out != null) {
            out.push(event);
        }
    }

    /** Who this connection acts for, while that authentication is valid; else null. */
    CurrentUser user() {
        Instant until = authenticatedUntil;
        return until == null || Instant.now().isBefore(until) ? user : null;
    }

    /** From now on the connection acts as this user, until {@code until} (its token's expiry). */
    void authenticate(CurrentUser user, Instant until) {
        this.authenticatedUntil = until;
        this.user = user;
    }

    /**
     * Follows status changes on this connection. A subscribed connection is kept open while it is
     * silent (it is listening, not idle); TCP keep-alive and failed writes tell when its peer is gone.
     */
    void subscribe(AutoCloseable subscription) {
        unsubscribe();
        this.subscription = subscription;
        try {
            socket.setSoTimeout(0);
        } catch (SocketException e) {
            close();
        }
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

    /** How long a write to this client has been blocked, in nanoseconds (0 if none is). */
    long writeStalledNanos() {
        TcpOutput out = output;
        return out == null ? 0 : out.stalledNanos();
    }

    /** Stops reading further requests; those already read are still answered. */
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
