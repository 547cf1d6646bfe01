package io.taskhive.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

import com.sun.management.UnixOperatingSystemMXBean;

import io.taskhive.gateway.tcp.TcpServer;

/**
 * Many connections on a gateway replica of its own whose idle timeout (10 minutes) is far longer
 * than these tests, so what keeps or drops connections here is the server's handling of them, not
 * the idle timeout that the other TCP tests shorten to 3 s.
 */
class TcpManyConnectionsTest extends ApiTestSupport {

    private static final int CONNECTIONS = 10_000;
    /** Heap a connection may cost while idle: its two virtual threads, the socket, no buffers. */
    private static final long MAX_HEAP_PER_IDLE_CONNECTION = 8 * 1024;

    private static ConfigurableApplicationContext gateway;
    private static TcpServer server;

    @BeforeAll
    static void startPatientGateway() {
        gateway = system.startGateway(Map.of("taskhive.tcp.idle-timeout", "10m"));
        server = gateway.getBean(TcpServer.class);
    }

    @AfterAll
    static void stopPatientGateway() {
        gateway.close();
    }

    @Test
    void tenThousandIdleConnectionsStayOpenCostLittleAndTheGatewayStillServes() throws Exception {
        long limit = ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix
                ? unix.getMaxFileDescriptorCount() : 0;
        // The client ends live in another process; this JVM holds the server ends and its own files.
        assumeTrue(limit >= CONNECTIONS + 2_000, "skipped: the open-file limit is " + limit + "; this test needs "
                + (CONNECTIONS + 2_000) + " (raise it with ulimit -n, as .ci/run does)");
        long heapBefore = heapAfterGc();
        String java = ProcessHandle.current().info().command().orElse("java");
        Process clients = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                IdleConnections.class.getName(), Integer.toString(server.port()), Integer.toString(CONNECTIONS))
                .redirectErrorStream(true).start();
        try (BufferedReader output = new BufferedReader(new InputStreamReader(clients.getInputStream()))) {
            assertThat(output.readLine()).isEqualTo("OPEN " + CONNECTIONS);
            awaitOpenConnections(CONNECTIONS, Duration.ofSeconds(30));
            Thread.sleep(5_000); // longer than the other tests' idle timeout: nothing may be dropped
            assertThat(server.openConnections()).isEqualTo(CONNECTIONS);
            long heapPerConnection = (heapAfterGc() - heapBefore) / CONNECTIONS;

            long started = System.nanoTime();
            try (TcpClient client = new TcpClient(server.port())) {
                assertThat(client.request("{\"action\":\"ping\"}").get("pong").booleanValue()).isTrue();
            }
            System.out.printf("TCP %d idle connections held; heap per connection %d bytes; a ping took %.1f ms%n",
                    server.openConnections(), heapPerConnection, (System.nanoTime() - started) / 1e6);
            assertThat(heapPerConnection).as("heap bytes per idle connection").isLessThan(MAX_HEAP_PER_IDLE_CONNECTION);
            User user = newUser();
            assertThat(api.get("/api/tasks", user.token()).status()).isEqualTo(200);
        } finally {
            clients.getOutputStream().close();
            if (!clients.waitFor(30, TimeUnit.SECONDS)) {
                clients.destroyForcibly();
            }
        }
        awaitOpenConnections(0, Duration.ofSeconds(30));
    }

    @Test
    void thousandsOfAbandonedConnectionsAreNoticedAndLeaveTheGatewayHealthy() throws Exception {
        List<Socket> abandoned = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            Socket socket = new Socket("127.0.0.1", server.port());
            if (i % 2 == 0) {
                socket.getOutputStream().write("{\"action\":".getBytes()); // half a request
            }
            abandoned.add(socket);
        }
        awaitOpenConnections(2_000, Duration.ofSeconds(30));
        try (TcpClient c = new TcpClient(server.port())) {
            assertThat(c.request("{\"action\":\"ping\"}").get("pong").booleanValue()).isTrue();
        }
        for (Socket socket : abandoned) {
            socket.close();
        }
        // the idle timeout is 10 minutes: only noticing the closed sockets can free the slots
        awaitOpenConnections(0, Duration.ofSeconds(10));
        assertThat(management.get("/actuator/health/readiness", null).status()).isEqualTo(200);
    }

    private static void awaitOpenConnections(int expected, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (server.openConnections() != expected && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(server.openConnections()).isEqualTo(expected);
    }

    private static long heapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
