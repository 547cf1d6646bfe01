package io.taskhive.benchmarks;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Issue 18's two figures, on the packaged gateway and one worker:
 * <ul>
 * <li><b>release lag</b>: {@code --due} tasks all asked to run at the same instant: when shares of
 * them were released and committed (counted every 10 ms), and for each, from its time to its
 * release statement's start (SCHEDULED to QUEUED in its history) and to its start;</li>
 * <li><b>fairness</b>: user A submits {@code --flood} tasks; while A still has thousands waiting,
 * user B submits one task at a time, {@code --samples} of them (while A has more than 2,000 waiting);
 * for each, from submission to start.</li>
 * </ul>
 * Times come from the database (the history and {@code started_at}), not from this client.
 */
@Command(name = "scheduling", mixinStandardHelpOptions = true,
        description = "Release lag of tasks due at one instant, and another user's start latency under a flood.")
final class SchedulingBenchmark implements Callable<Integer> {

    @Option(names = "--due", defaultValue = "10000", description = "tasks due at the same instant")
    int due;

    @Option(names = "--flood", defaultValue = "50000", description = "user A's tasks")
    int flood;

    @Option(names = "--samples", defaultValue = "40", description = "user B's tasks, one at a time")
    int samples;

    @Override
    public Integer call() throws Exception {
        try (SystemUnderTest system = SystemUnderTest.start(1, List.of(), Map.of())) {
            ApiClient warm = ApiClient.newUser(system.httpUrl());
            warm.submitCopies(Map.of("type", "uppercase", "payload", Map.of("text", "warm")), 2_000, 500);
            new Outcomes(system, warm.username()).awaitSucceeded(2_000, Duration.ofMinutes(2));

            List<Double> release = new ArrayList<>();
            List<Double> start = new ArrayList<>();
            releaseLag(system, release, start);
            List<Double> fairness = fairness(system);

            System.out.printf("%,d tasks due at one instant: release lag min %.0f ms, p50 %.0f ms, p99 %.0f ms, max %.0f ms; "
                    + "start lag p50 %.0f ms, p99 %.0f ms, max %.0f ms%n", due, percentile(release, 0), percentile(release, 50),
                    percentile(release, 99), percentile(release, 100), percentile(start, 50), percentile(start, 99),
                    percentile(start, 100));
            System.out.printf("another user's task under a flood of %,d: submission to start p50 %.0f ms, p99 %.0f ms, "
                    + "max %.0f ms (%d samples)%n", flood, percentile(fairness, 50), percentile(fairness, 99),
                    percentile(fairness, 100), fairness.size());
            Result.print("scheduling", "due", due, "visible_p50_ms", visible.get(50), "visible_p99_ms",
                    visible.get(99), "visible_all_ms", visible.get(100), "release_p50_ms", percentile(release, 50),
                    "release_p99_ms", percentile(release, 99), "release_max_ms", percentile(release, 100),
                    "start_p99_ms", percentile(start, 99), "flood", flood, "samples", fairness.size(),
                    "other_user_start_p50_ms", percentile(fairness, 50),
                    "other_user_start_p99_ms", percentile(fairness, 99),
                    "other_user_start_max_ms", percentile(fairness, 100));
        }
        return 0;
    }

    private void releaseLag(SystemUnderTest system, List<Double> release, List<Double> start) throws Exception {
        ApiClient client = ApiClient.newUser(system.httpUrl());
        // far enough ahead for every submission to be stored first
        Instant runAt = Instant.now().plusSeconds(5 + due / 1_000).truncatedTo(ChronoUnit.SECONDS);
        client.submitCopies(Map.of("type", "uppercase", "payload", Map.of("text", "due"),
                "runAt", runAt.toString()), due, 1_000);
        if (Instant.now().isAfter(runAt)) {
            throw new IllegalStateException("submitting took longer than planned; the tasks were due before all "
                    + "were stored");
        }
        visibleReleases(system, client.username(), runAt);
        new Outcomes(system, client.username()).awaitSucceeded(due, Duration.ofMinutes(5));
        try (Connection connection = system.database();
                PreparedStatement query = connection.prepareStatement("""
                        select round(extract(epoch from h.at - t.run_at) * 1000), count(*)
                          from tasks t join users u on u.id = t.owner_id
                          join task_transitions h on h.task_id = t.id and h.from_status = 'SCHEDULED' and h.to_status = 'QUEUED'
                         where u.username = ? group by 1 order by 1""")) {
            // each release statement stamps its rows with its own start: one line per batch
            query.setString(1, client.username());
            StringBuilder batches = new StringBuilder();
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    batches.append(String.format(" +%d ms: %d", rows.getLong(1), rows.getLong(2)));
                }
            }
            System.out.println("release batches, by start after the tasks' time:" + batches);
        }
        try (Connection connection = system.database();
                PreparedStatement query = connection.prepareStatement("""
                        select extract(epoch from h.at - t.run_at) * 1000, extract(epoch from t.started_at - t.run_at) * 1000
                          from tasks t join users u on u.id = t.owner_id
                          join task_transitions h on h.task_id = t.id and h.from_status = 'SCHEDULED' and h.to_status = 'QUEUED'
                         where u.username = ?""")) {
            query.setString(1, client.username());
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    release.add(rows.getDouble(1));
                    start.add(rows.getDouble(2));
                }
            }
        }
    }

    /**
     * When the released tasks became visible to everyone else (committed, no longer SCHEDULED), by
     * counting them every 10 ms from just before their time: the history's times are each release
     * statement's start, earlier than its commit by the statement's run time.
     */
    private void visibleReleases(SystemUnderTest system, String username, Instant runAt) throws Exception {
        Thread.sleep(Math.max(0, Duration.between(Instant.now(), runAt).toMillis() - 50));
        Map<Integer, Long> reached = new java.util.TreeMap<>();
        try (Connection connection = system.database();
                PreparedStatement query = connection.prepareStatement("select count(*) from tasks t join users u "
                        + "on u.id = t.owner_id where u.username = ? and t.status <> 'SCHEDULED'")) {
            query.setString(1, username);
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            int released = 0;
            while (released < due && System.nanoTime() < deadline) {
                try (ResultSet row = query.executeQuery()) {
                    row.next();
                    released = row.getInt(1);
                }
                long after = Duration.between(runAt, Instant.now()).toMillis();
                for (int percent : new int[] {1, 50, 90, 99, 100}) {
                    if (released >= Math.ceil(due * percent / 100.0)) {
                        reached.putIfAbsent(percent, after);
                    }
                }
                Thread.sleep(10);
            }
        }
        System.out.println("released and committed (visible), ms after their time, by share of the tasks: " + reached);
        visible = reached;
    }

    private Map<Integer, Long> visible = Map.of();

    private List<Double> fairness(SystemUnderTest system) throws Exception {
        ApiClient flooder = ApiClient.newUser(system.httpUrl());
        ApiClient other = ApiClient.newUser(system.httpUrl());
        flooder.submitCopies(Map.of("type", "uppercase", "payload", Map.of("text", "flood")), flood, 1_000);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < samples && waiting(system, flooder.username()) > 2_000; i++) {
            ids.add(other.submit("uppercase", Map.of("text", "mine"), 30.0).join().get("id").stringValue());
            Thread.sleep(100);
        }
        int left = waiting(system, flooder.username());
        System.out.printf("user A still had %,d tasks waiting after user B's %d samples%n", left, ids.size());
        new Outcomes(system, flooder.username()).awaitSucceeded(flood, Duration.ofMinutes(10));
        List<Double> latencies = new ArrayList<>();
        try (Connection connection = system.database();
                PreparedStatement query = connection.prepareStatement(
                        "select extract(epoch from started_at - created_at) * 1000 from tasks where id = cast(? as uuid)")) {
            for (String id : ids) {
                query.setString(1, id);
                try (ResultSet row = query.executeQuery()) {
                    row.next();
                    latencies.add(row.getDouble(1));
                }
            }
        }
        return latencies;
    }

    private static int waiting(SystemUnderTest system, String username) throws Exception {
        try (Connection connection = system.database();
                PreparedStatement query = connection.prepareStatement("select count(*) from tasks t join users u "
                        + "on u.id = t.owner_id where u.username = ? and t.status = 'QUEUED'")) {
            query.setString(1, username);
            try (ResultSet row = query.executeQuery()) {
                row.next();
                return row.getInt(1);
            }
        }
    }

    /** The nearest-rank percentile; 0 is the minimum, 100 the maximum. */
    static double percentile(List<Double> values, int percentile) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = values.stream().sorted().toList();
        int rank = Math.max(1, (int) Math.ceil(percentile / 100.0 * sorted.size()));
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }
}
