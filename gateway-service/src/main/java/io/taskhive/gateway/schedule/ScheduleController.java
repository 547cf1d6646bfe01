package io.taskhive.gateway.schedule;

import java.net.URI;
import java.util.List;
import java.util.UUID;

import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.taskhive.gateway.apidocs.ProblemResponses;
import io.taskhive.gateway.security.CurrentUser;

@RestController
@RequestMapping("/api/schedules")
@Tag(name = "schedules", description = "Recurring schedules: a task per slot of a cron or an interval")
@SecurityRequirement(name = "bearer")
@ProblemResponses({400, 503})
class ScheduleController {

    private final Schedules schedules;

    ScheduleController(Schedules schedules) {
        this.schedules = schedules;
    }

    @PostMapping
    @Operation(operationId = "createSchedule", summary = "Create a recurring schedule",
            description = "Its task is validated as a submission would be; each slot then creates one task "
                    + "(exactly one, with any number of gateways)")
    @ApiResponse(responseCode = "201", description = "Created, with its next run times", headers = @Header(
            name = "Location", description = "The schedule's URL: /api/schedules/{id}", required = true,
            schema = @Schema(type = "string", format = "uri-reference")))
    @ProblemResponses({409, 413})
    ResponseEntity<ScheduleView> create(@AuthenticationPrincipal Jwt jwt,
            @io.swagger.v3.oas.annotations.parameters.RequestBody(content = @Content(
                    mediaType = "application/json", schema = @Schema(implementation = ScheduleRequest.class),
                    examples = {
                        @ExampleObject(name = "weekday mornings", summary = "a cron in a time zone",
                                value = """
                                        {"name": "morning count", "cron": "0 0 9 * * MON-FRI", "timeZone": "Europe/Madrid",
                                         "task": {"type": "word_count", "payload": {"text": "buenos dias a todos"}},
                                         "missedRunPolicy": "RUN_ONCE"}"""),
                        @ExampleObject(name = "every minute", summary = "a fixed interval, catching up after downtime",
                                value = """
                                        {"name": "heartbeat", "intervalSeconds": 60,
                                         "task": {"type": "uppercase", "payload": {"text": "still here"}},
                                         "missedRunPolicy": "RUN_ALL", "maxMissedRuns": 5}""")}))
            @RequestBody ScheduleRequest request) {
        ScheduleView created = schedules.create(CurrentUser.of(jwt), request);
        return ResponseEntity.created(URI.create("/api/schedules/" + created.id())).body(created);
    }

    @GetMapping
    @Operation(operationId = "listSchedules", summary = "Your schedules, oldest first",
            description = "With all=true (admins only) every user's")
    @ApiResponse(responseCode = "200", description = "The schedules (without their recent runs)")
    @ProblemResponses(403)
    ScheduleList list(@AuthenticationPrincipal Jwt jwt,
            @Parameter(description = "Every user's schedules (admins only)")
            @RequestParam(defaultValue = "false") boolean all) {
        return new ScheduleList(schedules.list(CurrentUser.of(jwt), all));
    }

    @GetMapping("/{id}")
    @Operation(operationId = "getSchedule", summary = "One of your schedules, with its next and recent runs")
    @ApiResponse(responseCode = "200", description = "The schedule")
    @ProblemResponses(404)
    ScheduleView get(@AuthenticationPrincipal Jwt jwt, @PathVariable UUID id) {
        return schedules.get(CurrentUser.of(jwt), id);
    }

    @PatchMapping("/{id}")
    @Operation(operationId = "updateSchedule", summary = "Change, pause or resume a schedule",
            description = "Only the fields given change. paused=true stops its slots; paused=false resumes it "
                    + "from the first slot after now (slots passed while paused are not run). A new cron or "
                    + "interval also starts from the first slot after now")
    @ApiResponse(responseCode = "200", description = "The schedule as changed")
    @ProblemResponses({404, 409, 413})
    ScheduleView update(@AuthenticationPrincipal Jwt jwt, @PathVariable UUID id,
            @RequestBody ScheduleChange change) {
        return schedules.update(CurrentUser.of(jwt), id, change);
    }

    @DeleteMapping("/{id}")
    @Operation(operationId = "deleteSchedule", summary = "Delete a schedule",
            description = "The tasks it created stay")
    @ApiResponse(responseCode = "200", description = "Deleted: the schedule as it was, with no next run")
    @ProblemResponses(404)
    ScheduleView delete(@AuthenticationPrincipal Jwt jwt, @PathVariable UUID id) {
        return schedules.delete(CurrentUser.of(jwt), id);
    }

    record ScheduleList(List<ScheduleView> schedules) {
    }
}
