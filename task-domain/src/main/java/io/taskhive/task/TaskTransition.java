package io.taskhive.task;

import java.time.Instant;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * One status change of a task, as its row in {@code task_transitions} holds it: written by the same
 * statement that makes the change, read for a task's history.
 *
 * @param id         the row's id, increasing with time: what an event stream resumes after
 * @param fromStatus null for the submission
 * @param detail     who or what caused the change (an error, "cancelled by an admin"), or null
 */
public record TaskTransition(long id, UUID taskId, @Nullable TaskStatus fromStatus, TaskStatus toStatus, Instant at,
        @Nullable String workerId, int attempt, @Nullable String detail) {
}
