package io.taskhive.gateway.task;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import io.taskhive.task.TaskRepository;

/**
 * Collects the broker's publisher confirms and clears the tasks' outbox marks in batches: one
 * UPDATE for many confirms instead of one per task. A confirm that is never recorded (crash,
 * database hiccup) only means the relay publishes that task once more; workers skip duplicates.
 */
@Component
class DispatchConfirmations {

    private static final Logger log = LoggerFactory.getLogger(DispatchConfirmations.class);
    private static final int MAX_BATCH = 1_000;

    /** Confirmed publications, as {@link io.taskhive.task.Task#dispatchKey()}. */
    private final ConcurrentLinkedQueue<String> confirmed = new ConcurrentLinkedQueue<>();
    private final TaskRepository tasks;

    DispatchConfirmations(TaskRepository tasks) {
        this.tasks = tasks;
    }

    void confirmed(String dispatchKey) {
        confirmed.add(dispatchKey);
    }

    @Scheduled(fixedDelayString = "${taskhive.gateway.outbox.confirm-flush-interval:100ms}")
    void flush() {
        List<String> batch = new ArrayList<>();
        String key;
        while ((key = confirmed.poll()) != null) {
            batch.add(key);
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
        List<UUID> ids = batch.stream().map(key -> UUID.fromString(key.substring(0, key.indexOf(':')))).toList();
        try {
            tasks.markDispatched(ids, batch);
        } catch (DataAccessException e) {
            log.warn("{} publisher confirms not recorded (the relay will publish those tasks again): {}",
                    batch.size(), e.getMostSpecificCause().getMessage());
        }
    }
}
