package io.taskhive.task.store;

import static io.taskhive.task.store.Rows.array;
import static io.taskhive.task.store.Rows.in;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import io.taskhive.task.Task;
import io.taskhive.task.TaskStatus;

/**
 * The transactional outbox on the {@code tasks} rows: a task's {@code dispatch_due_at} is set
 * while its current message still has to reach the broker, and cleared once the broker confirmed
 * it (or a worker claimed the task). {@code dispatch_seq} numbers the publications, so that a late
 * confirm of an older one clears nothing. A SCHEDULED task has no mark: nothing is to be published
 * before its time, when {@link #releaseDue} queues it, held for a dispatch round.
 */
@Component
public class OutboxStore {

    private final JdbcClient jdbc;

    OutboxStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Up to {@code limit} tasks whose message is due and still unconfirmed, their due time pushed
     * {@code retryAfter} forward so that no other relay (another gateway replica) takes them
     * meanwhile; each counts as a new publication. Rows another relay holds are skipped.
     */
    public List<Task> claimDue(int limit, Duration retryAfter) {
        return jdbc.sql("""
                with due as (
                    select id from tasks
                     where dispatch_due_at <= now() and status in (%s)
                     order by dispatch_due_at
                     limit :limit
                     for update skip locked
                ), claimed as (
                    update tasks t set dispatch_due_at = now() + make_interval(secs => :retryAfterSeconds),
                                       dispatch_seq = t.dispatch_seq + 1
                      from due where t.id = due.id
                    returning t.*
                )
                select %s from claimed t
                """.formatted(in(TaskStatus.claimable()), Rows.TASK_COLUMNS))
                .param("limit", limit)
                .param("retryAfterSeconds", Rows.seconds(retryAfter))
                .query(Rows::task).list();
    }

    /**
     * Queues up to {@code limit} SCHEDULED tasks whose time has come, the longest due first: each
     * moves to QUEUED (its history says so, with the time it was released), held back for the
     * dispatch rounds ({@link DispatchStore}) to publish in their fair order, so that ten thousand
     * tasks due at one instant queue fairly with everyone else's. Rows another release (another
     * gateway replica) or a cancel holds are skipped; a task whose cancel committed first is no
     * longer SCHEDULED. The history rows take their ids from the history's own sequence in the
     * update, so that nothing joins the released rows with the history rows afterwards: on a table
     * whose statistics do not know the scheduled rows yet, the planner would join two results it
     * believes hold a row each with a nested loop, quadratic in the batch (seconds for 10,000).
     */
    public List<ReleasedTask> releaseDue(int limit) {
        return jdbc.sql("""
                with due as (
                    select id from tasks
                     where status = 'SCHEDULED' and run_at <= now()
                     order by run_at
                     limit :limit
                     for update skip locked
                ), released as (
                    update tasks t set status = 'QUEUED', queued_at = now(), version = t.version + 1
                      from due where t.id = due.id and t.status = 'SCHEDULED'
                    returning t.id, t.owner_id, t.type, t.attempts, t.queued_at, t.run_at,
                              %s as transition_id
                ), logged as (
                    insert into task_transitions (id, task_id, from_status, to_status, at, attempt, detail)
                    select transition_id, id, 'SCHEDULED', 'QUEUED', queued_at, attempts, 'due' from released
                )
                select id, owner_id, type, attempts, queued_at, run_at, transition_id from released
                 order by run_at, id
                """.formatted(Rows.NEXT_TRANSITION_ID))
                .param("limit", limit)
                .query((row, number) -> new ReleasedTask(row.getObject(1, UUID.class), row.getLong(2),
                        row.getString(3), row.getInt(4), Rows.instant(row, 5), Rows.instant(row, 6), row.getLong(7)))
                .list();
    }

    /**
     * How long until the next SCHEDULED task is due, by the database's clock (negative if one is
     * due already); null if none is scheduled.
     */
    public @Nullable Long millisUntilNextDue() {
        List<Long> next = jdbc.sql("select cast(extract(epoch from min(run_at) - now()) * 1000 as bigint) from tasks "
                + "where status = 'SCHEDULED'").query(Long.class).list();
        return next.isEmpty() ? null : next.getFirst();
    }

    /**
     * The broker confirmed these publications: nothing left to publish for them, unless the task
     * has been marked for a newer publication since. Returns how many marks it cleared.
     *
     * <p>A task another transaction holds is skipped, not waited for. Whoever holds a marked task
     * clears or renews its mark (a worker's claim or outcome, a cancel, the relay, a retry), so
     * once it commits there is nothing left to clear; if it rolls back, the mark stays and the
     * relay publishes the task once more, which workers skip. Waiting cost more than that: under
     * a backlog this statement queued behind the workers' claim-and-complete batches, holding the
     * rows it had locked already, and their next batches then queued behind it.
     *
     * <p>The tasks are found by their ids and publications as two lists, without joining the
     * confirmations as a table. Statistics taken while few tasks were marked make the planner
     * expect one marked task where hundreds wait in the queue; with a join, that estimate made it
     * scan the whole confirmed batch once per marked task, 160-650 ms a call (docs/benchmarks.md,
     * "Confirmations"). Matching against a list is linear however the tasks are reached.
     */
    public int confirmed(List<Publication> publications) {
        return jdbc.sql("""
                with locked as materialized (
                    select t.id from tasks t
                     where t.id = any(cast(:ids as uuid[])) and t.dispatch_due_at is not null
                       and cast(t.id as text) || ':' || t.dispatch_seq = any(cast(:publications as text[]))
                       for update of t skip locked
                )
                update tasks t set dispatch_due_at = null from locked l where t.id = l.id
                """)
                .param("ids", array("uuid", publications.stream().map(Publication::taskId).distinct().toArray()))
                .param("publications", array("text", publications.stream().map(Publication::key).toArray()))
                .update();
    }
}
