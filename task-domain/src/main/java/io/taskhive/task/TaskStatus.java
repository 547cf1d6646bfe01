package io.taskhive.task;

import java.util.EnumSet;
import java.util.Set;

/**
 * The lifecycle of a task. The allowed moves live here so that gateway and worker guard the same
 * rules; the SQL that changes a status repeats them in its WHERE clause so that a late or
 * duplicate message can never move a finished task backwards, whatever the interleaving.
 */
public enum TaskStatus {
    QUEUED, RUNNING, RETRYING, SUCCEEDED, FAILED, CANCELLED, DEAD;

    private static final Set<TaskStatus> FINAL = EnumSet.of(SUCCEEDED, FAILED, CANCELLED, DEAD);

    public boolean isFinal() {
        return FINAL.contains(this);
    }

    public boolean canMoveTo(TaskStatus next) {
        return switch (this) {
            case QUEUED, RETRYING -> next == RUNNING || next == CANCELLED;
            case RUNNING -> next == SUCCEEDED || next == FAILED || next == RETRYING || next == DEAD
                    || next == CANCELLED
                    // a worker that died mid-task: its redelivered message is run again
                    || next == RUNNING;
            case FAILED, DEAD -> next == QUEUED; // an explicit retry by the owner
            case SUCCEEDED, CANCELLED -> false;
        };
    }

    /** Statuses a user may cancel from. */
    public static Set<TaskStatus> cancellable() {
        return EnumSet.of(QUEUED, RETRYING, RUNNING);
    }

    /** Statuses a user may retry from. */
    public static Set<TaskStatus> retryable() {
        return EnumSet.of(FAILED, DEAD);
    }
}
