package io.taskhive.benchmarks;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
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

    /** Waits until {@code expected} of the user's tasks have succeeded; fails on any other final state. */
    void awaitSucceeded(long expected, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long[] counts = counts();
            if (counts[1] > 0) {
                throw new IllegalStateException(counts[1] + " task(s) ended other than SUCCEEDED");
            }
            if (counts[0] >= expected) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + counts[0] + " of " + expected + " tasks succeeded within "
                        + timeout);
            }
            Thread.sleep(20);
        }
    }

    /** [succeeded, failed/dead/cancelled] */
    private long[] counts() throws SQLException {
        try (Connection connection = system.database();
                PreparedStatement query = connection.prepareStatement("""
                        select count(*) filter (where t.status = 'SUCCEEDED'),
                               count(*) filter (where t.status in ('FAILED', 'DEAD', 'CANCELLED'))
                          from tasks t join users u on u.id = t.owner_id where u.username = ?""")) {
            query.setString(1, username);
            try (ResultSet row = query.executeQuery()) {
                row.next();
                return new long[] {row.getLong(1), row.getLong(2)};
            }
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
