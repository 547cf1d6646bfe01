package io.taskhive.gateway.schedule;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.scheduling.support.CronExpression;

/**
 * A stored schedule. Exactly one of {@code cron} (with its {@code timeZone}) and
 * {@code intervalSeconds} is set; the task fields are as a submission validated them.
 *
 * @param nextRunAt    the next slot to create a task for, or null if a cron has none left
 * @param lastSlotAt   the latest slot that got a task
 * @param lastTaskId   that slot's task
 * @param skippedSlots missed slots its policy dropped, since its creation
 */
record Schedule(UUID id, long ownerId, String name, @Nullable String cron, @Nullable String timeZone,
        @Nullable Long intervalSeconds, String taskType, String taskPayload, int maxAttempts,
        @Nullable Integer timeoutSeconds, int priority, MissedRunPolicy missedRunPolicy, int maxMissedRuns,
        boolean paused,
        @Nullable Instant nextRunAt, @Nullable Instant lastSlotAt, @Nullable UUID lastTaskId, long skippedSlots,
        Instant createdAt, Instant updatedAt) {

    /** This schedule with another next slot (null: none). */
    Schedule withNextRunAt(@Nullable Instant next) {
        return new Schedule(id, ownerId, name, cron, timeZone, intervalSeconds, taskType, taskPayload, maxAttempts,
                timeoutSeconds, priority, missedRunPolicy, maxMissedRuns, paused, next, lastSlotAt, lastTaskId,
                skippedSlots, createdAt, updatedAt);
    }

    /** Its cadence; stored values were validated on the way in. Intervals count from its creation's second. */
    Cadence cadence() {
        if (cron != null) {
            return new Cadence.Cron(CronExpression.parse(cron), ZoneId.of(timeZone));
        }
        return new Cadence.Every(Duration.ofSeconds(intervalSeconds), createdAt.truncatedTo(ChronoUnit.SECONDS));
    }

    /**
     * Its first slot after {@code now}, never at or before a slot that already has its task (a
     * gateway whose clock is behind must not move it back).
     */
    @Nullable
    Instant firstSlotAfter(Instant now) {
        Instant after = lastSlotAt != null && lastSlotAt.isAfter(now) ? lastSlotAt : now;
        return cadence().next(after);
    }
}
