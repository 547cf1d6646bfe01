package io.taskhive.gateway.tcp;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import tools.jackson.databind.json.JsonMapper;

/**
 * Listens on the TCP port (5000 by default) and serves each connection on a virtual thread, so
 * thousands of idle connections cost memory for their buffers and little else. Past the
 * connection cap a newcomer gets one error line and is closed. Started after, and stopped before,
 * the web server and the event listeners: on shutdown it stops accepting, lets connections finish
 * the requests in hand, then closes them.
 */
@Component
public class TcpServer implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(TcpServer.class);
    private static final long ACCEPT_BACKOFF_MILLIS = 100;
    private static final long WATCHDOG_INTERVAL_MILLIS = 1_000;

    private final TcpProperties properties;
    private final TcpRequestRouter router;
    private final JsonMapper json;
    private final Semaphore slots;
    private final Set<TcpConnection> connections = ConcurrentHashMap.newKeySet();
    private volatile ServerSocket server;

    TcpServer(TcpProperties properties, TcpRequestRouter router, JsonMapper json, MeterRegistry meters) {
        this.properties = properties;
        this.router = router;
        this.json = json;
        this.slots = new Semaphore(properties.maxConnections());
        Gauge.builder("taskhive.tcp.connections", connections, Set::size).description("Open TCP connections")
                .register(meters);
    }

    @Override
    public void start() {
        if (!properties.enabled()) {
            return;
        }
        try {
            ServerSocket socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(properties.address() == null ? new InetSocketAddress(properties.port())
                    : new InetSocketAddress(properties.address(), properties.port()), 4096);
            server = socket;
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen on TCP port " + properties.port() + ": " + e.getMessage(), e);
        }
        Thread.ofPlatform().name("tcp-accept").daemon().start(this::acceptLoop);
        Thread.ofPlatform().name("tcp-write-watchdog").daemon().start(this::watchWrites);
        log.info("TCP listener on port {} (legacy seed clients {})", port(),
                properties.legacyClients() ? "ALLOWED without authentication" : "off");
    }

    private void acceptLoop() {
        ServerSocket socket = server;
        while (socket != null && !socket.isClosed()) {
            Socket client;
            try {
                client = socket.accept();
            } catch (IOException e) {
                if (!socket.isClosed()) {
                    // e.g. out of file descriptors: pause rather than spin on the same error
                    log.warn("accept failed: {}", e.getMessage());
                    pause(ACCEPT_BACKOFF_MILLIS);
                }
                continue;
            }
            if (!slots.tryAcquire()) {
                refuse(client);
                continue;
            }
            TcpConnection[] self = new TcpConnection[1];
            self[0] = new TcpConnection(client, router, json, properties, () -> {
                connections.remove(self[0]);
                slots.release();
            });
            connections.add(self[0]);
            Thread.ofVirtual().name("tcp-client").start(self[0]);
        }
    }

    /**
     * A client that stops reading blocks the write of its next line; past the write timeout it is
     * disconnected, which frees the writer and the connection's slot.
     */
    private void watchWrites() {
        long limit = properties.writeTimeout().toNanos();
        while (server != null) {
            for (TcpConnection connection : connections) {
                if (connection.writeStalledNanos() > limit) {
                    log.info("closing a connection whose client has not read for {} s", properties.writeTimeout().toSeconds());
                    connection.close();
                }
            }
            pause(WATCHDOG_INTERVAL_MILLIS);
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void refuse(Socket client) {
        try (client; OutputStream out = client.getOutputStream()) {
            out.write(("{\"ok\":false,\"error\":{\"code\":\"too_many_connections\",\"message\":\"the server holds "
                    + properties.maxConnections() + " connections already; try again later\"}}\n")
                    .getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // the client is gone anyway
        }
    }

    /** The port actually listened on (useful when configured as 0). */
    public int port() {
        ServerSocket socket = server;
        return socket == null ? -1 : socket.getLocalPort();
    }

    public int openConnections() {
        return connections.size();
    }

    @Override
    public void stop() {
        ServerSocket socket = server;
        server = null;
        if (socket == null) {
            return;
        }
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
        connections.forEach(TcpConnection::drain);
        long deadline = System.nanoTime() + properties.drainTimeout().toNanos();
        while (!connections.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        connections.forEach(TcpConnection::close);
        log.info("TCP listener stopped");
    }

    @Override
    public boolean isRunning() {
        return server != null;
    }

    /** Stops before the web server and the message listeners it relies on. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 1;
    }
}
