package io.taskhive.gateway.task;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.springframework.http.HttpStatus;
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
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.taskhive.gateway.security.CurrentUser;
import io.taskhive.task.Task;
import io.taskhive.task.TaskStatus;

@RestController
@RequestMapping("/api/tasks")
@Tag(name = "tasks", description = "Submit, follow, cancel and retry your tasks")
@SecurityRequirement(name = "bearer")
class TaskController {

    private final TaskSubmission submission;
    private final TaskQueries queries;
    private final TaskCommands commands;
    private final TaskViews views;
    private final TaskCompletion completion;

    TaskController(TaskSubmission submission, TaskQueries queries, TaskCommands commands, TaskViews views,
            TaskCompletion completion) {
        this.submission = submission;
        this.queries = queries;
        this.commands = commands;
        this.views = views;
        this.completion = completion;
    }

    @PostMapping
    @Operation(summary = "Submit a task", description = "202 with the queued task; with an Idempotency-Key already "
            + "used by you, 200 with the task that key created. With ?wait=seconds (at most the gateway's max-wait, "
            + "60 s by default) the answer waits for the outcome: 200 with the finished task, or 202 if it was "
            + "not finished in time")
    ResponseEntity<TaskView> submit(@AuthenticationPrincipal Jwt jwt, @RequestBody SubmitTaskRequest request,
            @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey,
            @RequestParam(name = "wait", required = false) Double waitSeconds) throws InterruptedException {
        Duration wait = waitSeconds == null ? Duration.ZERO : completion.bounded(waitSeconds);
        TaskSubmission.Submitted submitted = submission.submit(CurrentUser.of(jwt), request, idempotencyKey);
        Task task = submitted.task();
        if (!wait.isZero()) {
            task = completion.await(submitted, wait);
        }
        HttpStatus status = task.getStatus().isFinal() || !submitted.created() ? HttpStatus.OK : HttpStatus.ACCEPTED;
        return ResponseEntity.status(status).location(URI.create("/api/tasks/" + task.getId())).body(views.of(task));
    }

    @PostMapping("/batch")
    @Operation(summary = "Submit several tasks at once", description = "All are validated before any is stored")
    ResponseEntity<BatchView> submitBatch(@AuthenticationPrincipal Jwt jwt, @RequestBody BatchRequest request) {
        List<Task> created = submission.submitBatch(CurrentUser.of(jwt), request == null ? null : request.tasks());
        return ResponseEntity.accepted().body(new BatchView(created.stream().map(views::of).toList()));
    }

    @GetMapping("/{id}")
    @Operation(summary = "One of your tasks, with its result and its history of status changes")
    TaskView get(@AuthenticationPrincipal Jwt jwt, @PathVariable UUID id) {
        return queries.get(CurrentUser.of(jwt).id(), id);
    }

    @GetMapping
    @Operation(summary = "Your tasks, newest first, optionally by status and type")
    PageView<TaskView> list(@AuthenticationPrincipal Jwt jwt,
            @RequestParam(required = false) TaskStatus status,
            @RequestParam(required = false) String type,
            @RequestParam(defaultValue = "0") int page,
            @RequestParam(defaultValue = "" + TaskQueries.DEFAULT_PAGE_SIZE) int size) {
        return PageView.of(queries.list(CurrentUser.of(jwt).id(), status, type, page, size));
    }

    @DeleteMapping("/{id}")
    @Operation(summary = "Cancel a QUEUED, RETRYING or RUNNING task", description = "409 if it has already finished")
    TaskView cancel(@AuthenticationPrincipal Jwt jwt, @PathVariable UUID id) {
        return views.of(commands.cancel(CurrentUser.of(jwt).id(), id));
    }

    @PostMapping("/{id}/retry")
    @Operation(summary = "Queue a FAILED or DEAD task again")
    ResponseEntity<TaskView> retry(@AuthenticationPrincipal Jwt jwt, @PathVariable UUID id) {
        return ResponseEntity.accepted().body(views.of(commands.retry(CurrentUser.of(jwt).id(), id)));
    }

    record BatchRequest(List<SubmitTaskRequest> tasks) {
    }

    record BatchView(List<TaskView> tasks) {
    }
}
