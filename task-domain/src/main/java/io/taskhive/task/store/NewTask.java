package io.taskhive.task.store;

import java.time.Instant;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

import io.taskhive.task.Task;
import io.taskhive.task.TaskStatus;

/**
 * A validated submission, about to be stored as QUEUED ({@link TaskStore#insert}).
 *
 * @param payload        the payload as JSON text
 * @param timeoutSeconds its own timeout per attempt, or null for its type's
 * @param idempotencyKey the owner's key for it, or null
 * @param createdAt      to the microsecond, as PostgreSQL keeps it
 * @param traceparent    the W3C traceparent of its submission, or null
 */
public record NewTask(UUID id, long ownerId, String type, String payload, int maxAttempts,
        @Nullable Integer timeoutSeconds, @Nullable String idempotencyKey, Instant createdAt,
        @Nullable String traceparent) {

    /** The task as its insert stores it: QUEUED, no attempt yet, its first publication due. */
    public Task queued() {
        return new Task(id, ownerId, type, payload, TaskStatus.QUEUED, null, null, 0, maxAttempts, timeoutSeconds,
                idempotencyKey, createdAt, createdAt, null, null, null, 1, traceparent, null);
    }
}
