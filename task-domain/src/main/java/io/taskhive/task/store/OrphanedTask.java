package io.taskhive.task.store;

import java.time.Instant;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

import io.taskhive.task.TaskStatus;

/**
 * A RUNNING task whose holder stopped heartbeating, moved on by {@link AttemptStore#returnOrphans}.
 *
 * @param status   RETRYING, or DEAD when no attempt was left
 * @param workerId the holder that stopped responding
 */
public record OrphanedTask(UUID id, long ownerId, String type, TaskStatus status, int attempt,
        @Nullable String workerId, long transitionId, Instant at) {
}
