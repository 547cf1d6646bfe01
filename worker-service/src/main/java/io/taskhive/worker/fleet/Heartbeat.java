package io.taskhive.worker.fleet;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.dao.DataAccessException;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import io.taskhive.fleet.WorkerInstanceRepository;
import io.taskhive.worker.WorkerProperties;
import io.taskhive.worker.execution.RunningTasks;

/** Keeps this replica's row in {@code workers} fresh, so admins (and orphan detection) see it alive. */
@Component
public class Heartbeat {

    private static final Logger log = LoggerFactory.getLogger(Heartbeat.class);

    private final WorkerInstanceRepository workers;
    private final WorkerIdentity identity;
    private final RunningTasks running;
    private final int capacity;
    private volatile boolean registered;

    public Heartbeat(WorkerInstanceRepository workers, WorkerIdentity identity, RunningTasks running,
            WorkerProperties properties) {
        this.workers = workers;
        this.identity = identity;
        this.running = running;
        this.capacity = properties.maxInFlight();
    }

    @EventListener(ApplicationReadyEvent.class)
    public void register() {
        beat();
        log.info("worker {} registered (host {}, up to {} tasks at once)", identity.id(), identity.host(), capacity);
    }

    @Scheduled(fixedDelayString = "${taskhive.worker.heartbeat-interval:5s}",
            initialDelayString = "${taskhive.worker.heartbeat-interval:5s}")
    public void beat() {
        try {
            workers.heartbeat(identity.id(), identity.host(), identity.startedAt(), running.count(), capacity);
            registered = true;
        } catch (DataAccessException e) {
            log.warn("heartbeat of worker {} not recorded: {}", identity.id(), e.getMostSpecificCause().getMessage());
        }
    }

    @EventListener(ContextClosedEvent.class)
    public void deregister() {
        if (!registered) {
            return;
        }
        try {
            workers.deregister(identity.id());
            log.info("worker {} deregistered", identity.id());
        } catch (DataAccessException e) {
            log.warn("worker {} could not deregister: {}", identity.id(), e.getMostSpecificCause().getMessage());
        }
    }
}
