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
     * A worker takes a task: QUEUED or RETRYING becomes RUNNING with the next attempt number. With
     * {@code takeOver} (the broker redelivered the message because its previous holder died) a
     * RUNNING task is taken too, and the new attempt number fences the old holder out.
     */
    @Transactional
    @Query(nativeQuery = true, value = """
            with current_row as (
                select id, status from tasks where id = :id for update
            ), claimed as (
                update tasks t
                   set status = 'RUNNING', attempts = t.attempts + 1, started_at = now(),
                       worker_id = :workerId, dispatch_due_at = null, version = t.version + 1
                  from current_row c
                 where t.id = c.id
                   and (c.status in ('QUEUED', 'RETRYING') or (cast(:takeOver as boolean) and c.status = 'RUNNING'))
                returning t.id, c.status as from_status, t.attempts, t.started_at, t.owner_id, t.type
            ), logged as (
                insert into task_transitions (task_id, from_status, to_status, at, worker_id, attempt)
                select id, from_status, 'RUNNING', started_at, cast(:workerId as varchar), attempts from claimed
            )
            select owner_id as "ownerId", type as "type", from_status as "fromStatus", attempts as "attempt",
                   started_at as "at", cast(:workerId as varchar) as "workerId"
              from claimed
            """)
    Optional<TaskChange> claim(@Param("id") UUID id, @Param("workerId") String workerId,
            @Param("takeOver") boolean takeOver);

    /**
     * The worker that holds attempt {@code attempt} records its outcome. Matches nothing if the task
     * was cancelled or taken over meanwhile.
     */
    @Transactional
    @Modifying
    @Query(nativeQuery = true, value = """
            with finished as (
                update tasks t
                   set status = :status, result = cast(:result as jsonb), error = cast(:error as text),
                       finished_at = now(), dispatch_due_at = null, version = t.version + 1
                 where t.id = :id and t.status = 'RUNNING' and t.attempts = :attempt
                returning t.id, t.finished_at, t.attempts
            )
            insert into task_transitions (task_id, from_status, to_status, at, worker_id, attempt, detail)
            select id, 'RUNNING', :status, finished_at, cast(:workerId as varchar), attempts, cast(:error as text)
              from finished
            """)
    int finish(@Param("id") UUID id, @Param("attempt") int attempt, @Param("status") String status,
            @Param("result") String result, @Param("error") String error, @Param("workerId") String workerId);

    /** The owner cancels a task that has not finished. */
    @Transactional
    @Query(nativeQuery = true, value = """
            with current_row as (
                select id, status from tasks where id = :id and owner_id = :ownerId for update
            ), cancelled as (
                update tasks t
                   set status = 'CANCELLED', finished_at = now(), dispatch_due_at = null, version = t.version + 1
                  from current_row c
                 where t.id = c.id and c.status in ('QUEUED', 'RETRYING', 'RUNNING')
                returning t.id, c.status as from_status, t.finished_at, t.attempts, t.worker_id, t.owner_id, t.type
            ), logged as (
                insert into task_transitions (task_id, from_status, to_status, at, worker_id, attempt, detail)
                select id, from_status, 'CANCELLED', finished_at, worker_id, attempts, 'cancelled by its owner'
                  from cancelled
            )
            select owner_id as "ownerId", type as "type", from_status as "fromStatus", attempts as "attempt",
                   finished_at as "at", worker_id as "workerId"
              from cancelled
            """)
    Optional<TaskChange> cancel(@Param("id") UUID id, @Param("ownerId") long ownerId);

    /**
     * The owner queues a FAILED or DEAD task again, with {@code extraAttempts} more attempts; the
     * outbox relay publishes it if the immediate publish does not get through.
     */
    @Transactional
    @Query(nativeQuery = true, value = """
            with current_row as (
                select id, status from tasks where id = :id and owner_id = :ownerId for update
            ), requeued as (
                update tasks t
                   set status = 'QUEUED', result = null, error = null, started_at = null, finished_at = null,
                       worker_id = null, queued_at = now(), max_attempts = t.attempts + :extraAttempts,
                       dispatch_due_at = :dispatchDueAt, version = t.version + 1
                  from current_row c
                 where t.id = c.id and c.status in ('FAILED', 'DEAD')
                returning t.id, c.status as from_status, t.queued_at, t.attempts, t.owner_id, t.type
            ), logged as (
                insert into task_transitions (task_id, from_status, to_status, at, attempt, detail)
                select id, from_status, 'QUEUED', queued_at, attempts, 'retried by its owner' from requeued
            )
            select owner_id as "ownerId", type as "type", from_status as "fromStatus", attempts as "attempt",
                   queued_at as "at", cast(null as varchar) as "workerId"
              from requeued
            """)
    Optional<TaskChange> retry(@Param("id") UUID id, @Param("ownerId") long ownerId,
            @Param("extraAttempts") int extraAttempts, @Param("dispatchDueAt") Instant dispatchDueAt);

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
                update tasks t set dispatch_due_at = now() + make_interval(secs => :retryAfterSeconds)
                  from due where t.id = due.id
                returning t.*
            )
            select * from claimed
            """)
    List<Task> claimDueForDispatch(@Param("limit") int limit, @Param("retryAfterSeconds") double retryAfterSeconds);

    /** The broker confirmed these tasks' messages: nothing left to publish for them. */
    @Transactional
    @Modifying
    @Query(nativeQuery = true, value = """
            update tasks set dispatch_due_at = null where id in (:ids) and dispatch_due_at is not null
            """)
    int markDispatched(@Param("ids") Collection<UUID> ids);

    @Query("select t.status as status, count(t) as count from Task t group by t.status")
    List<StatusCount> countByStatus();

    interface StatusCount {
        TaskStatus getStatus();

        long getCount();
    }
}
