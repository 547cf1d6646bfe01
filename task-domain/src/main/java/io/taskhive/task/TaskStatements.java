package io.taskhive.task;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.SqlArrayValue;
import org.springframework.stereotype.Component;

/**
 * The statements on the path of every task, in plain JDBC: each is one statement, atomic on its
 * own, committed as it runs (autocommit) unless a transaction is already open. Through the JPA
 * repository the same statement also cost a session, a transaction with a commit round trip of its
 * own, a repository-metrics timer and Hibernate's parameter handling, which profiles showed to be
 * a good part of the gateway's and the worker's CPU per task. Like {@link TaskRepository}'s
 * statements, each checks the current status in its WHERE clause and writes the history in the
 * same statement, and batched statements lock their rows in id order, so two never deadlock.
 */
@Component
public class TaskStatements {

    private final JdbcClient jdbc;

    TaskStatements(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Stores new QUEUED tasks (made by {@link Task#queued}) in one statement, each with its first
     * history row (none to QUEUED, at its creation): the arrays hold one element per task. Their
     * outbox mark falls due {@code confirmGraceSeconds} after their creation. An idempotency key
     * already used by the same owner fails the whole statement (a {@code DuplicateKeyException}).
     * Returns the id of each task's history row, by task id.
     */
    public Map<UUID, Long> insertQueued(UUID[] ids, Long[] ownerIds, String[] types, String[] payloads,
            Integer[] maxAttempts, Integer[] timeouts, String[] idempotencyKeys, String[] createdAt,
            String[] traceparents, double confirmGraceSeconds) {
        Map<UUID, Long> transitions = new HashMap<>(ids.length * 2);
        jdbc.sql("""
                with inserted as (
                    insert into tasks (id, owner_id, type, payload, status, attempts, max_attempts, timeout_seconds,
                                       idempotency_key, created_at, queued_at, dispatch_due_at, dispatch_seq, version,
                                       traceparent)
                    select n.id, n.owner_id, n.type, cast(n.payload as jsonb), 'QUEUED', 0, n.max_attempts,
                           n.timeout_seconds, n.idempotency_key, n.created_at, n.created_at,
                           n.created_at + make_interval(secs => :confirmGraceSeconds), 1, 0, n.traceparent
                      from unnest(cast(:ids as uuid[]), cast(:ownerIds as bigint[]), cast(:types as varchar[]),
                                  cast(:payloads as text[]), cast(:maxAttempts as int[]), cast(:timeouts as int[]),
                                  cast(:keys as varchar[]), cast(:createdAt as timestamptz[]),
                                  cast(:traceparents as varchar[]))
                           as n(id, owner_id, type, payload, max_attempts, timeout_seconds, idempotency_key,
                                created_at, traceparent)
                    returning id, created_at
                )
                insert into task_transitions (task_id, from_status, to_status, at, attempt)
                select id, null, 'QUEUED', created_at, 0 from inserted
                returning task_id, id
                """)
                .param("ids", new SqlArrayValue("uuid", (Object[]) ids))
                .param("ownerIds", new SqlArrayValue("bigint", (Object[]) ownerIds))
                .param("types", new SqlArrayValue("varchar", (Object[]) types))
                .param("payloads", new SqlArrayValue("text", (Object[]) payloads))
                .param("maxAttempts", new SqlArrayValue("int4", (Object[]) maxAttempts))
                .param("timeouts", new SqlArrayValue("int4", (Object[]) timeouts))
                .param("keys", new SqlArrayValue("varchar", (Object[]) idempotencyKeys))
                .param("createdAt", new SqlArrayValue("text", (Object[]) createdAt))
                .param("traceparents", new SqlArrayValue("varchar", (Object[]) traceparents))
                .param("confirmGraceSeconds", confirmGraceSeconds)
                .query((RowCallbackHandler) row -> transitions.put(row.getObject(1, UUID.class), row.getLong(2)));
        return transitions;
    }

    /**
     * A worker claims and completes tasks it has already computed (types whose work is a quick,
     * pure function of the payload, see {@link TaskType#pure()}), many in one statement: QUEUED or
     * RETRYING becomes SUCCEEDED with {@code results[i]} under the next attempt number, and both
     * changes (to RUNNING, then to SUCCEEDED) go into the history. Tasks in any other status
     * (cancelled, finished, held by another worker) are left alone, as a claim would leave them.
     * Rows are locked in id order. An id must not appear twice.
     */
    public List<FinishedTask> completeAll(UUID[] ids, String[] results, String workerId) {
        return jdbc.sql("""
                with computed as (
                    select c.id, c.result from unnest(cast(:ids as uuid[]), cast(:results as text[])) as c(id, result)
                ), current_rows as materialized (
                    select t.id, t.status from tasks t join computed c on c.id = t.id
                     order by t.id
                       for update of t
                ), completed as (
                    update tasks t
                       set status = 'SUCCEEDED', attempts = t.attempts + 1, result = cast(c.result as jsonb),
                           error = null, started_at = now(), finished_at = clock_timestamp(), worker_id = :workerId,
                           dispatch_due_at = null, version = t.version + 1
                      from computed c join current_rows r on r.id = c.id
                     where t.id = c.id and r.status in ('QUEUED', 'RETRYING')
                    returning t.id, t.owner_id, r.status as from_status, t.attempts, t.max_attempts, t.queued_at,
                              t.started_at, t.finished_at
                ), logged as (
                    insert into task_transitions (task_id, from_status, to_status, at, worker_id, attempt)
                    select id, from_status, 'RUNNING', started_at, cast(:workerId as varchar), attempts from completed
                    union all
                    select id, 'RUNNING', 'SUCCEEDED', finished_at, cast(:workerId as varchar), attempts
                      from completed
                    returning task_id, to_status, id
                )
                select c.id, c.owner_id, c.from_status, c.attempts, c.max_attempts, c.queued_at, c.started_at,
                       c.finished_at, r.id, s.id
                  from completed c
                  join logged r on r.task_id = c.id and r.to_status = 'RUNNING'
                  join logged s on s.task_id = c.id and s.to_status = 'SUCCEEDED'
                """)
                .param("ids", new SqlArrayValue("uuid", (Object[]) ids))
                .param("results", new SqlArrayValue("text", (Object[]) results))
                .param("workerId", workerId)
                .query(TaskStatements::finishedTask).list();
    }

    /**
     * The workers that hold the given attempts record their outcomes, many in one statement: task
     * {@code ids[i]} under attempt {@code attempts[i]} ends in {@code statuses[i]} (SUCCEEDED,
     * FAILED or DEAD) with {@code results[i]} (JSON) or {@code errors[i]}. Returns the tasks whose
     * outcome was recorded; the others had moved on (cancelled, taken over). An id must not appear
     * twice. Rows are locked in id order.
     */
    public List<FinishedTask> finishAll(UUID[] ids, Integer[] attempts, String[] statuses, String[] results,
            String[] errors, String workerId) {
        return jdbc.sql("""
                with outcome as (
                    select o.* from unnest(cast(:ids as uuid[]), cast(:attempts as int[]),
                                           cast(:statuses as varchar[]), cast(:results as text[]),
                                           cast(:errors as text[]))
                                    as o(id, attempt, status, result, error)
                ), locked as materialized (
                    select t.id from tasks t join outcome o on o.id = t.id
                     order by t.id
                       for update of t
                ), finished as (
                    update tasks t
                       set status = o.status, result = cast(o.result as jsonb), error = o.error,
                           finished_at = now(), dispatch_due_at = null, version = t.version + 1
                      from outcome o join locked l on l.id = o.id
                     where t.id = o.id and t.status = 'RUNNING' and t.attempts = o.attempt
                    returning t.id, t.owner_id, t.status, t.finished_at, t.attempts, t.error, t.max_attempts,
                              t.queued_at, t.started_at
                ), logged as (
                    insert into task_transitions (task_id, from_status, to_status, at, worker_id, attempt, detail)
                    select id, 'RUNNING', status, finished_at, cast(:workerId as varchar), attempts, error
                      from finished
                    returning task_id, id
                )
                select f.id, f.owner_id, 'RUNNING' as from_status, f.attempts, f.max_attempts, f.queued_at,
                       f.started_at, f.finished_at, null, l.id
                  from finished f join logged l on l.task_id = f.id
                """)
                .param("ids", new SqlArrayValue("uuid", (Object[]) ids))
                .param("attempts", new SqlArrayValue("int4", (Object[]) attempts))
                .param("statuses", new SqlArrayValue("varchar", (Object[]) statuses))
                .param("results", new SqlArrayValue("text", (Object[]) results))
                .param("errors", new SqlArrayValue("text", (Object[]) errors))
                .param("workerId", workerId)
                .query(TaskStatements::finishedTask).list();
    }

    private static FinishedTask finishedTask(ResultSet row, int number) throws SQLException {
        long startTransition = row.getLong(9);
        return new FinishedTask(row.getObject(1, UUID.class), row.getLong(2), TaskStatus.valueOf(row.getString(3)),
                row.getInt(4), row.getInt(5), instant(row, 6), instant(row, 7), instant(row, 8),
                row.wasNull() ? null : startTransition, row.getLong(10));
    }

    private static java.time.Instant instant(ResultSet row, int column) throws SQLException {
        OffsetDateTime value = row.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }
}
