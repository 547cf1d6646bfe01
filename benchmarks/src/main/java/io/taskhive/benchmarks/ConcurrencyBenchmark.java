package io.taskhive.benchmarks;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Thousands of {@code sleep} tasks on one worker replica: they run at once on virtual threads, so
 * the wall time (first submission to last SUCCEEDED) stays close to one sleep, not
 * tasks x sleep / cores. Also reports the most tasks seen RUNNING at the same moment.
 */
@Command(name = "concurrency", mixinStandardHelpOptions = true,
        description = "Wall time of thousands of 1 s sleep tasks on one worker.")
final class ConcurrencyBenchmark implements Callable<Integer> {

    @Option(names = "--tasks", defaultValue = "5000")
    int tasks;

    @Option(names = "--seconds", defaultValue = "1", description = "each task's sleep")
    double seconds;

    @Override
    public Integer call() throws Exception {
        try (SystemUnderTest system = SystemUnderTest.start(1, List.of(), Map.of())) {
            ApiClient warm = ApiClient.newUser(system.httpUrl());
            submit(warm, 1000, 0.1);
            new Outcomes(system, warm.username()).awaitSucceeded(1000, Duration.ofMinutes(2));

            ApiClient client = ApiClient.newUser(system.httpUrl());
            AtomicLong mostRunning = new AtomicLong();
            AtomicBoolean done = new AtomicBoolean();
            Thread sampler = Thread.ofPlatform().start(() -> sampleRunning(system, mostRunning, done));
            Instant start = Instant.now();
            submit(client, tasks, seconds);
            Outcomes outcomes = new Outcomes(system, client.username());
            outcomes.awaitSucceeded(tasks, Duration.ofMinutes(10));
            done.set(true);
            sampler.join();
            double wall = ThroughputBenchmark.seconds(start, outcomes.summary().lastFinished());
            System.out.printf("%,d sleep tasks of %.1f s on one worker: %.2f s wall time, up to %,d RUNNING at once%n",
                    tasks, seconds, wall, mostRunning.get());
            Result.print("concurrency", "tasks", tasks, "sleep_s", seconds, "wall_s", wall, "max_running",
                    mostRunning.get());
        }
        return 0;
    }

    private static void submit(ApiClient client, int count, double seconds) {
        client.submitCopies(Map.of("type", "sleep", "payload", Map.of("seconds", seconds)), count, 1000);
    }

    private static void sampleRunning(SystemUnderTest system, AtomicLong most, AtomicBoolean done) {
        try (Connection connection = system.database(); Statement statement = connection.createStatement()) {
            while (!done.get()) {
                try (ResultSet row = statement.executeQuery("select count(*) from tasks where status = 'RUNNING'")) {
                    row.next();
                    most.accumulateAndGet(row.getLong(1), Math::max);
                }
                Thread.sleep(50);
            }
        } catch (Exception e) {
            System.err.println("sampling RUNNING tasks stopped: " + e);
        }
    }
}
