package io.taskhive.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A TCP forwarder a test puts between a service and PostgreSQL, RabbitMQ or S3, to cut the connection
 * (as a restart or a network failure would) and restore it, without touching the shared server.
 * While cut, existing connections are closed and new ones are refused at once. While replies are
 * held, what the client sends still reaches the server but nothing comes back: a request the
 * server has carried out looks, to its client, as if it were still in progress.
 */
public final class TcpProxy implements AutoCloseable {

    private final String targetHost;
    private final int targetPort;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final int port;
    private volatile ServerSocket server;
    private volatile boolean closed;
    private final ReentrantLock replyGate = new ReentrantLock();
    private final Condition repliesReleased = replyGate.newCondition();
    private boolean repliesHeld;

    public TcpProxy(String targetHost, int targetPort) {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        try (ServerSocket probe = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            this.port = probe.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        open();
    }

    public int port() {
        return port;
    }

    /** Closes every forwarded connection and refuses new ones until {@link #restore()}. */
    public synchronized void cut() {
        closeQuietly(server);
        server = null;
        sockets.forEach(TcpProxy::closeQuietly);
        sockets.clear();
    }

    /** From now on the server's bytes wait in the proxy, until {@link #releaseReplies()}. */
    public void holdReplies() {
        replyGate.lock();
        try {
            repliesHeld = true;
        } finally {
            replyGate.unlock();
        }
    }

    public void releaseReplies() {
        replyGate.lock();
        try {
            repliesHeld = false;
            repliesReleased.signalAll();
        } finally {
            replyGate.unlock();
        }
    }

    private void awaitRepliesReleased() throws InterruptedException {
        replyGate.lock();
        try {
            while (repliesHeld) {
                repliesReleased.await();
            }
        } finally {
            replyGate.unlock();
        }
    }

    public synchronized void restore() {
        if (server == null && !closed) {
            open();
        }
    }

    private void open() {
        try {
            ServerSocket socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            server = socket;
            Thread.ofVirtual().name("proxy-accept-" + port).start(() -> accept(socket));
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen on " + port, e);
        }
    }

    private void accept(ServerSocket socket) {
        while (!socket.isClosed()) {
            try {
                Socket client = socket.accept();
                Socket upstream = new Socket(targetHost, targetPort);
                sockets.add(client);
                sockets.add(upstream);
                Thread.ofVirtual().start(() -> pump(client, upstream, false));
                Thread.ofVirtual().start(() -> pump(upstream, client, true));
            } catch (IOException e) {
                // closed by cut(), or the target refused: the client sees its connection close
            }
        }
    }

    private void pump(Socket from, Socket to, boolean replies) {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                if (replies) {
                    awaitRepliesReleased();
                }
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // one side went away
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeQuietly(from);
            closeQuietly(to);
            sockets.remove(from);
            sockets.remove(to);
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        cut();
        releaseReplies();
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable != null) {
            try {
                closeable.close();
            } catch (Exception e) {
                // nothing to do
            }
        }
    }
}
