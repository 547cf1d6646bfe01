package io.taskhive.task.store;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import io.taskhive.task.TaskStatus;

/**
 * Deletes finished tasks once they are old enough, a small batch at a time. Their history goes with
 * them ({@code task_transitions} cascades), and so does their idempotency key: the unique index
 * holds only live rows, so the same key later creates a new task.
 */
@Component
public class RetentionStore {

    /**
     * The oldest due tasks of one status, from the {@code tasks_finished} index in its own order,
     * locked with SKIP LOCKED (another replica's batch, or an admin retrying one of them, holds its
     * rows: this batch takes others instead of waiting). Status and age are checked again on the
     * row that is deleted. The delete reaches the rows by primary key from an array: joined to the
     * picked ids, the planner may read every task of a rare status (FAILED, DEAD) through
     * {@code tasks_failed} to build a hash, whatever the batch size. {@code finishedFrom} is where
     * the previous batch of the run stopped: the index holds every status, so without it each
     * batch would first walk again past the older tasks of statuses kept longer.
     */
    static final String PURGE = """
            with due as (
                select id from tasks
                 where status = :status and finished_at >= :finishedFrom and finished_at < :finishedBefore
                 order by finished_at
                 limit :limit
                   for update skip locked
            ), purged as (
                delete from tasks t
                 where t.id = any(array(select id from due))
                   and t.status = :status and t.finished_at < :finishedBefore
                returning t.finished_at, t.artifact_key
            )
            select count(*), max(finished_at),
                   coalesce(array_agg(artifact_key) filter (where artifact_key is not null), '{}')
              from purged
            """;

    private final JdbcClient jdbc;

    RetentionStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Deletes up to {@code limit} tasks in {@code status} (a final one) that finished at or after
     * {@code finishedFrom} and before {@code finishedBefore}, oldest first, with their history, in
     * one statement (its own short transaction). Fewer than {@code limit} means none of that status
     * was left due in that range, but for rows other transactions held at that moment. The batch
     * names the artifacts of the deleted tasks: the caller deletes those objects.
     */
    public PurgedBatch purge(TaskStatus status, Instant finishedFrom, Instant finishedBefore, int limit) {
        if (!status.isFinal()) {
            throw new IllegalArgumentException("only finished tasks are purged, not " + status);
        }
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1");
        }
        return jdbc.sql(PURGE)
                .param("status", status.name())
                .param("finishedFrom", finishedFrom.atOffset(ZoneOffset.UTC))
                .param("finishedBefore", finishedBefore.atOffset(ZoneOffset.UTC))
                .param("limit", limit)
                .query((row, number) -> new PurgedBatch(row.getInt(1), Rows.instant(row, 2),
                        List.of((String[]) row.getArray(3).getArray())))
                .single();
    }
}
