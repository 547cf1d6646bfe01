package io.taskhive.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import io.taskhive.testing.TestInfrastructure;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * How soon a new replica works: one process started alone (PostgreSQL and RabbitMQ up, the schema
 * migrated, nothing else starting), timed from just before the process is launched.
 * <ul>
 * <li>worker: to its first task SUCCEEDED. A gateway started beforehand (the way it always runs)
 * has a task queued that no worker took yet; the clock stops when the benchmark, polling the task's
 * row every 10 ms, reads SUCCEEDED.</li>
 * <li>gateway: to its first accepted submission (202 on {@code POST /api/tasks}, with a token another
 * gateway issued), polled every 20 ms; the time its readiness probe first answers UP is printed
 * too. No other service process runs meanwhile.</li>
 * </ul>
 * Each start is made as the exec jar starts today ({@code jar}) and from the extracted jar with the
 * JVM's AOT cache that {@code bin/aot-cache} made ({@code aot-cache}), alternately, so that the
 * machine's drifting load weighs on both alike. Also printed: the CPU time the process had used by
 * then (less sensitive than the wall time to other load on the machine), and its resident memory
 * after idling a moment.
 */
@Command(name = "startup", mixinStandardHelpOptions = true,
        description = "Process start -> first task done (worker) / first submission accepted (gateway).")
final class StartupBenchmark implements Callable<Integer> {

    enum Variant {
        JAR("jar"), AOT_CACHE("aot-cache");

        final String label;

        Variant(String label) {
            this.label = label;
        }
    }

    @Option(names = "--runs", defaultValue = "5", description = "starts of each service per variant")
    int runs;

    @Option(names = "--variant", split = ",", defaultValue = "JAR,AOT_CACHE",
            description = "JAR (java -jar the exec jar), AOT_CACHE (extracted jar, -XX:AOTCache), or both")
    List<Variant> variants;

    @Option(names = "--idle-seconds", defaultValue = "2", description = "idle time after the start before reading RSS")
    double idleSeconds;

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(1)).build();
    private static final Duration START_LIMIT = Duration.ofSeconds(180);

    record Start(double seconds, double probeSeconds, double cpuSeconds, double rssMib) {
    }

    @Override
    public Integer call() throws Exception {
        Files.createDirectories(SystemUnderTest.LOGS);
        if (variants.contains(Variant.AOT_CACHE)) {
            aotCache("gateway-service");
            aotCache("worker-service");
        }
        System.out.println("load average at the start: " + loadAverage());
        TestInfrastructure infrastructure = SystemUnderTest.infrastructure();
        TestInfrastructure.Database database = infrastructure.newDatabase();
        Map<String, String> shared = SystemUnderTest.serviceEnvironment(database, infrastructure.newBroker());
        shared.put("TASKHIVE_JWT_SECRET", "bench-" + UUID.randomUUID() + UUID.randomUUID());

        Map<Variant, List<Start>> workers = new EnumMap<>(Variant.class);
        Map<Variant, List<Start>> gateways = new EnumMap<>(Variant.class);
        String token;
        // The gateway the workers' tasks come from; it also migrates the schema, so no start below does.
        Map<String, String> firstGateway = gatewayEnvironment(shared);
        Process gateway = launch(Variant.JAR, "gateway-service", firstGateway, "startup-gateway-0");
        try {
            String base = "http://127.0.0.1:" + firstGateway.get("TASKHIVE_HTTP_PORT");
            awaitProbe("http://127.0.0.1:" + firstGateway.get("TASKHIVE_MANAGEMENT_PORT"), gateway);
            ApiClient user = ApiClient.newUser(base);
            token = user.token();
            for (int run = 1; run <= runs; run++) {
                for (Variant variant : variants) {
                    String id = user.submit("uppercase", Map.of("text", "startup " + run), null).join().path("id")
                            .asString();
                    Start start = worker(variant, shared, database, UUID.fromString(id), run);
                    workers.computeIfAbsent(variant, v -> new ArrayList<>()).add(start);
                    System.out.printf("worker  %-9s run %d: first task SUCCEEDED after %.2f s (CPU %.2f s), "
                            + "idle RSS %.0f MiB%n", variant.label, run, start.seconds(), start.cpuSeconds(),
                            start.rssMib());
                }
            }
        } finally {
            stop(gateway);
        }
        for (int run = 1; run <= runs; run++) {
            for (Variant variant : variants) {
                Start start = gateway(variant, shared, token, run);
                gateways.computeIfAbsent(variant, v -> new ArrayList<>()).add(start);
                System.out.printf("gateway %-9s run %d: first submission accepted after %.2f s, readiness UP "
                        + "after %.2f s (CPU %.2f s), idle RSS %.0f MiB%n", variant.label, run, start.seconds(),
                        start.probeSeconds(), start.cpuSeconds(), start.rssMib());
            }
        }
        System.out.println("load average at the end: " + loadAverage());
        for (Variant variant : variants) {
            report("worker", variant, workers.get(variant));
        }
        for (Variant variant : variants) {
            report("gateway", variant, gateways.get(variant));
        }
        return 0;
    }

    private Start worker(Variant variant, Map<String, String> shared, TestInfrastructure.Database database, UUID task,
            int run) throws Exception {
        Map<String, String> environment = new HashMap<>(shared);
        environment.put("TASKHIVE_WORKER_HTTP_PORT", Integer.toString(SystemUnderTest.freePort()));
        environment.putAll(SystemUnderTest.overrides("worker"));
        try (Connection connection = database.connect();
                PreparedStatement status = connection.prepareStatement("select status from tasks where id = ?")) {
            status.setObject(1, task);
            long started = System.nanoTime();
            Process worker = launch(variant, "worker-service", environment, "startup-worker-" + variant.label + "-" + run);
            try {
                long deadline = started + START_LIMIT.toNanos();
                while (!"SUCCEEDED".equals(statusOf(status))) {
                    if (!worker.isAlive() || System.nanoTime() > deadline) {
                        throw new IllegalStateException("the worker did not finish task " + task + "; see "
                                + SystemUnderTest.LOGS);
                    }
                    Thread.sleep(10);
                }
                double seconds = (System.nanoTime() - started) / 1e9;
                double cpu = cpuSeconds(worker.pid());
                Thread.sleep((long) (idleSeconds * 1000));
                return new Start(seconds, Double.NaN, cpu, residentMib(worker.pid()));
            } finally {
                stop(worker);
            }
        }
    }

    private Start gateway(Variant variant, Map<String, String> shared, String token, int run) throws Exception {
        Map<String, String> environment = gatewayEnvironment(shared);
        environment.putAll(SystemUnderTest.overrides("gateway"));
        URI submit = URI.create("http://127.0.0.1:" + environment.get("TASKHIVE_HTTP_PORT") + "/api/tasks");
        URI probe = URI.create("http://127.0.0.1:" + environment.get("TASKHIVE_MANAGEMENT_PORT")
                + "/actuator/health/readiness");
        HttpRequest submission = HttpRequest.newBuilder(submit).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"uppercase\",\"payload\":{\"text\":\"startup\"}}"))
                .build();
        HttpRequest readiness = HttpRequest.newBuilder(probe).timeout(Duration.ofSeconds(10)).build();
        long started = System.nanoTime();
        Process gateway = launch(variant, "gateway-service", environment, "startup-gateway-" + variant.label + "-" + run);
        try {
            long deadline = started + START_LIMIT.toNanos();
            double accepted = Double.NaN;
            double up = Double.NaN;
            double cpu = Double.NaN;
            while (Double.isNaN(accepted) || Double.isNaN(up)) {
                if (!gateway.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("the gateway never accepted a submission; see " + SystemUnderTest.LOGS);
                }
                if (Double.isNaN(accepted) && answers(submission, 202)) {
                    accepted = (System.nanoTime() - started) / 1e9;
                    cpu = cpuSeconds(gateway.pid());
                }
                if (Double.isNaN(up) && answers(readiness, 200)) {
                    up = (System.nanoTime() - started) / 1e9;
                }
                Thread.sleep(20);
            }
            Thread.sleep((long) (idleSeconds * 1000));
            return new Start(accepted, up, cpu, residentMib(gateway.pid()));
        } finally {
            stop(gateway);
        }
    }

    private static Map<String, String> gatewayEnvironment(Map<String, String> shared) throws IOException {
        Map<String, String> environment = new HashMap<>(shared);
        environment.put("TASKHIVE_HTTP_PORT", Integer.toString(SystemUnderTest.freePort()));
        environment.put("TASKHIVE_TCP_PORT", Integer.toString(SystemUnderTest.freePort()));
        environment.put("TASKHIVE_MANAGEMENT_PORT", Integer.toString(SystemUnderTest.freePort()));
        return environment;
    }

    private static boolean answers(HttpRequest request, int expected) throws InterruptedException {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == expected;
        } catch (ConnectException e) {
            return false; // not listening yet
        } catch (IOException e) {
            return false; // listening, but the connection broke while the service started
        }
    }

    private static void awaitProbe(String base, Process process) throws Exception {
        HttpRequest probe = HttpRequest.newBuilder(URI.create(base + "/actuator/health/readiness"))
                .timeout(Duration.ofSeconds(10)).build();
        long deadline = System.nanoTime() + START_LIMIT.toNanos();
        while (!answers(probe, 200)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException(base + " never became ready; see " + SystemUnderTest.LOGS);
            }
            Thread.sleep(100);
        }
    }

    /**
     * The service's JVM with the production flags: the exec jar as it is, or the extracted jar with
     * the AOT cache. {@code -XX:AOTMode=on} makes a JVM that cannot use the cache fail instead of
     * starting without it, so an {@code aot-cache} figure is always one with the cache.
     */
    private static Process launch(Variant variant, String module, Map<String, String> environment, String name)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(SystemUnderTest.PRODUCTION_JVM_FLAGS);
        switch (variant) {
            case JAR -> command.addAll(List.of("-jar", SystemUnderTest.packagedJar(module).toString()));
            case AOT_CACHE -> {
                Path[] extracted = aotCache(module);
                command.addAll(List.of("-XX:AOTMode=on", "-XX:AOTCache=" + extracted[1], "-jar",
                        extracted[0].toString()));
            }
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(SystemUnderTest.LOGS.resolve(name + ".log").toFile());
        builder.environment().keySet().removeIf(key -> key.startsWith("TASKHIVE_"));
        builder.environment().putAll(environment);
        return builder.start();
    }

    /** The extracted jar and its cache, as bin/aot-cache left them (absolute paths, as it trained with). */
    private static Path[] aotCache(String module) throws IOException {
        Path exec = SystemUnderTest.packagedJar(module).toRealPath();
        Path directory = exec.getParent().resolve("aot");
        Path jar = directory.resolve(exec.getFileName());
        Path cache = directory.resolve(module + ".aot");
        Path checksum = directory.resolve("exec-jar.sha256");
        if (!Files.isRegularFile(jar) || !Files.isRegularFile(cache) || !Files.isRegularFile(checksum)
                || !Files.readString(checksum).strip().equals(sha256(exec))) {
            throw new IllegalStateException("no AOT cache for the current " + exec.getFileName()
                    + ": run bin/aot-cache first (benchmarks/run startup does)");
        }
        return new Path[] {jar, cache};
    }

    /** As bin/aot-cache records it: by content, since the build gives every jar the same date. */
    private static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0;) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String statusOf(PreparedStatement status) throws Exception {
        try (ResultSet row = status.executeQuery()) {
            return row.next() ? row.getString(1) : null;
        }
    }

    private static void stop(Process process) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    /** User and system CPU time the process has used, from /proc (Linux; 100 ticks a second). */
    private static double cpuSeconds(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0; // utime, stime
    }

    private static double residentMib(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D+", "")) / 1024.0;
            }
        }
        throw new IOException("no VmRSS for process " + pid);
    }

    private static String loadAverage() throws IOException {
        return String.join(" ", List.of(Files.readString(Path.of("/proc/loadavg")).split(" ")).subList(0, 3));
    }

    private static void report(String service, Variant variant, List<Start> starts) {
        List<Double> seconds = starts.stream().map(Start::seconds).sorted().toList();
        double median = Median.of(seconds);
        double max = seconds.getLast();
        double cpu = Median.of(starts.stream().map(Start::cpuSeconds).toList());
        double rss = Median.of(starts.stream().map(Start::rssMib).toList());
        if (service.equals("gateway")) {
            double probe = Median.of(starts.stream().map(Start::probeSeconds).toList());
            Result.print("startup", "service", service, "variant", variant.label, "runs", starts.size(),
                    "median_s", median, "max_s", max, "probe_median_s", probe, "cpu_median_s", cpu, "rss_median_mib", rss);
        } else {
            Result.print("startup", "service", service, "variant", variant.label, "runs", starts.size(),
                    "median_s", median, "max_s", max, "cpu_median_s", cpu, "rss_median_mib", rss);
        }
    }
}
