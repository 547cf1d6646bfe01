package io.taskhive.benchmarks;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Small tasks ({@code uppercase}) submitted as fast as one client can, in three ways, measured until
 * the last one is SUCCEEDED in PostgreSQL: end-to-end tasks/s, the submit side's tasks/s, and the
 * p50/p99 of each task's submit-to-SUCCEEDED time. Each variant runs on freshly started services,
 * after a minute of the same workload by another user (unmeasured: the JIT compiles the hot paths
 * meanwhile, as it has in any service that has been up for a while).
 */
@Command(name = "throughput", mixinStandardHelpOptions = true,
        description = "Tasks/s end to end for HTTP single submissions, HTTP batches and pipelined TCP.")
final class ThroughputBenchmark implements Callable<Integer> {

    static final List<String> VARIANTS = List.of("http-single", "http-batch", "tcp-pipelined");

    @Option(names = "--variant", defaultValue = "all", description = "http-single, http-batch, tcp-pipelined or all")
    String variant;

    @Option(names = "--tasks", defaultValue = "20000", description = "tasks measured per variant")
    int tasks;

    @Option(names = "--warmup-seconds", defaultValue = "60",
            description = "how long the same workload runs first, unmeasured, so the JIT has compiled the hot paths")
    int warmupSeconds;

    @Option(names = "--http-concurrency", defaultValue = "64",
            description = "requests one HTTP client keeps in flight (single submissions)")
    int concurrency;

    @Option(names = "--batch-size", defaultValue = "1000", description = "tasks per batch request")
    int batchSize;

    @Override
    public Integer call() throws Exception {
        List<String> chosen = variant.equals("all") ? VARIANTS : List.of(variant);
        for (String name : chosen) {
            if (!VARIANTS.contains(name)) {
                throw new IllegalArgumentException("unknown variant " + name + "; one of " + VARIANTS);
            }
            try (SystemUnderTest system = SystemUnderTest.start(1, List.of(), Map.of())) {
                warmUp(name, system);

                Measured measured = measure(name, system, tasks);
                Result.print("throughput", "variant", name, "tasks", tasks, "e2e_tasks_per_s", measured.endToEnd(),
                        "submit_tasks_per_s", measured.submitted(), "p50_ms", measured.p50Millis(), "p99_ms",
                        measured.p99Millis(), "held_share", measured.heldShare());
            }
        }
        return 0;
    }

    /**
     * One variant's figures: tasks/s end to end and submitted, the backlog's submit->SUCCEEDED
     * p50/p99, and the share of the tasks that were held and published by a dispatch round (each
     * such task is written once more: docs/benchmarks.md, "What holding costs a burst").
     */
    record Measured(double endToEnd, double submitted, double p50Millis, double p99Millis, double heldShare) {
    }

    /** Throughput settings for another benchmark that measures the same way (the defaults of the options). */
    static ThroughputBenchmark of(int tasks, int warmupSeconds) {
        ThroughputBenchmark benchmark = new ThroughputBenchmark();
        benchmark.tasks = tasks;
        benchmark.warmupSeconds = warmupSeconds;
        benchmark.concurrency = 64;
        benchmark.batchSize = 1000;
        return benchmark;
    }

    /** {@code count} tasks of variant {@code name} by a new user, measured until the last one is SUCCEEDED. */
    Measured measure(String name, SystemUnderTest system, int count) throws Exception {
        ApiClient client = ApiClient.newUser(system.httpUrl());
        CpuAccounting cpu = new CpuAccounting(system);
        CpuAccounting.Snapshot before = cpu.snapshot();
        long heldBefore = system.gatewayHeldTasksPublished();
        Instant start = Instant.now();
        submit(name, system, client, count);
        Instant acknowledged = Instant.now();
        Outcomes outcomes = new Outcomes(system, client.username());
        outcomes.awaitSucceeded(count, Duration.ofMinutes(10));
        System.out.println(cpu.perTask(before, cpu.snapshot(), count));
        double heldShare = (double) (system.gatewayHeldTasksPublished() - heldBefore) / count;
        System.out.printf("%-14s held and published by dispatch rounds: %.0f %% of the tasks%n", name, 100 * heldShare);
        Outcomes.Summary summary = outcomes.summary();
        double endToEnd = count / seconds(start, summary.lastFinished());
        double submitted = count / seconds(start, acknowledged);
        System.out.printf("%-14s %,d tasks: %,.0f tasks/s end to end, %,.0f tasks/s submitted, "
                + "submit->SUCCEEDED p50 %.1f ms, p99 %.1f ms%n", name, count, endToEnd, submitted,
                summary.percentileMillis(50), summary.percentileMillis(99));
        return new Measured(endToEnd, submitted, summary.percentileMillis(50), summary.percentileMillis(99),
                heldShare);
    }

    /** Rounds of the same workload by another user until the warm-up time is over. */
    void warmUp(String variant, SystemUnderTest system) throws Exception {
        ApiClient warm = ApiClient.newUser(system.httpUrl());
        long deadline = System.nanoTime() + Duration.ofSeconds(warmupSeconds).toNanos();
        long submitted = 0;
        while (System.nanoTime() < deadline) {
            submit(variant, system, warm, Math.min(tasks, 5_000));
            submitted += Math.min(tasks, 5_000);
        }
        new Outcomes(system, warm.username()).awaitSucceeded(submitted, Duration.ofMinutes(10));
        System.out.printf("%-14s warmed up with %,d tasks%n", variant, submitted);
    }

    private void submit(String variant, SystemUnderTest system, ApiClient client, int count) throws Exception {
        switch (variant) {
            case "http-single" -> httpSingle(system, client, count);
            case "http-batch" -> httpBatches(client, count);
            default -> tcpPipelined(system, client, count);
        }
    }

    /** {@code concurrency} keep-alive connections, each sending its share one request at a time. */
    private void httpSingle(SystemUnderTest system, ApiClient client, int count) throws Exception {
        AtomicInteger next = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        URI base = URI.create(system.httpUrl());
        try (ExecutorService connections = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int c = 0; c < concurrency; c++) {
                connections.execute(() -> {
                    try (KeepAliveHttpConnection http = new KeepAliveHttpConnection(base.getHost(), base.getPort())) {
                        for (int i = next.getAndIncrement(); i < count && failure.get() == null;
                                i = next.getAndIncrement()) {
                            KeepAliveHttpConnection.Response response = http.post("/api/tasks", client.token(),
                                    "{\"type\":\"uppercase\",\"payload\":{\"text\":\"task " + i + "\"}}");
                            if (response.status() != 202) {
                                throw new IllegalStateException("HTTP " + response.status() + ": " + response.body());
                            }
                        }
                    } catch (Exception | Error e) {
                        failure.compareAndSet(null, e);
                    }
                });
            }
        }
        if (failure.get() != null) {
            throw new IllegalStateException("a submission failed", failure.get());
        }
    }

    private void httpBatches(ApiClient client, int count) {
        List<CompletableFuture<?>> pending = new ArrayList<>();
        Semaphore inFlight = new Semaphore(4);
        for (int sent = 0; sent < count; sent += batchSize) {
            List<Map<String, Object>> batch = new ArrayList<>(batchSize);
            for (int i = sent; i < Math.min(count, sent + batchSize); i++) {
                batch.add(Map.of("type", "uppercase", "payload", Map.of("text", "task " + i)));
            }
            inFlight.acquireUninterruptibly();
            pending.add(client.submitBatch(batch).whenComplete((reply, error) -> inFlight.release()));
        }
        CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).join();
    }

    private static void tcpPipelined(SystemUnderTest system, ApiClient client, int count) throws Exception {
        Iterable<String> requests = () -> new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < count;
            }

            @Override
            public String next() {
                return "{\"action\":\"submit\",\"type\":\"uppercase\",\"payload\":{\"text\":\"task " + next++ + "\"}}";
            }
        };
        try (TcpSession session = new TcpSession(system.tcpPort(), client.token())) {
            session.pipeline(requests, count, reply -> {
                if (!reply.path("ok").asBoolean()) {
                    throw new IllegalStateException("a submission failed: " + reply);
                }
            });
        }
    }

    static double seconds(Instant from, Instant to) {
        return Math.max(1, Duration.between(from, to).toNanos() / 1_000) / 1e6;
    }
}
