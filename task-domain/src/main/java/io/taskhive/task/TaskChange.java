package io.taskhive.task;

import java.time.Instant;

/**
 * What a guarded status change of {@link TaskRepository} reports back: enough to publish the
 * matching event without reading the row again.
 */
public interface TaskChange {

    long getOwnerId();

    String getType();

    String getFromStatus();

    int getAttempt();

    Instant getAt();

    String getWorkerId();

    /** The id of the history row the change wrote. */
    long getTransitionId();

    default TaskStatus fromStatus() {
        return getFromStatus() == null ? null : TaskStatus.valueOf(getFromStatus());
    }
}
