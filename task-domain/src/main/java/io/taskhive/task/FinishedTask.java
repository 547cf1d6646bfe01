package io.taskhive.task;

import java.time.Instant;
import java.util.UUID;

/**
 * A task whose final outcome a worker has just recorded ({@link TaskStatements#finishAll},
 * {@link TaskStatements#completeAll}): the columns that changed since it was submitted, as the
 * statement left them, so that the outcome can be announced whole, with the ids of the history rows
 * written: {@code startTransitionId} of the change to RUNNING when the same statement made it (a
 * completion), else null; {@code transitionId} of the final change.
 */
public record FinishedTask(UUID id, long ownerId, TaskStatus fromStatus, int attempt, int maxAttempts,
        Instant queuedAt, Instant startedAt, Instant finishedAt, Long startTransitionId, long transitionId) {
}
