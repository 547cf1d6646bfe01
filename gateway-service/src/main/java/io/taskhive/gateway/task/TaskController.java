package io.taskhive.gateway.task;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

import org.springframework.core.io.InputStreamResource;
import org.springframework.core.io.Resource;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.taskhive.gateway.apidocs.ProblemResponses;
import io.taskhive.gateway.security.CurrentUser;
import io.taskhive.task.Task;
import io.taskhive.task.TaskStatus;

@RestController
@RequestMapping("/api/tasks")
@Tag(name = "tasks", description = "Submit, follow, cancel and retry your tasks")
@SecurityRequirement(name = "bearer")
@ProblemResponses({400, 503})
class TaskController {

    private static final String LOCATION = "Location";
    private static final String LOCATION_DESCRIPTION = "The task's URL: /api/tasks/{id}";

    private final TaskSubmission submission;
    private final TaskQueries queries;
    private final TaskCommands commands;
    private final TaskViews views;
    private final TaskCompletion completion;
    private final TaskResults results;

    TaskController(TaskSubmission submission, TaskQueries queries, TaskCommands commands, TaskViews views,
            TaskCompletion completion, TaskResults results) {
        this.results = results;
        this.submission = submission;
        this.queries = queries;
        this.commands = commands;
        this.views = views;
        this.completion = completion;
    }

    @PostMapping
    @Operation(operationId = "submitTask", summary = "Submit a task", description = "202 with the queued task; with an Idempotency-Key already "
            + "used by you, 200 with the task that key created. With ?wait=seconds (at most the gateway's max-wait, "
            + "60 s by default) the answer waits for the outcome: 200 with the finished task, or 202 if it was "
            + "not finished in time")
    @ApiResponse(responseCode = "202", description = "Stored and queued: it will run (or, with ?wait, it had not "
            + "finished in time)", headers = @Header(name = LOCATION, description = LOCATION_DESCRIPTION,
                    required = true, schema = @Schema(type = "string", format = "uri-reference")),
            content = @Content(schema = @Schema(implementation = TaskView.class)))
    @ApiResponse(responseCode = "200", description = "The task this Idempotency-Key created before, or, with ?wait, "
            + "the finished task", headers = @Header(name = LOCATION, description = LOCATION_DESCRIPTION,
                    required = true, schema = @Schema(type = "string", format = "uri-reference")),
            content = @Content(schema = @Schema(implementation = TaskView.class)))
    @ProblemResponses({413, 429})
    ResponseEntity<TaskView> submit(@AuthenticationPrincipal Jwt jwt, @RequestBody SubmitTaskRequest request,
            @Parameter(description = "Makes the submission safe to repeat: the same key again returns the task it "
                    + "created (200) instead of a second one", schema = @Schema(minLength = 1, maxLength = 128,
                            pattern = "^[ -~]*[!-~][ -~]*$"))
            @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey,
            @Parameter(description = "Seconds to wait for the outcome before answering",
                    schema = @Schema(type = "number", minimum = "0"))
            @RequestParam(name = "wait", required = false) Double waitSeconds) throws InterruptedException {
        Duration wait = waitSeconds == null ? Duration.ZERO : completion.bounded(waitSeconds);
        TaskSubmission.Submitted submitted = submission.submit(CurrentUser.of(jwt), request, idempotencyKey,
                TaskSubmission.Via.HTTP);
        Task task = submitted.task();
        if (!wait.isZero()) {
            task = completion.await(submitted, wait);
        }
        HttpStatus status = task.status().isFinal() || !submitted.created() ? HttpStatus.OK : HttpStatus.ACCEPTED;
        return ResponseEntity.status(status).location(URI.create("/api/tasks/" + task.id())).body(views.of(task));
    }

    @PostMapping("/batch")
    @Operation(operationId = "submitTasks", summary = "Submit several tasks at once",
            description = "All are validated before any is stored")
    @ApiResponse(responseCode = "202", description = "All stored and queued, in the order given")
    @ProblemResponses({413, 429})
    ResponseEntity<BatchView> submitBatch(@AuthenticationPrincipal Jwt jwt, @RequestBody BatchRequest request) {
        List<Task> created = submission.submitBatch(CurrentUser.of(jwt), request == null ? null : request.tasks(),
                TaskSubmission.Via.HTTP);
        return ResponseEntity.accepted().body(new BatchView(created.stream().map(views::of).toList()));
    }

    @GetMapping("/{id}")
    @Operation(operationId = "getTask", summary = "One of your tasks, with its result and its history of status changes")
    @ApiResponse(responseCode = "200", description = "The task, with its history")
    @ProblemResponses(404)
    TaskView get(@AuthenticationPrincipal Jwt jwt, @PathVariable UUID id) {
        return queries.get(CurrentUser.of(jwt).id(), id);
    }

    @GetMapping("/{id}/result")
    @Operation(operationId = "getTaskResultFile", summary = "Download the result file of one of your tasks",
            description = "For task types that make a file (report): the file itself, streamed with its content "
                    + "type and length, wherever it is kept (the artifact store, or the result when small). "
                    + "Repr-Digest carries its SHA-256. Admins may download any task's file. 404 for another "
                    + "user's task, a task with no file (yet) or one already deleted; 503 while the artifact "
                    + "storage is unreachable")
    @ApiResponse(responseCode = "200", description = "The file", headers = {
            @Header(name = "Content-Length", description = "Its length in bytes", schema = @Schema(type = "integer")),
            @Header(name = "Content-Disposition", description = "attachment, with its file name",
                    schema = @Schema(type = "string")),
            @Header(name = "Repr-Digest", description = "Its SHA-256 (RFC 9530)", schema = @Schema(type = "string"))},
            content = @Content(mediaType = "text/csv", schema = @Schema(type = "string", format = "binary")))
    @ProblemResponses(404)
    ResponseEntity<Resource> result(@AuthenticationPrincipal Jwt jwt, @PathVariable UUID id) {
        TaskResults.Download download = results.open(CurrentUser.of(jwt), id);
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(MediaType.parseMediaType(download.contentType()));
        headers.setContentLength(download.length());
        headers.setContentDisposition(ContentDisposition.attachment()
                .filename(id + "-" + download.fileName(), StandardCharsets.UTF_8).build());
        if (!download.sha256().isEmpty()) {
            headers.set("Repr-Digest", "sha-256=:" + Base64.getEncoder()
                    .encodeToString(HexFormat.of().parseHex(download.sha256())) + ":");
        }
        return ResponseEntity.ok().headers(headers).body(new InputStreamResource(download.body()));
    }

    @GetMapping
    @Operation(operationId = "listTasks", summary = "Your tasks, newest first, optionally by status and type")
    @ApiResponse(responseCode = "200", description = "One page of them (without their histories)")
    PageView<TaskView> list(@AuthenticationPrincipal Jwt jwt,
            @Parameter(description = "Only tasks in this status") @RequestParam(required = false) TaskStatus status,
            @Parameter(description = "Only tasks of this type (its key)") @RequestParam(required = false) String type,
            @Parameter(description = "Page number, from 0", schema = @Schema(minimum = "0"))
            @RequestParam(defaultValue = "0") int page,
            @Parameter(description = "Tasks per page", schema = @Schema(minimum = "1",
                    maximum = "" + TaskQueries.MAX_PAGE_SIZE))
            @RequestParam(defaultValue = "" + TaskQueries.DEFAULT_PAGE_SIZE) int size) {
        return PageView.of(queries.list(CurrentUser.of(jwt).id(), status, type, page, size));
    }

    @DeleteMapping("/{id}")
    @Operation(operationId = "cancelTask", summary = "Cancel a SCHEDULED, QUEUED, RETRYING or RUNNING task",
            description = "409 if it has already finished")
    @ApiResponse(responseCode = "200", description = "The task, now CANCELLED")
    @ProblemResponses({404, 409})
    TaskView cancel(@AuthenticationPrincipal Jwt jwt, @PathVariable UUID id) {
        return views.of(commands.cancel(CurrentUser.of(jwt).id(), id));
    }

    @PostMapping("/{id}/retry")
    @Operation(operationId = "retryTask", summary = "Queue a FAILED or DEAD task again",
            description = "409 if it is in any other status")
    @ApiResponse(responseCode = "202", description = "The task, QUEUED again")
    @ProblemResponses({404, 409})
    ResponseEntity<TaskView> retry(@AuthenticationPrincipal Jwt jwt, @PathVariable UUID id) {
        return ResponseEntity.accepted().body(views.of(commands.retry(CurrentUser.of(jwt).id(), id)));
    }

    record BatchRequest(List<SubmitTaskRequest> tasks) {
    }

    record BatchView(List<TaskView> tasks) {
    }
}
