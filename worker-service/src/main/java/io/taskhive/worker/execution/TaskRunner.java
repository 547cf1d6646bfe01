package io.taskhive.worker.execution;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.stereotype.Component;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.taskhive.messaging.TaskEventPublisher;
import io.taskhive.messaging.TaskMessage;
import io.taskhive.messaging.TaskStatusEvent;
import io.taskhive.task.InvalidPayloadException;
import io.taskhive.task.TaskChange;
import io.taskhive.task.TaskRepository;
import io.taskhive.task.TaskStatus;
import io.taskhive.task.TaskType;
import io.taskhive.worker.fleet.WorkerIdentity;
import jakarta.annotation.PreDestroy;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs one task message to its outcome: claim (QUEUED → RUNNING, committed), run the type's code
 * under its timeout, record the outcome (guarded by the attempt number), announce each change.
 * Called on a virtual thread; the caller acknowledges the message only after this returns.
 */
@Component
class TaskRunner {

    private static final Logger log = LoggerFactory.getLogger(TaskRunner.class);
    private static final int MAX_ERROR_LENGTH = 2_000;

    private final TaskRepository tasks;
    private final TaskEventPublisher events;
    private final RunningTasks running;
    private final WorkerIdentity identity;
    private final JsonMapper json;
    private final MeterRegistry meters;
    private final ScheduledExecutorService timeouts = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("task-timeouts").factory());

    TaskRunner(TaskRepository tasks, TaskEventPublisher events, RunningTasks running, WorkerIdentity identity,
            JsonMapper json, MeterRegistry meters) {
        this.tasks = tasks;
        this.events = events;
        this.running = running;
        this.identity = identity;
        this.json = json;
        this.meters = meters;
    }

    /**
     * @param redelivered the broker delivered this message before (its holder died or gave it back)
     */
    void run(TaskMessage message, TaskType type, boolean redelivered) {
        MDC.put("taskId", message.taskId().toString());
        try {
            Optional<TaskChange> claim = tasks.claim(message.taskId(), identity.id(), redelivered);
            if (claim.isEmpty()) {
                // finished, cancelled, or held by a live worker: a duplicate; acknowledging it is all
                log.debug("duplicate or late message skipped");
                return;
            }
            TaskChange claimed = claim.get();
            announce(message, claimed, TaskStatus.RUNNING);
            Outcome outcome = execute(message, type, claimed.getAttempt());
            record(message, claimed, outcome);
        } finally {
            MDC.remove("taskId");
        }
    }

    private Outcome execute(TaskMessage message, TaskType type, int attempt) {
        Thread thread = Thread.currentThread();
        running.started(message.taskId(), attempt, thread);
        Duration timeout = type.timeout();
        TimeoutGuard guard = new TimeoutGuard();
        ScheduledFuture<?> alarm = timeouts.schedule(() -> {
            guard.fired = true;
            thread.interrupt();
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
        long start = System.nanoTime();
        try {
            JsonNode result = type.run(message.payload());
            return Outcome.succeeded(json.writeValueAsString(result));
        } catch (InterruptedException e) {
            return guard.fired
                    ? Outcome.failed("timed out after " + timeout.toSeconds() + " s")
                    : Outcome.failed("interrupted");
        } catch (InvalidPayloadException e) {
            return Outcome.failed(e.getMessage());
        } catch (Exception | StackOverflowError e) {
            log.warn("attempt {} failed", attempt, e);
            return Outcome.failed(e.getClass().getSimpleName() + ": " + e.getMessage());
        } finally {
            alarm.cancel(false);
            running.finished(message.taskId());
            Thread.interrupted(); // a late alarm or cancel must not leak into the next statements
            Timer.builder("taskhive.tasks.run").tag("type", type.key()).register(meters)
                    .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }

    private void record(TaskMessage message, TaskChange claimed, Outcome outcome) {
        int updated = tasks.finish(message.taskId(), claimed.getAttempt(), outcome.status().name(), outcome.result(),
                truncate(outcome.error()), identity.id());
        if (updated == 0) {
            // cancelled or taken over while it ran: the other writer's status stands
            log.info("attempt {} ended {} but the task had moved on; outcome discarded", claimed.getAttempt(),
                    outcome.status());
            return;
        }
        Counter.builder("taskhive.tasks.completed").tag("type", message.type())
                .tag("status", outcome.status().name()).register(meters).increment();
        events.publish(new TaskStatusEvent(message.taskId(), claimed.getOwnerId(), message.type(), TaskStatus.RUNNING,
                outcome.status(), Instant.now(), identity.id(), claimed.getAttempt()));
        log.debug("attempt {} {}", claimed.getAttempt(), outcome.status());
    }

    private void announce(TaskMessage message, TaskChange claimed, TaskStatus to) {
        events.publish(new TaskStatusEvent(message.taskId(), claimed.getOwnerId(), message.type(),
                claimed.fromStatus(), to, claimed.getAt(), identity.id(), claimed.getAttempt()));
    }

    private static String truncate(String error) {
        return error == null || error.length() <= MAX_ERROR_LENGTH ? error : error.substring(0, MAX_ERROR_LENGTH);
    }

    @PreDestroy
    void stop() {
        timeouts.shutdownNow();
    }

    private static final class TimeoutGuard {
        volatile boolean fired;
    }

    private record Outcome(TaskStatus status, String result, String error) {

        static Outcome succeeded(String result) {
            return new Outcome(TaskStatus.SUCCEEDED, result, null);
        }

        static Outcome failed(String error) {
            return new Outcome(TaskStatus.FAILED, null, error);
        }
    }
}
