package io.taskhive.worker.fleet;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import io.taskhive.messaging.TaskEventPublisher;
import io.taskhive.messaging.TaskStatusEvent;
import io.taskhive.task.TaskStatus;
import io.taskhive.task.store.AttemptStore;
import io.taskhive.task.store.OrphanedTask;
import io.taskhive.worker.WorkerMeters;
import io.taskhive.worker.WorkerProperties;

/**
 * Returns to the queue tasks whose worker stopped heartbeating while running them: a worker that
 * hangs with its connection open (the broker would never redeliver) or one killed while the broker
 * redelivered its messages to replicas that saw it still alive. Every replica sweeps; rows are
 * claimed with SKIP LOCKED, so they never sweep the same task twice.
 */
@Component
class OrphanSweeper {

    private static final Logger log = LoggerFactory.getLogger(OrphanSweeper.class);
    private static final int BATCH = 500;

    private final AttemptStore store;
    private final TaskEventPublisher events;
    private final Heartbeat heartbeat;
    private final Duration grace;

    private final WorkerMeters meters;

    OrphanSweeper(AttemptStore store, TaskEventPublisher events, Heartbeat heartbeat, WorkerProperties properties,
            WorkerMeters meters) {
        this.meters = meters;
        this.store = store;
        this.events = events;
        this.heartbeat = heartbeat;
        this.grace = properties.orphanGrace();
    }

    @Scheduled(fixedDelayString = "${taskhive.worker.heartbeat-interval:5s}", initialDelay = 1_000)
    void sweep() {
        Instant reachableSince = heartbeat.reachableSince();
        if (reachableSince == null || reachableSince.isAfter(Instant.now().minus(grace))) {
            return; // just after an outage every replica looks silent; give them time to heartbeat
        }
        try {
            List<OrphanedTask> orphans;
            do {
                orphans = store.returnOrphans(grace, BATCH);
                for (OrphanedTask orphan : orphans) {
                    log.warn("taskId={} type={} attempt {} orphaned by worker {} (no heartbeat for {} s): now {}",
                            orphan.id(), orphan.type(), orphan.attempt(), orphan.workerId(), grace.toSeconds(),
                            orphan.status());
                    if (orphan.status() == TaskStatus.DEAD) {
                        meters.orphaned(orphan.type(), "dead");
                        meters.completed(orphan.type(), TaskStatus.DEAD);
                    } else {
                        meters.orphaned(orphan.type(), "returned");
                    }
                    events.publishInOrder(new TaskStatusEvent(orphan.transitionId(), orphan.id(), orphan.ownerId(),
                            orphan.type(), TaskStatus.RUNNING, orphan.status(), orphan.at(), orphan.workerId(),
                            orphan.attempt()));
                }
            } while (orphans.size() == BATCH);
        } catch (DataAccessException e) {
            log.warn("orphan sweep skipped: {}", e.getMostSpecificCause().getMessage());
        }
    }
}
