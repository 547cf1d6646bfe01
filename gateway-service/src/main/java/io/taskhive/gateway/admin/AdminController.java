package io.taskhive.gateway.admin;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.springframework.amqp.AmqpException;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.QueueInformation;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import jakarta.annotation.Nullable;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.taskhive.fleet.FleetStore;
import io.taskhive.fleet.WorkerInstance;
import io.taskhive.gateway.apidocs.ProblemResponses;
import io.taskhive.gateway.task.PageView;
import io.taskhive.gateway.task.TaskCommands;
import io.taskhive.gateway.task.TaskQueries;
import io.taskhive.gateway.task.TaskView;
import io.taskhive.gateway.task.TaskViews;
import io.taskhive.gateway.web.ApiException;
import io.taskhive.task.TaskStatus;
import io.taskhive.task.store.TaskFinder;

/**
 * What only admins see and do: everyone's tasks, the workers, queue depth, totals and figures over
 * time; cancel or retry anyone's task, retry failed ones in bulk.
 */
@RestController
@RequestMapping("/api/admin")
@Tag(name = "admin", description = "Everything, for the ADMIN role")
@SecurityRequirement(name = "bearer")
@ProblemResponses({400, 403, 503})
class AdminController {

    /** A worker not heard from for this long is shown as not alive. */
    static final Duration ALIVE_WITHIN = Duration.ofSeconds(30);
    private static final Duration LISTED_WITHIN = Duration.ofHours(24);

    private final TaskQueries queries;
    private final TaskCommands commands;
    private final TaskViews views;
    private final TaskStatistics statistics;
    private final TaskFinder tasks;
    private final FleetStore workers;
    private final AmqpAdmin rabbitAdmin;
    private final Queue taskQueue;
    private final Queue deadLetterQueue;

    AdminController(TaskQueries queries, TaskCommands commands, TaskViews views, TaskStatistics statistics,
            TaskFinder tasks, FleetStore workers, AmqpAdmin rabbitAdmin, Queue taskQueue,
            Queue deadLetterQueue) {
        this.queries = queries;
        this.commands = commands;
        this.views = views;
        this.statistics = statistics;
        this.tasks = tasks;
        this.workers = workers;
        this.rabbitAdmin = rabbitAdmin;
        this.taskQueue = taskQueue;
        this.deadLetterQueue = deadLetterQueue;
    }

    @GetMapping("/tasks")
    @Operation(operationId = "listAllTasks", summary = "Everyone's tasks, newest first")
    @ApiResponse(responseCode = "200", description = "One page of them")
    PageView<TaskView> tasks(
            @Parameter(description = "Only tasks in this status") @RequestParam(required = false) TaskStatus status,
            @Parameter(description = "Only tasks of this type (its key)") @RequestParam(required = false) String type,
            @Parameter(description = "Only this user's tasks") @RequestParam(required = false) Long ownerId,
            @Parameter(description = "Page number, from 0", schema = @Schema(minimum = "0"))
            @RequestParam(defaultValue = "0") int page,
            @Parameter(description = "Tasks per page", schema = @Schema(minimum = "1",
                    maximum = "" + TaskQueries.MAX_PAGE_SIZE))
            @RequestParam(defaultValue = "" + TaskQueries.DEFAULT_PAGE_SIZE) int size) {
        return PageView.of(queries.list(ownerId, status, type, page, size));
    }

    @GetMapping("/tasks/{id}")
    @Operation(operationId = "getAnyTask", summary = "Any task, with its history")
    @ApiResponse(responseCode = "200", description = "The task, with its history")
    @ProblemResponses(404)
    TaskView task(@PathVariable UUID id) {
        return queries.getAny(id);
    }

    @PostMapping("/tasks/{id}/retry")
    @Operation(operationId = "retryAnyTask", summary = "Queue anyone's FAILED or DEAD task again",
            description = "As the owner's retry: the type's number of further attempts; 409 in any other status")
    @ApiResponse(responseCode = "200", description = "The task, QUEUED again")
    @ProblemResponses({404, 409})
    TaskView retry(@PathVariable UUID id) {
        return views.of(commands.retryAny(id));
    }

    @PostMapping("/tasks/{id}/cancel")
    @Operation(operationId = "cancelAnyTask", summary = "Cancel anyone's SCHEDULED, QUEUED, RETRYING or RUNNING task",
            description = "As the owner's cancel; 409 if it has already finished")
    @ApiResponse(responseCode = "200", description = "The task, now CANCELLED")
    @ProblemResponses({404, 409})
    TaskView cancel(@PathVariable UUID id) {
        return views.of(commands.cancelAny(id));
    }

    @PostMapping("/tasks/retry")
    @Operation(operationId = "retryTasks", summary = "Queue FAILED or DEAD tasks again, in bulk",
            description = "Every task in the given status (of one type, of one user, if given), oldest first, at "
                    + "most " + TaskCommands.MAX_BULK_RETRY + " per call: repeat the call while it retries that many. "
                    + "Each gets its type's number of further attempts.")
    @ApiResponse(responseCode = "200", description = "How many were queued again")
    RetriedView retryAll(@RequestBody RetryFilter filter) {
        if (filter == null || filter.status() == null) {
            throw new ApiException(org.springframework.http.HttpStatus.BAD_REQUEST,
                    "status is required: FAILED or DEAD");
        }
        return new RetriedView(commands.retryAll(filter.status(), filter.type(), filter.ownerId()));
    }

    @GetMapping("/stats")
    @Operation(operationId = "stats", summary = "Throughput and latency per minute",
            description = "Tasks submitted and ended, and run and wait time percentiles, per minute over the last "
                    + "`minutes` (per 5 minutes above 180), up to the end of the current bucket")
    @ApiResponse(responseCode = "200", description = "The buckets, oldest first")
    TaskStatistics.Stats stats(
            @Parameter(description = "How far back", schema = @Schema(minimum = "1",
                    maximum = "" + TaskStatistics.MAX_MINUTES))
            @RequestParam(defaultValue = "60") int minutes) {
        return statistics.lastMinutes(minutes);
    }

    @GetMapping("/workers")
    @Operation(operationId = "listWorkers", summary = "Worker replicas heard from in the last 24 hours")
    @ApiResponse(responseCode = "200", description = "The workers, alive or not")
    List<WorkerView> workers() {
        Instant now = Instant.now();
        return workers.seenSince(now.minus(LISTED_WITHIN)).stream().map(w -> WorkerView.of(w, now)).toList();
    }

    @GetMapping("/overview")
    @Operation(operationId = "overview", summary = "Totals by status, queue depths and live workers")
    @ApiResponse(responseCode = "200", description = "The totals")
    Overview overview() {
        Map<TaskStatus, Long> totals = tasks.countByStatus();
        Instant now = Instant.now();
        List<WorkerView> live = workers.seenSince(now.minus(ALIVE_WITHIN)).stream()
                .map(w -> WorkerView.of(w, now)).filter(WorkerView::alive).toList();
        TaskStatistics.Backlog backlog = statistics.outboxBacklog();
        return new Overview(totals, depth(taskQueue), depth(deadLetterQueue), live.size(),
                live.stream().mapToInt(WorkerView::running).sum(), backlog.tasks(), backlog.oldestSeconds());
    }

    private Long depth(Queue queue) {
        try {
            QueueInformation info = rabbitAdmin.getQueueInfo(queue.getName());
            return info == null ? null : (long) info.getMessageCount();
        } catch (AmqpException e) {
            return null; // broker unreachable: unknown, not zero
        }
    }

    record WorkerView(String id, String host, Instant startedAt, Instant lastSeen, int running, int capacity,
            @Nullable Instant stoppedAt, @Nullable Instant drainingSince, boolean alive) {
        static WorkerView of(WorkerInstance w, Instant now) {
            boolean alive = w.stoppedAt() == null && w.lastSeen().isAfter(now.minus(ALIVE_WITHIN));
            return new WorkerView(w.id(), w.host(), w.startedAt(), w.lastSeen(), w.running(),
                    w.capacity(), w.stoppedAt(), w.drainingSince(), alive);
        }
    }

    record Overview(Map<TaskStatus, Long> tasksByStatus,
            @Nullable @Schema(description = "Messages waiting in the task queue; null if the broker cannot be asked")
            Long queueDepth,
            @Nullable @Schema(description = "Messages parked in the dead-letter queue; null if the broker cannot be "
                    + "asked") Long deadLetterDepth,
            int liveWorkers,
            int runningTasks,
            @Schema(description = "Tasks accepted but not yet published to the broker: QUEUED (or due for a retry) "
                    + "for longer than the confirm grace without a confirmed publication; the outbox relay "
                    + "publishes them") long outboxBacklog,
            @Nullable @Schema(description = "Age in seconds of the oldest of them; null if there is none")
            Long oldestUnpublishedSeconds) {
    }

    @Schema(description = "Which tasks to retry: status is required")
    record RetryFilter(
            @Schema(description = "FAILED or DEAD", allowableValues = {"FAILED", "DEAD"},
                    requiredMode = Schema.RequiredMode.REQUIRED, example = "DEAD") TaskStatus status,
            @Nullable @Schema(description = "Only tasks of this type (its key)", example = "sleep") String type,
            @Nullable @Schema(description = "Only this user's tasks (their id)", example = "7") Long ownerId) {
    }

    record RetriedView(@Schema(description = "How many tasks were queued again") int retried) {
    }
}
