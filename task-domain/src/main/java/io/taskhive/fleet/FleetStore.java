package io.taskhive.fleet;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** The {@code workers} rows: each replica's heartbeat, read by admins and by the orphan sweeper's SQL. */
@Component
public class FleetStore {

    private final JdbcClient jdbc;

    public FleetStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Registers a worker or refreshes its heartbeat; a draining one keeps the time its drain began. */
    public void heartbeat(String id, String host, Instant startedAt, int running, int capacity, boolean draining) {
        jdbc.sql("""
                insert into workers (id, host, started_at, last_seen, running, capacity, draining_since)
                values (:id, :host, :startedAt, now(), :running, :capacity, case when :draining then now() end)
                on conflict (id) do update
                   set last_seen = now(), running = excluded.running, capacity = excluded.capacity, stopped_at = null,
                       draining_since = case when :draining then coalesce(workers.draining_since, now()) end
                """)
                .param("id", id).param("host", host).param("startedAt", startedAt.atOffset(ZoneOffset.UTC))
                .param("running", running).param("capacity", capacity).param("draining", draining)
                .update();
    }

    /** A worker stopped cleanly: it holds no task any more. */
    public void deregister(String id) {
        jdbc.sql("update workers set stopped_at = now(), running = 0 where id = :id").param("id", id).update();
    }

    /** Workers last heard of at or after {@code since}, most recently started first. */
    public List<WorkerInstance> seenSince(Instant since) {
        return jdbc.sql("""
                select id, host, started_at, last_seen, running, capacity, stopped_at, draining_since
                  from workers where last_seen >= :since order by started_at desc
                """)
                .param("since", since.atOffset(ZoneOffset.UTC))
                .query(FleetStore::worker).list();
    }

    private static WorkerInstance worker(ResultSet row, int number) throws SQLException {
        return new WorkerInstance(row.getString(1), row.getString(2), instant(row, 3), instant(row, 4), row.getInt(5),
                row.getInt(6), instant(row, 7), instant(row, 8));
    }

    private static @Nullable Instant instant(ResultSet row, int column) throws SQLException {
        OffsetDateTime value = row.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }
}
