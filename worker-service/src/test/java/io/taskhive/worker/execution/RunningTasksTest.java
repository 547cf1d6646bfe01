package io.taskhive.worker.execution;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.taskhive.worker.execution.RunningTasks.Interruption;

/** Which interrupt reaches a running task, and which reason it keeps: the reason decides the attempt's outcome. */
class RunningTasksTest {

    private final RunningTasks running = new RunningTasks();

    @AfterEach
    void clearInterruptOfTheTestThread() {
        Thread.interrupted();
    }

    @Test
    void onlyATaskRunningHereCanBeInterrupted() {
        assertThat(running.interrupt(UUID.randomUUID(), Interruption.WITHDRAWN)).isFalse();
        assertThat(Thread.currentThread().isInterrupted()).isFalse();

        UUID id = UUID.randomUUID();
        RunningTasks.Running task = running.started(id, 2, Thread.currentThread());
        assertThat(running.interrupt(id, Interruption.WITHDRAWN)).isTrue();
        assertThat(Thread.currentThread().isInterrupted()).isTrue();
        assertThat(task.interruption()).isEqualTo(Interruption.WITHDRAWN);
    }

    @Test
    void theFirstReasonWinsAndTheThreadIsInterruptedOnce() {
        UUID id = UUID.randomUUID();
        RunningTasks.Running task = running.started(id, 1, Thread.currentThread());
        running.interrupt(id, Interruption.TIMEOUT);
        Thread.interrupted(); // as a task would when it catches the interrupt
        // a shutdown after the timeout must not turn the failed attempt into a free hand-back
        assertThat(running.interrupt(id, Interruption.SHUTDOWN)).isTrue();
        running.interruptAll(Interruption.WITHDRAWN);
        assertThat(task.interruption()).isEqualTo(Interruption.TIMEOUT);
        assertThat(Thread.currentThread().isInterrupted()).as("not interrupted again").isFalse();
    }

    @Test
    void oncefinishedNoInterruptReachesTheThreadAndNoneIsLeftPending() {
        UUID id = UUID.randomUUID();
        RunningTasks.Running task = running.started(id, 1, Thread.currentThread());
        running.interrupt(id, Interruption.WITHDRAWN);
        running.finished(id);
        // the thread goes on to other work (a pooled or virtual thread): a stale interrupt would hit it
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
        assertThat(running.interrupt(id, Interruption.TIMEOUT)).isFalse();
        task.interrupt(Interruption.TIMEOUT); // a caller that looked the task up just before it finished
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
        assertThat(running.count()).isZero();
    }

    @Test
    void interruptAllReachesEveryRunningTaskWithTheSameReason() throws Exception {
        int tasks = 3;
        CountDownLatch started = new CountDownLatch(tasks);
        CountDownLatch interrupted = new CountDownLatch(tasks);
        Map<UUID, RunningTasks.Running> held = new java.util.concurrent.ConcurrentHashMap<>();
        for (int i = 0; i < tasks; i++) {
            int attempt = i + 1;
            Thread.ofPlatform().start(() -> {
                UUID id = UUID.randomUUID();
                held.put(id, running.started(id, attempt, Thread.currentThread()));
                started.countDown();
                try {
                    Thread.sleep(10_000);
                } catch (InterruptedException e) {
                    interrupted.countDown();
                } finally {
                    running.finished(id);
                }
            });
        }
        assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(running.count()).isEqualTo(tasks);
        assertThat(running.attempts()).hasSize(tasks).containsOnlyKeys(held.keySet())
                .containsValues(1, 2, 3);
        running.interruptAll(Interruption.SHUTDOWN);
        assertThat(interrupted.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(held.values()).allSatisfy(task -> assertThat(task.interruption()).isEqualTo(Interruption.SHUTDOWN));
    }

    @Test
    void finishingATaskThatIsNotRunningHereIsHarmless() {
        running.finished(UUID.randomUUID());
        assertThat(running.count()).isZero();
        assertThat(running.attempts()).isEmpty();
    }
}
