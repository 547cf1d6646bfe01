package io.taskhive.gateway.retention;

import java.util.Map;

import io.taskhive.task.TaskStatus;

/**
 * What one retention run did: the tasks it deleted by status (only statuses it deleted some of),
 * the batches (statements) it ran, and whether it stopped at its cap with tasks still due.
 */
public record RetentionRun(Map<TaskStatus, Long> purged, int batches, boolean capped) {

    public RetentionRun {
        purged = Map.copyOf(purged);
    }

    public long total() {
        return purged.values().stream().mapToLong(Long::longValue).sum();
    }
}
