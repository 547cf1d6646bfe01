package io.taskhive.task.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.support.SqlArrayValue;

import io.taskhive.artifact.Artifact;
import io.taskhive.task.Task;
import io.taskhive.task.TaskStatus;
import io.taskhive.task.TaskTransition;

/** Reading the store's rows into records, and writing the arrays and lists its statements take. */
final class Rows {

    /** The columns of {@link #task}, in its order, for a {@code tasks} row named {@code t}. */
    static final String TASK_COLUMNS = """
            t.id, t.owner_id, t.type, t.payload, t.status, t.result, t.error, t.attempts, t.max_attempts,
            t.timeout_seconds, t.idempotency_key, t.created_at, t.queued_at, t.started_at, t.finished_at,
            t.worker_id, t.dispatch_seq, t.traceparent, t.run_at, t.priority, t.artifact_key, t.artifact_size,
            t.artifact_content_type, t.artifact_sha256""";

    /**
     * The id of a history row, taken in the statement that changes the task (in its update's
     * {@code RETURNING}): the statement then returns the ids from the update alone. Joining the
     * inserted history rows back to the updated tasks instead is planned from estimates that know
     * nothing of either side, and a nested loop over them is quadratic in the batch.
     */
    static final String NEXT_TRANSITION_ID = "nextval(pg_get_serial_sequence('task_transitions', 'id'))";

    private Rows() {
    }

    static Task task(ResultSet row, int number) throws SQLException {
        int timeout = row.getInt(10);
        Integer timeoutSeconds = row.wasNull() ? null : timeout;
        return new Task(row.getObject(1, UUID.class), row.getLong(2), row.getString(3), row.getString(4),
                TaskStatus.valueOf(row.getString(5)), row.getString(6), row.getString(7), row.getInt(8),
                row.getInt(9), timeoutSeconds, row.getString(11), instant(row, 12), instant(row, 13),
                instant(row, 14), instant(row, 15), row.getString(16), row.getInt(17), row.getString(18),
                instant(row, 19), row.getInt(20), artifact(row, 21));
    }

    /** The four artifact columns from {@code first} on, or null when the task has no artifact. */
    static @Nullable Artifact artifact(ResultSet row, int first) throws SQLException {
        String key = row.getString(first);
        return key == null ? null : new Artifact(key, row.getLong(first + 1), row.getString(first + 2),
                row.getString(first + 3));
    }

    /** A {@code task_transitions} row: id, task_id, from_status, to_status, at, worker_id, attempt, detail. */
    static TaskTransition transition(ResultSet row, int number) throws SQLException {
        return new TaskTransition(row.getLong(1), row.getObject(2, UUID.class), status(row.getString(3)),
                TaskStatus.valueOf(row.getString(4)), instant(row, 5), row.getString(6), row.getInt(7),
                row.getString(8));
    }

    static @Nullable Instant instant(ResultSet row, int column) throws SQLException {
        OffsetDateTime value = row.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    static @Nullable Integer nullableInt(ResultSet row, int column) throws SQLException {
        int value = row.getInt(column);
        return row.wasNull() ? null : value;
    }

    static @Nullable TaskStatus status(@Nullable String name) {
        return name == null ? null : TaskStatus.valueOf(name);
    }

    /** A guard's list of statuses, as SQL: {@code 'QUEUED', 'RETRYING'}. */
    static String in(Set<TaskStatus> statuses) {
        return statuses.stream().map(status -> "'" + status.name() + "'").collect(Collectors.joining(", "));
    }

    static SqlArrayValue array(String elementType, @Nullable Object[] elements) {
        return new SqlArrayValue(elementType, elements);
    }

    /** Seconds, as {@code make_interval(secs => ...)} takes them. */
    static double seconds(java.time.Duration duration) {
        return duration.toMillis() / 1000.0;
    }
}
