package io.taskhive.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import com.sun.management.UnixOperatingSystemMXBean;

import io.taskhive.gateway.tcp.TcpServer;

/** One gateway holds 10,000 idle TCP connections and still answers. */
class TcpManyConnectionsTest extends ApiTestSupport {

    private static final int CONNECTIONS = 10_000;

    @Test
    void tenThousandIdleConnectionsAndTheGatewayStillServes() throws Exception {
        long limit = ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix
                ? unix.getMaxFileDescriptorCount() : 0;
        // The client ends live in another process; this JVM holds the server ends and its own files.
        assumeTrue(limit >= CONNECTIONS + 2_000, "skipped: the open-file limit is " + limit + "; this test needs "
                + (CONNECTIONS + 2_000) + " (raise it with ulimit -n, as .ci/run does)");
        TcpServer server = system.gateway.getBean(TcpServer.class);
        String java = ProcessHandle.current().info().command().orElse("java");
        Process clients = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                IdleConnections.class.getName(), Integer.toString(system.tcpPort), Integer.toString(CONNECTIONS))
                .redirectErrorStream(true).start();
        try (BufferedReader output = new BufferedReader(new InputStreamReader(clients.getInputStream()))) {
            assertThat(output.readLine()).isEqualTo("OPEN " + CONNECTIONS);
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (server.openConnections() < CONNECTIONS && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(server.openConnections()).isGreaterThanOrEqualTo(CONNECTIONS);
            long started = System.nanoTime();
            try (TcpClient client = new TcpClient(system.tcpPort)) {
                assertThat(client.request("{\"action\":\"ping\"}").get("pong").booleanValue()).isTrue();
            }
            System.out.printf("TCP %d idle connections open; a ping took %.1f ms%n", server.openConnections(),
                    (System.nanoTime() - started) / 1e6);
            User user = newUser();
            assertThat(api.get("/api/tasks", user.token()).status()).isEqualTo(200);
        } finally {
            clients.getOutputStream().close();
            if (!clients.waitFor(30, TimeUnit.SECONDS)) {
                clients.destroyForcibly();
            }
        }
    }
}
