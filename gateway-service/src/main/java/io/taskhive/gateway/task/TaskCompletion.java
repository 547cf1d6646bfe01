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
import io.taskhive.messaging.TaskStatusEvent;
import io.taskhive.task.Task;
import io.taskhive.task.store.TaskFinder;
import jakarta.annotation.PreDestroy;

/**
 * Waiting for a task to finish, without holding a thread: woken by the task's status events,
 * confirmed in the database (and re-checked there every second, since events may be lost), bounded
 * by the caller's timeout, itself bounded by {@code taskhive.gateway.max-wait}. A worker's final
 * event that carries its whole outcome answers without a read. Used by every interface that offers
 * to wait (HTTP {@code ?wait=}, TCP {@code "wait"}, seed 1).
 */
@Service
public class TaskCompletion {

    private static final long RECHECK_MILLIS = 1_000;
    /**
     * A task just created cannot have finished before its waiter subscribed, except in a race
     * between the subscription and a very quick worker; a read this late settles that race
     * without a read for every task that ends sooner (nearly all of them, by their final event).
     */
    private static final long FIRST_CHECK_OF_NEW_TASK_MILLIS = 100;

    private final TaskFinder tasks;
    private final TaskEvents events;
    private final Duration maxWait;
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("task-completion-timer").factory());
    private final ExecutorService reads = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("task-completion-", 0).factory());

    TaskCompletion(TaskFinder tasks, TaskEvents events, GatewayProperties properties) {
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
    public Task await(TaskSubmission.Submitted submitted, Duration timeout) throws InterruptedException {
        try {
            return whenFinished(submitted, timeout).get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Completes with the submitted task once final, or as it stands when the timeout runs out. */
    public CompletableFuture<Task> whenFinished(TaskSubmission.Submitted submitted, Duration timeout) {
        if (submitted.task().status().isFinal()) { // an idempotent replay of a finished task
            return CompletableFuture.completedFuture(submitted.task());
        }
        Waiter waiter = new Waiter(submitted.task(), System.nanoTime() + timeout.toNanos());
        waiter.start(submitted.created());
        return waiter.result;
    }

    /** One wait: a subscription, a timer, and database reads that decide. */
    private final class Waiter {

        final CompletableFuture<Task> result = new CompletableFuture<>();
        private final Task submitted;
        private final UUID taskId;
        private final long deadline;
        private final AtomicBoolean reading = new AtomicBoolean();
        private volatile boolean recheck;
        private AutoCloseable subscription;
        private ScheduledFuture<?> timer;

        Waiter(Task submitted, long deadline) {
            this.submitted = submitted;
            this.taskId = submitted.id();
            this.deadline = deadline;
        }

        void start(boolean justCreated) {
            subscription = events.subscribeTask(taskId, event -> {
                if (event.to().isFinal()) {
                    if (event.outcome() == null) {
                        check();
                    } else {
                        result.complete(finished(event));
                    }
                }
            });
            result.whenComplete((task, failure) -> stop());
            if (justCreated) {
                schedule(Math.min(FIRST_CHECK_OF_NEW_TASK_MILLIS, millisLeft() + 1));
            } else {
                check(); // it may have finished before the subscription
            }
        }

        private long millisLeft() {
            return Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
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
                        Task task = tasks.find(taskId).orElseThrow(() -> new TaskNotFoundException(taskId));
                        long left = deadline - System.nanoTime();
                        if (task.status().isFinal() || left <= 0) {
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

        private Task finished(TaskStatusEvent event) {
            TaskStatusEvent.Outcome outcome = event.outcome();
            return submitted.finishedAs(event.to(), outcome.result(), outcome.error(), event.attempt(),
                    outcome.maxAttempts(), outcome.queuedAt(), outcome.startedAt(), event.at(), event.workerId());
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
