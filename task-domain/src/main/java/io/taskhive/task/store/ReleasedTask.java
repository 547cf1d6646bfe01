package io.taskhive.task.store;

import java.time.Instant;
import java.util.UUID;

/**
 * A scheduled task that came due and was queued ({@link OutboxStore#releaseDue}): what its
 * announcement needs, not the task (a release of ten thousand would otherwise carry ten thousand
 * payloads that nobody reads; the dispatch round reads the tasks it publishes).
 *
 * @param queuedAt     when it was released
 * @param runAt        when it was due
 * @param transitionId the history row of its move from SCHEDULED to QUEUED
 */
public record ReleasedTask(UUID id, long ownerId, String type, int attempts, Instant queuedAt, Instant runAt,
        long transitionId) {
}
