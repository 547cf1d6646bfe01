package io.taskhive.gateway.schedule;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.swagger.v3.oas.annotations.media.Schema;
import io.taskhive.gateway.task.SubmitTaskRequest;

/**
 * The fields of a schedule to change (PATCH): each is optional, and one left out keeps its value.
 * {@code paused} pauses or resumes it. ({@code @JsonInclude} marks each optional in the OpenAPI
 * document; this record is only read.)
 */
@Schema(description = "What to change in a schedule; a field left out keeps its value. paused=true pauses it, "
        + "paused=false resumes it. A new cron replaces an interval and the other way round")
public record ScheduleChange(
        @JsonInclude(JsonInclude.Include.NON_NULL) @Schema(minLength = 1, maxLength = 100) String name,
        @JsonInclude(JsonInclude.Include.NON_NULL) @Schema(example = "0 30 8 * * *") String cron,
        @JsonInclude(JsonInclude.Include.NON_NULL) @Schema(example = "America/New_York") String timeZone,
        @JsonInclude(JsonInclude.Include.NON_NULL) @Schema(minimum = "1") Long intervalSeconds,
        @JsonInclude(JsonInclude.Include.NON_NULL) SubmitTaskRequest task,
        @JsonInclude(JsonInclude.Include.NON_NULL) @Schema(allowableValues = {"SKIP", "RUN_ONCE", "RUN_ALL"})
        String missedRunPolicy,
        @JsonInclude(JsonInclude.Include.NON_NULL) @Schema(minimum = "1") Integer maxMissedRuns,
        @JsonInclude(JsonInclude.Include.NON_NULL) @Schema(example = "true") Boolean paused) {
}
