package io.taskhive.gateway.admin;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.QueueInformation;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.AmqpException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
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
import io.taskhive.gateway.apidocs.ProblemResponses;
import io.taskhive.fleet.WorkerInstance;
import io.taskhive.fleet.WorkerInstanceRepository;
import io.taskhive.gateway.task.PageView;
import io.taskhive.gateway.task.TaskQueries;
import io.taskhive.gateway.task.TaskView;
import io.taskhive.task.TaskRepository;
import io.taskhive.task.TaskStatus;

/** What only admins see: everyone's tasks, the workers, queue depth and totals. */
@RestController
@RequestMapping("/api/admin")
@Tag(name = "admin", description = "Everything, for the ADMIN role")
@SecurityRequirement(name = "bearer")
@ProblemResponses({400, 403, 503})
class AdminController {

    /** A worker not heard from for this long is shown as not alive. */
    private static final Duration ALIVE_WITHIN = Duration.ofSeconds(30);
    private static final Duration LISTED_WITHIN = Duration.ofHours(24);

    private final TaskQueries queries;
    private final TaskRepository tasks;
    private final WorkerInstanceRepository workers;
    private final AmqpAdmin rabbitAdmin;
    private final Queue taskQueue;
    private final Queue deadLetterQueue;

    AdminController(TaskQueries queries, TaskRepository tasks, WorkerInstanceRepository workers,
            AmqpAdmin rabbitAdmin, Queue taskQueue, Queue deadLetterQueue) {
        this.queries = queries;
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
        Map<TaskStatus, Long> totals = new EnumMap<>(TaskStatus.class);
        for (TaskStatus status : TaskStatus.values()) {
            totals.put(status, 0L);
        }
        tasks.countByStatus().forEach(c -> totals.put(c.getStatus(), c.getCount()));
        Instant now = Instant.now();
        List<WorkerView> live = workers.seenSince(now.minus(ALIVE_WITHIN)).stream()
                .map(w -> WorkerView.of(w, now)).filter(WorkerView::alive).toList();
        return new Overview(totals, depth(taskQueue), depth(deadLetterQueue), live.size(),
                live.stream().mapToInt(WorkerView::running).sum());
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
            boolean alive = w.getStoppedAt() == null && w.getLastSeen().isAfter(now.minus(ALIVE_WITHIN));
            return new WorkerView(w.getId(), w.getHost(), w.getStartedAt(), w.getLastSeen(), w.getRunning(),
                    w.getCapacity(), w.getStoppedAt(), w.getDrainingSince(), alive);
        }
    }

    record Overview(Map<TaskStatus, Long> tasksByStatus,
            @Nullable @Schema(description = "Messages waiting in the task queue; null if the broker cannot be asked")
            Long queueDepth,
            @Nullable @Schema(description = "Messages parked in the dead-letter queue; null if the broker cannot be "
                    + "asked") Long deadLetterDepth,
            int liveWorkers,
            int runningTasks) {
    }
}
