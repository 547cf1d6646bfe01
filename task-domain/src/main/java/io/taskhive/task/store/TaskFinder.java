package io.taskhive.task.store;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import io.taskhive.task.Task;
import io.taskhive.task.TaskStatus;
import io.taskhive.task.TaskTransition;

/** Reads tasks and their histories; never writes. */
@Component
public class TaskFinder {

    /**
     * How far a listing's total is counted. Counting every match costs one index entry each, and
     * a heap row too where the visibility map is behind (autovacuum off, or recent inserts): a user
     * with 200,000 tasks waited some 250 ms for every first page, and ten thousand matches cost a
     * common type's listing 25 ms (benchmarks/run history). A thousand is fifty pages.
     */
    public static final int COUNT_LIMIT = 1_000;

    private static final String SELECT_TASK = "select " + Rows.TASK_COLUMNS + " from tasks t ";

    private final JdbcClient jdbc;

    TaskFinder(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public Optional<Task> find(UUID id) {
        return jdbc.sql(SELECT_TASK + "where t.id = :id").param("id", id).query(Rows::task).optional();
    }

    /** The task if {@code ownerId} owns it: another user's task is as absent as a missing one. */
    public Optional<Task> findOwned(UUID id, long ownerId) {
        return jdbc.sql(SELECT_TASK + "where t.id = :id and t.owner_id = :ownerId")
                .param("id", id).param("ownerId", ownerId)
                .query(Rows::task).optional();
    }

    public Optional<Task> findByIdempotencyKey(long ownerId, String idempotencyKey) {
        return jdbc.sql(SELECT_TASK + "where t.owner_id = :ownerId and t.idempotency_key = :key")
                .param("ownerId", ownerId).param("key", idempotencyKey)
                .query(Rows::task).optional();
    }

    /** The tasks of these ids that exist, in no particular order. */
    public List<Task> findAll(Collection<UUID> ids) {
        return jdbc.sql(SELECT_TASK + "where t.id = any(cast(:ids as uuid[]))")
                .param("ids", Rows.array("uuid", ids.toArray()))
                .query(Rows::task).list();
    }

    /**
     * Of these artifact keys, those a task row refers to (found through the task ids in the keys, by
     * primary key): any other object under the artifacts' prefix is an orphan.
     */
    public java.util.Set<String> referencedArtifacts(Collection<String> keys) {
        Object[] ids = keys.stream().map(io.taskhive.artifact.Artifact::taskOf).filter(java.util.Objects::nonNull)
                .distinct().toArray();
        if (ids.length == 0) {
            return java.util.Set.of();
        }
        return java.util.Set.copyOf(jdbc.sql("select artifact_key from tasks where id = any(cast(:ids as uuid[]))"
                        + " and artifact_key is not null")
                .param("ids", Rows.array("uuid", ids))
                .query(String.class).list());
    }

    public boolean exists(UUID id) {
        return jdbc.sql("select exists (select 1 from tasks where id = :id)").param("id", id)
                .query(Boolean.class).single();
    }

    /** A task's changes, oldest first. */
    public List<TaskTransition> history(UUID taskId) {
        return jdbc.sql("""
                select id, task_id, from_status, to_status, at, worker_id, attempt, detail
                  from task_transitions where task_id = :taskId order by id
                """)
                .param("taskId", taskId)
                .query(Rows::transition).list();
    }

    /**
     * Page {@code page} (from 0) of {@code size} tasks that {@code filter} matches, newest first;
     * the order the {@code tasks_*_created} indexes keep. The total is counted up to
     * {@link #COUNT_LIMIT} (or to the end of this page, if further): past that it is a lower bound.
     */
    public TaskPage<Task> page(TaskFilter filter, int page, int size) {
        return page(filter, page, size, COUNT_LIMIT);
    }

    TaskPage<Task> page(TaskFilter filter, int page, int size, int countLimit) {
        List<String> conditions = new ArrayList<>();
        if (filter.ownerId() != null) {
            conditions.add("t.owner_id = :ownerId");
        } else {
            // true of every task: the predicate of the partial tasks_created (migration V11), which
            // only everyone's listing may use
            conditions.add("t.created_at > '-infinity'");
        }
        if (filter.status() != null) {
            conditions.add("t.status = :status");
        }
        if (filter.type() != null) {
            conditions.add("t.type = :type");
        }
        String where = "where " + String.join(" and ", conditions) + " ";
        long offset = (long) page * size;
        List<Task> items = bind(jdbc.sql(SELECT_TASK + where
                + "order by t.created_at desc, t.id desc limit :limit offset :offset"), filter)
                .param("limit", size).param("offset", offset)
                .query(Rows::task).list();
        if (items.size() < size && (page == 0 || !items.isEmpty())) {
            return new TaskPage<>(items, page, size, offset + items.size(), true);
        }
        long bound = Math.max(countLimit, offset + size);
        // In the listing's order, so that it is counted along the listing's index: unordered, the
        // planner may scan the table from its oldest rows, as if the matches were spread evenly.
        long counted = bind(jdbc.sql("select count(*) from (select 1 from tasks t " + where
                + "order by t.created_at desc, t.id desc limit :bound) matches"), filter)
                .param("bound", bound + 1).query(Long.class).single();
        return counted > bound ? new TaskPage<>(items, page, size, bound, false)
                : new TaskPage<>(items, page, size, counted, true);
    }

    private static JdbcClient.StatementSpec bind(JdbcClient.StatementSpec statement, TaskFilter filter) {
        if (filter.ownerId() != null) {
            statement = statement.param("ownerId", filter.ownerId());
        }
        if (filter.status() != null) {
            statement = statement.param("status", filter.status().name());
        }
        if (filter.type() != null) {
            statement = statement.param("type", filter.type());
        }
        return statement;
    }

    /** How many tasks are in each status (every status present, 0 if none). */
    public Map<TaskStatus, Long> countByStatus() {
        Map<TaskStatus, Long> counts = new EnumMap<>(TaskStatus.class);
        for (TaskStatus status : TaskStatus.values()) {
            counts.put(status, 0L);
        }
        jdbc.sql("select status, count(*) from tasks group by status")
                .query((RowCallbackHandler) row -> counts.put(TaskStatus.valueOf(row.getString(1)), row.getLong(2)));
        return counts;
    }
}
