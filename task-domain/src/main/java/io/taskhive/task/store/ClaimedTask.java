package io.taskhive.task.store;

import java.time.Instant;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

import io.taskhive.task.TaskStatus;

/**
 * What a worker learns when it claims a task ({@link AttemptStore#claim}): enough to run it, record
 * it and announce it.
 *
 * @param fromStatus     QUEUED or RETRYING, or RUNNING when taken over from a dead holder
 * @param attempt        the number of the attempt just begun: the fencing token of its outcome
 * @param timeoutSeconds its own timeout per attempt, or null for its type's
 * @param at             when the attempt began
 * @param transitionId   the history row the claim wrote
 * @param queuedAt       when it was last queued (submitted, handed back, retried by an admin)
 */
public record ClaimedTask(UUID id, long ownerId, TaskStatus fromStatus, int attempt, int maxAttempts,
        @Nullable Integer timeoutSeconds, Instant at, long transitionId, Instant queuedAt) {
}
