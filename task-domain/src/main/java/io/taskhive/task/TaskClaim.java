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

    /** The id of the history row the claim wrote. */
    long getTransitionId();

    default TaskStatus fromStatus() {
        return TaskStatus.valueOf(getFromStatus());
    }
}
