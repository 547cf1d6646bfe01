package io.taskhive.gateway.task;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;

import io.taskhive.gateway.GatewayProperties;
import io.taskhive.gateway.events.TaskEvents;
import io.taskhive.gateway.web.ApiException;
import io.taskhive.task.Task;
import io.taskhive.task.TaskRepository;
import jakarta.annotation.PreDestroy;

/**
 * Waiting for a task to finish, without holding a thread: woken by the task's status events,
 * confirmed in the database (and re-checked there every second, since events may be lost), bounded
 * by the caller's timeout, itself bounded by {@code taskhive.gateway.max-wait}. Used by every
 * interface that offers to wait (HTTP {@code ?wait=}, TCP {@code "wait"}, seed 1).
 */
@Service
public class TaskCompletion {

    private static final long RECHECK_MILLIS = 1_000;

    private final TaskRepository tasks;
    private final TaskEvents events;
    private final Duration maxWait;
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("task-completion-timer").factory());
    private final ExecutorService reads = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("task-completion-", 0).factory());

    TaskCompletion(TaskRepository tasks, TaskEvents events, GatewayProperties properties) {
        this.tasks = tasks;
        this.events = events;
        this.maxWait = properties.maxWait();
    }

    /** The longest anyone may wait. */
    public Duration maxWait() {
        return maxWait;
    }

    /** A wait of {@code seconds} as asked by a client: not negative, at most {@link #maxWait()}. */
    public Duration bounded(double seconds) {
        if (Double.isNaN(seconds) || seconds < 0) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "wait is a number of seconds, 0 or more");
        }
        Duration asked = Duration.ofMillis((long) Math.min(seconds * 1000, Long.MAX_VALUE / 2.0));
        return asked.compareTo(maxWait) > 0 ? maxWait : asked;
    }

    /** The task once final, or as it stands when the timeout runs out. */
    public Task await(UUID taskId, Duration timeout) throws InterruptedException {
        try {
            return whenFinished(taskId, timeout).get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Completes with the task once final, or as it stands when the timeout runs out. */
    public CompletableFuture<Task> whenFinished(UUID taskId, Duration timeout) {
        Waiter waiter = new Waiter(taskId, System.nanoTime() + timeout.toNanos());
        waiter.start();
        return waiter.result;
    }

    /** One wait: a subscription, a timer, and database reads that decide. */
    private final class Waiter {

        final CompletableFuture<Task> result = new CompletableFuture<>();
        private final UUID taskId;
        private final long deadline;
        private final AtomicBoolean reading = new AtomicBoolean();
        private volatile boolean recheck;
        private AutoCloseable subscription;
        private ScheduledFuture<?> timer;

        Waiter(UUID taskId, long deadline) {
            this.taskId = taskId;
            this.deadline = deadline;
        }

        void start() {
            subscription = events.subscribeTask(taskId, event -> {
                if (event.to().isFinal()) {
                    check();
                }
            });
            result.whenComplete((task, failure) -> stop());
            check(); // it may have finished before the subscription
        }

        /** Reads the task; one read at a time, and a read asked for meanwhile is done after it. */
        void check() {
            recheck = true;
            if (result.isDone() || !reading.compareAndSet(false, true)) {
                return;
            }
            reads.execute(() -> {
                try {
                    while (recheck && !result.isDone()) {
                        recheck = false;
                        Task task = tasks.findById(taskId).orElseThrow(() -> new TaskNotFoundException(taskId));
                        long left = deadline - System.nanoTime();
                        if (task.getStatus().isFinal() || left <= 0) {
                            result.complete(task);
                        } else {
                            schedule(Math.min(TimeUnit.NANOSECONDS.toMillis(left) + 1, RECHECK_MILLIS));
                        }
                    }
                } catch (RuntimeException e) {
                    result.completeExceptionally(e);
                } finally {
                    reading.set(false);
                }
                if (recheck && !result.isDone()) {
                    check();
                }
            });
        }

        private synchronized void schedule(long millis) {
            if (timer != null) {
                timer.cancel(false);
            }
            timer = timers.schedule(this::check, millis, TimeUnit.MILLISECONDS);
        }

        private synchronized void stop() {
            if (timer != null) {
                timer.cancel(false);
            }
            try {
                subscription.close();
            } catch (Exception e) {
                // an unsubscribe cannot fail in a way that matters here
            }
        }
    }

    @PreDestroy
    void close() {
        timers.shutdownNow();
        reads.shutdownNow();
    }
}
