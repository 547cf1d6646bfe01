package io.taskhive.benchmarks;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Bursts of thousands of {@code sleep} tasks on one worker replica: they run at once on virtual
 * threads, so a burst's wall time (first submission to last SUCCEEDED) stays close to one sleep, not
 * tasks x sleep / cores. Also reports the most tasks seen RUNNING at the same moment, and when the
 * burst's tasks were submitted, claimed and recorded, which shows the stage it waited on.
 */
@Command(name = "concurrency", mixinStandardHelpOptions = true,
        description = "Wall time of bursts of thousands of sleep tasks on one worker.")
final class ConcurrencyBenchmark implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--tasks", defaultValue = "5000", description = "tasks in one burst")
    int tasks;

    @Option(names = "--seconds", defaultValue = "1", description = "each task's sleep")
    double seconds;

    @Option(names = "--warmup-seconds", defaultValue = "60",
            description = "bursts by another user, each awaited, until this is over (at least one)")
    int warmupSeconds;

    @Option(names = "--rounds", defaultValue = "3", description = "measured bursts, compared by their median")
    int rounds;

    @Override
    public Integer call() throws Exception {
        if (rounds < 1 || tasks < 1 || seconds < 0 || warmupSeconds < 0) {
            throw new ParameterException(spec.commandLine(),
                    "--rounds and --tasks must be at least 1, --seconds and --warmup-seconds at least 0");
        }
        try (SystemUnderTest system = SystemUnderTest.start(1, List.of(), Map.of())) {
            warmUp(system);
            List<Double> rates = new ArrayList<>();
            List<Double> walls = new ArrayList<>();
            long mostRunning = 0;
            for (int round = 1; round <= rounds; round++) {
                Burst burst = measure(system);
                System.out.printf("round %d: %,d sleep tasks of %.1f s on one worker: %.2f s wall time (%,.0f tasks/s "
                        + "end to end), up to %,d RUNNING at once%n  from the first submission: %s%n"
                        + "  submitted/claimed/recorded in each 100 ms: %s%n", round, tasks, seconds, burst.wall(),
                        tasks / burst.wall(), burst.mostRunning(), burst.timeline(), burst.stages());
                walls.add(burst.wall());
                rates.add(tasks / burst.wall());
                mostRunning = Math.max(mostRunning, burst.mostRunning());
            }
            Result.print("concurrency", "tasks", tasks, "sleep_s", seconds, "wall_s", Median.of(walls), "tasks_per_s",
                    Median.of(rates), "max_running", mostRunning, "rounds_tasks_per_s",
                    rates.stream().map(rate -> String.format("%.0f", rate)).collect(Collectors.joining("/")));
        }
        return 0;
    }

    /** The same bursts by another user, so that the measured ones meet compiled code, not the interpreter. */
    private void warmUp(SystemUnderTest system) throws Exception {
        ApiClient warm = ApiClient.newUser(system.httpUrl());
        Outcomes outcomes = new Outcomes(system, warm.username());
        long deadline = System.nanoTime() + Duration.ofSeconds(warmupSeconds).toNanos();
        long submitted = 0;
        do {
            submit(warm, tasks, seconds);
            submitted += tasks;
            outcomes.awaitSucceeded(submitted, Duration.ofMinutes(10));
        } while (System.nanoTime() < deadline);
        System.out.printf("warmed up with %,d tasks in bursts of %,d%n", submitted, tasks);
    }

    private Burst measure(SystemUnderTest system) throws Exception {
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
        return new Burst(wall, mostRunning.get(), outcomes.timeline(start), outcomes.stagesPerTenth(start));
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

    private record Burst(double wall, long mostRunning, String timeline, String stages) {
    }
}
