package io.taskhive.worker.execution;

import org.jspecify.annotations.Nullable;

import io.taskhive.artifact.Artifact;
import io.taskhive.task.TaskStatus;

/** How running a task's code ended, before anything is recorded ({@link TaskRunner}). */
sealed interface AttemptEnding {

    /**
     * The code returned its result (JSON text); a file too large for the row was uploaded to the
     * artifact store as {@code artifact} (else null).
     */
    record Succeeded(String result, @Nullable Artifact artifact) implements AttemptEnding {

        Succeeded(String result) {
            this(result, null);
        }
    }

    /**
     * The code threw or timed out.
     *
     * @param permanent a {@link io.taskhive.task.PermanentTaskFailure}: another attempt would fail alike
     */
    record Failed(String error, boolean permanent) implements AttemptEnding {

        /**
         * The status the task ends in after {@code attempt} of {@code maxAttempts}: FAILED for a
         * permanent failure, DEAD when no attempt is left, null when it is retried later.
         */
        TaskStatus finalStatus(int attempt, int maxAttempts) {
            if (permanent) {
                return TaskStatus.FAILED;
            }
            return attempt < maxAttempts ? null : TaskStatus.DEAD;
        }
    }

    /** The replica is shutting down and the task did not finish within the drain: it goes back. */
    record HandedBack() implements AttemptEnding {
    }

    /** The task was cancelled or taken over while it ran: the other writer's status stands. */
    record Withdrawn() implements AttemptEnding {
    }
}
