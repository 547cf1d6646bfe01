package io.taskhive.gateway.retention;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.taskhive.gateway.BackgroundJob;
import io.taskhive.task.TaskStatus;
import io.taskhive.task.store.PurgedBatch;
import io.taskhive.task.store.RetentionStore;

/**
 * Deletes the tasks that finished longer ago than their status's age ({@link RetentionProperties}),
 * every {@code interval}, in batches of at most {@code batch-size} tasks, each its own short
 * transaction, taking the statuses in turn until none has any due or the run reaches its cap.
 *
 * <p>The gateway runs it, not the worker: gateways are always up while the system takes tasks
 * (workers may be scaled to zero by KEDA, or all be draining), they already keep the task rows in
 * order (the outbox relay), and what retention changes is what the API answers. Every replica runs
 * it; batches lock their rows with SKIP LOCKED, so replicas share the work instead of waiting on
 * each other. It runs on a thread of its own rather than as a {@code @Scheduled} method: those share
 * one scheduling thread, and a long first run over a year of history must not hold up the outbox
 * relay.
 */
@Component
public class RetentionPurge implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(RetentionPurge.class);
    /** Where each run starts for every status: before any task can have finished. */
    private static final Instant FROM_THE_OLDEST = Instant.EPOCH;

    private final RetentionStore store;
    private final RetentionProperties properties;
    private final Map<TaskStatus, Duration> ages;
    private final Map<TaskStatus, Counter> purged = new EnumMap<>(TaskStatus.class);
    private final Timer runs;
    private final ArtifactCleanup artifacts;
    private final BackgroundJob runner = new BackgroundJob("retention");

    public RetentionPurge(RetentionStore store, RetentionProperties properties, MeterRegistry meters,
            ArtifactCleanup artifacts) {
        this.store = store;
        this.artifacts = artifacts;
        this.properties = properties;
        this.ages = properties.ages();
        for (TaskStatus status : TaskStatus.values()) {
            if (status.isFinal()) {
                purged.put(status, Counter.builder("taskhive.tasks.purged")
                        .description("Finished tasks deleted with their history by retention")
                        .tag("status", status.name()).register(meters));
            }
        }
        this.runs = Timer.builder("taskhive.retention.run")
                .description("Duration of each retention run, all its batches").register(meters);
    }

    /**
     * One run: what the scheduled thread does every {@code interval}. Statuses are taken in turn, a
     * batch each, so a long backlog of one does not starve the others within a run; each status
     * goes on from where its previous batch stopped (see {@link RetentionStore#PURGE}).
     */
    public RetentionRun purge() {
        Timer.Sample sample = Timer.start();
        Instant now = Instant.now();
        Map<TaskStatus, Instant> cursors = new EnumMap<>(TaskStatus.class);
        ages.keySet().forEach(status -> cursors.put(status, FROM_THE_OLDEST));
        Map<TaskStatus, Long> counts = new EnumMap<>(TaskStatus.class);
        int batches = 0;
        try {
            while (!cursors.isEmpty() && batches < properties.maxBatchesPerRun()) {
                for (Iterator<Map.Entry<TaskStatus, Instant>> due = cursors.entrySet().iterator();
                        due.hasNext() && batches < properties.maxBatchesPerRun();) {
                    Map.Entry<TaskStatus, Instant> cursor = due.next();
                    TaskStatus status = cursor.getKey();
                    PurgedBatch batch = store.purge(status, cursor.getValue(), now.minus(ages.get(status)),
                            properties.batchSize());
                    batches++;
                    // After the commit: an object deleted before its row would be a dangling reference.
                    artifacts.deleted(batch.artifactKeys());
                    if (batch.tasks() > 0) {
                        counts.merge(status, (long) batch.tasks(), Long::sum);
                        purged.get(status).increment(batch.tasks());
                        cursor.setValue(batch.lastFinishedAt());
                    }
                    if (batch.tasks() < properties.batchSize()) {
                        due.remove();
                    }
                    if (!cursors.isEmpty() && !pause()) {
                        return logged(counts, batches, true);
                    }
                }
            }
            return logged(counts, batches, !cursors.isEmpty());
        } catch (RuntimeException e) {
            logged(counts, batches, true);
            throw e;
        } finally {
            sample.stop(runs);
        }
    }

    /** False if the thread was interrupted (the gateway is stopping). */
    private boolean pause() {
        if (properties.pause().isZero()) {
            return !Thread.currentThread().isInterrupted();
        }
        try {
            Thread.sleep(properties.pause());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static RetentionRun logged(Map<TaskStatus, Long> counts, int batches, boolean capped) {
        RetentionRun run = new RetentionRun(counts, batches, capped);
        if (run.total() > 0) {
            log.info("retention purged {} finished task(s) with their history in {} batch(es): {}{}", run.total(),
                    batches, new LinkedHashMap<>(counts), capped ? "; more are due, the next run goes on" : "");
        }
        return run;
    }

    private void scheduledRun() {
        try {
            purge();
            artifacts.sweepOrphans();
        } catch (DataAccessException e) {
            log.warn("retention run stopped, database unavailable: {}", e.getMostSpecificCause().getMessage());
        } catch (RuntimeException e) {
            // an unexpected failure must not end the runs (the executor would drop the schedule)
            log.warn("retention run failed", e);
        }
    }

    @Override
    public void start() {
        if (!properties.enabled() || ages.isEmpty()) {
            log.info("retention off: finished tasks are kept forever");
            return;
        }
        log.info("retention: finished tasks deleted after {}, every {} in batches of up to {}", readable(ages),
                readable(properties.interval()), properties.batchSize());
        runner.startWithFixedDelay(this::scheduledRun, properties.interval());
    }

    /** {@code SUCCEEDED 7d, CANCELLED 36h}, as the settings are usually written, not {@code PT168H}. */
    private static String readable(Map<TaskStatus, Duration> ages) {
        StringJoiner text = new StringJoiner(", ");
        ages.forEach((status, age) -> text.add(status + " " + readable(age)));
        return text.toString();
    }

    private static String readable(Duration age) {
        long seconds = age.toSeconds();
        return age.toMillis() % 1_000 != 0 ? age.toString()
                : seconds % 86_400 == 0 ? age.toDays() + "d"
                : seconds % 3_600 == 0 ? age.toHours() + "h"
                : seconds % 60 == 0 ? age.toMinutes() + "m"
                : seconds + "s";
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
