package io.taskhive.task;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;

import org.junit.jupiter.api.Test;

/** The guards' sets; {@code TaskStoreTest} shows each statement lets through exactly its set. */
class TaskStatusTest {

    @Test
    void noMoveStartsFromSucceededOrCancelled() {
        EnumSet<TaskStatus> anyStart = EnumSet.noneOf(TaskStatus.class);
        anyStart.addAll(TaskStatus.claimable());
        anyStart.addAll(TaskStatus.cancellable());
        anyStart.addAll(TaskStatus.retryable());
        assertThat(anyStart).doesNotContain(TaskStatus.SUCCEEDED, TaskStatus.CANCELLED);
    }

    @Test
    void onlyUnfinishedTasksRunOrCancelAndOnlyFailedOnesAreRetried() {
        assertThat(TaskStatus.claimable()).containsExactlyInAnyOrder(TaskStatus.QUEUED, TaskStatus.RETRYING)
                .noneMatch(TaskStatus::isFinal);
        assertThat(TaskStatus.cancellable()).containsAll(TaskStatus.claimable()).contains(TaskStatus.RUNNING)
                .noneMatch(TaskStatus::isFinal);
        assertThat(TaskStatus.retryable()).containsExactlyInAnyOrder(TaskStatus.FAILED, TaskStatus.DEAD)
                .allMatch(TaskStatus::isFinal);
    }

}
