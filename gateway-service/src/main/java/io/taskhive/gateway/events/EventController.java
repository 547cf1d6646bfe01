package io.taskhive.gateway.events;

import java.util.UUID;

import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.taskhive.gateway.apidocs.ProblemResponses;
import io.taskhive.gateway.security.CurrentUser;
import io.taskhive.gateway.task.TaskNotFoundException;
import io.taskhive.gateway.web.ApiException;
import io.taskhive.task.store.TaskFinder;

/** Status changes as server-sent events: all of the caller's tasks, everyone's (admins), or one task. */
@RestController
@Tag(name = "events", description = "Status changes as they happen (server-sent events), resumable with "
        + "Last-Event-ID")
@SecurityRequirement(name = "bearer")
@ProblemResponses({400, 429, 503})
class EventController {

    private static final String STREAM_DESCRIPTION = "An event stream: first `retry: <ms>`, then one `event: status` "
            + "per change, its `id` the change's transitionId and its `data` a StatusChange (JSON); a `: keep-alive` "
            + "comment when it has been quiet for the heartbeat interval (15 s by default)";
    private static final String LAST_EVENT_ID = "Last-Event-ID";
    private static final String LAST_EVENT_ID_DESCRIPTION = "The id of the last event received: the stream first "
            + "replays, from the stored history, every change after it";

    private final EventStreams streams;
    private final TaskFinder tasks;

    EventController(EventStreams streams, TaskFinder tasks) {
        this.streams = streams;
        this.tasks = tasks;
    }

    @GetMapping(path = "/api/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    @Operation(operationId = "streamEvents", summary = "Follow the status changes of all your tasks",
            description = "Live changes; with Last-Event-ID, the stored ones after it first. Admins may ask for "
                    + "everyone's with scope=all. The stream stays open; on reconnect send the last id seen.")
    @ApiResponse(responseCode = "200", description = STREAM_DESCRIPTION, content = @Content(
            mediaType = MediaType.TEXT_EVENT_STREAM_VALUE, schema = @Schema(implementation = StatusChange.class)))
    @ProblemResponses(403)
    ResponseEntity<SseEmitter> events(@AuthenticationPrincipal Jwt jwt,
            @Parameter(description = "own (default): your tasks; all: everyone's, for admins",
                    schema = @Schema(allowableValues = {"own", "all"}))
            @RequestParam(name = "scope", required = false) String scope,
            @Parameter(description = LAST_EVENT_ID_DESCRIPTION, schema = @Schema(type = "string",
                    pattern = "^[0-9]{1,18}$"))
            @RequestHeader(name = LAST_EVENT_ID, required = false) String lastEventId) {
        CurrentUser user = CurrentUser.of(jwt);
        Long after = lastEventId(lastEventId);
        if (scope == null || scope.equals("own")) {
            return stream(streams.ofOwner(user.id(), user.id(), after));
        }
        if (!scope.equals("all")) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "scope is own or all");
        }
        if (!user.admin()) {
            throw new ApiException(HttpStatus.FORBIDDEN, "scope=all needs the ADMIN role");
        }
        return stream(streams.ofEveryone(user.id(), after));
    }

    @GetMapping(path = "/api/tasks/{id}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    @Tag(name = "tasks")
    @Operation(operationId = "streamTaskEvents", summary = "Follow one of your tasks until it is final",
            description = "Its stored history first (after Last-Event-ID, if given), then live changes; the stream "
                    + "ends after a final status (SUCCEEDED, FAILED, CANCELLED, DEAD).")
    @ApiResponse(responseCode = "200", description = STREAM_DESCRIPTION, content = @Content(
            mediaType = MediaType.TEXT_EVENT_STREAM_VALUE, schema = @Schema(implementation = StatusChange.class)))
    @ProblemResponses(404)
    ResponseEntity<SseEmitter> taskEvents(@AuthenticationPrincipal Jwt jwt, @PathVariable UUID id,
            @Parameter(description = LAST_EVENT_ID_DESCRIPTION, schema = @Schema(type = "string",
                    pattern = "^[0-9]{1,18}$"))
            @RequestHeader(name = LAST_EVENT_ID, required = false) String lastEventId) {
        CurrentUser user = CurrentUser.of(jwt);
        Long after = lastEventId(lastEventId);
        tasks.findOwned(id, user.id()).orElseThrow(() -> new TaskNotFoundException(id));
        return stream(streams.ofTask(user.id(), id, after));
    }

    @GetMapping(path = "/api/admin/tasks/{id}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    @Tag(name = "admin")
    @Operation(operationId = "streamAnyTaskEvents", summary = "Follow anyone's task until it is final",
            description = "As /api/tasks/{id}/events, for any user's task.")
    @ApiResponse(responseCode = "200", description = STREAM_DESCRIPTION, content = @Content(
            mediaType = MediaType.TEXT_EVENT_STREAM_VALUE, schema = @Schema(implementation = StatusChange.class)))
    @ProblemResponses({403, 404})
    ResponseEntity<SseEmitter> anyTaskEvents(@AuthenticationPrincipal Jwt jwt, @PathVariable UUID id,
            @Parameter(description = LAST_EVENT_ID_DESCRIPTION, schema = @Schema(type = "string",
                    pattern = "^[0-9]{1,18}$"))
            @RequestHeader(name = LAST_EVENT_ID, required = false) String lastEventId) {
        CurrentUser user = CurrentUser.of(jwt);
        Long after = lastEventId(lastEventId);
        if (!tasks.exists(id)) {
            throw new TaskNotFoundException(id);
        }
        return stream(streams.ofTask(user.id(), id, after));
    }

    private static Long lastEventId(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        String value = header.strip();
        if (!value.matches("[0-9]{1,18}")) {
            throw new ApiException(HttpStatus.BAD_REQUEST,
                    "Last-Event-ID is the id of an event of this stream: a whole number, 0 or more");
        }
        return Long.parseLong(value);
    }

    /** Never cached, never buffered by a proxy (nginx honours X-Accel-Buffering). */
    private static ResponseEntity<SseEmitter> stream(SseEmitter emitter) {
        return ResponseEntity.ok().cacheControl(CacheControl.noStore()).header("X-Accel-Buffering", "no")
                .contentType(MediaType.TEXT_EVENT_STREAM).body(emitter);
    }
}
