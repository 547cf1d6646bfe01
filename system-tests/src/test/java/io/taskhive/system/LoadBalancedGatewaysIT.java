package io.taskhive.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.taskhive.testing.TestInfrastructure;
import io.taskhive.testing.TestInfrastructureExtension;
import tools.jackson.databind.JsonNode;

/**
 * The deployment shape on one machine: two gateways and two workers, each the packaged jar in a JVM
 * of its own configured only by the environment variables the manifests set, behind Debian's
 * HAProxy running the project's own deploy/haproxy/haproxy.cfg (its addresses moved to free ports
 * through the variables the file reads). Runs in the integration-test phase, after packaging.
 */
class LoadBalancedGatewaysIT {

    private static final Path HAPROXY = Path.of("/usr/sbin/haproxy");
    private static final Path HAPROXY_CFG = Path.of("..", "deploy", "haproxy", "haproxy.cfg");
    private static final Path GATEWAY_JAR = Path.of(System.getProperty("taskhive.gateway.jar",
            "../gateway-service/target/gateway-service-exec.jar"));
    private static final Path WORKER_JAR = Path.of(System.getProperty("taskhive.worker.jar",
            "../worker-service/target/worker-service-exec.jar"));

    @RegisterExtension
    static final TestInfrastructureExtension infrastructure = new TestInfrastructureExtension();

    private final TestInfrastructure.Database database = infrastructure.newDatabase();
    private final TestInfrastructure.Broker broker = infrastructure.newBroker();

    @Test
    void twoGatewaysBehindHaproxyShareTokensBalanceAndSurviveLosingOne() throws Exception {
        String missing = "haproxy is not installed (apt-get install haproxy; .ci/run installs it through "
                + "deploy/validate.sh)";
        if (System.getenv("CI") != null) {
            assertThat(Files.isExecutable(HAPROXY)).as(missing).isTrue();
        }
        assumeTrue(Files.isExecutable(HAPROXY), "skipped: " + missing);
        // per gateway i (1, 2): HTTP ports[2i-2], TCP ports[2i-1], management ports[6+i]; HAProxy: 4, 5, 6
        int[] ports = freePorts(9);
        String jwtSecret = "lb-secret-" + UUID.randomUUID() + UUID.randomUUID();
        // What this machine puts where the manifests name cluster services and secrets.
        Map<String, String> local = new HashMap<>();
        local.put("TASKHIVE_DB_URL", database.url());
        local.put("TASKHIVE_DB_USER", database.user());
        local.put("TASKHIVE_DB_PASSWORD", database.password());
        local.put("TASKHIVE_DB_POOL_SIZE", "4");
        local.put("TASKHIVE_RABBITMQ_HOST", broker.host());
        local.put("TASKHIVE_RABBITMQ_PORT", Integer.toString(broker.port()));
        local.put("TASKHIVE_RABBITMQ_USER", broker.user());
        local.put("TASKHIVE_RABBITMQ_PASSWORD", broker.password());
        local.put("TASKHIVE_RABBITMQ_VHOST", broker.vhost());
        local.put("TASKHIVE_MESSAGING_NAMESPACE", broker.namespace());
        local.put("TASKHIVE_MESSAGING_QUEUE_TYPE", broker.queueType());
        local.put("TASKHIVE_JWT_SECRET", jwtSecret);
        local.put("TASKHIVE_ADMIN_USERNAME", "lb-admin");
        local.put("TASKHIVE_ADMIN_PASSWORD", "lb-admin-" + UUID.randomUUID());
        local.put("TASKHIVE_WORKER_HTTP_PORT", "0");
        local.put("TASKHIVE_WORKER_MAX_IN_FLIGHT", "200");
        // No artifact storage here (the manifests' MinIO is a cluster service): large reports are refused.
        local.put("TASKHIVE_ARTIFACTS_ENDPOINT", "");
        local.put("TASKHIVE_ARTIFACTS_SECRET_KEY", "unused-without-an-endpoint");
        List<ServiceProcess> services = new ArrayList<>();
        Process haproxy = null;
        try {
            for (int i = 1; i <= 2; i++) {
                Map<String, String> gatewayPorts = new HashMap<>(local);
                gatewayPorts.put("TASKHIVE_HTTP_PORT", Integer.toString(ports[2 * i - 2]));
                gatewayPorts.put("TASKHIVE_TCP_PORT", Integer.toString(ports[2 * i - 1]));
                gatewayPorts.put("TASKHIVE_MANAGEMENT_PORT", Integer.toString(ports[6 + i]));
                services.add(ServiceProcess.jar(GATEWAY_JAR, "GatewayApplication", "lb-gateway-" + i,
                        ManifestEnvironment.of("k8s/base/gateway/deployment.yaml", gatewayPorts)));
                services.add(ServiceProcess.jar(WORKER_JAR, "WorkerApplication", "lb-worker-" + i,
                        ManifestEnvironment.of("k8s/base/worker/deployment.yaml", local)));
            }
            for (ServiceProcess service : services) {
                service.awaitStarted(Duration.ofSeconds(120));
            }
            awaitReady("http://127.0.0.1:" + ports[7]);
            awaitReady("http://127.0.0.1:" + ports[8]);
            ProcessBuilder balancer = new ProcessBuilder(HAPROXY.toString(), "-db", "-f", HAPROXY_CFG.toString())
                    .redirectErrorStream(true).redirectOutput(Path.of("target", "lb-haproxy.log").toFile());
            balancer.environment().putAll(Map.of(
                    "HAPROXY_HTTP_BIND", "127.0.0.1:" + ports[4], "HAPROXY_TCP_BIND", "127.0.0.1:" + ports[5],
                    "HAPROXY_STATS_BIND", "127.0.0.1:" + ports[6]));
            for (int i = 1; i <= 2; i++) {
                balancer.environment().putAll(Map.of("GATEWAY" + i + "_HOST", "127.0.0.1",
                        "GATEWAY" + i + "_HTTP_PORT", Integer.toString(ports[2 * i - 2]),
                        "GATEWAY" + i + "_TCP_PORT", Integer.toString(ports[2 * i - 1]),
                        "GATEWAY" + i + "_MANAGEMENT_PORT", Integer.toString(ports[6 + i])));
            }
            haproxy = balancer.start();
            String stats = "http://127.0.0.1:" + ports[6] + "/stats;csv";
            awaitAllServersUp(stats);

            // A token issued by one gateway is accepted by the other.
            ApiClient gateway1 = new ApiClient("http://127.0.0.1:" + ports[0]);
            ApiClient gateway2 = new ApiClient("http://127.0.0.1:" + ports[2]);
            String name = "lb" + UUID.randomUUID().toString().substring(0, 8);
            assertThat(gateway1.post("/api/auth/register", null, Map.of("username", name, "password", "lb-password-1"))
                    .status()).isEqualTo(201);
            String token = gateway1.post("/api/auth/login", null, Map.of("username", name, "password", "lb-password-1"))
                    .json().get("token").stringValue();
            assertThat(gateway2.get("/api/tasks", token).status()).isEqualTo(200);

            // HTTP and TCP through HAProxy reach both gateways.
            ApiClient balanced = new ApiClient("http://127.0.0.1:" + ports[4]);
            for (int i = 0; i < 10; i++) {
                assertThat(balanced.get("/api/tasks", token).status()).isEqualTo(200);
            }
            List<TcpClient> idle = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                TcpClient client = new TcpClient(ports[5]);
                assertThat(client.request("{\"action\":\"ping\"}").get("pong").booleanValue()).isTrue();
                idle.add(client);
            }
            assertThat(sessionsPerServer(stats, "gateways_http")).allSatisfy((server, count) -> assertThat(count).isPositive());
            assertThat(sessionsPerServer(stats, "gateways_tcp")).allSatisfy((server, count) -> assertThat(count).isPositive());
            for (TcpClient client : idle) {
                client.close();
            }

            // Load over HTTP and TCP through HAProxy while the first gateway is stopped: nothing
            // acknowledged is lost, and TCP clients carry on by reconnecting.
            List<String> acknowledged = Collections.synchronizedList(new ArrayList<>());
            AtomicInteger tcpReconnects = new AtomicInteger();
            AtomicBoolean stop = new AtomicBoolean();
            // Each client on a thread of its own (the common pool has one thread on a 2-core machine).
            ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor();
            CompletableFuture<Void> httpLoad = CompletableFuture.runAsync(() -> {
                for (int i = 0; i < 120; i++) {
                    try {
                        ApiClient.Response response = balanced.post("/api/tasks", token,
                                Map.of("type", "uppercase", "payload", Map.of("text", "lb " + i)));
                        if (response.status() == 202) {
                            acknowledged.add(response.json().get("id").stringValue());
                        }
                    } catch (IllegalStateException e) {
                        // a refused or cut connection: not acknowledged, a client would retry
                    }
                    pause(Duration.ofMillis(25));
                }
            }, clients);
            // Four TCP clients: least-connections puts some of them on the gateway that will stop.
            List<CompletableFuture<Void>> tcpLoad = new ArrayList<>();
            for (int c = 0; c < 4; c++) {
                tcpLoad.add(CompletableFuture.runAsync(() -> submitOverTcp(ports[5], token, stop, acknowledged,
                        tcpReconnects), clients));
            }
            pause(Duration.ofSeconds(1));
            assertThat(services.getFirst().terminate(Duration.ofSeconds(60))).isZero();
            httpLoad.join();
            stop.set(true);
            tcpLoad.forEach(CompletableFuture::join);
            clients.close();
            assertThat(tcpReconnects.get()).as("TCP clients that lost the stopped gateway reconnected").isPositive();
            awaitServerDown(stats, "gateways_http", "gw1");
            for (int i = 0; i < 20; i++) {
                ApiClient.Response after = balanced.post("/api/tasks", token,
                        Map.of("type", "uppercase", "payload", Map.of("text", "after " + i)));
                assertThat(after.status()).as("HTTP through HAProxy once a gateway is gone").isEqualTo(202);
                acknowledged.add(after.json().get("id").stringValue());
            }
            assertThat(acknowledged).hasSizeGreaterThan(200);
            try (TcpClient again = new TcpClient(ports[5])) {
                assertThat(again.request("{\"action\":\"ping\"}").get("pong").booleanValue()).isTrue();
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            long succeeded = 0;
            while (System.nanoTime() < deadline) {
                succeeded = countSucceeded(acknowledged);
                if (succeeded == acknowledged.size()) {
                    break;
                }
                pause(Duration.ofMillis(500));
            }
            System.out.printf("LB-SUMMARY acknowledged=%d succeeded=%d tcpReconnects=%d%n", acknowledged.size(),
                    succeeded, tcpReconnects.get());
            assertThat(succeeded).as("acknowledged tasks that reached SUCCEEDED").isEqualTo(acknowledged.size());
        } finally {
            if (haproxy != null) {
                haproxy.destroy();
                haproxy.waitFor(10, TimeUnit.SECONDS);
            }
            for (ServiceProcess service : services) {
                service.close();
            }
        }
    }

    /**
     * "Started" is logged before the start-up runners; readiness (on the management port) says when
     * a gateway takes traffic.
     */
    private static void awaitReady(String management) {
        ApiClient client = new ApiClient(management);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (client.get("/actuator/health/readiness", null).status() == 200) {
                    return;
                }
            } catch (IllegalStateException e) {
                // not listening yet
            }
            pause(Duration.ofMillis(200));
        }
        throw new AssertionError(management + " never became ready");
    }

    /** One TCP client submitting until told to stop (and at least 30 times), reconnecting when cut off. */
    private static void submitOverTcp(int port, String token, AtomicBoolean stop, List<String> acknowledged,
            AtomicInteger reconnects) {
        int sent = 0;
        TcpClient client = null;
        while (!stop.get() || sent < 30) {
            try {
                if (client == null) {
                    client = new TcpClient(port);
                }
                JsonNode reply = client.request("{\"action\":\"submit\",\"token\":\"" + token
                        + "\",\"type\":\"reverse\",\"payload\":{\"text\":\"tcp " + sent + "\"}}");
                sent++;
                if (reply.get("ok").booleanValue()) {
                    acknowledged.add(reply.get("task").get("id").stringValue());
                }
            } catch (IOException e) {
                closeQuietly(client);
                client = null;
                reconnects.incrementAndGet();
            }
            pause(Duration.ofMillis(25));
        }
        closeQuietly(client);
    }

    private static void awaitServerDown(String stats, String backend, String server) throws IOException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            boolean down = statsRows(stats).stream().anyMatch(r -> r.get("pxname").equals(backend)
                    && r.get("svname").equals(server) && r.get("status").startsWith("DOWN"));
            if (down) {
                return;
            }
            pause(Duration.ofMillis(250));
        }
        throw new AssertionError(backend + "/" + server + " never marked DOWN");
    }

    private long countSucceeded(List<String> ids) throws SQLException {
        try (Connection connection = database.connect();
                PreparedStatement query = connection.prepareStatement(
                        "select count(*) from tasks where status = 'SUCCEEDED' and id = any(?)")) {
            query.setArray(1, connection.createArrayOf("uuid", ids.stream().map(UUID::fromString).toArray()));
            try (ResultSet result = query.executeQuery()) {
                result.next();
                return result.getLong(1);
            }
        }
    }

    /**
     * Until HAProxy's own checks have passed for both gateways: every checking server reports a
     * successful check (L7OK) and the HTTP and TCP servers are UP. (Right after HAProxy starts,
     * servers show UP before any check has run.)
     */
    private static void awaitAllServersUp(String stats) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                List<Map<String, String>> servers = statsRows(stats).stream()
                        .filter(r -> r.get("svname").startsWith("gw")).toList();
                boolean checked = servers.stream().filter(r -> !r.get("check_status").isEmpty())
                        .allMatch(r -> r.get("check_status").equals("L7OK"));
                long up = servers.stream().filter(r -> r.get("pxname").startsWith("gateways_"))
                        .filter(r -> r.get("status").equals("UP")).count();
                if (checked && up == 4 && servers.stream().anyMatch(r -> !r.get("check_status").isEmpty())) {
                    return;
                }
            } catch (IOException | RuntimeException e) {
                // HAProxy is not listening yet
            }
            pause(Duration.ofMillis(250));
        }
        throw new AssertionError("HAProxy never saw both gateways up; see target/lb-haproxy.log");
    }

    /** Sessions each gateway has had in a backend (HAProxy's stot). */
    private static Map<String, Long> sessionsPerServer(String stats, String backend) throws IOException {
        Map<String, Long> sessions = new HashMap<>();
        for (Map<String, String> row : statsRows(stats)) {
            if (row.get("pxname").equals(backend) && row.get("svname").startsWith("gw")) {
                sessions.put(row.get("svname"), Long.parseLong(row.get("stot")));
            }
        }
        assertThat(sessions).hasSize(2);
        return sessions;
    }

    /** HAProxy's statistics, one map per proxy or server, keyed by the CSV header's column names. */
    private static List<Map<String, String>> statsRows(String stats) throws IOException {
        try (HttpClient http = HttpClient.newHttpClient()) {
            String[] lines = http.send(HttpRequest.newBuilder(URI.create(stats)).build(),
                    HttpResponse.BodyHandlers.ofString()).body().split("\n");
            String[] header = lines[0].replaceFirst("^# ", "").split(",", -1);
            List<Map<String, String>> rows = new ArrayList<>();
            for (String line : Arrays.copyOfRange(lines, 1, lines.length)) {
                if (line.isBlank()) {
                    continue;
                }
                String[] values = line.split(",", -1);
                Map<String, String> row = new HashMap<>();
                for (int i = 0; i < header.length && i < values.length; i++) {
                    row.put(header[i], values[i]);
                }
                rows.add(row);
            }
            return rows;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private static int[] freePorts(int count) throws IOException {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                sockets.add(new ServerSocket(0));
            }
            return sockets.stream().mapToInt(ServerSocket::getLocalPort).toArray();
        } finally {
            for (ServerSocket socket : sockets) {
                socket.close();
            }
        }
    }

    private static void closeQuietly(TcpClient client) {
        if (client != null) {
            try {
                client.close();
            } catch (IOException e) {
                // already gone
            }
        }
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
