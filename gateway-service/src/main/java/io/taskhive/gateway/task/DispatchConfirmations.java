package io.taskhive.gateway.task;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import io.taskhive.gateway.GatewayProperties;
import io.taskhive.task.store.OutboxStore;
import io.taskhive.task.store.Publication;

/**
 * Collects the broker's publisher confirms and clears the tasks' outbox marks with them, in
 * batches: one UPDATE for many confirms. A confirm is recorded only once it is half the confirm
 * grace old: by then a worker has usually claimed the task, which clears the mark itself, so most
 * confirms cost no write at all; only tasks still waiting in the queue get their mark cleared, in
 * time for the relay not to publish them again. A confirm that is never recorded (crash, database
 * hiccup) only means the relay publishes that task once more; workers skip duplicates.
 */
@Component
class DispatchConfirmations {

    private static final Logger log = LoggerFactory.getLogger(DispatchConfirmations.class);
    private static final int MAX_BATCH = 1_000;

    private record Confirmed(String dispatchKey, long at) {
    }

    /** Confirmed publications ({@link io.taskhive.task.Task#dispatchKey()}), oldest first. */
    private final ConcurrentLinkedQueue<Confirmed> confirmed = new ConcurrentLinkedQueue<>();
    private final OutboxStore outbox;
    private final long recordAfterNanos;

    DispatchConfirmations(OutboxStore outbox, GatewayProperties properties) {
        this.outbox = outbox;
        this.recordAfterNanos = properties.outbox().confirmGrace().dividedBy(2).toNanos();
    }

    void confirmed(String dispatchKey) {
        confirmed.add(new Confirmed(dispatchKey, System.nanoTime()));
    }

    @Scheduled(fixedDelayString = "${taskhive.gateway.outbox.confirm-flush-interval:100ms}")
    void flush() {
        long now = System.nanoTime();
        List<String> batch = new ArrayList<>();
        Confirmed oldest;
        while ((oldest = confirmed.peek()) != null && now - oldest.at() >= recordAfterNanos) {
            batch.add(confirmed.poll().dispatchKey());
            if (batch.size() == MAX_BATCH) {
                record(batch);
                batch = new ArrayList<>();
            }
        }
        if (!batch.isEmpty()) {
            record(batch);
        }
    }

    private void record(List<String> batch) {
        try {
            outbox.confirmed(batch.stream().map(Publication::of).toList());
        } catch (DataAccessException e) {
            log.warn("{} publisher confirms not recorded (the relay will publish those tasks again): {}",
                    batch.size(), e.getMostSpecificCause().getMessage());
        }
    }
}
