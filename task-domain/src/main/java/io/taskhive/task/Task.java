package io.taskhive.task;

import java.time.Instant;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

import io.taskhive.artifact.Artifact;

/**
 * A submitted task, as its row in {@code tasks} holds it. Its status only changes through the
 * guarded statements of {@link io.taskhive.task.store}, never by writing a changed copy back, so
 * that concurrent writers (workers, cancels, the relay) cannot overwrite each other.
 *
 * @param payload        the payload as JSON text
 * @param result         the result as JSON text, or null
 * @param timeoutSeconds this task's own timeout per attempt, or null for its type's
 * @param dispatchSeq    which publication of the task the outbox mark stands for
 * @param traceparent    the W3C traceparent of its submission, carried by every publication, or null
 * @param runAt          when its submitter asked it to run (it waited SCHEDULED until then), or null
 *                       for as soon as possible
 * @param priority       0 to 9, higher first while tasks wait for a worker
 * @param artifact       its result file in the artifact store, or null (none, or kept inline in the result)
 */
public record Task(UUID id, long ownerId, String type, String payload, TaskStatus status,
        @Nullable String result, @Nullable String error, int attempts, int maxAttempts,
        @Nullable Integer timeoutSeconds, @Nullable String idempotencyKey, Instant createdAt, @Nullable Instant queuedAt,
        @Nullable Instant startedAt, @Nullable Instant finishedAt, @Nullable String workerId, int dispatchSeq,
        @Nullable String traceparent, @Nullable Instant runAt, int priority,
        @Nullable Artifact artifact) {

    /** The lowest and highest priority a task may have. */
    public static final int MIN_PRIORITY = 0;
    public static final int MAX_PRIORITY = 9;

    /** Identifies this publication of the task in a publisher confirm: {@code id:dispatchSeq}. */
    public String dispatchKey() {
        return id + ":" + dispatchSeq;
    }

    /**
     * This task as a worker's final outcome left it, from the announcement of that outcome rather
     * than read back.
     */
    public Task finishedAs(TaskStatus finalStatus, @Nullable String finalResult, @Nullable String finalError,
            int finalAttempts, int finalMaxAttempts, Instant finalQueuedAt, @Nullable Instant finalStartedAt,
            @Nullable Instant finishedAt, @Nullable String finalWorkerId) {
        return new Task(id, ownerId, type, payload, finalStatus, finalResult, finalError, finalAttempts,
                finalMaxAttempts, timeoutSeconds, idempotencyKey, createdAt, finalQueuedAt, finalStartedAt, finishedAt,
                finalWorkerId, dispatchSeq, traceparent, runAt, priority, artifact);
    }
}
