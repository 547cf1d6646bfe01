package io.taskhive.task.store;

import java.util.UUID;

import org.jspecify.annotations.Nullable;

import io.taskhive.artifact.Artifact;
import io.taskhive.task.TaskStatus;

/**
 * How an attempt ended, for {@link AttemptStore#finish}.
 *
 * @param attempt the attempt's number, as its claim returned it: a task that has moved on since
 *                (cancelled, taken over) refuses the outcome
 * @param status  SUCCEEDED, FAILED or DEAD
 * @param result  JSON text, for SUCCEEDED
 * @param error   what went wrong, otherwise
 * @param artifact the result file this attempt uploaded to the artifact store, for SUCCEEDED, or null
 */
public record Outcome(UUID taskId, int attempt, TaskStatus status, @Nullable String result, @Nullable String error,
        @Nullable Artifact artifact) {

    /** An outcome with no artifact. */
    public Outcome(UUID taskId, int attempt, TaskStatus status, @Nullable String result, @Nullable String error) {
        this(taskId, attempt, status, result, error, null);
    }
}
