package io.taskhive.gateway.task;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.springframework.stereotype.Service;

import io.taskhive.gateway.events.TaskEvents;
import io.taskhive.task.Task;
import io.taskhive.task.TaskRepository;

/**
 * Waits for a task to finish: woken by its status events, confirmed in the database (and checked
 * there every second too, since events may be lost), bounded by the caller's timeout.
 */
@Service
public class TaskCompletion {

    private static final long RECHECK_MILLIS = 1_000;

    private final TaskRepository tasks;
    private final TaskEvents events;

    TaskCompletion(TaskRepository tasks, TaskEvents events) {
        this.tasks = tasks;
        this.events = events;
    }

    /** The task once final, or as it stands when the timeout runs out. */
    public Task await(UUID taskId, Duration timeout) throws InterruptedException {
        Semaphore changed = new Semaphore(0);
        long deadline = System.nanoTime() + timeout.toNanos();
        try (AutoCloseable subscription = events.subscribeTask(taskId, event -> {
            if (event.to().isFinal()) {
                changed.release();
            }
        })) {
            while (true) {
                Task task = tasks.findById(taskId).orElseThrow(() -> new TaskNotFoundException(taskId));
                long left = deadline - System.nanoTime();
                if (task.getStatus().isFinal() || left <= 0) {
                    return task;
                }
                changed.tryAcquire(Math.min(TimeUnit.NANOSECONDS.toMillis(left) + 1, RECHECK_MILLIS),
                        TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
