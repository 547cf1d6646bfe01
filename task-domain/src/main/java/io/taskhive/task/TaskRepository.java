package io.taskhive.task;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.JpaSpecificationExecutor;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;
import org.springframework.transaction.annotation.Transactional;

/**
 * Tasks and their guarded status changes. Every change is one statement that checks the current
 * status (and, for a worker, its attempt number as a fencing token) in its WHERE clause and writes
 * the transition history row in the same statement, so history and status cannot disagree and a
 * late writer simply matches no row.
 */
public interface TaskRepository extends JpaRepository<Task, UUID>, JpaSpecificationExecutor<Task> {

    Optional<Task> findByIdAndOwnerId(UUID id, long ownerId);

    Optional<Task> findByOwnerIdAndIdempotencyKey(long ownerId, String idempotencyKey);

    /**
     * Workers take tasks, many in one statement (and one commit): QUEUED or RETRYING becomes
     * RUNNING with the next attempt number. With {@code takeOver[i]} (the broker redelivered the
     * message because its previous holder's channel closed) a RUNNING task {@code ids[i]} is taken
     * too, but only from a holder that is no longer alive; the new attempt number fences the old
     * holder out. A live holder keeps its task (a live worker records every outcome it computes);
     * the orphan sweeper deals with it if it dies. The rows are locked in id order, so two batches
     * never deadlock. Returns the tasks claimed, as rows for {@link ClaimedTask#of}. An id must not
     * appear twice.
     */
    @Transactional
    @Query(nativeQuery = true, value = """
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
                   and (c.status in ('QUEUED', 'RETRYING')
                        or (c.take_over and c.status = 'RUNNING' and not exists (
                                select 1 from workers w
                                 where w.id = c.worker_id and w.stopped_at is null
                                   and w.last_seen > now() - make_interval(secs => :aliveWithinSeconds))))
                returning t.id, c.status as from_status, t.attempts, t.max_attempts, t.timeout_seconds,
                          t.started_at, t.owner_id, t.queued_at
            ), logged as (
                insert into task_transitions (task_id, from_status, to_status, at, worker_id, attempt)
                select id, from_status, 'RUNNING', started_at, cast(:workerId as varchar), attempts from claimed
                returning task_id, id
            )
            select c.id, c.owner_id, c.from_status, c.attempts, c.max_attempts, c.timeout_seconds, c.started_at, l.id,
                   c.queued_at
              from claimed c join logged l on l.task_id = c.id
            """)
    List<Object[]> claimAll(@Param("ids") UUID[] ids, @Param("takeOver") Boolean[] takeOver,
            @Param("workerId") String workerId, @Param("aliveWithinSeconds") double aliveWithinSeconds);

    /**
     * Attempt {@code attempt} failed and more are allowed: RETRYING until {@code delaySeconds} from
     * now, when the outbox relay publishes it again. Guarded like {@link TaskStatements#finishAll}.
     * Empty if the task had moved on.
     */
    @Transactional
    @Query(nativeQuery = true, value = """
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
            select id as "transitionId", at as "at" from logged
            """)
    Optional<RecordedChange> scheduleRetry(@Param("id") UUID id, @Param("attempt") int attempt, @Param("error") String error,
            @Param("delaySeconds") double delaySeconds, @Param("workerId") String workerId);

    /**
     * A worker shutting down gives back a task it could not finish in time: QUEUED again, published
     * by the relay, and the interrupted attempt is not counted against the task. Empty if the task
     * had moved on.
     */
    @Transactional
    @Query(nativeQuery = true, value = """
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
            select id as "transitionId", at as "at" from logged
            """)
    Optional<RecordedChange> requeue(@Param("id") UUID id, @Param("attempt") int attempt,
            @Param("workerId") String workerId, @Param("reason") String reason);

    /** The history row a change wrote: its id and its time, as stored. */
    interface RecordedChange {
        long getTransitionId();

        Instant getAt();
    }

    /**
     * RUNNING tasks whose holder stopped heartbeating (or never registered) for {@code graceSeconds}:
     * their attempt counts as failed; they are retried at once, or parked DEAD if none is left.
     */
    @Transactional
    @Query(nativeQuery = true, value = """
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
                returning t.id, t.status, t.attempts, o.worker_id, t.owner_id, t.type, t.error
            ), logged as (
                insert into task_transitions (task_id, from_status, to_status, at, worker_id, attempt, detail)
                select id, 'RUNNING', status, now(), worker_id, attempts, error from moved
                returning task_id, id, at
            )
            select m.id as "id", m.owner_id as "ownerId", m.type as "type", m.status as "status",
                   m.attempts as "attempt", m.worker_id as "workerId", l.id as "transitionId", l.at as "at"
              from moved m join logged l on l.task_id = m.id
            """)
    List<OrphanedTask> returnOrphans(@Param("graceSeconds") double graceSeconds, @Param("limit") int limit);

    interface OrphanedTask {
        UUID getId();

        long getOwnerId();

        String getType();

        String getStatus();

        int getAttempt();

        String getWorkerId();

        long getTransitionId();

        Instant getAt();
    }

    /** Which of these tasks are still RUNNING, and under which attempt. */
    @Query("select t.id as id, t.attempts as attempt from Task t where t.id in :ids and t.status = io.taskhive.task.TaskStatus.RUNNING")
    List<RunningAttempt> findRunningAttempts(@Param("ids") Collection<UUID> ids);

    interface RunningAttempt {
        UUID getId();

        int getAttempt();
    }

    /**
     * The owner ({@code ownerId}), or an admin (null: whoever owns it), cancels a task that has not
     * finished; {@code detail} says who, in the history.
     */
    @Transactional
    @Query(nativeQuery = true, value = """
            with current_row as (
                select id, status from tasks
                 where id = :id and owner_id = coalesce(cast(:ownerId as bigint), owner_id)
                   for update
            ), cancelled as (
                update tasks t
                   set status = 'CANCELLED', finished_at = now(), dispatch_due_at = null, version = t.version + 1
                  from current_row c
                 where t.id = c.id and c.status in ('QUEUED', 'RETRYING', 'RUNNING')
                returning t.id, c.status as from_status, t.finished_at, t.attempts, t.worker_id, t.owner_id, t.type
            ), logged as (
                insert into task_transitions (task_id, from_status, to_status, at, worker_id, attempt, detail)
                select id, from_status, 'CANCELLED', finished_at, worker_id, attempts, cast(:detail as text)
                  from cancelled
                returning task_id, id
            )
            select c.owner_id as "ownerId", c.type as "type", c.from_status as "fromStatus", c.attempts as "attempt",
                   c.finished_at as "at", c.worker_id as "workerId", l.id as "transitionId"
              from cancelled c join logged l on l.task_id = c.id
            """)
    Optional<TaskChange> cancel(@Param("id") UUID id, @Param("ownerId") Long ownerId, @Param("detail") String detail);

    /**
     * The owner ({@code ownerId}), or an admin (null: whoever owns it), queues a FAILED or DEAD task
     * again, with {@code extraAttempts} more attempts; the outbox relay publishes it if the immediate
     * publish does not get through. {@code detail} says who, in the history.
     */
    @Transactional
    @Query(nativeQuery = true, value = """
            with current_row as (
                select id, status from tasks
                 where id = :id and owner_id = coalesce(cast(:ownerId as bigint), owner_id)
                   for update
            ), requeued as (
                update tasks t
                   set status = 'QUEUED', result = null, error = null, started_at = null, finished_at = null,
                       worker_id = null, queued_at = now(), max_attempts = t.attempts + :extraAttempts,
                       dispatch_due_at = :dispatchDueAt, dispatch_seq = t.dispatch_seq + 1, version = t.version + 1
                  from current_row c
                 where t.id = c.id and c.status in ('FAILED', 'DEAD')
                returning t.id, c.status as from_status, t.queued_at, t.attempts, t.owner_id, t.type
            ), logged as (
                insert into task_transitions (task_id, from_status, to_status, at, attempt, detail)
                select id, from_status, 'QUEUED', queued_at, attempts, cast(:detail as text) from requeued
                returning task_id, id
            )
            select r.owner_id as "ownerId", r.type as "type", r.from_status as "fromStatus", r.attempts as "attempt",
                   r.queued_at as "at", cast(null as varchar) as "workerId", l.id as "transitionId"
              from requeued r join logged l on l.task_id = r.id
            """)
    Optional<TaskChange> retry(@Param("id") UUID id, @Param("ownerId") Long ownerId,
            @Param("extraAttempts") int extraAttempts, @Param("dispatchDueAt") Instant dispatchDueAt,
            @Param("detail") String detail);

    /**
     * An admin queues again, in one statement, up to {@code limit} tasks in {@code status} (FAILED
     * or DEAD), optionally only of one type and one owner, oldest first: each gets its type's
     * number of further attempts ({@code extraAttempts[i]} for {@code typeKeys[i]}, 1 for a type no
     * longer known). Rows another transaction holds are skipped. Returns the changes, for their
     * events; the tasks are then published as a single retry's are.
     */
    @Transactional
    @Query(nativeQuery = true, value = """
            with extra as (
                select e.type, e.attempts
                  from unnest(cast(:typeKeys as varchar[]), cast(:extraAttempts as int[])) as e(type, attempts)
            ), picked as (
                select t.id, t.status from tasks t
                 where t.status = :status
                   and t.type = coalesce(cast(:type as varchar), t.type)
                   and t.owner_id = coalesce(cast(:ownerId as bigint), t.owner_id)
                 order by t.created_at, t.id
                 limit :limit
                   for update skip locked
            ), requeued as (
                update tasks t
                   set status = 'QUEUED', result = null, error = null, started_at = null, finished_at = null,
                       worker_id = null, queued_at = now(),
                       max_attempts = t.attempts + coalesce((select e.attempts from extra e where e.type = t.type), 1),
                       dispatch_due_at = :dispatchDueAt, dispatch_seq = t.dispatch_seq + 1, version = t.version + 1
                  from picked p
                 where t.id = p.id
                returning t.id, p.status as from_status, t.queued_at, t.attempts, t.owner_id, t.type
            ), logged as (
                insert into task_transitions (task_id, from_status, to_status, at, attempt, detail)
                select id, from_status, 'QUEUED', queued_at, attempts, 'retried by an admin' from requeued
                returning task_id, id
            )
            select r.id as "id", r.owner_id as "ownerId", r.type as "type", r.from_status as "fromStatus",
                   r.attempts as "attempt", r.queued_at as "at", cast(null as varchar) as "workerId",
                   l.id as "transitionId"
              from requeued r join logged l on l.task_id = r.id
            """)
    List<BulkChange> retryAll(@Param("status") String status, @Param("type") String type,
            @Param("ownerId") Long ownerId, @Param("typeKeys") String[] typeKeys,
            @Param("extraAttempts") Integer[] extraAttempts, @Param("limit") int limit,
            @Param("dispatchDueAt") Instant dispatchDueAt);

    /** A change made to one of many tasks at once. */
    interface BulkChange extends TaskChange {
        UUID getId();
    }

    /**
     * The outbox relay claims tasks whose message is due and still unconfirmed, pushing their due
     * time forward so that no other relay (another gateway replica) takes them meanwhile.
     */
    @Transactional
    @Query(nativeQuery = true, value = """
            with due as (
                select id from tasks
                 where dispatch_due_at <= now() and status in ('QUEUED', 'RETRYING')
                 order by dispatch_due_at
                 limit :limit
                 for update skip locked
            ), claimed as (
                update tasks t set dispatch_due_at = now() + make_interval(secs => :retryAfterSeconds),
                                   dispatch_seq = t.dispatch_seq + 1
                  from due where t.id = due.id
                returning t.*
            )
            select * from claimed
            """)
    List<Task> claimDueForDispatch(@Param("limit") int limit, @Param("retryAfterSeconds") double retryAfterSeconds);

    /**
     * The broker confirmed these publications (task {@code ids[i]}'s publication number
     * {@code sequences[i]}, see {@link Task#dispatchKey()}): nothing left to publish for them,
     * unless the task has been marked for a newer publication since. Rows are locked in id order,
     * as {@link #claimAll} does, so the two never deadlock.
     */
    @Transactional
    @Modifying
    @Query(nativeQuery = true, value = """
            with confirmed as (
                select c.id, c.seq from unnest(cast(:ids as uuid[]), cast(:sequences as int[])) as c(id, seq)
            ), locked as materialized (
                select t.id from tasks t join confirmed c on c.id = t.id and t.dispatch_seq = c.seq
                 where t.dispatch_due_at is not null
                 order by t.id
                   for update of t
            )
            update tasks t set dispatch_due_at = null
              from confirmed c join locked l on l.id = c.id
             where t.id = c.id and t.dispatch_seq = c.seq and t.dispatch_due_at is not null
            """)
    int markDispatched(@Param("ids") UUID[] ids, @Param("sequences") Integer[] sequences);

    @Query("select t.status as status, count(t) as count from Task t group by t.status")
    List<StatusCount> countByStatus();

    interface StatusCount {
        TaskStatus getStatus();

        long getCount();
    }
}
