package io.taskhive.task;

import java.time.Instant;

/** What a worker learns when it claims a task: enough to run it, record it and announce it. */
public interface TaskClaim {

    long getOwnerId();

    String getFromStatus();

    int getAttempt();

    int getMaxAttempts();

    Integer getTimeoutSeconds();

    Instant getAt();

    /** When the task was last queued (submitted, handed back, retried by an admin). */
    Instant getQueuedAt();

    /** The id of the history row the claim wrote. */
    long getTransitionId();

    default TaskStatus fromStatus() {
        return TaskStatus.valueOf(getFromStatus());
    }
}
