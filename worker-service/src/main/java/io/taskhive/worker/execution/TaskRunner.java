package io.taskhive.worker.execution;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.TransactionException;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.taskhive.messaging.TaskEventPublisher;
import io.taskhive.messaging.TaskMessage;
import io.taskhive.messaging.TaskStatusEvent;
import io.taskhive.task.FileTaskType;
import io.taskhive.task.PermanentTaskFailure;
import io.taskhive.task.RetryPolicy;
import io.taskhive.task.TaskStatus;
import io.taskhive.task.TaskType;
import io.taskhive.task.store.AttemptStore;
import io.taskhive.task.store.ClaimedTask;
import io.taskhive.task.store.Computed;
import io.taskhive.task.store.FinishedTask;
import io.taskhive.task.store.Outcome;
import io.taskhive.task.store.RecordedChange;
import io.taskhive.worker.WorkerMeters;
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
 *
 * <p>Each task runs in a span continuing its submission's trace ({@link TaskTracing}); its log lines
 * carry the task id, type, attempt and owner in the MDC ({@code taskId}, {@code taskType},
 * {@code attempt}, {@code userId}) and the trace id ({@code traceId}); its meters are
 * {@link WorkerMeters}.
 */
@Component
class TaskRunner {

    private static final Logger log = LoggerFactory.getLogger(TaskRunner.class);
    private static final int MAX_ERROR_LENGTH = 2_000;
    /** A larger result is read from the database by whoever waits for it, not sent to every gateway. */
    private static final int MAX_ANNOUNCED_RESULT_LENGTH = 16_384;

    private final AttemptStore store;
    private final TaskEventPublisher events;
    private final RunningTasks running;
    private final WorkerIdentity identity;
    private final RetryPolicy retryPolicy;
    private final JsonMapper json;
    private final WorkerMeters meters;
    private final TaskTracing tracing;
    private final CpuBoundWork cpu;
    private final BatchedWrites writes;
    private final ResultFiles resultFiles;
    private final long databaseRetryMillis;
    private final ScheduledExecutorService timeouts = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("task-timeouts").factory());

    TaskRunner(AttemptStore store, TaskEventPublisher events, RunningTasks running, WorkerIdentity identity,
            RetryPolicy retryPolicy, WorkerProperties properties, JsonMapper json, WorkerMeters meters,
            CpuBoundWork cpu, BatchedWrites writes, TaskTracing tracing, ResultFiles resultFiles) {
        this.resultFiles = resultFiles;
        this.tracing = tracing;
        this.store = store;
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
     * @param traceparent the task's trace context from the message, or null
     */
    void run(TaskMessage message, TaskType type, boolean redelivered, BooleanSupplier stopping, String traceparent) {
        Span span = tracing.startRun(message, traceparent);
        MDC.put("taskId", message.taskId().toString());
        MDC.put("taskType", message.type());
        try (Tracer.SpanInScope scope = tracing.inScope(span)) {
            if (type.pure() && !redelivered && completedAhead(message, type, span)) {
                return;
            }
            claimRunAndRecord(message, type, redelivered, stopping, span);
        } catch (RuntimeException | Error e) {
            span.error(e);
            throw e;
        } finally {
            span.end();
            MDC.remove("taskId");
            MDC.remove("taskType");
            MDC.remove("attempt");
            MDC.remove("userId");
        }
    }

    /**
     * A pure task is computed first, then claimed and recorded in one statement and one commit:
     * true once that has settled it (completed, or found in no state to be claimed). False if
     * computing it failed: the ordinary path then runs it again, under its timeout, and records the
     * failure as it records any other. A redelivered message takes the ordinary path, which may
     * take the task over from a dead holder.
     */
    private boolean completedAhead(TaskMessage message, TaskType type, Span span) {
        String result;
        Span execute = tracing.startStep(span, "task execute");
        long start = System.nanoTime();
        try {
            result = json.writeValueAsString(type.run(message.payload()));
        } catch (Exception | StackOverflowError e) {
            return false;
        } finally {
            meters.ran(type.key(), System.nanoTime() - start);
            TaskTracing.end(execute);
        }
        Optional<FinishedTask> completed;
        Span record = tracing.startStep(span, "task record");
        try {
            completed = writes.complete(new Computed(message.taskId(), result));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted before the task was completed; message handed back", e);
        } finally {
            TaskTracing.end(record);
        }
        if (completed.isEmpty()) {
            log.debug("duplicate or late message skipped");
            return true;
        }
        FinishedTask task = completed.get();
        started(message, task.ownerId(), task.attempt());
        if (task.fromStatus() == TaskStatus.QUEUED) {
            meters.waited(message.type(), task.queuedAt(), task.startedAt());
        }
        log.debug("taskId={} type={} attempt {} ended SUCCEEDED", message.taskId(), message.type(), task.attempt());
        // Both changes in one message, sent without a hand-off when nothing else is being sent:
        // nothing of this task went through this worker's publisher before (not redelivered).
        countOutcome(message, TaskStatus.SUCCEEDED);
        events.publishUnordered(List.of(
                change(message, task.startTransitionId(), task.ownerId(), task.fromStatus(), TaskStatus.RUNNING,
                        task.attempt(), task.startedAt()),
                outcomeEvent(message, task, TaskStatus.SUCCEEDED, result, null)));
        return true;
    }

    private void claimRunAndRecord(TaskMessage message, TaskType type, boolean redelivered,
            BooleanSupplier stopping, Span span) {
        try (CpuBoundWork.Turn turn = type.cpuBound() ? cpu.awaitTurn() : null) {
            Span claimStep = tracing.startStep(span, "task claim");
            Optional<ClaimedTask> claim;
            try {
                claim = claim(message, redelivered);
            } finally {
                TaskTracing.end(claimStep);
            }
            if (claim.isEmpty()) {
                log.debug("duplicate or late message skipped");
                return;
            }
            ClaimedTask claimed = claim.get();
            started(message, claimed.ownerId(), claimed.attempt());
            if (claimed.fromStatus() == TaskStatus.QUEUED) {
                meters.waited(message.type(), claimed.queuedAt(), claimed.at());
            } else if (claimed.fromStatus() == TaskStatus.RUNNING) {
                meters.orphaned(message.type(), "taken_over");
            }
            publish(message, claimed.transitionId(), claimed.ownerId(), claimed.fromStatus(),
                    TaskStatus.RUNNING, claimed.attempt(), claimed.at());
            Span executeStep = tracing.startStep(span, "task execute");
            AttemptEnding ending;
            try {
                ending = execute(message, type, claimed);
            } finally {
                TaskTracing.end(executeStep);
            }
            Span recordStep = tracing.startStep(span, "task record");
            try {
                record(message, claimed, ending, stopping);
            } finally {
                TaskTracing.end(recordStep);
            }
        }
    }

    /** The attempt has begun: counted, and its owner and number join the task's log lines. */
    private void started(TaskMessage message, long ownerId, int attempt) {
        meters.started(message.type());
        MDC.put("attempt", Integer.toString(attempt));
        MDC.put("userId", Long.toString(ownerId));
        log.debug("taskId={} type={} attempt {} started", message.taskId(), message.type(), attempt);
    }

    private Optional<ClaimedTask> claim(TaskMessage message, boolean redelivered) {
        try {
            return writes.claim(message.taskId(), redelivered);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted before the task was claimed; message handed back", e);
        }
    }

    private AttemptEnding execute(TaskMessage message, TaskType type, ClaimedTask claimed) {
        Duration timeout = claimed.timeoutSeconds() == null ? type.timeout()
                : Duration.ofSeconds(claimed.timeoutSeconds());
        RunningTasks.Running task = running.started(message.taskId(), claimed.attempt(), Thread.currentThread());
        ScheduledFuture<?> alarm = timeouts.schedule(() -> task.interrupt(Interruption.TIMEOUT),
                timeout.toMillis(), TimeUnit.MILLISECONDS);
        long start = System.nanoTime();
        try {
            if (type instanceof FileTaskType files) {
                return resultFiles.keep(message.taskId(), claimed.attempt(), files.produce(message.payload()));
            }
            JsonNode result = type.cpuBound() ? cpu.run(() -> type.run(message.payload()))
                    : type.run(message.payload());
            return new AttemptEnding.Succeeded(json.writeValueAsString(result));
        } catch (InterruptedException e) {
            return switch (task.interruption()) {
                case SHUTDOWN -> new AttemptEnding.HandedBack();
                case WITHDRAWN -> new AttemptEnding.Withdrawn();
                case null, default -> new AttemptEnding.Failed("timed out after " + timeout.toSeconds() + " s", false);
            };
        } catch (PermanentTaskFailure e) {
            return new AttemptEnding.Failed(e.getMessage(), true);
        } catch (Exception | StackOverflowError e) {
            return new AttemptEnding.Failed(e.getClass().getSimpleName() + ": " + e.getMessage(), false);
        } finally {
            alarm.cancel(false);
            running.finished(message.taskId());
            meters.ran(type.key(), System.nanoTime() - start);
        }
    }

    private void record(TaskMessage message, ClaimedTask claimed, AttemptEnding ending, BooleanSupplier stopping) {
        int attempt = claimed.attempt();
        UUID taskId = message.taskId();
        switch (ending) {
            case AttemptEnding.Withdrawn withdrawn ->
                log.info("attempt {} withdrawn (cancelled or taken over); nothing to record", attempt);
            case AttemptEnding.HandedBack handedBack -> recordChange(message, claimed, TaskStatus.QUEUED,
                    () -> store.handBack(taskId, attempt, identity.id(), "worker shutting down"), stopping);
            case AttemptEnding.Succeeded succeeded -> recordFinal(message,
                    new Outcome(taskId, attempt, TaskStatus.SUCCEEDED, succeeded.result(), null,
                            succeeded.artifact()), stopping);
            case AttemptEnding.Failed failed -> {
                TaskStatus finalStatus = failed.finalStatus(attempt, claimed.maxAttempts());
                if (finalStatus != null) {
                    recordFinal(message, new Outcome(taskId, attempt, finalStatus, null, truncate(failed.error())),
                            stopping);
                } else {
                    retryLater(message, claimed, failed, stopping);
                }
            }
        }
    }

    private void retryLater(TaskMessage message, ClaimedTask claimed, AttemptEnding.Failed failed,
            BooleanSupplier stopping) {
        int attempt = claimed.attempt();
        Duration delay = retryPolicy.delayAfter(attempt);
        if (recordChange(message, claimed, TaskStatus.RETRYING, () -> store.retryLater(message.taskId(), attempt,
                truncate(failed.error()), delay, identity.id()), stopping)) {
            meters.retried(message.type());
            log.info("taskId={} type={} attempt {} of {} failed, retried in {} ms: {}", message.taskId(),
                    message.type(), attempt, claimed.maxAttempts(), delay.toMillis(), failed.error());
        }
    }

    /**
     * A change after which the task runs again (a retry, or a hand-back on shutdown); true once
     * written. Its event carries the history row's id and time, as stored.
     */
    private boolean recordChange(TaskMessage message, ClaimedTask claimed, TaskStatus status,
            Supplier<Optional<RecordedChange>> write, BooleanSupplier stopping) {
        Optional<RecordedChange> written = recordDespiteOutages(write, stopping);
        if (written.isEmpty()) {
            log.info("attempt {} ended {} but the task had moved on; outcome discarded", claimed.attempt(), status);
            return false;
        }
        publish(message, written.get().transitionId(), claimed.ownerId(), TaskStatus.RUNNING, status,
                claimed.attempt(), written.get().at());
        return true;
    }

    /** A final outcome, written with those of the tasks finishing at the same time. */
    private void recordFinal(TaskMessage message, Outcome outcome, BooleanSupplier stopping) {
        Optional<FinishedTask> finished = recordDespiteOutages(() -> {
            try {
                return writes.finish(outcome);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted before the outcome was recorded", e);
            }
        }, stopping);
        if (finished.isEmpty()) {
            log.info("attempt {} ended {} but the task had moved on; outcome discarded", outcome.attempt(),
                    outcome.status());
            resultFiles.lost(outcome.artifact());
            return;
        }
        resultFiles.won(message.taskId(), outcome.attempt(), outcome.artifact());
        FinishedTask task = finished.get();
        if (outcome.status() != TaskStatus.SUCCEEDED) {
            // The one line an operator looks for when a task ends badly: which, what, which attempt, why.
            log.warn("taskId={} type={} attempt {} of {} ended {}: {}", message.taskId(), message.type(),
                    outcome.attempt(), task.maxAttempts(), outcome.status(), outcome.error());
        } else {
            log.debug("taskId={} type={} attempt {} ended SUCCEEDED", message.taskId(), message.type(),
                    outcome.attempt());
        }
        announceOutcome(message, task, outcome.status(), outcome.artifact() == null ? outcome.result() : null,
                outcome.error());
    }

    private void announceOutcome(TaskMessage message, FinishedTask task, TaskStatus status, String result,
            String error) {
        countOutcome(message, status);
        events.publishInOrder(outcomeEvent(message, task, status, result, error));
    }

    private void countOutcome(TaskMessage message, TaskStatus status) {
        meters.completed(message.type(), status);
    }

    /**
     * The final change, with the rest of what was written when it is small enough to send to every
     * gateway, so that whoever waits for the task has its answer without reading it back.
     */
    private TaskStatusEvent outcomeEvent(TaskMessage message, FinishedTask task, TaskStatus status, String result,
            String error) {
        // A result with an artifact is announced without its outcome too: whoever waits for it reads the
        // row, which holds the artifact's reference (events carry no artifact).
        TaskStatusEvent.Outcome outcome = status == TaskStatus.SUCCEEDED && result == null
                || result != null && result.length() > MAX_ANNOUNCED_RESULT_LENGTH ? null
                : new TaskStatusEvent.Outcome(result, error, task.maxAttempts(), task.queuedAt(), task.startedAt());
        return new TaskStatusEvent(task.transitionId(), message.taskId(), task.ownerId(), message.type(),
                TaskStatus.RUNNING, status, task.finishedAt(), identity.id(), task.attempt(), outcome);
    }

    /**
     * The outcome exists only in this thread until it is written: while the database is away, keep
     * trying (the message stays unacknowledged) unless the replica is stopping.
     */
    private <T> T recordDespiteOutages(Supplier<T> write, BooleanSupplier stopping) {
        while (true) {
            try {
                return write.get();
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

    private void publish(TaskMessage message, Long transitionId, long ownerId, TaskStatus from, TaskStatus to,
            int attempt, Instant at) {
        events.publishInOrder(change(message, transitionId, ownerId, from, to, attempt, at));
    }

    private TaskStatusEvent change(TaskMessage message, Long transitionId, long ownerId, TaskStatus from,
            TaskStatus to, int attempt, Instant at) {
        return new TaskStatusEvent(transitionId, message.taskId(), ownerId, message.type(), from, to, at,
                identity.id(), attempt);
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
}
