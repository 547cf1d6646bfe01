package io.taskhive.benchmarks;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Work-bound tasks ({@code prime_count}, a fixed amount of CPU each) with one worker replica, then
 * with two: the ratio of the throughputs. On a 2-core machine that also runs PostgreSQL, RabbitMQ
 * and the gateway, each worker is pinned to one core (taskset), as a replica limited to one CPU
 * would be; otherwise a single worker already uses both cores and there is nothing to double.
 */
@Command(name = "scale-out", mixinStandardHelpOptions = true,
        description = "Throughput of CPU-bound tasks with 1 and 2 worker processes, and the ratio.")
final class ScaleOutBenchmark implements Callable<Integer> {

    @Option(names = "--tasks", defaultValue = "1500")
    int tasks;

    @Option(names = "--limit", defaultValue = "3000000", description = "each task counts the primes below this")
    int limit;

    @Override
    public Integer call() throws Exception {
        double one = run(1);
        double two = run(2);
        double ratio = two / one;
        System.out.printf("prime_count(%,d) x %,d: %.1f tasks/s with 1 worker, %.1f with 2: x%.2f%n", limit, tasks,
                one, two, ratio);
        Result.print("scale_out", "tasks", tasks, "limit", limit, "one_worker_tasks_per_s", one,
                "two_workers_tasks_per_s", two, "ratio", ratio);
        return 0;
    }

    private double run(int workers) throws Exception {
        List<Integer> cpus = workers == 1 ? List.of(0) : List.of(0, 1);
        try (SystemUnderTest system = SystemUnderTest.start(workers, cpus, Map.of())) {
            ApiClient warm = ApiClient.newUser(system.httpUrl());
            submit(warm, Math.max(20, tasks / 20));
            new Outcomes(system, warm.username()).awaitSucceeded(Math.max(20, tasks / 20), Duration.ofMinutes(5));

            ApiClient client = ApiClient.newUser(system.httpUrl());
            Instant start = Instant.now();
            submit(client, tasks);
            Outcomes outcomes = new Outcomes(system, client.username());
            outcomes.awaitSucceeded(tasks, Duration.ofMinutes(20));
            double perSecond = tasks / ThroughputBenchmark.seconds(start, outcomes.summary().lastFinished());
            System.out.printf("%d worker(s): %.1f tasks/s%n", workers, perSecond);
            return perSecond;
        }
    }

    private void submit(ApiClient client, int count) {
        client.submitCopies(Map.of("type", "prime_count", "payload", Map.of("limit", limit)), count, 500);
    }
}
