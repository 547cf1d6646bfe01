package io.taskhive.benchmarks;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;

import org.HdrHistogram.Histogram;

/**
 * What PostgreSQL, the record of every task, says about one user's tasks: how many have finished,
 * and for those that succeeded when the last one did and how long each took from submission (its
 * {@code created_at}, stamped by the gateway) to SUCCEEDED ({@code finished_at}, by the worker).
 */
final class Outcomes {

    private final SystemUnderTest system;
    private final String username;

    Outcomes(SystemUnderTest system, String username) {
        this.system = system;
        this.username = username;
    }

    /**
     * Waits until {@code expected} of the user's tasks have succeeded; fails on any other final state.
     * The figures come from the rows' own timestamps, not from when this notices, so it looks over
     * one connection and waits twenty times as long as a look took (at least 100 ms): a look counts
     * all of the user's tasks, 35-45 ms of a PostgreSQL backend for 20,000, and looking every 100 ms
     * over a new connection each time was a quarter of the machine's CPU per task (1.09-1.11 ms
     * against 0.81; docs/benchmarks.md, "What the benchmarks' own poll cost").
     */
    void awaitSucceeded(long expected, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Connection connection = system.database(); PreparedStatement query = countsQuery(connection)) {
            while (true) {
                long looked = System.nanoTime();
                long[] counts = counts(query);
                long lookMillis = (System.nanoTime() - looked) / 1_000_000;
                if (counts[1] > 0) {
                    throw new IllegalStateException(counts[1] + " task(s) ended other than SUCCEEDED");
                }
                if (counts[0] >= expected) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("only " + counts[0] + " of " + expected
                            + " tasks succeeded within " + timeout);
                }
                Thread.sleep(Math.max(100, 20 * lookMillis));
            }
        }
    }

    private PreparedStatement countsQuery(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            // Once the tables are analysed PostgreSQL runs the count as a parallel scan, two more
            // processes taking CPU from the system under test.
            statement.execute("set max_parallel_workers_per_gather = 0");
        }
        PreparedStatement query = connection.prepareStatement("""
                select count(*) filter (where t.status = 'SUCCEEDED'),
                       count(*) filter (where t.status in ('FAILED', 'DEAD', 'CANCELLED'))
                  from tasks t join users u on u.id = t.owner_id where u.username = ?""");
        query.setString(1, username);
        return query;
    }

    /** [succeeded, failed/dead/cancelled] */
    private static long[] counts(PreparedStatement query) throws SQLException {
        try (ResultSet row = query.executeQuery()) {
            row.next();
            return new long[] {row.getLong(1), row.getLong(2)};
        }
    }

    /** The succeeded tasks' submission-to-success times, and the last success. */
    Summary summary() throws SQLException {
        Histogram latencies = new Histogram(3_600_000_000L, 3);
        Instant firstCreated = null;
        Instant lastFinished = null;
        try (Connection connection = system.database();
                PreparedStatement query = connection.prepareStatement("""
                        select t.created_at, t.finished_at from tasks t join users u on u.id = t.owner_id
                         where u.username = ? and t.status = 'SUCCEEDED'""")) {
            query.setString(1, username);
            query.setFetchSize(10_000);
            connection.setAutoCommit(false);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    Instant created = rows.getTimestamp(1).toInstant();
                    Instant finished = rows.getTimestamp(2).toInstant();
                    latencies.recordValue(Math.max(0, Duration.between(created, finished).toNanos() / 1_000));
                    firstCreated = firstCreated == null || created.isBefore(firstCreated) ? created : firstCreated;
                    lastFinished = lastFinished == null || finished.isAfter(lastFinished) ? finished : lastFinished;
                }
            }
        }
        return new Summary(latencies, firstCreated, lastFinished);
    }

    /**
     * Where a task's time went, from the database's timestamps: submission (gateway) to claim
     * (worker), and claim to outcome recorded (worker). p50 of each, in milliseconds.
     */
    String phases() throws SQLException {
        try (Connection connection = system.database();
                PreparedStatement query = connection.prepareStatement("""
                        select percentile_cont(0.5) within group (order by extract(epoch from t.started_at - t.created_at)),
                               percentile_cont(0.5) within group (order by extract(epoch from t.finished_at - t.started_at)),
                               percentile_cont(0.99) within group (order by extract(epoch from t.started_at - t.created_at)),
                               percentile_cont(0.99) within group (order by extract(epoch from t.finished_at - t.started_at))
                          from tasks t join users u on u.id = t.owner_id
                         where u.username = ? and t.status = 'SUCCEEDED'""")) {
            query.setString(1, username);
            try (ResultSet row = query.executeQuery()) {
                row.next();
                return String.format("submitted->claimed p50 %.2f ms (p99 %.2f), claimed->recorded p50 %.2f ms (p99 %.2f)",
                        row.getDouble(1) * 1000, row.getDouble(3) * 1000, row.getDouble(2) * 1000, row.getDouble(4) * 1000);
            }
        }
    }

    /**
     * When the burst's tasks passed each stage, in seconds after {@code start}: submitted (the
     * gateway's stamp, taken before its insert), claimed (RUNNING, by the worker) and their outcome
     * recorded. Which stage a burst waits on shows in which gap is widest.
     */
    String timeline(Instant start) throws SQLException {
        try (Connection connection = system.database();
                PreparedStatement query = connection.prepareStatement("""
                        select max(t.created_at), min(t.started_at), max(t.started_at), max(t.finished_at)
                          from tasks t join users u on u.id = t.owner_id
                         where u.username = ? and t.status = 'SUCCEEDED'""")) {
            query.setString(1, username);
            try (ResultSet row = query.executeQuery()) {
                row.next();
                return String.format("last submitted at %.2f s, first claimed at %.2f s, last claimed at %.2f s, "
                        + "last recorded at %.2f s", secondsAfter(start, row.getTimestamp(1)),
                        secondsAfter(start, row.getTimestamp(2)), secondsAfter(start, row.getTimestamp(3)),
                        secondsAfter(start, row.getTimestamp(4)));
            }
        }
    }

    /** How many of the tasks passed each stage in each 100 ms after {@code start}, as "submitted/claimed/recorded". */
    String stagesPerTenth(Instant start) throws SQLException {
        try (Connection connection = system.database();
                PreparedStatement query = connection.prepareStatement("""
                        with s as (select t.created_at, t.started_at, t.finished_at
                                     from tasks t join users u on u.id = t.owner_id
                                    where u.username = ? and t.status = 'SUCCEEDED'),
                             b as (select generate_series(0, (select floor(extract(epoch from max(finished_at) - ?) * 10)::int from s)) as i)
                        select b.i,
                               (select count(*) from s where floor(extract(epoch from s.created_at - ?) * 10) = b.i),
                               (select count(*) from s where floor(extract(epoch from s.started_at - ?) * 10) = b.i),
                               (select count(*) from s where floor(extract(epoch from s.finished_at - ?) * 10) = b.i)
                          from b order by b.i""")) {
            query.setString(1, username);
            for (int i = 2; i <= 5; i++) {
                query.setTimestamp(i, Timestamp.from(start));
            }
            StringBuilder line = new StringBuilder();
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    line.append(line.isEmpty() ? "" : " ").append(rows.getInt(2)).append('/').append(rows.getInt(3))
                            .append('/').append(rows.getInt(4));
                }
            }
            return line.toString();
        }
    }

    private static double secondsAfter(Instant start, Timestamp moment) {
        return Duration.between(start, moment.toInstant()).toNanos() / 1e9;
    }

    /** Latencies in microseconds. */
    record Summary(Histogram latencies, Instant firstCreated, Instant lastFinished) {

        double percentileMillis(double percentile) {
            return latencies.getValueAtPercentile(percentile) / 1000.0;
        }

        long count() {
            return latencies.getTotalCount();
        }
    }
}
