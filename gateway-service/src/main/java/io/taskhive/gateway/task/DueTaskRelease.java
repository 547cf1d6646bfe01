package io.taskhive.gateway.task;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.taskhive.gateway.BackgroundJob;
import io.taskhive.gateway.GatewayProperties;
import io.taskhive.gateway.OutageLog;
import io.taskhive.messaging.TaskStatusEvent;
import io.taskhive.task.TaskStatus;
import io.taskhive.task.store.OutboxStore;
import io.taskhive.task.store.ReleasedTask;

/**
 * Queues scheduled tasks when their time comes: every {@code release-interval}, or at the next
 * task's time when that is sooner, each gateway moves
 * the due SCHEDULED tasks to QUEUED in batches ({@link OutboxStore#releaseDue}), announces the
 * change, and wakes the {@link FairDispatch} round, which publishes them with everyone else's in
 * priority and fair order.
 *
 * <p>The database decides, not the broker: nothing is published before its time (no per-message
 * TTL or delayed-exchange plugin, which not every broker has and which would hold the only copy of
 * the schedule), a gateway restart loses nothing, and any number of replicas share the work, each
 * batch locking its rows with SKIP LOCKED. Its own thread, not
 * a {@code @Scheduled} method, so that its short interval neither waits for nor delays the relay.
 */
@Component
class DueTaskRelease implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(DueTaskRelease.class);
    /** Most batches per round, so one round over a huge backlog still lets the gateway stop quickly. */
    private static final int MAX_BATCHES_PER_ROUND = 100;
    private static final long MIN_PAUSE_MILLIS = 5;

    private final OutboxStore outbox;
    private final TaskDispatcher dispatcher;
    private final GatewayProperties.Delayed delayed;
    private final FairDispatch fairDispatch;
    private final Counter released;
    private final Timer lag;
    private final OutageLog outage = new OutageLog(log, "release of scheduled tasks");
    private final BackgroundJob runner = new BackgroundJob("scheduled-release");
    private final long interval;

    DueTaskRelease(OutboxStore outbox, TaskDispatcher dispatcher, FairDispatch fairDispatch,
            GatewayProperties properties, MeterRegistry meters) {
        this.outbox = outbox;
        this.dispatcher = dispatcher;
        this.fairDispatch = fairDispatch;
        this.delayed = properties.delayed();
        this.interval = Math.max(MIN_PAUSE_MILLIS, properties.delayed().releaseInterval().toMillis());
        this.released = Counter.builder("taskhive.tasks.released")
                .description("Scheduled tasks queued when their time came").register(meters);
        this.lag = Timer.builder("taskhive.release.lag")
                .description("From a scheduled task's time to run to its release to the queue")
                .serviceLevelObjectives(Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
                        Duration.ofSeconds(1), Duration.ofSeconds(5))
                .register(meters);
    }

    /**
     * One round: releases what is due, batch after batch, until a batch comes back short; then
     * wakes the dispatch round. Not after each batch: tasks due together are released first, and
     * their dispatch (and the workers' claims) does not compete with the rest of their release.
     */
    int releaseDue() {
        int total = 0;
        try {
            for (int round = 0; round < MAX_BATCHES_PER_ROUND; round++) {
                List<ReleasedTask> batch = outbox.releaseDue(delayed.releaseBatchSize());
                if (!batch.isEmpty()) {
                    announce(batch);
                    total += batch.size();
                }
                if (batch.size() < delayed.releaseBatchSize() || Thread.currentThread().isInterrupted()) {
                    break;
                }
            }
        } finally {
            if (total > 0) {
                fairDispatch.wake();
            }
        }
        return total;
    }

    private void announce(List<ReleasedTask> batch) {
        List<TaskStatusEvent> changes = new ArrayList<>(batch.size());
        for (ReleasedTask task : batch) {
            changes.add(new TaskStatusEvent(task.transitionId(), task.id(), task.ownerId(), task.type(),
                    TaskStatus.SCHEDULED, TaskStatus.QUEUED, task.queuedAt(), null, task.attempts()));
            lag.record(Duration.between(task.runAt(), Instant.now()));
        }
        released.increment(batch.size());
        dispatcher.announceAndDispatch(changes, List.of());
    }

    /** Runs a round, then plans the next: at the next task's time, if that comes before the interval. */
    private void scheduledRound() {
        long delay = interval;
        try {
            delay = round();
        } finally {
            runner.runAfter(this::scheduledRound, delay);
        }
    }

    /** One round; returns how long to wait before the next, in milliseconds. */
    private long round() {
        try {
            // One cheap look (the earliest time on a partial index) on most rounds, where nothing is due.
            Long untilNext = outbox.millisUntilNextDue();
            if (untilNext != null && untilNext <= 0) {
                int count = releaseDue();
                if (count > 0) {
                    log.debug("released {} scheduled task(s)", count);
                }
                untilNext = outbox.millisUntilNextDue();
            }
            outage.succeeded();
            // Waking at the next task's time rather than up to an interval after it; never sooner
            // than a few milliseconds, in case another gateway holds the due rows.
            return untilNext == null ? interval : Math.max(MIN_PAUSE_MILLIS, Math.min(interval, untilNext));
        } catch (DataAccessException e) {
            outage.failed(e);
        } catch (RuntimeException e) {
            // an unexpected failure must not end the rounds
            log.warn("releasing scheduled tasks failed", e);
        }
        return interval;
    }

    @Override
    public void start() {
        runner.startAfter(this::scheduledRound, interval);
    }

    @Override
    public void stop() {
        runner.stop();
    }

    @Override
    public boolean isRunning() {
        return runner.isRunning();
    }
}
