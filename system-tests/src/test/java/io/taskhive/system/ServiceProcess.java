package io.taskhive.system;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.taskhive.worker.WorkerApplication;

/**
 * A service replica in a JVM of its own, so a test can kill it with SIGKILL or stop it with SIGTERM
 * as an orchestrator would. Its output goes to {@code target/<id>.log}.
 */
final class ServiceProcess implements AutoCloseable {

    private final String id;
    private final String startedMarker;
    private final Process process;
    private final Path log;

    private ServiceProcess(String id, String startedMarker, Process process, Path log) {
        this.id = id;
        this.startedMarker = startedMarker;
        this.process = process;
        this.log = log;
    }

    /**
     * A worker from this JVM's class path (so test-only task types are there too), configured by
     * command-line properties.
     */
    static ServiceProcess worker(String id, Map<String, Object> properties) throws IOException {
        List<String> command = new ArrayList<>(List.of(java(), "-Xmx256m", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), WorkerApplication.class.getName()));
        properties.forEach((key, value) -> command.add("--" + key + "=" + value));
        command.add("--taskhive.worker.id=" + id);
        command.add("--server.port=0");
        return start(id, "Started WorkerApplication", command, Map.of());
    }

    /**
     * A packaged application ({@code java -jar}) configured only by environment variables, as a
     * container is. {@code application} is the main class's simple name, which Spring Boot logs once
     * the context is up.
     */
    static ServiceProcess jar(Path jar, String application, String id, Map<String, String> environment)
            throws IOException {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar.toAbsolutePath() + " is missing: run this test through ./mvnw verify, "
                    + "which packages the services first");
        }
        List<String> command = List.of(java(), "-Xmx256m", "-XX:+ExitOnOutOfMemoryError", "-jar", jar.toString());
        return start(id, "Started " + application, command, environment);
    }

    private static ServiceProcess start(String id, String startedMarker, List<String> command,
            Map<String, String> environment) throws IOException {
        Path log = Path.of("target", id + ".log");
        Files.createDirectories(log.getParent());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        return new ServiceProcess(id, startedMarker, builder.start(), log);
    }

    private static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    /** Waits until the service's Spring context is up (it logs "Started <Application>"). */
    ServiceProcess awaitStarted(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError(id + " died at start; see " + log.toAbsolutePath());
            }
            if (Files.exists(log) && Files.readString(log).contains(startedMarker)) {
                return this;
            }
            Thread.sleep(100);
        }
        throw new AssertionError(id + " did not start within " + timeout + "; see " + log.toAbsolutePath());
    }

    String id() {
        return id;
    }

    /** SIGSTOP or SIGCONT: a hung process keeps its connections open but does nothing. */
    void signal(String name) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start();
        if (kill.waitFor() != 0) {
            throw new IllegalStateException("kill -" + name + " failed");
        }
    }

    /** SIGKILL: no shutdown hook, no drain, no deregistration. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** SIGTERM, then the exit status once it has drained. */
    int terminate(Duration timeout) throws InterruptedException {
        process.destroy();
        return awaitExit(timeout);
    }

    /** The exit status, once the process has ended (after a signal sent with {@link #signal}). */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError(id + " still running " + timeout + " after SIGTERM; see " + log);
        }
        return process.exitValue();
    }

    String output() throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    @Override
    public void close() throws Exception {
        if (process.isAlive()) {
            signal("CONT");
            kill();
        }
    }
}
