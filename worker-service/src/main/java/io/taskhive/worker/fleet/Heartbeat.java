package io.taskhive.worker.fleet;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;

import io.taskhive.fleet.FleetStore;
import io.taskhive.task.store.AttemptStore;
import io.taskhive.worker.WorkerProperties;
import io.taskhive.worker.execution.RunningTasks;
import jakarta.annotation.PreDestroy;

/**
 * Keeps this replica's row in {@code workers} fresh (so admins and the orphan sweepers of other
 * replicas see it alive), and checks that every task it runs is still its own: one cancelled or
 * taken over while its cancellation event was missed is interrupted here.
 *
 * <p>It beats on a thread of its own rather than as a {@code @Scheduled} method: Spring cancels
 * scheduled methods as soon as the context begins to close, and a draining worker that stopped
 * heartbeating would look dead to the other replicas, which would take over the very tasks it is
 * still finishing. The beats go on until {@link #deregister()}, the drain's last step.
 */
@Component
public class Heartbeat implements SmartInitializingSingleton {

    private static final Logger log = LoggerFactory.getLogger(Heartbeat.class);

    private final FleetStore workers;
    private final AttemptStore attempts;
    private final WorkerIdentity identity;
    private final RunningTasks running;
    private final int capacity;
    private final Duration interval;
    private final ScheduledExecutorService beats = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("heartbeat").factory());
    private volatile boolean registered;
    private volatile boolean draining;
    private volatile Instant reachableSince;

    public Heartbeat(FleetStore workers, AttemptStore attempts, WorkerIdentity identity,
            RunningTasks running, WorkerProperties properties) {
        this.workers = workers;
        this.attempts = attempts;
        this.identity = identity;
        this.running = running;
        this.capacity = properties.maxInFlight();
        this.interval = properties.heartbeatInterval();
    }

    /** Registers before the listener containers start, so no task is ever held by an unknown worker. */
    @Override
    public void afterSingletonsInstantiated() {
        beat();
        log.info("worker {} registered (host {}, up to {} tasks at once)", identity.id(), identity.host(), capacity);
        beats.scheduleWithFixedDelay(this::beat, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    public void beat() {
        try {
            workers.heartbeat(identity.id(), identity.host(), identity.startedAt(), running.count(), capacity,
                    draining);
            registered = true;
            if (reachableSince == null) {
                reachableSince = Instant.now();
            }
            withdrawTasksNoLongerOurs();
        } catch (DataAccessException e) {
            reachableSince = null;
            log.warn("heartbeat of worker {} not recorded: {}", identity.id(), e.getMostSpecificCause().getMessage());
        } catch (RuntimeException e) {
            // an unexpected failure must not end the beats (the executor would drop the schedule)
            log.warn("heartbeat of worker {} failed: {}", identity.id(), e.toString());
        }
    }

    /** From now on the row says this replica is draining; the beats go on until it deregisters. */
    public void draining() {
        draining = true;
        beat();
    }

    private void withdrawTasksNoLongerOurs() {
        Map<UUID, Integer> mine = running.attempts();
        if (mine.isEmpty()) {
            return;
        }
        Set<UUID> stillOurs = attempts.stillRunning(mine);
        mine.keySet().stream().filter(id -> !stillOurs.contains(id)).forEach(id -> {
            if (running.interrupt(id, RunningTasks.Interruption.WITHDRAWN)) {
                log.info("taskId={} is no longer this worker's (cancelled or taken over); interrupted", id);
            }
        });
    }

    /**
     * Since when the database has answered every heartbeat, or null while it does not: other
     * replicas could not heartbeat during an outage either, so their silence means nothing until
     * they have had time to catch up.
     */
    public Instant reachableSince() {
        return reachableSince;
    }

    /** The drain's last step: no more beats, and the row says the replica has stopped. */
    public void deregister() {
        beats.shutdownNow();
        if (!registered) {
            return;
        }
        try {
            workers.deregister(identity.id());
            registered = false;
            log.info("worker {} deregistered", identity.id());
        } catch (DataAccessException e) {
            log.warn("worker {} could not deregister: {}", identity.id(), e.getMostSpecificCause().getMessage());
        }
    }

    /** A context that closes without a drain (a failed start) stops the beats too. */
    @PreDestroy
    void stopBeats() {
        beats.shutdownNow();
    }
}
