package io.taskhive.task.store;

import java.time.Instant;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

import io.taskhive.task.Task;
import io.taskhive.task.TaskStatus;

/**
 * A validated submission, about to be stored ({@link TaskStore#insert}): QUEUED, or SCHEDULED when
 * it has a time to run.
 *
 * @param payload        the payload as JSON text
 * @param timeoutSeconds its own timeout per attempt, or null for its type's
 * @param idempotencyKey the owner's key for it, or null
 * @param createdAt      to the microsecond, as PostgreSQL keeps it
 * @param traceparent    the W3C traceparent of its submission, or null
 * @param runAt          when it is to run, later than {@code createdAt}; null for at once
 * @param priority       0 to 9
 * @param held           to be stored QUEUED but not published yet: the dispatch rounds publish it
 *                       (workers are behind, or its owner is at their limit of running tasks)
 */
public record NewTask(UUID id, long ownerId, String type, String payload, int maxAttempts,
        @Nullable Integer timeoutSeconds, @Nullable String idempotencyKey, Instant createdAt,
        @Nullable String traceparent, @Nullable Instant runAt, int priority, boolean held) {

    /**
     * The task as its insert stores it, no attempt yet: QUEUED with its first publication due,
     * QUEUED and held back, or SCHEDULED, neither queued nor published before its time.
     */
    public Task stored() {
        if (runAt != null) {
            return new Task(id, ownerId, type, payload, TaskStatus.SCHEDULED, null, null, 0, maxAttempts,
                    timeoutSeconds, idempotencyKey, createdAt, null, null, null, null, 0, traceparent, runAt, priority, null);
        }
        return new Task(id, ownerId, type, payload, TaskStatus.QUEUED, null, null, 0, maxAttempts, timeoutSeconds,
                idempotencyKey, createdAt, createdAt, null, null, null, held ? 0 : 1, traceparent, null, priority, null);
    }

    /** This task, to be held back for a dispatch round rather than published on insert. */
    public NewTask asHeld() {
        return new NewTask(id, ownerId, type, payload, maxAttempts, timeoutSeconds, idempotencyKey, createdAt,
                traceparent, runAt, priority, true);
    }

    /** Whether its insert also marks it for publication now. */
    public boolean publishedOnInsert() {
        return runAt == null && !held;
    }
}
