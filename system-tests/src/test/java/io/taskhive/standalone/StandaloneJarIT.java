package io.taskhive.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The standalone application as a newcomer runs it: the packaged jar ({@code java -jar}, as the
 * README says), its own process, nothing installed beside it. It starts, prints where everything
 * is, runs every task type over HTTP and TCP, serves the worker's metrics without a password, stops
 * on SIGTERM with tasks still queued, and after a restart on the same data directory has kept
 * everything and runs the tasks that were waiting.
 */
class StandaloneJarIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration START_TIMEOUT = Duration.ofSeconds(180);
    private static final Pattern DEMO = Pattern.compile("demo user\\s+demo / (\\S+)");
    private static final Pattern WORKER_METRICS = Pattern.compile("(http://localhost:\\d+/actuator/prometheus) \\(worker\\)");
    private static final Pattern GATEWAY_METRICS = Pattern.compile("http://localhost:(\\d+)(/actuator/prometheus) \\(gateway\\)");

    @TempDir
    Path data;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void runsEverythingInOneProcessAndKeepsItsDataAcrossARestart() throws Exception {
        int httpPort = freePort();
        int tcpPort = freePort();
        String base = "http://127.0.0.1:" + httpPort;
        List<String> queuedAtStop = new ArrayList<>();
        List<String> finishedBefore = new ArrayList<>();
        String token;
        String demoPassword;

        try (Standalone first = Standalone.start(data, httpPort, tcpPort)) {
            String banner = first.awaitReady();
            assertThat(banner).contains("web client", base.replace("127.0.0.1", "localhost") + "/ ")
                    .contains("HTTP API", base.replace("127.0.0.1", "localhost") + "/api/tasks")
                    .contains("Swagger UI").contains("TCP", "localhost:" + tcpPort)
                    .contains("PostgreSQL", "embedded").contains("AMQP broker", "embedded Qpid");
            Matcher demo = DEMO.matcher(banner);
            assertThat(demo.find()).as(banner).isTrue();
            demoPassword = demo.group(1);

            // Both services' meters, open to a scraper as in a deployment (no password to guess); the
            // gateway's on its management port, not on the API port.
            Matcher metrics = WORKER_METRICS.matcher(banner);
            assertThat(metrics.find()).as(banner).isTrue();
            Matcher gatewayMetrics = GATEWAY_METRICS.matcher(banner);
            assertThat(gatewayMetrics.find()).as(banner).isTrue();
            int managementPort = Integer.parseInt(gatewayMetrics.group(1));
            assertThat(managementPort).isNotEqualTo(httpPort);
            HttpResponse<String> gatewayScrape = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + managementPort + gatewayMetrics.group(2))).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(gatewayScrape.statusCode()).isEqualTo(200);
            assertThat(gatewayScrape.body()).contains("jvm_memory_used_bytes");

            // The web client the banner points at, served by the packaged gateway without a token.
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(base + "/")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("<script type=\"module\" src=\"js/app.js\">");
            assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(
                    policy -> assertThat(policy).contains("default-src 'self'"));

            // A demo with a demo password listens on 127.0.0.1 only: another address of this
            // machine (where it has one) is refused on both the HTTP and the TCP port.
            InetAddress external = nonLoopbackAddress();
            if (external != null) {
                for (int port : List.of(httpPort, tcpPort, managementPort)) {
                    assertThatThrownBy(() -> new Socket(external, port).close()).as(external + ":" + port)
                            .isInstanceOf(ConnectException.class);
                }
            }

            token = login(base, "demo", demoPassword);
            assertThat(post(base + "/api/auth/register", null, Map.of("username", "alice", "password",
                    "alice-password-1")).statusCode()).isEqualTo(201);

            // Every task type over HTTP...
            Map<String, Map<String, Object>> payloads = Map.of("uppercase", Map.of("text", "hola"),
                    "reverse", Map.of("text", "abc"), "word_count", Map.of("text", "uno dos"),
                    "sleep", Map.of("seconds", 0.2), "named", Map.of("name", "informe"));
            for (var entry : payloads.entrySet()) {
                HttpResponse<String> submitted = post(base + "/api/tasks", token,
                        Map.of("type", entry.getKey(), "payload", entry.getValue()));
                assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(202);
                String id = JSON.readTree(submitted.body()).get("id").stringValue();
                assertThat(awaitStatus(base, token, id, "SUCCEEDED").get("result").isObject()).isTrue();
                finishedBefore.add(id);
            }
            // ...and over TCP, logged in on the connection, each submit waiting for its outcome.
            try (Socket socket = new Socket("127.0.0.1", tcpPort)) {
                socket.setSoTimeout(30_000);
                OutputStream out = socket.getOutputStream();
                BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                        StandardCharsets.UTF_8));
                out.write(("{\"action\":\"login\",\"username\":\"demo\",\"password\":\"" + demoPassword + "\"}\n")
                        .getBytes(StandardCharsets.UTF_8));
                assertThat(JSON.readTree(in.readLine()).get("status").stringValue()).isEqualTo("logged_in");
                for (String type : List.of("1", "2", "3", "4", "named")) {
                    String content = type.equals("4") ? "0.2" : "hola mundo";
                    out.write(("{\"action\":\"submit\",\"type\":\"" + type + "\",\"content\":\"" + content
                            + "\",\"wait\":30}\n").getBytes(StandardCharsets.UTF_8));
                    JsonNode reply = JSON.readTree(in.readLine());
                    assertThat(reply.get("task").get("status").stringValue()).as(reply.toString()).isEqualTo("SUCCEEDED");
                    finishedBefore.add(reply.get("task").get("id").stringValue());
                }
            }

            // Work left over at the stop: the worker holds two at a time (TASKHIVE_WORKER_MAX_IN_FLIGHT=2).
            List<String> sleepers = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                HttpResponse<String> submitted = post(base + "/api/tasks", token,
                        Map.of("type", "sleep", "payload", Map.of("seconds", 2)));
                sleepers.add(JSON.readTree(submitted.body()).get("id").stringValue());
            }
            awaitStatus(base, token, sleepers.getFirst(), "RUNNING");
            for (String id : sleepers) {
                if (get(base, token, id).get("status").stringValue().equals("QUEUED")) {
                    queuedAtStop.add(id);
                }
            }
            assertThat(queuedAtStop).as("tasks still queued when the application stops").isNotEmpty();
            HttpResponse<String> scraped = http.send(HttpRequest.newBuilder(URI.create(metrics.group(1))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(scraped.statusCode()).as(scraped.body()).isEqualTo(200);
            assertThat(scraped.body()).contains("taskhive_tasks_completed_total{").contains("type=\"uppercase\"");
            assertThat(first.stop()).as("exit status after SIGTERM").isZero();
            assertThat(first.output()).contains("taskhive standalone stopped");
        }

        try (Standalone second = Standalone.start(data, httpPort, tcpPort)) {
            String banner = second.awaitReady();
            assertThat(banner).contains("demo / " + demoPassword);
            // The same signing key: a token from before the restart still works.
            for (String id : finishedBefore) {
                assertThat(get(base, token, id).get("status").stringValue()).isEqualTo("SUCCEEDED");
            }
            assertThat(login(base, "alice", "alice-password-1")).isNotBlank();
            for (String id : queuedAtStop) {
                awaitStatus(base, token, id, "SUCCEEDED");
            }
            assertThat(second.stop()).isZero();
        }
    }

    private String login(String base, String username, String password) throws Exception {
        HttpResponse<String> response = post(base + "/api/auth/login", null,
                Map.of("username", username, "password", password));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body()).get("token").stringValue();
    }

    private JsonNode awaitStatus(String base, String token, String id, String status) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        JsonNode task;
        do {
            task = get(base, token, id);
            if (task.get("status").stringValue().equals(status)) {
                return task;
            }
            Thread.sleep(50);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("task " + id + " did not reach " + status + ": " + task);
    }

    private JsonNode get(String base, String token, String id) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + "/api/tasks/" + id))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private HttpResponse<String> post(String url, String token, Object body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** An IPv4 address of this machine other than loopback, or null. */
    private static InetAddress nonLoopbackAddress() throws SocketException {
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!nic.isUp() || nic.isLoopback()) {
                continue;
            }
            for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                if (address instanceof Inet4Address) {
                    return address;
                }
            }
        }
        return null;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** The packaged application in a JVM of its own, as {@code java -jar} starts it. */
    private static final class Standalone implements AutoCloseable {

        private final Process process;
        private final Path log;

        private Standalone(Process process, Path log) {
            this.process = process;
            this.log = log;
        }

        static Standalone start(Path data, int httpPort, int tcpPort) throws IOException {
            String java = ProcessHandle.current().info().command().orElse("java");
            Path jar = Path.of(System.getProperty("taskhive.standalone.jar", "../standalone/target/standalone-exec.jar"));
            if (!Files.isRegularFile(jar)) {
                throw new IllegalStateException(jar.toAbsolutePath() + " is missing: run this test through "
                        + "./mvnw verify, which packages it first");
            }
            Path log = Files.createTempFile("standalone", ".log");
            ProcessBuilder builder = new ProcessBuilder(java, "-Xmx512m", "-jar", jar.toString(),
                    "--data-dir=" + data, "--http-port=" + httpPort,
                    "--tcp-port=" + tcpPort, "--management-port=0", "--worker-http-port=0", "--db-port=0", "--amqp-port=0")
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            // A newcomer's machine: no settings pointing at installed servers.
            builder.environment().keySet().removeIf(name -> name.startsWith("TASKHIVE_"));
            builder.environment().put("TASKHIVE_WORKER_MAX_IN_FLIGHT", "2");
            return new Standalone(builder.start(), log);
        }

        /** The banner printed once everything runs. */
        String awaitReady() throws Exception {
            long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
            while (System.nanoTime() < deadline) {
                String output = output();
                int ready = output.indexOf(StandaloneApplication.READY);
                if (ready >= 0 && output.indexOf("Ctrl-C stops everything", ready) > 0) {
                    return output.substring(ready);
                }
                if (!process.isAlive()) {
                    throw new AssertionError("the standalone application exited at start:\n" + output);
                }
                Thread.sleep(200);
            }
            throw new AssertionError("the standalone application did not start within " + START_TIMEOUT + ":\n"
                    + output());
        }

        /** SIGTERM, then the exit status once everything has stopped. */
        int stop() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(90, TimeUnit.SECONDS)) {
                throw new AssertionError("still running 90 s after SIGTERM");
            }
            return process.exitValue();
        }

        String output() throws IOException {
            return Files.readString(log);
        }

        @Override
        public void close() throws IOException {
            if (process.isAlive()) {
                process.destroyForcibly();
            }
            Files.deleteIfExists(log);
        }
    }
}
