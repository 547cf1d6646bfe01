package io.taskhive.gateway;

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
 * A worker replica in a JVM of its own, so a test can kill it with SIGKILL or stop it with SIGTERM
 * as an orchestrator would. Its output goes to {@code target/worker-<id>.log}.
 */
final class WorkerProcess implements AutoCloseable {

    private final String id;
    private final Process process;
    private final Path log;

    private WorkerProcess(String id, Process process, Path log) {
        this.id = id;
        this.process = process;
        this.log = log;
    }

    static WorkerProcess start(String id, Map<String, Object> properties) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), WorkerApplication.class.getName()));
        properties.forEach((key, value) -> command.add("--" + key + "=" + value));
        command.add("--taskhive.worker.id=" + id);
        command.add("--server.port=0");
        Path log = Path.of("target", "worker-" + id + ".log");
        Files.createDirectories(log.getParent());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new WorkerProcess(id, process, log);
    }

    /** Waits until the replica has started consuming (it logs so once its context is up). */
    WorkerProcess awaitStarted(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("worker " + id + " died at start; see " + log.toAbsolutePath());
            }
            if (Files.exists(log) && Files.readString(log).contains("Started WorkerApplication")) {
                return this;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("worker " + id + " did not start within " + timeout + "; see " + log.toAbsolutePath());
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
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("worker " + id + " still running " + timeout + " after SIGTERM; see " + log);
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
