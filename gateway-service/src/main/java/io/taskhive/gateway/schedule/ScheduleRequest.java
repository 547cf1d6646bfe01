package io.taskhive.gateway.schedule;

import io.swagger.v3.oas.annotations.media.Schema;
import io.taskhive.gateway.task.SubmitTaskRequest;

/**
 * A new schedule: a name, a task, and either {@code cron} or {@code intervalSeconds}.
 *
 * @param name            unique among the owner's schedules, 1 to 100 characters
 * @param cron            six fields, seconds first ({@code 0 0 9 * * MON-FRI}), or a macro
 *                        ({@code @hourly}); read in {@code timeZone}
 * @param timeZone        an IANA zone ({@code Europe/Madrid}) for the cron; UTC if left out
 * @param intervalSeconds instead of a cron: every so many seconds from the schedule's creation
 * @param task            the task each slot submits, validated now as a submission would be
 * @param missedRunPolicy what slots missed while no gateway ran become (default SKIP)
 * @param maxMissedRuns   with RUN_ALL, the most missed slots that still get a task (default 10)
 * @param paused          true: no task is created until it is resumed (false)
 */
@Schema(description = "A new schedule: when (cron in a time zone, or every N seconds; give one of them), what "
        + "task each slot submits, and what missed slots become", requiredProperties = {"name", "task"})
public record ScheduleRequest(
        @Schema(minLength = 1, maxLength = 100, example = "nightly report") String name,
        @Schema(description = "Spring cron, six fields with seconds first, or @yearly/@monthly/@weekly/@daily/"
                + "@hourly", example = "0 0 9 * * MON-FRI") String cron,
        @Schema(description = "IANA time zone the cron is read in (default UTC)", example = "Europe/Madrid")
        String timeZone,
        @Schema(description = "Instead of cron: every so many seconds", minimum = "1", example = "60")
        Long intervalSeconds,
        SubmitTaskRequest task,
        @Schema(allowableValues = {"SKIP", "RUN_ONCE", "RUN_ALL"}, description = "What slots missed while no "
                + "gateway ran become: none, one task for them all, or one each (at most maxMissedRuns)")
        String missedRunPolicy,
        @Schema(minimum = "1", description = "With RUN_ALL: the most missed slots that get a task (the latest)")
        Integer maxMissedRuns,
        Boolean paused) {
}
