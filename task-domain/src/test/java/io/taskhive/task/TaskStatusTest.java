package io.taskhive.task;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TaskStatusTest {

    @Test
    void finishedTasksNeverMoveBackwards() {
        for (TaskStatus next : TaskStatus.values()) {
            assertThat(TaskStatus.SUCCEEDED.canMoveTo(next)).as("SUCCEEDED -> " + next).isFalse();
            assertThat(TaskStatus.CANCELLED.canMoveTo(next)).as("CANCELLED -> " + next).isFalse();
        }
        assertThat(TaskStatus.FAILED.canMoveTo(TaskStatus.RUNNING)).isFalse();
        assertThat(TaskStatus.DEAD.canMoveTo(TaskStatus.SUCCEEDED)).isFalse();
    }

    @Test
    void theLifecycleMovesForward() {
        assertThat(TaskStatus.QUEUED.canMoveTo(TaskStatus.RUNNING)).isTrue();
        assertThat(TaskStatus.RUNNING.canMoveTo(TaskStatus.SUCCEEDED)).isTrue();
        assertThat(TaskStatus.RUNNING.canMoveTo(TaskStatus.RETRYING)).isTrue();
        assertThat(TaskStatus.RETRYING.canMoveTo(TaskStatus.RUNNING)).isTrue();
        assertThat(TaskStatus.FAILED.canMoveTo(TaskStatus.QUEUED)).isTrue();
        assertThat(TaskStatus.QUEUED.canMoveTo(TaskStatus.SUCCEEDED)).isFalse();
    }

    @Test
    void whatCanBeCancelledOrRetriedMatchesTheMoves() {
        TaskStatus.cancellable().forEach(s -> assertThat(s.canMoveTo(TaskStatus.CANCELLED)).isTrue());
        TaskStatus.retryable().forEach(s -> assertThat(s.canMoveTo(TaskStatus.QUEUED)).isTrue());
        assertThat(TaskStatus.cancellable()).noneMatch(TaskStatus::isFinal);
        assertThat(TaskStatus.retryable()).allMatch(TaskStatus::isFinal);
    }
}
