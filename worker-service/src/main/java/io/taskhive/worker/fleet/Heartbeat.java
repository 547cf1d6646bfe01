package io.taskhive.worker.fleet;

import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.dao.DataAccessException;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import io.taskhive.fleet.WorkerInstanceRepository;
import io.taskhive.task.TaskRepository;
import io.taskhive.worker.WorkerProperties;
import io.taskhive.worker.execution.RunningTasks;

/**
 * Keeps this replica's row in {@code workers} fresh (so admins and the orphan sweepers of other
 * replicas see it alive), and checks that every task it runs is still its own: one cancelled or
 * taken over while its cancellation event was missed is interrupted here.
 */
@Component
public class Heartbeat implements SmartInitializingSingleton {

    private static final Logger log = LoggerFactory.getLogger(Heartbeat.class);

    private final WorkerInstanceRepository workers;
    private final TaskRepository tasks;
    private final WorkerIdentity identity;
    private final RunningTasks running;
    private final int capacity;
    private volatile boolean registered;
    private volatile Instant reachableSince;

    public Heartbeat(WorkerInstanceRepository workers, TaskRepository tasks, WorkerIdentity identity,
            RunningTasks running, WorkerProperties properties) {
        this.workers = workers;
        this.tasks = tasks;
        this.identity = identity;
        this.running = running;
        this.capacity = properties.maxInFlight();
    }

    /** Registers before the listener containers start, so no task is ever held by an unknown worker. */
    @Override
    public void afterSingletonsInstantiated() {
        beat();
        log.info("worker {} registered (host {}, up to {} tasks at once)", identity.id(), identity.host(), capacity);
    }

    @Scheduled(fixedDelayString = "${taskhive.worker.heartbeat-interval:5s}",
            initialDelayString = "${taskhive.worker.heartbeat-interval:5s}")
    public void beat() {
        try {
            workers.heartbeat(identity.id(), identity.host(), identity.startedAt(), running.count(), capacity);
            registered = true;
            if (reachableSince == null) {
                reachableSince = Instant.now();
            }
            withdrawTasksNoLongerOurs();
        } catch (DataAccessException e) {
            reachableSince = null;
            log.warn("heartbeat of worker {} not recorded: {}", identity.id(), e.getMostSpecificCause().getMessage());
        }
    }

    private void withdrawTasksNoLongerOurs() {
        Map<UUID, Integer> mine = running.attempts();
        if (mine.isEmpty()) {
            return;
        }
        Set<UUID> stillOurs = tasks.findRunningAttempts(mine.keySet()).stream()
                .filter(t -> mine.get(t.getId()) == t.getAttempt())
                .map(TaskRepository.RunningAttempt::getId).collect(Collectors.toSet());
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

    public void deregister() {
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
}
