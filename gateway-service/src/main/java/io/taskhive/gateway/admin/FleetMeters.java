package io.taskhive.gateway.admin;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.taskhive.fleet.FleetStore;
import io.taskhive.fleet.WorkerInstance;

/**
 * Gauges read from PostgreSQL every {@code taskhive.metrics.refresh-interval}, the same figures
 * the operator's console shows: the outbox backlog ({@link TaskStatistics#outboxBacklog}: tasks
 * accepted but not published for longer than the confirm grace) and the age of its oldest task, and
 * the workers whose heartbeat is fresh. A scrape reads the last values and never waits for the
 * database; when it cannot be read the gauges keep their last values (an alert on the database
 * itself says why).
 */
@Component
class FleetMeters {

    private static final Logger log = LoggerFactory.getLogger(FleetMeters.class);

    private final TaskStatistics statistics;
    private final FleetStore workers;
    private final AtomicLong backlog = new AtomicLong();
    private final AtomicLong oldestSeconds = new AtomicLong();
    private final AtomicLong liveWorkers = new AtomicLong();

    FleetMeters(TaskStatistics statistics, FleetStore workers, MeterRegistry meters) {
        this.statistics = statistics;
        this.workers = workers;
        Gauge.builder("taskhive.outbox.backlog", backlog, AtomicLong::get)
                .description("Tasks accepted but not yet published (beyond the confirm grace)").register(meters);
        Gauge.builder("taskhive.outbox.oldest.age", oldestSeconds, AtomicLong::get).baseUnit("seconds")
                .description("Age of the oldest task in the outbox backlog; 0 when it is empty").register(meters);
        Gauge.builder("taskhive.workers.live", liveWorkers, AtomicLong::get)
                .description("Workers with a fresh heartbeat that are not stopped").register(meters);
    }

    @Scheduled(fixedDelayString = "${taskhive.metrics.refresh-interval:15s}", initialDelay = 0)
    void refresh() {
        try {
            TaskStatistics.Backlog outbox = statistics.outboxBacklog();
            backlog.set(outbox.tasks());
            oldestSeconds.set(outbox.oldestSeconds() == null ? 0 : outbox.oldestSeconds());
            Instant now = Instant.now();
            Instant since = now.minus(AdminController.ALIVE_WITHIN);
            liveWorkers.set(workers.seenSince(since).stream()
                    .filter(w -> alive(w, since)).count());
        } catch (DataAccessException e) {
            log.debug("metrics not refreshed, database unavailable: {}", e.getMostSpecificCause().getMessage());
        }
    }

    private static boolean alive(WorkerInstance worker, Instant since) {
        return worker.stoppedAt() == null && worker.lastSeen().isAfter(since);
    }
}
