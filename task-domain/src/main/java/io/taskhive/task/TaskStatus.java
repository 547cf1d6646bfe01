package io.taskhive.task;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * The lifecycle of a task. The sets below say from where each move may start; the statements of
 * {@link io.taskhive.task.store} build their guards from them (a status {@code in (...)} in the
 * WHERE clause), so that a late or duplicate message can never move a finished task backwards,
 * whatever the interleaving.
 *
 * <pre>
 *   SCHEDULED ──due──▶ QUEUED ──claim──▶ RUNNING ──▶ SUCCEEDED | FAILED | DEAD
 *                        ▲  ▲              │ │
 *                        │  └─hand back────┘ └──retry later──▶ RETRYING ──claim──▶ RUNNING
 *                        └────── retry (owner, admin) ◀── FAILED | DEAD
 *   SCHEDULED | QUEUED | RETRYING | RUNNING ──cancel──▶ CANCELLED
 * </pre>
 * A task submitted with a later time to run starts SCHEDULED, and is not published until the
 * gateway's release finds it due. A RUNNING task whose worker stopped heartbeating is claimed
 * again (taken over) or moved on by the orphan sweeper (RETRYING, or DEAD when no attempt is left).
 */
public enum TaskStatus {
    SCHEDULED, QUEUED, RUNNING, RETRYING, SUCCEEDED, FAILED, CANCELLED, DEAD;

    private static final Set<TaskStatus> FINAL = Collections.unmodifiableSet(
            EnumSet.of(SUCCEEDED, FAILED, CANCELLED, DEAD));
    private static final Set<TaskStatus> CLAIMABLE = Collections.unmodifiableSet(EnumSet.of(QUEUED, RETRYING));
    private static final Set<TaskStatus> CANCELLABLE = Collections.unmodifiableSet(
            EnumSet.of(SCHEDULED, QUEUED, RETRYING, RUNNING));
    private static final Set<TaskStatus> RETRYABLE = Collections.unmodifiableSet(EnumSet.of(FAILED, DEAD));

    public boolean isFinal() {
        return FINAL.contains(this);
    }

    /** Statuses a worker may start an attempt from (and the outbox relay publish from). */
    public static Set<TaskStatus> claimable() {
        return CLAIMABLE;
    }

    /** Statuses a user may cancel from. */
    public static Set<TaskStatus> cancellable() {
        return CANCELLABLE;
    }

    /** Statuses a user may retry from. */
    public static Set<TaskStatus> retryable() {
        return RETRYABLE;
    }
}
