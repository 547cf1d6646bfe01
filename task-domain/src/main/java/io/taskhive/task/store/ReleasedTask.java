package io.taskhive.task.store;

import io.taskhive.task.Task;

/**
 * A scheduled task that came due and was queued ({@link OutboxStore#releaseDue}): the task as it
 * is now (QUEUED, its publication marked), and the history row of its move from SCHEDULED.
 */
public record ReleasedTask(Task task, long transitionId) {
}
