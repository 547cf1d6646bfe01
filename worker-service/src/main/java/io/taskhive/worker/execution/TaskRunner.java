package io.taskhive.worker.execution;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.TransactionException;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.taskhive.messaging.TaskEventPublisher;
import io.taskhive.messaging.TaskMessage;
import io.taskhive.messaging.TaskStatusEvent;
import io.taskhive.task.PermanentTaskFailure;
import io.taskhive.task.RetryPolicy;
import io.taskhive.task.TaskClaim;
import io.taskhive.task.TaskRepository;
import io.taskhive.task.TaskStatus;
import io.taskhive.task.TaskType;
import io.taskhive.worker.WorkerProperties;
import io.taskhive.worker.execution.RunningTasks.Interruption;
import io.taskhive.worker.fleet.WorkerIdentity;
import jakarta.annotation.PreDestroy;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs one task message to its outcome: claim it (→ RUNNING, committed), run the type's code under
 * its timeout, record what happened (guarded by the attempt number), announce each change. Called
 * on a virtual thread; the caller acknowledges the message only after this returns. Claims and
 * final outcomes are written in batches with those of the tasks running at the same time
 * ({@link BatchedWrites}); the rare retries and hand-backs one by one.
 *
 * <p>Outcomes: success → SUCCEEDED; a {@link PermanentTaskFailure} → FAILED; any other failure or a
 * timeout → RETRYING with a backoff while attempts remain, else DEAD; cancelled or taken over →
 * nothing (the other writer's status stands); interrupted by shutdown → QUEUED again.
 */
@Component
class TaskRunner {

    private static final Logger log = LoggerFactory.getLogger(TaskRunner.class);
    private static final int MAX_ERROR_LENGTH = 2_000;

    private final TaskRepository tasks;
    private final TaskEventPublisher events;
    private final RunningTasks running;
    private final WorkerIdentity identity;
    private final RetryPolicy retryPolicy;
    private final JsonMapper json;
    private final MeterRegistry meters;
    private final CpuBoundWork cpu;
    private final BatchedWrites writes;
    private final long databaseRetryMillis;
    private final ScheduledExecutorService timeouts = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("task-timeouts").factory());

    TaskRunner(TaskRepository tasks, TaskEventPublisher events, RunningTasks running, WorkerIdentity identity,
            RetryPolicy retryPolicy, WorkerProperties properties, JsonMapper json, MeterRegistry meters,
            CpuBoundWork cpu, BatchedWrites writes) {
        this.tasks = tasks;
        this.events = events;
        this.running = running;
        this.identity = identity;
        this.retryPolicy = retryPolicy;
        this.json = json;
        this.meters = meters;
        this.cpu = cpu;
        this.writes = writes;
        this.databaseRetryMillis = properties.databaseRetryInterval().toMillis();
    }

    /**
     * @param redelivered the broker delivered this message before (its holder's channel closed)
     * @param stopping    true once the replica has begun to shut down: outcomes that cannot be
     *                    recorded are then abandoned (the orphan sweeper takes over)
     */
    void run(TaskMessage message, TaskType type, boolean redelivered, BooleanSupplier stopping) {
        MDC.put("taskId", message.taskId().toString());
        try (CpuBoundWork.Turn turn = type.cpuBound() ? cpu.awaitTurn() : null) {
            Optional<TaskClaim> claim = claim(message, redelivered);
            if (claim.isEmpty()) {
                log.debug("duplicate or late message skipped");
                return;
            }
            TaskClaim claimed = claim.get();
            publish(message, claimed.getOwnerId(), claimed.fromStatus(), TaskStatus.RUNNING, claimed.getAttempt(),
                    claimed.getAt());
            Outcome outcome = execute(message, type, claimed);
            record(message, claimed, outcome, stopping);
        } finally {
            MDC.remove("taskId");
        }
    }

    private Optional<TaskClaim> claim(TaskMessage message, boolean redelivered) {
        try {
            return writes.claim(message.taskId(), redelivered);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted before the task was claimed; message handed back", e);
        }
    }

    private Outcome execute(TaskMessage message, TaskType type, TaskClaim claimed) {
        Duration timeout = claimed.getTimeoutSeconds() == null ? type.timeout()
                : Duration.ofSeconds(claimed.getTimeoutSeconds());
        RunningTasks.Running task = running.started(message.taskId(), claimed.getAttempt(), Thread.currentThread());
        ScheduledFuture<?> alarm = timeouts.schedule(() -> task.interrupt(Interruption.TIMEOUT),
                timeout.toMillis(), TimeUnit.MILLISECONDS);
        long start = System.nanoTime();
        try {
            JsonNode result = type.cpuBound() ? cpu.run(() -> type.run(message.payload()))
                    : type.run(message.payload());
            return Outcome.succeeded(json.writeValueAsString(result));
        } catch (InterruptedException e) {
            Interruption why = task.interruption();
            if (why == Interruption.SHUTDOWN) {
                return Outcome.HANDED_BACK;
            }
            if (why == Interruption.WITHDRAWN) {
                return Outcome.WITHDRAWN;
            }
            return Outcome.failed("timed out after " + timeout.toSeconds() + " s", false);
        } catch (PermanentTaskFailure e) {
            return Outcome.failed(e.getMessage(), true);
        } catch (Exception | StackOverflowError e) {
            log.info("attempt {} failed: {}", claimed.getAttempt(), e.toString());
            return Outcome.failed(e.getClass().getSimpleName() + ": " + e.getMessage(), false);
        } finally {
            alarm.cancel(false);
            running.finished(message.taskId());
            Timer.builder("taskhive.tasks.run").tag("type", type.key()).register(meters)
                    .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }

    private void record(TaskMessage message, TaskClaim claimed, Outcome outcome, BooleanSupplier stopping) {
        int attempt = claimed.getAttempt();
        if (outcome == Outcome.WITHDRAWN) {
            log.info("attempt {} withdrawn (cancelled or taken over); nothing to record", attempt);
            return;
        }
        TaskStatus status;
        IntSupplier write;
        if (outcome == Outcome.HANDED_BACK) {
            status = TaskStatus.QUEUED;
            write = () -> tasks.requeue(message.taskId(), attempt, identity.id(), "worker shutting down");
        } else if (outcome.status() == TaskStatus.SUCCEEDED) {
            status = TaskStatus.SUCCEEDED;
            write = finish(new BatchedWrites.Outcome(message.taskId(), attempt, status, outcome.result(), null));
        } else if (!outcome.permanent() && attempt < claimed.getMaxAttempts()) {
            status = TaskStatus.RETRYING;
            Duration delay = retryPolicy.delayAfter(attempt);
            write = () -> tasks.scheduleRetry(message.taskId(), attempt, truncate(outcome.error()),
                    delay.toMillis() / 1000.0, identity.id());
        } else {
            status = outcome.permanent() ? TaskStatus.FAILED : TaskStatus.DEAD;
            write = finish(new BatchedWrites.Outcome(message.taskId(), attempt, status, null,
                    truncate(outcome.error())));
        }
        if (recordDespiteOutages(write, stopping) == 0) {
            log.info("attempt {} ended {} but the task had moved on; outcome discarded", attempt, status);
            return;
        }
        if (status.isFinal()) {
            Counter.builder("taskhive.tasks.completed").tag("type", message.type()).tag("status", status.name())
                    .register(meters).increment();
        }
        publish(message, claimed.getOwnerId(), TaskStatus.RUNNING, status, attempt, Instant.now());
    }

    /** A final outcome, written with those of the tasks finishing at the same time. */
    private IntSupplier finish(BatchedWrites.Outcome outcome) {
        return () -> {
            try {
                return writes.finish(outcome) ? 1 : 0;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted before the outcome was recorded", e);
            }
        };
    }

    /**
     * The outcome exists only in this thread until it is written: while the database is away, keep
     * trying (the message stays unacknowledged) unless the replica is stopping.
     */
    private int recordDespiteOutages(IntSupplier write, BooleanSupplier stopping) {
        while (true) {
            try {
                return write.getAsInt();
            } catch (DataAccessException | TransactionException e) {
                if (stopping.getAsBoolean()) {
                    throw e;
                }
                log.warn("outcome not recorded yet, database unavailable: {}", e.getMessage());
                try {
                    Thread.sleep(databaseRetryMillis);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private void publish(TaskMessage message, long ownerId, TaskStatus from, TaskStatus to, int attempt, Instant at) {
        events.publish(new TaskStatusEvent(message.taskId(), ownerId, message.type(), from, to, at, identity.id(),
                attempt));
    }

    /** At most {@value #MAX_ERROR_LENGTH} characters, and no NUL, which PostgreSQL's text refuses. */
    private static String truncate(String error) {
        if (error == null) {
            return null;
        }
        String clean = error.replace('\u0000', ' ');
        return clean.length() <= MAX_ERROR_LENGTH ? clean : clean.substring(0, MAX_ERROR_LENGTH);
    }

    @PreDestroy
    void stop() {
        timeouts.shutdownNow();
    }

    private record Outcome(TaskStatus status, String result, String error, boolean permanent) {

        static final Outcome HANDED_BACK = new Outcome(TaskStatus.QUEUED, null, null, false);
        static final Outcome WITHDRAWN = new Outcome(TaskStatus.CANCELLED, null, null, false);

        static Outcome succeeded(String result) {
            return new Outcome(TaskStatus.SUCCEEDED, result, null, false);
        }

        static Outcome failed(String error, boolean permanent) {
            return new Outcome(TaskStatus.FAILED, null, error, permanent);
        }
    }
}
