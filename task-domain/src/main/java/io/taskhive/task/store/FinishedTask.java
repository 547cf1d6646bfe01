package io.taskhive.task.store;

import java.time.Instant;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

import io.taskhive.task.TaskStatus;

/**
 * A task whose final outcome a worker has just recorded ({@link AttemptStore#finish},
 * {@link AttemptStore#complete}): the columns that changed since it was submitted, as the
 * statement left them, so that the outcome can be announced whole.
 *
 * @param startTransitionId the history row of the change to RUNNING when the same statement made it
 *                          (a completion), else null
 * @param transitionId      the history row of the final change
 */
public record FinishedTask(UUID id, long ownerId, TaskStatus fromStatus, int attempt, int maxAttempts,
        Instant queuedAt, Instant startedAt, Instant finishedAt, @Nullable Long startTransitionId, long transitionId) {
}
