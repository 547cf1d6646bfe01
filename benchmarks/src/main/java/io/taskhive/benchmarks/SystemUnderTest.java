package io.taskhive.benchmarks;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.taskhive.testing.TestInfrastructure;

/**
 * A gateway and some workers, each the packaged jar in a JVM of its own with the production JVM
 * flags (those of the Dockerfiles, sized for the Kubernetes memory limit), against this machine's
 * PostgreSQL and RabbitMQ: a fresh database and queue names per run. Their output goes to
 * {@code target/bench-logs/}.
 */
final class SystemUnderTest implements AutoCloseable {

    /** The images' JAVA_TOOL_OPTIONS, with the 1 GiB memory limit of k8s/base as the machine's RAM. */
    static final List<String> PRODUCTION_JVM_FLAGS = List.of("-XX:MaxRAM=1g", "-XX:MaxRAMPercentage=70.0",
            "-XX:InitialRAMPercentage=25.0", "-XX:+ExitOnOutOfMemoryError");

    static final Path LOGS = Path.of("benchmarks", "target", "bench-logs");

    private final TestInfrastructure.Database database;
    private final TestInfrastructure.Broker broker;
    private final List<Process> processes = new ArrayList<>();
    private final Process gateway;
    private final int httpPort;
    private final int tcpPort;
    private final int managementPort;

    private SystemUnderTest(TestInfrastructure.Database database, TestInfrastructure.Broker broker, Process gateway,
            int httpPort, int tcpPort, int managementPort) {
        this.database = database;
        this.broker = broker;
        this.gateway = gateway;
        this.httpPort = httpPort;
        this.tcpPort = tcpPort;
        this.managementPort = managementPort;
        processes.add(gateway);
    }

    private static TestInfrastructure infrastructure;

    /** Found once for all the systems a benchmark run starts, and closed when the JVM exits. */
    static synchronized TestInfrastructure infrastructure() {
        if (infrastructure == null) {
            infrastructure = TestInfrastructure.start();
            Runtime.getRuntime().addShutdownHook(new Thread(infrastructure::close, "test-infrastructure-shutdown"));
        }
        return infrastructure;
    }

    /**
     * @param workers      how many worker processes
     * @param workerCpus   if not empty, worker i runs pinned to CPU {@code workerCpus.get(i)} (taskset),
     *                     as a replica limited to one CPU would
     * @param workerEnvironment extra settings for the workers (e.g. TASKHIVE_WORKER_MAX_IN_FLIGHT)
     */
    static SystemUnderTest start(int workers, List<Integer> workerCpus, Map<String, String> workerEnvironment)
            throws Exception {
        return start(workers, workerCpus, workerEnvironment, Map.of());
    }

    /** As {@link #start(int, List, Map)}, with extra settings for the gateway too. */
    static SystemUnderTest start(int workers, List<Integer> workerCpus, Map<String, String> workerEnvironment,
            Map<String, String> gatewaySettings) throws Exception {
        Files.createDirectories(LOGS);
        TestInfrastructure infrastructure = infrastructure();
        TestInfrastructure.Database database = infrastructure.newDatabase();
        TestInfrastructure.Broker broker = infrastructure.newBroker();
        Map<String, String> shared = serviceEnvironment(database, broker);

        int httpPort = freePort();
        int tcpPort = freePort();
        int managementPort = freePort();
        Map<String, String> gatewayEnvironment = new HashMap<>(shared);
        gatewayEnvironment.put("TASKHIVE_JWT_SECRET", "bench-" + UUID.randomUUID() + UUID.randomUUID());
        gatewayEnvironment.put("TASKHIVE_HTTP_PORT", Integer.toString(httpPort));
        gatewayEnvironment.put("TASKHIVE_TCP_PORT", Integer.toString(tcpPort));
        gatewayEnvironment.put("TASKHIVE_MANAGEMENT_PORT", Integer.toString(managementPort));
        // One client submits tens of thousands of tasks: the per-user rate limit would measure itself.
        gatewayEnvironment.put("TASKHIVE_GATEWAY_RATE_LIMIT_TASKS_PER_SECOND", "1000000");
        gatewayEnvironment.put("TASKHIVE_GATEWAY_RATE_LIMIT_BURST", "1000000");
        // ... and so would the per-user limits on waiting and running tasks (an admin raises them for
        // such a user); the dispatch window (dispatch.ahead) stays as shipped.
        gatewayEnvironment.put("TASKHIVE_GATEWAY_QUOTAS_MAX_QUEUED", "10000000");
        gatewayEnvironment.put("TASKHIVE_GATEWAY_QUOTAS_MAX_RUNNING", "1000000");
        gatewayEnvironment.putAll(gatewaySettings);
        gatewayEnvironment.putAll(overrides("gateway"));
        Process gateway = launch("gateway-service", "gateway", List.of(), gatewayEnvironment);
        SystemUnderTest system = new SystemUnderTest(database, broker, gateway, httpPort, tcpPort, managementPort);
        try {
            List<Integer> workerPorts = new ArrayList<>();
            for (int i = 0; i < workers; i++) {
                int port = freePort();
                workerPorts.add(port);
                Map<String, String> environment = new HashMap<>(shared);
                environment.put("TASKHIVE_WORKER_HTTP_PORT", Integer.toString(port));
                environment.putAll(workerEnvironment);
                environment.putAll(overrides("worker"));
                List<String> pin = workerCpus.isEmpty() ? List.of()
                        : List.of("taskset", "-c", Integer.toString(workerCpus.get(i % workerCpus.size())));
                system.processes.add(launch("worker-service", "worker-" + (i + 1), pin, environment));
            }
            awaitReady("http://127.0.0.1:" + managementPort, gateway);
            for (int i = 0; i < workers; i++) {
                awaitReady("http://127.0.0.1:" + workerPorts.get(i), system.processes.get(i + 1));
            }
        } catch (Exception | Error e) {
            system.close();
            throw e;
        }
        return system;
    }

    /** What every service of a run is told: its database, its broker and its queue names. */
    static Map<String, String> serviceEnvironment(TestInfrastructure.Database database,
            TestInfrastructure.Broker broker) {
        Map<String, String> shared = new HashMap<>();
        shared.put("TASKHIVE_DB_URL", database.url());
        shared.put("TASKHIVE_DB_USER", database.user());
        shared.put("TASKHIVE_DB_PASSWORD", database.password());
        shared.put("TASKHIVE_RABBITMQ_HOST", broker.host());
        shared.put("TASKHIVE_RABBITMQ_PORT", Integer.toString(broker.port()));
        shared.put("TASKHIVE_RABBITMQ_USER", broker.user());
        shared.put("TASKHIVE_RABBITMQ_PASSWORD", broker.password());
        shared.put("TASKHIVE_RABBITMQ_VHOST", broker.vhost());
        shared.put("TASKHIVE_MESSAGING_NAMESPACE", broker.namespace());
        shared.put("TASKHIVE_MESSAGING_QUEUE_TYPE", System.getProperty("bench.queueType", broker.queueType()));
        return shared;
    }

    private static Process launch(String module, String name, List<String> prefix, Map<String, String> environment)
            throws IOException {
        List<String> command = new ArrayList<>(prefix);
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(PRODUCTION_JVM_FLAGS);
        if (Boolean.getBoolean("bench.jfr")) { // where the time goes: benchmarks/target/bench-logs/<service>.jfr
            command.add("-XX:StartFlightRecording=settings=" + System.getProperty("bench.jfc", "profile") + ",filename=" + LOGS.resolve(name + ".jfr")
                    + ",dumponexit=true");
        }
        command.add("-jar");
        command.add(packagedJar(module).toString());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(LOGS.resolve(name + ".log").toFile());
        builder.environment().keySet().removeIf(key -> key.startsWith("TASKHIVE_"));
        builder.environment().putAll(environment);
        return builder.start();
    }

    static Path packagedJar(String module) throws IOException {
        Path target = Path.of(module, "target");
        try (var files = Files.list(target)) {
            return files.filter(f -> f.getFileName().toString().matches(module + "-.*-exec\\.jar")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no packaged " + module + " in " + target
                            + ": run ./mvnw -q -DskipTests package first (benchmarks/run does)"));
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IllegalStateException("run the benchmarks from the repository root, after ./mvnw -q -DskipTests "
                    + "package (benchmarks/run does both)", e);
        }
    }

    private static void awaitReady(String base, Process process) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("a service exited at start; see " + LOGS);
            }
            try {
                HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create(base
                        + "/actuator/health/readiness")).build(), HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException(base + " never became ready; see " + LOGS);
    }

    /**
     * {@code -Dbench.gateway.X=value} or {@code -Dbench.worker.X=value}: a setting (environment
     * variable) of that service changed for one run, for A/B comparisons.
     */
    static Map<String, String> overrides(String service) {
        String prefix = "bench." + service + ".";
        Map<String, String> settings = new HashMap<>();
        System.getProperties().stringPropertyNames().stream().filter(name -> name.startsWith(prefix))
                .forEach(name -> settings.put(name.substring(prefix.length()), System.getProperty(name)));
        return settings;
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    String httpUrl() {
        return "http://127.0.0.1:" + httpPort;
    }

    int tcpPort() {
        return tcpPort;
    }

    /**
     * Milliseconds the gateway's JIT compilers have worked since it started (Micrometer's
     * {@code jvm.compilation.time}, from its Prometheus endpoint).
     */
    long gatewayCompilationMillis() throws IOException, InterruptedException {
        return gatewayCount("jvm_compilation_time_ms_total");
    }

    /** Held tasks the gateway's dispatch rounds have published since it started ({@code taskhive.dispatch.released}). */
    long gatewayHeldTasksPublished() throws IOException, InterruptedException {
        return gatewayCount("taskhive_dispatch_released_total");
    }

    private long gatewayCount(String prometheusName) throws IOException, InterruptedException {
        HttpResponse<String> metrics;
        try (HttpClient http = HttpClient.newHttpClient()) {
            metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort
                    + "/actuator/prometheus")).build(), HttpResponse.BodyHandlers.ofString());
        }
        return metrics.body().lines().filter(line -> line.startsWith(prometheusName + " ")
                        || line.startsWith(prometheusName + "{"))
                .mapToLong(line -> (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .findFirst().orElseThrow(() -> new IOException("the gateway answered " + metrics.statusCode()
                        + " without " + prometheusName));
    }

    Connection database() throws SQLException {
        return database.connect();
    }

    TestInfrastructure.Broker broker() {
        return broker;
    }

    long gatewayPid() {
        return gateway.pid();
    }

    List<Long> workerPids() {
        return processes.subList(1, processes.size()).stream().map(Process::pid).toList();
    }

    /** The gateway process's resident memory, from /proc (Linux). */
    long gatewayResidentBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(gateway.pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D+", "")) * 1024;
            }
        }
        throw new IOException("no VmRSS for the gateway process");
    }

    @Override
    public void close() throws InterruptedException {
        for (Process process : processes.reversed()) {
            process.destroy();
        }
        for (Process process : processes) {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
