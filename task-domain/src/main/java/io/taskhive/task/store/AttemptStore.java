package io.taskhive.task.store;

import static io.taskhive.task.store.Rows.array;
import static io.taskhive.task.store.Rows.NEXT_TRANSITION_ID;
import static io.taskhive.task.store.Rows.in;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import io.taskhive.task.TaskStatus;

/**
 * What workers do to the {@code tasks} rows: claim attempts, record their outcomes, hand tasks
 * back, and move on the tasks of workers that stopped responding. Guarded like {@link TaskStore}'s
 * statements; an attempt's number is its fencing token, so the outcome of an attempt that was
 * cancelled or taken over since matches no row. The hot ones (claims, outcomes, completions) take
 * many tasks in one statement and one commit; an id must not appear twice in one call.
 */
@Component
public class AttemptStore {

    private static final String CLAIM = """
            with requested as (
                select r.id, r.take_over
                  from unnest(cast(:ids as uuid[]), cast(:takeOver as boolean[])) as r(id, take_over)
            ), current_rows as (
                select t.id, t.status, t.worker_id, r.take_over
                  from tasks t join requested r on r.id = t.id
                 order by t.id
                   for update of t
            ), claimed as (
                update tasks t
                   set status = 'RUNNING', attempts = t.attempts + 1, started_at = now(),
                       worker_id = :workerId, dispatch_due_at = null, version = t.version + 1
                  from current_rows c
                 where t.id = c.id
                   and (c.status in (%s)
                        or (c.take_over and c.status = 'RUNNING' and not exists (
                                select 1 from workers w
                                 where w.id = c.worker_id and w.stopped_at is null
                                   and w.last_seen > now() - make_interval(secs => :aliveWithinSeconds))))
                returning t.id, c.status as from_status, t.attempts, t.max_attempts, t.timeout_seconds,
                          t.started_at, t.owner_id, t.queued_at, %s as transition_id
            ), logged as (
                insert into task_transitions (id, task_id, from_status, to_status, at, worker_id, attempt)
                select transition_id, id, from_status, 'RUNNING', started_at, cast(:workerId as varchar), attempts
                  from claimed
            )
            select c.id, c.owner_id, c.from_status, c.attempts, c.max_attempts, c.timeout_seconds, c.started_at,
                   c.transition_id, c.queued_at
              from claimed c
            """.formatted(in(TaskStatus.claimable()), NEXT_TRANSITION_ID);

    /** Package-visible for the test that reads its plan. */
    static final String COMPLETE = """
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
                 where t.id = c.id and r.status in (%1$s)
                returning t.id, t.owner_id, r.status as from_status, t.attempts, t.max_attempts, t.queued_at,
                          t.started_at, t.finished_at, %2$s as started_transition
            ), numbered as materialized (
                select c.*, %2$s as finished_transition from completed c
            ), logged as (
                insert into task_transitions (id, task_id, from_status, to_status, at, worker_id, attempt)
                select started_transition, id, from_status, 'RUNNING', started_at, cast(:workerId as varchar), attempts
                  from numbered
                union all
                select finished_transition, id, 'RUNNING', 'SUCCEEDED', finished_at, cast(:workerId as varchar),
                       attempts
                  from numbered
            )
            select c.id, c.owner_id, c.from_status, c.attempts, c.max_attempts, c.queued_at, c.started_at,
                   c.finished_at, c.started_transition, c.finished_transition
              from numbered c
            """.formatted(in(TaskStatus.claimable()), NEXT_TRANSITION_ID);

    private static final String FINISH = """
            with outcome as (
                select o.* from unnest(cast(:ids as uuid[]), cast(:attempts as int[]),
                                       cast(:statuses as varchar[]), cast(:results as text[]),
                                       cast(:errors as text[]), cast(:artifactKeys as text[]),
                                       cast(:artifactSizes as bigint[]), cast(:artifactTypes as text[]),
                                       cast(:artifactSums as text[]))
                                as o(id, attempt, status, result, error, artifact_key, artifact_size,
                                     artifact_content_type, artifact_sha256)
            ), locked as materialized (
                select t.id from tasks t join outcome o on o.id = t.id
                 order by t.id
                   for update of t
            ), finished as (
                update tasks t
                   set status = o.status, result = cast(o.result as jsonb), error = o.error,
                       artifact_key = o.artifact_key, artifact_size = o.artifact_size,
                       artifact_content_type = o.artifact_content_type, artifact_sha256 = o.artifact_sha256,
                       finished_at = now(), dispatch_due_at = null, version = t.version + 1
                  from outcome o join locked l on l.id = o.id
                 where t.id = o.id and t.status = 'RUNNING' and t.attempts = o.attempt
                returning t.id, t.owner_id, t.status, t.finished_at, t.attempts, t.error, t.max_attempts,
                          t.queued_at, t.started_at, %s as transition_id
            ), logged as (
                insert into task_transitions (id, task_id, from_status, to_status, at, worker_id, attempt, detail)
                select transition_id, id, 'RUNNING', status, finished_at, cast(:workerId as varchar), attempts, error
                  from finished
            )
            select f.id, f.owner_id, 'RUNNING' as from_status, f.attempts, f.max_attempts, f.queued_at,
                   f.started_at, f.finished_at, null, f.transition_id
              from finished f
            """.formatted(NEXT_TRANSITION_ID);

    /** RETRYING until the delay has passed, when the outbox relay publishes it again. */
    private static final String RETRY_LATER = """
            with retrying as (
                update tasks t
                   set status = 'RETRYING', error = cast(:error as text),
                       dispatch_due_at = now() + make_interval(secs => :delaySeconds),
                       dispatch_seq = t.dispatch_seq + 1, version = t.version + 1
                 where t.id = :id and t.status = 'RUNNING' and t.attempts = :attempt
                returning t.id, t.attempts
            ), logged as (
                insert into task_transitions (task_id, from_status, to_status, at, worker_id, attempt, detail)
                select id, 'RUNNING', 'RETRYING', now(), cast(:workerId as varchar), attempts, cast(:error as text)
                  from retrying
                returning id, at
            )
            select id, at from logged
            """;

    /** QUEUED again, published by the relay; the interrupted attempt is not counted against the task. */
    private static final String HAND_BACK = """
            with requeued as (
                update tasks t
                   set status = 'QUEUED', max_attempts = t.max_attempts + 1, worker_id = null,
                       queued_at = now(), dispatch_due_at = now(), dispatch_seq = t.dispatch_seq + 1,
                       version = t.version + 1
                 where t.id = :id and t.status = 'RUNNING' and t.attempts = :attempt
                returning t.id, t.attempts
            ), logged as (
                insert into task_transitions (task_id, from_status, to_status, at, worker_id, attempt, detail)
                select id, 'RUNNING', 'QUEUED', now(), cast(:workerId as varchar), attempts, cast(:reason as text)
                  from requeued
                returning id, at
            )
            select id, at from logged
            """;

    private static final String RETURN_ORPHANS = """
            with orphans as (
                select t.id, t.worker_id from tasks t
                 where t.status = 'RUNNING' and t.started_at < now() - make_interval(secs => :graceSeconds)
                   and not exists (select 1 from workers w
                                    where w.id = t.worker_id and w.stopped_at is null
                                      and w.last_seen > now() - make_interval(secs => :graceSeconds))
                 limit :limit
                 for update of t skip locked
            ), moved as (
                update tasks t
                   set status = case when t.attempts >= t.max_attempts then 'DEAD' else 'RETRYING' end,
                       dispatch_due_at = case when t.attempts >= t.max_attempts then null else now() end,
                       dispatch_seq = t.dispatch_seq + 1,
                       finished_at = case when t.attempts >= t.max_attempts then now() end,
                       error = 'worker ' || coalesce(o.worker_id, '?') || ' stopped responding while running it',
                       version = t.version + 1
                  from orphans o where t.id = o.id
                returning t.id, t.status, t.attempts, o.worker_id, t.owner_id, t.type, t.error, now() as at,
                          %s as transition_id
            ), logged as (
                insert into task_transitions (id, task_id, from_status, to_status, at, worker_id, attempt, detail)
                select transition_id, id, 'RUNNING', status, at, worker_id, attempts, error from moved
            )
            select m.id, m.owner_id, m.type, m.status, m.attempts, m.worker_id, m.transition_id, m.at
              from moved m
            """.formatted(NEXT_TRANSITION_ID);

    private final JdbcClient jdbc;

    AttemptStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Worker {@code workerId} takes tasks: QUEUED or RETRYING becomes RUNNING with the next attempt
     * number. With {@link Claim#takeOver()} a RUNNING task is taken too, but only from a holder not
     * seen alive within {@code aliveWithin}; the new attempt number fences the old holder out. A
     * live holder keeps its task (a live worker records every outcome it computes); the orphan
     * sweeper deals with it if it dies. Returns the tasks claimed.
     */
    public List<ClaimedTask> claim(List<Claim> claims, String workerId, Duration aliveWithin) {
        return jdbc.sql(CLAIM)
                .param("ids", array("uuid", claims.stream().map(Claim::taskId).toArray()))
                .param("takeOver", array("boolean", claims.stream().map(Claim::takeOver).toArray()))
                .param("workerId", workerId)
                .param("aliveWithinSeconds", Rows.seconds(aliveWithin))
                .query((row, number) -> new ClaimedTask(row.getObject(1, UUID.class), row.getLong(2),
                        TaskStatus.valueOf(row.getString(3)), row.getInt(4), row.getInt(5), Rows.nullableInt(row, 6),
                        Rows.instant(row, 7), row.getLong(8), Rows.instant(row, 9)))
                .list();
    }

    /**
     * Claims and completes tasks already computed (types whose work is a quick, pure function of
     * the payload, see {@link io.taskhive.task.TaskType#pure()}): QUEUED or RETRYING becomes
     * SUCCEEDED with the result under the next attempt number, and both changes (to RUNNING, then
     * to SUCCEEDED) go into the history. Tasks in any other status (cancelled, finished, held by
     * another worker) are left alone, as a claim would leave them.
     */
    public List<FinishedTask> complete(List<Computed> computed, String workerId) {
        return jdbc.sql(COMPLETE)
                .param("ids", array("uuid", computed.stream().map(Computed::taskId).toArray()))
                .param("results", array("text", computed.stream().map(Computed::result).toArray()))
                .param("workerId", workerId)
                .query(AttemptStore::finished).list();
    }

    /**
     * Records final outcomes of the attempts they name; returns the tasks whose outcome was
     * recorded. The others had moved on (cancelled, taken over).
     */
    public List<FinishedTask> finish(List<Outcome> outcomes, String workerId) {
        return jdbc.sql(FINISH)
                .param("ids", array("uuid", outcomes.stream().map(Outcome::taskId).toArray()))
                .param("attempts", array("int4", outcomes.stream().map(Outcome::attempt).toArray()))
                .param("statuses", array("varchar", outcomes.stream().map(o -> o.status().name()).toArray()))
                .param("results", array("text", outcomes.stream().map(Outcome::result).toArray()))
                .param("errors", array("text", outcomes.stream().map(Outcome::error).toArray()))
                .param("artifactKeys", array("text", outcomes.stream()
                        .map(o -> o.artifact() == null ? null : o.artifact().key()).toArray()))
                .param("artifactSizes", array("int8", outcomes.stream()
                        .map(o -> o.artifact() == null ? null : o.artifact().size()).toArray()))
                .param("artifactTypes", array("text", outcomes.stream()
                        .map(o -> o.artifact() == null ? null : o.artifact().contentType()).toArray()))
                .param("artifactSums", array("text", outcomes.stream()
                        .map(o -> o.artifact() == null ? null : o.artifact().sha256()).toArray()))
                .param("workerId", workerId)
                .query(AttemptStore::finished).list();
    }

    /**
     * Attempt {@code attempt} failed and more are allowed: RETRYING until {@code delay} from now.
     * Empty if the task had moved on.
     */
    public Optional<RecordedChange> retryLater(UUID id, int attempt, @Nullable String error, Duration delay,
            String workerId) {
        return jdbc.sql(RETRY_LATER)
                .param("id", id)
                .param("attempt", attempt)
                .param("error", error)
                .param("delaySeconds", Rows.seconds(delay))
                .param("workerId", workerId)
                .query(AttemptStore::recorded).optional();
    }

    /**
     * A worker shutting down gives back a task it could not finish in time: QUEUED again, and the
     * interrupted attempt is not counted against the task. Empty if the task had moved on.
     */
    public Optional<RecordedChange> handBack(UUID id, int attempt, String workerId, String reason) {
        return jdbc.sql(HAND_BACK)
                .param("id", id)
                .param("attempt", attempt)
                .param("workerId", workerId)
                .param("reason", reason)
                .query(AttemptStore::recorded).optional();
    }

    /**
     * Up to {@code limit} RUNNING tasks whose holder stopped heartbeating (or never registered) for
     * {@code grace}: their attempt counts as failed; they are retried at once, or parked DEAD if
     * none is left. Rows another sweeper holds are skipped.
     */
    public List<OrphanedTask> returnOrphans(Duration grace, int limit) {
        return jdbc.sql(RETURN_ORPHANS)
                .param("graceSeconds", Rows.seconds(grace))
                .param("limit", limit)
                .query((row, number) -> new OrphanedTask(row.getObject(1, UUID.class), row.getLong(2),
                        row.getString(3), TaskStatus.valueOf(row.getString(4)), row.getInt(5), row.getString(6),
                        row.getLong(7), Rows.instant(row, 8)))
                .list();
    }

    /** Which of these attempts (attempt number by task, a map nobody changes meanwhile) are still RUNNING. */
    public Set<UUID> stillRunning(Map<UUID, Integer> attempts) {
        Set<UUID> running = new HashSet<>();
        jdbc.sql("""
                select t.id from tasks t
                  join unnest(cast(:ids as uuid[]), cast(:attempts as int[])) as a(id, attempt) on a.id = t.id
                 where t.status = 'RUNNING' and t.attempts = a.attempt
                """)
                .param("ids", array("uuid", attempts.keySet().toArray()))
                .param("attempts", array("int4", attempts.values().toArray()))
                .query((RowCallbackHandler) row -> running.add(row.getObject(1, UUID.class)));
        return running;
    }

    private static FinishedTask finished(ResultSet row, int number) throws SQLException {
        long startTransition = row.getLong(9);
        Long startTransitionId = row.wasNull() ? null : startTransition;
        return new FinishedTask(row.getObject(1, UUID.class), row.getLong(2), TaskStatus.valueOf(row.getString(3)),
                row.getInt(4), row.getInt(5), Rows.instant(row, 6), Rows.instant(row, 7), Rows.instant(row, 8),
                startTransitionId, row.getLong(10));
    }

    private static RecordedChange recorded(ResultSet row, int number) throws SQLException {
        return new RecordedChange(row.getLong(1), Rows.instant(row, 2));
    }
}
