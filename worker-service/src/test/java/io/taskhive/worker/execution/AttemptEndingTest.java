package io.taskhive.worker.execution;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.taskhive.task.TaskStatus;

/** What a failed attempt leads to: retried while attempts remain, unless the failure is permanent. */
class AttemptEndingTest {

    private final AttemptEnding.Failed transientFailure = new AttemptEnding.Failed("connection reset", false);
    private final AttemptEnding.Failed permanentFailure = new AttemptEnding.Failed("the input cannot work", true);

    @Test
    void aTransientFailureIsRetriedWhileAttemptsRemain() {
        assertThat(transientFailure.finalStatus(1, 3)).isNull();
        assertThat(transientFailure.finalStatus(2, 3)).isNull();
    }

    @Test
    void theLastAttemptsTransientFailureParksTheTaskDead() {
        assertThat(transientFailure.finalStatus(3, 3)).isEqualTo(TaskStatus.DEAD);
        assertThat(transientFailure.finalStatus(1, 1)).isEqualTo(TaskStatus.DEAD);
        // A hand-back raises max attempts; an attempt beyond an older maximum is still the last.
        assertThat(transientFailure.finalStatus(4, 3)).isEqualTo(TaskStatus.DEAD);
    }

    @Test
    void aPermanentFailureEndsTheTaskAtOnceWhateverIsLeft() {
        assertThat(permanentFailure.finalStatus(1, 5)).isEqualTo(TaskStatus.FAILED);
        assertThat(permanentFailure.finalStatus(5, 5)).isEqualTo(TaskStatus.FAILED);
    }
}
