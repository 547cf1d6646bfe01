package io.taskhive.task.store;

import java.time.Instant;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

import io.taskhive.task.TaskStatus;

/**
 * What a guarded change by an owner or an admin ({@link TaskStore#cancel}, {@link TaskStore#retry},
 * {@link TaskStore#retryAll}) reports back: enough to publish the matching event without reading
 * the row again.
 *
 * @param workerId     the worker that held it (a cancelled RUNNING task), or null
 * @param transitionId the history row the change wrote
 */
public record TaskChange(UUID taskId, long ownerId, String type, @Nullable TaskStatus fromStatus, TaskStatus toStatus,
        int attempt, Instant at, @Nullable String workerId, long transitionId) {
}
