package io.taskhive.gateway.schedule;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.annotation.Nullable;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.swagger.v3.oas.annotations.media.Schema;
import tools.jackson.databind.JsonNode;

/** A schedule as clients see it; {@code recentRuns} only when one schedule is asked for. */
public record ScheduleView(
        UUID id,
        long ownerId,
        String name,
        @Nullable @Schema(description = "Its cron, if it runs by one") String cron,
        @Nullable @Schema(description = "The time zone its cron is read in") String timeZone,
        @Nullable @Schema(description = "Its interval in seconds, if it runs by one") Long intervalSeconds,
        TaskTemplate task,
        MissedRunPolicy missedRunPolicy,
        int maxMissedRuns,
        boolean paused,
        @Nullable @Schema(description = "Its next slot; null while paused or once a cron has none left")
        Instant nextRunAt,
        @Schema(description = "Its next slots, the first being nextRunAt; none while paused")
        List<Instant> nextRunTimes,
        @Nullable @Schema(description = "The latest slot that created a task") Instant lastSlotAt,
        @Nullable @Schema(description = "The task that slot created") UUID lastTaskId,
        @Schema(description = "Missed slots its policy gave no task") long skippedSlots,
        @JsonInclude(JsonInclude.Include.NON_NULL)
        @Schema(description = "Its latest slots and the tasks they created, newest first; only when one schedule "
                + "is asked for") List<RunView> recentRuns,
        Instant createdAt,
        Instant updatedAt) {

    /** The task each slot submits, as validated when the schedule was created or changed. */
    public record TaskTemplate(String type, JsonNode payload, int maxAttempts,
            @Nullable @Schema(description = "Its time limit per attempt, if it asked for one") Integer timeoutSeconds,
            @Schema(description = "0 (the default) to 9: the priority of each slot's task") int priority) {
    }

    /** A slot and the task it created (which retention may have deleted since). */
    public record RunView(Instant slotAt, UUID taskId) {
    }
}
