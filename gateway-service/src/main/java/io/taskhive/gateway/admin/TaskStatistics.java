package io.taskhive.gateway.admin;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;

import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import io.swagger.v3.oas.annotations.media.Schema;
import io.taskhive.gateway.GatewayProperties;
import io.taskhive.gateway.web.ApiException;
import jakarta.annotation.Nullable;

/**
 * Figures for the operator's console, computed by PostgreSQL from the tasks table: per-minute
 * throughput and latency (index range scans on {@code created_at} and {@code finished_at}), and the
 * outbox backlog (the partial index on the outbox mark).
 */
@Component
class TaskStatistics {

    static final int MAX_MINUTES = 1_440;
    /** Up to this span a bucket is a minute; above it, five. */
    private static final int MINUTE_BUCKETS_UP_TO = 180;

    private final JdbcClient jdbc;
    private final double confirmGraceSeconds;

    TaskStatistics(JdbcClient jdbc, GatewayProperties properties) {
        this.jdbc = jdbc;
        this.confirmGraceSeconds = properties.outbox().confirmGrace().toMillis() / 1000.0;
    }

    @Schema(description = "Tasks per time bucket, oldest bucket first; every bucket is present")
    record Stats(Instant from, Instant to, int bucketSeconds, List<Bucket> buckets) {
    }

    @Schema(description = "One time bucket: tasks submitted in it, tasks that ended in it by status, and the run "
            + "(started to finished) and wait (queued to started) times of the tasks that ended in it, in ms")
    record Bucket(Instant start, long submitted, long succeeded, long failed, long dead, long cancelled,
            @Nullable Long runP50Ms, @Nullable Long runP95Ms, @Nullable Long waitP50Ms, @Nullable Long waitP95Ms) {
    }

    /** The last {@code minutes} minutes, up to the end of the current bucket. */
    Stats lastMinutes(int minutes) {
        if (minutes < 1 || minutes > MAX_MINUTES) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "minutes must be between 1 and " + MAX_MINUTES);
        }
        int bucketSeconds = minutes <= MINUTE_BUCKETS_UP_TO ? 60 : 300;
        int count = (minutes * 60 + bucketSeconds - 1) / bucketSeconds;
        long now = Instant.now().getEpochSecond();
        Instant to = Instant.ofEpochSecond((now / bucketSeconds + 1) * bucketSeconds);
        Instant from = to.minus(Duration.ofSeconds((long) count * bucketSeconds));
        List<Bucket> buckets = jdbc.sql("""
                with buckets as (
                    select generate_series(cast(:from as timestamptz), cast(:to as timestamptz) - cast(:step as interval),
                                           cast(:step as interval)) as start
                ), submitted as (
                    select date_bin(cast(:step as interval), t.created_at, cast(:from as timestamptz)) as start, count(*) as n
                      from tasks t
                     where t.created_at >= :from and t.created_at < :to
                     group by 1
                ), ended as (
                    select date_bin(cast(:step as interval), t.finished_at, cast(:from as timestamptz)) as start,
                           count(*) filter (where t.status = 'SUCCEEDED') as succeeded,
                           count(*) filter (where t.status = 'FAILED') as failed,
                           count(*) filter (where t.status = 'DEAD') as dead,
                           count(*) filter (where t.status = 'CANCELLED') as cancelled,
                           percentile_cont(array[0.5, 0.95]) within group (
                               order by extract(epoch from t.finished_at - t.started_at) * 1000)
                               filter (where t.status <> 'CANCELLED' and t.started_at is not null) as run,
                           percentile_cont(array[0.5, 0.95]) within group (
                               order by extract(epoch from t.started_at - t.queued_at) * 1000)
                               filter (where t.started_at is not null and t.queued_at is not null) as wait
                      from tasks t
                     where t.finished_at >= :from and t.finished_at < :to
                     group by 1
                )
                select b.start, coalesce(s.n, 0), coalesce(e.succeeded, 0), coalesce(e.failed, 0),
                       coalesce(e.dead, 0), coalesce(e.cancelled, 0),
                       round(e.run[1]), round(e.run[2]), round(e.wait[1]), round(e.wait[2])
                  from buckets b
                  left join submitted s on s.start = b.start
                  left join ended e on e.start = b.start
                 order by b.start
                """)
                .param("from", Timestamp.from(from)).param("to", Timestamp.from(to))
                .param("step", bucketSeconds + " seconds")
                .query(TaskStatistics::bucket).list();
        return new Stats(from, to, bucketSeconds, buckets);
    }

    private static Bucket bucket(ResultSet row, int number) throws SQLException {
        return new Bucket(row.getObject(1, OffsetDateTime.class).toInstant(), row.getLong(2), row.getLong(3),
                row.getLong(4), row.getLong(5), row.getLong(6), nullableLong(row, 7), nullableLong(row, 8),
                nullableLong(row, 9), nullableLong(row, 10));
    }

    private static Long nullableLong(ResultSet row, int column) throws SQLException {
        long value = row.getLong(column);
        return row.wasNull() ? null : value;
    }

    /**
     * Tasks accepted but not yet published: QUEUED and still marked longer than the confirm grace
     * after their first publication was due (a publication the broker confirmed clears the mark
     * within half the grace), and RETRYING ones whose retry has been due for longer than the grace;
     * with the age in seconds of the oldest (null when there is none). A first publication is due
     * at submission, or, for a task held for fair dispatch, when a round published it (its mark,
     * {@code dispatch_seq} 1, was set then, {@code confirmGrace} ahead): a task that waited its
     * turn was not unpublished. Once the relay has published a task again, its age counts from its
     * submission, as it always did.
     */
    Backlog outboxBacklog() {
        return jdbc.sql("""
                select count(*),
                       extract(epoch from now() - min(case
                           when status = 'QUEUED' and dispatch_seq = 1
                               then dispatch_due_at - make_interval(secs => :grace)
                           when status = 'QUEUED' then queued_at
                           else dispatch_due_at end))
                  from tasks
                 where dispatch_due_at is not null
                   and ((status = 'QUEUED' and dispatch_seq = 1 and dispatch_due_at < now())
                        or (status = 'QUEUED' and dispatch_seq > 1 and queued_at < now() - make_interval(secs => :grace))
                        or (status = 'RETRYING' and dispatch_due_at < now() - make_interval(secs => :grace)))
                """)
                .param("grace", confirmGraceSeconds)
                .query((row, number) -> {
                    double oldest = row.getDouble(2);
                    return new Backlog(row.getLong(1), row.wasNull() ? null : (long) Math.floor(oldest));
                }).single();
    }

    record Backlog(long tasks, Long oldestSeconds) {
    }
}
