package io.taskhive.task.store;

import static io.taskhive.task.store.Rows.array;
import static io.taskhive.task.store.Rows.in;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.jdbc.core.SqlParameterValue;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import io.taskhive.task.TaskStatus;

/**
 * What owners and admins do to the {@code tasks} rows: store new tasks, cancel them, queue failed
 * ones again. Like every statement of this package, each change is one statement, atomic and
 * committed on its own (autocommit), that checks the current status in its WHERE clause (the sets
 * of {@link TaskStatus}) and writes the history row in the same statement, so history and status
 * cannot disagree and a late writer simply matches no row. Statements that lock several rows lock
 * them in id order, so two never deadlock.
 */
@Component
public class TaskStore {

    private static final String CANCEL = """
            with current_row as (
                select id, status from tasks
                 where id = :id and owner_id = coalesce(cast(:ownerId as bigint), owner_id)
                   for update
            ), cancelled as (
                update tasks t
                   set status = 'CANCELLED', finished_at = now(), dispatch_due_at = null, version = t.version + 1
                  from current_row c
                 where t.id = c.id and c.status in (%s)
                returning t.id, c.status as from_status, t.finished_at, t.attempts, t.worker_id, t.owner_id, t.type
            ), logged as (
                insert into task_transitions (task_id, from_status, to_status, at, worker_id, attempt, detail)
                select id, from_status, 'CANCELLED', finished_at, worker_id, attempts, cast(:detail as text)
                  from cancelled
                returning task_id, id
            )
            select c.id, c.owner_id, c.type, c.from_status, 'CANCELLED', c.attempts, c.finished_at, c.worker_id, l.id
              from cancelled c join logged l on l.task_id = c.id
            """.formatted(in(TaskStatus.cancellable()));

    /** Picks the rows (one task, or many by filter); the rest of the statement is {@link #REQUEUE}. */
    private static final String RETRY_ONE = """
            with picked as (
                select t.id, t.status from tasks t
                 where t.id = :id and t.owner_id = coalesce(cast(:ownerId as bigint), t.owner_id)
                   for update
            )""";

    private static final String RETRY_MANY = """
            with picked as (
                select t.id, t.status from tasks t
                 where t.status = :status
                   and t.type = coalesce(cast(:type as varchar), t.type)
                   and t.owner_id = coalesce(cast(:ownerId as bigint), t.owner_id)
                 order by t.created_at, t.id
                 limit :limit
                   for update skip locked
            )""";

    /**
     * FAILED or DEAD becomes QUEUED, with the type's number of further attempts (1 for a type no
     * longer known); the outbox relay publishes it at {@code dispatchDueAt} if the immediate publish
     * does not get through. The history rows take their ids in the update (as
     * {@link OutboxStore#releaseDue} does), so a bulk retry of thousands joins nothing afterwards.
     */
    private static final String REQUEUE = """
            , extra as (
                select e.type, e.attempts
                  from unnest(cast(:typeKeys as varchar[]), cast(:extraAttempts as int[])) as e(type, attempts)
            ), requeued as (
                update tasks t
                   set status = 'QUEUED', result = null, error = null, started_at = null, finished_at = null,
                       worker_id = null, queued_at = now(),
                       max_attempts = t.attempts + coalesce((select e.attempts from extra e where e.type = t.type), 1),
                       dispatch_due_at = :dispatchDueAt, dispatch_seq = t.dispatch_seq + 1, version = t.version + 1
                  from picked p
                 where t.id = p.id and p.status in (%1$s)
                returning t.id, p.status as from_status, t.queued_at, t.attempts, t.owner_id, t.type, t.created_at,
                          %2$s as transition_id
            ), logged as (
                insert into task_transitions (id, task_id, from_status, to_status, at, attempt, detail)
                select transition_id, id, from_status, 'QUEUED', queued_at, attempts, cast(:detail as text)
                  from requeued
            )
            select r.id, r.owner_id, r.type, r.from_status, 'QUEUED', r.attempts, r.queued_at, null, r.transition_id
              from requeued r
             order by r.created_at, r.id
            """.formatted(in(TaskStatus.retryable()), Rows.NEXT_TRANSITION_ID);

    private final JdbcClient jdbc;

    /**
     * New tasks and their first history rows; {@code %1$s} is where the new rows come from (columns
     * id, owner_id, type, payload, max_attempts, timeout_seconds, idempotency_key, created_at,
     * traceparent, run_at, priority, published), {@code %2$s} the first rows' details (task_id,
     * detail).
     */
    private static final String INSERT = """
            with inserted as (
                insert into tasks (id, owner_id, type, payload, status, attempts, max_attempts, timeout_seconds,
                                   idempotency_key, created_at, queued_at, dispatch_due_at, dispatch_seq, version,
                                   traceparent, run_at, priority)
                select n.id, n.owner_id, n.type, cast(n.payload as jsonb),
                       case when n.run_at is null then 'QUEUED' else 'SCHEDULED' end, 0, n.max_attempts,
                       n.timeout_seconds, n.idempotency_key, n.created_at,
                       case when n.run_at is null then n.created_at end,
                       case when n.published then n.created_at + make_interval(secs => :confirmGraceSeconds) end,
                       case when n.published then 1 else 0 end, 0, n.traceparent, n.run_at, n.priority
                  from %1$s
                       as n(id, owner_id, type, payload, max_attempts, timeout_seconds, idempotency_key,
                            created_at, traceparent, run_at, priority, published)
                returning id, created_at, status
            )
            insert into task_transitions (task_id, from_status, to_status, at, attempt, detail)
            select i.id, null, i.status, i.created_at, 0, d.detail
              from inserted i
              left join %2$s as d(task_id, detail)
                on d.task_id = i.id
            returning task_id, id
            """;

    /** Many tasks, as arrays: one statement, one commit, however many. */
    private static final String INSERT_MANY = INSERT.formatted("""
            unnest(cast(:ids as uuid[]), cast(:ownerIds as bigint[]), cast(:types as varchar[]),
                              cast(:payloads as text[]), cast(:maxAttempts as int[]), cast(:timeouts as int[]),
                              cast(:keys as varchar[]), cast(:createdAt as timestamptz[]),
                              cast(:traceparents as varchar[]), cast(:runAt as timestamptz[]),
                              cast(:priorities as smallint[]), cast(:published as boolean[]))""",
            "unnest(cast(:detailIds as uuid[]), cast(:details as text[]))");

    /**
     * One task, as plain values: what a client submitting one task at a time waits for, and planned
     * in a fraction of the time of the arrays' form (docs/benchmarks.md, "The insert's plan").
     */
    private static final String INSERT_ONE = INSERT.formatted("""
            (values (cast(:id as uuid), cast(:ownerId as bigint), cast(:type as varchar), cast(:payload as text),
                                  cast(:maxAttempts as int), cast(:timeout as int), cast(:key as varchar),
                                  cast(:createdAt as timestamptz), cast(:traceparent as varchar),
                                  cast(:runAt as timestamptz), cast(:priority as smallint), cast(:published as boolean)))""",
            "(values (cast(:id as uuid), cast(:detail as text)))");

    public TaskStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Stores new tasks in one statement, each with its first history row (none to its status, at
     * its creation): QUEUED, with an outbox mark due {@code confirmGrace} after its creation, or
     * held back (QUEUED, no mark: a dispatch round publishes it), or, given a time to run,
     * SCHEDULED, with no mark until the release queues it. An
     * idempotency key already used by the same owner fails the whole statement (a
     * {@code DuplicateKeyException}). Returns the id of each task's history row, by task id.
     */
    public Map<UUID, Long> insert(List<NewTask> tasks, Duration confirmGrace) {
        return insert(tasks, confirmGrace, Map.of());
    }

    /**
     * As {@link #insert(List, Duration)}, with the detail of some tasks' first history row (by task
     * id): who created them when it was not a submission, such as a recurring schedule's slot.
     * Joins the caller's transaction if there is one, so a schedule's claim and its tasks commit
     * together.
     */
    public Map<UUID, Long> insert(List<NewTask> tasks, Duration confirmGrace, Map<UUID, String> details) {
        Map<UUID, Long> transitions = new HashMap<>(tasks.size() * 2);
        RowCallbackHandler collect = row -> transitions.put(row.getObject(1, UUID.class), row.getLong(2));
        if (tasks.size() == 1) {
            NewTask task = tasks.getFirst();
            jdbc.sql(INSERT_ONE)
                    .param("id", task.id())
                    .param("ownerId", task.ownerId())
                    .param("type", task.type())
                    .param("payload", task.payload())
                    .param("maxAttempts", task.maxAttempts())
                    .param("timeout", new SqlParameterValue(Types.INTEGER, task.timeoutSeconds()))
                    .param("key", new SqlParameterValue(Types.VARCHAR, task.idempotencyKey()))
                    .param("createdAt", task.createdAt().atOffset(ZoneOffset.UTC))
                    .param("traceparent", new SqlParameterValue(Types.VARCHAR, task.traceparent()))
                    .param("runAt", new SqlParameterValue(Types.TIMESTAMP_WITH_TIMEZONE,
                            task.runAt() == null ? null : task.runAt().atOffset(ZoneOffset.UTC)))
                    .param("priority", task.priority())
                    .param("published", task.publishedOnInsert())
                    .param("detail", new SqlParameterValue(Types.VARCHAR, details.get(task.id())))
                    .param("confirmGraceSeconds", Rows.seconds(confirmGrace))
                    .query(collect);
            return transitions;
        }
        int size = tasks.size();
        UUID[] ids = new UUID[size];
        Long[] owners = new Long[size];
        String[] types = new String[size];
        String[] payloads = new String[size];
        Integer[] maxAttempts = new Integer[size];
        Integer[] timeouts = new Integer[size];
        String[] keys = new String[size];
        String[] createdAt = new String[size];
        String[] traceparents = new String[size];
        String[] runAt = new String[size];
        Integer[] priorities = new Integer[size];
        Boolean[] published = new Boolean[size];
        for (int i = 0; i < size; i++) {
            NewTask task = tasks.get(i);
            ids[i] = task.id();
            owners[i] = task.ownerId();
            types[i] = task.type();
            payloads[i] = task.payload();
            maxAttempts[i] = task.maxAttempts();
            timeouts[i] = task.timeoutSeconds();
            keys[i] = task.idempotencyKey();
            createdAt[i] = task.createdAt().toString();
            traceparents[i] = task.traceparent();
            runAt[i] = task.runAt() == null ? null : task.runAt().toString();
            priorities[i] = task.priority();
            published[i] = task.publishedOnInsert();
        }
        UUID[] detailIds = details.keySet().toArray(UUID[]::new);
        String[] detailTexts = new String[detailIds.length];
        for (int i = 0; i < detailIds.length; i++) {
            detailTexts[i] = details.get(detailIds[i]);
        }
        jdbc.sql(INSERT_MANY)
                .param("ids", array("uuid", ids))
                .param("ownerIds", array("bigint", owners))
                .param("types", array("varchar", types))
                .param("payloads", array("text", payloads))
                .param("maxAttempts", array("int4", maxAttempts))
                .param("timeouts", array("int4", timeouts))
                .param("keys", array("varchar", keys))
                .param("createdAt", array("text", createdAt))
                .param("traceparents", array("varchar", traceparents))
                .param("runAt", array("text", runAt))
                .param("priorities", array("int2", priorities))
                .param("published", array("bool", published))
                .param("detailIds", array("uuid", detailIds))
                .param("details", array("text", detailTexts))
                .param("confirmGraceSeconds", Rows.seconds(confirmGrace))
                .query(collect);
        return transitions;
    }

    /**
     * The owner ({@code ownerId}), or an admin (null: whoever owns it), cancels a task that has not
     * finished; {@code detail} says who, in the history. Empty if there is no such task or it has
     * finished.
     */
    public Optional<TaskChange> cancel(UUID id, @Nullable Long ownerId, String detail) {
        return jdbc.sql(CANCEL)
                .param("id", id)
                .param("ownerId", new SqlParameterValue(Types.BIGINT, ownerId))
                .param("detail", detail)
                .query(TaskStore::change).optional();
    }

    /**
     * The owner ({@code ownerId}), or an admin (null: whoever owns it), queues a FAILED or DEAD task
     * again, with its type's number of further attempts ({@code extraAttempts}, 1 for a type not in
     * it); {@code detail} says who, in the history. Empty if there is no such task or it is in
     * another status.
     */
    public Optional<TaskChange> retry(UUID id, @Nullable Long ownerId, Map<String, Integer> extraAttempts,
            Instant dispatchDueAt, String detail) {
        return jdbc.sql(RETRY_ONE + REQUEUE)
                .param("id", id)
                .param("ownerId", new SqlParameterValue(Types.BIGINT, ownerId))
                .param("typeKeys", array("varchar", extraAttempts.keySet().toArray(String[]::new)))
                .param("extraAttempts", array("int4", extraAttempts.values().toArray(Integer[]::new)))
                .param("dispatchDueAt", dispatchDueAt.atOffset(ZoneOffset.UTC))
                .param("detail", detail)
                .query(TaskStore::change).optional();
    }

    /**
     * An admin queues again, in one statement, up to {@code limit} tasks in {@code filter}'s status
     * (FAILED or DEAD), optionally only of one type and one owner, oldest first: each gets its
     * type's number of further attempts ({@code extraAttempts}, 1 for a type not in it). Rows
     * another transaction holds are skipped. Returns the changes, oldest first.
     */
    public List<TaskChange> retryAll(TaskFilter filter, Map<String, Integer> extraAttempts, int limit,
            Instant dispatchDueAt) {
        if (filter.status() == null || !TaskStatus.retryable().contains(filter.status())) {
            throw new IllegalArgumentException("only " + TaskStatus.retryable() + " tasks can be retried");
        }
        return jdbc.sql(RETRY_MANY + REQUEUE)
                .param("status", filter.status().name())
                .param("type", new SqlParameterValue(Types.VARCHAR, filter.type()))
                .param("ownerId", new SqlParameterValue(Types.BIGINT, filter.ownerId()))
                .param("typeKeys", array("varchar", extraAttempts.keySet().toArray(String[]::new)))
                .param("extraAttempts", array("int4", extraAttempts.values().toArray(Integer[]::new)))
                .param("limit", limit)
                .param("dispatchDueAt", dispatchDueAt.atOffset(ZoneOffset.UTC))
                .param("detail", "retried by an admin")
                .query(TaskStore::change).list();
    }

    private static TaskChange change(ResultSet row, int number) throws SQLException {
        return new TaskChange(row.getObject(1, UUID.class), row.getLong(2), row.getString(3),
                Rows.status(row.getString(4)), TaskStatus.valueOf(row.getString(5)), row.getInt(6),
                Rows.instant(row, 7), row.getString(8), row.getLong(9));
    }
}
