package io.taskhive.gateway.task;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;

import io.taskhive.gateway.GatewayProperties;
import io.taskhive.gateway.web.ApiException;
import io.taskhive.messaging.TaskEventPublisher;
import io.taskhive.messaging.TaskStatusEvent;
import io.taskhive.task.Task;
import io.taskhive.task.TaskChange;
import io.taskhive.task.TaskRepository;
import io.taskhive.task.TaskStatus;
import io.taskhive.task.TaskType;
import io.taskhive.task.TaskTypeRegistry;

/**
 * What can be done to a submitted task: cancel it, or queue a failed one again; by its owner, or
 * by an admin to anyone's (one task, or failed ones in bulk).
 */
@Service
public class TaskCommands {

    /** Most tasks one bulk retry queues again; a caller repeats it for more. */
    public static final int MAX_BULK_RETRY = 10_000;
    /** Tasks read back and published together after a bulk retry. */
    private static final int DISPATCH_CHUNK = 500;

    private final TaskRepository tasks;
    private final TaskTypeRegistry types;
    private final TaskDispatcher dispatcher;
    private final TaskEventPublisher events;
    private final GatewayProperties properties;

    TaskCommands(TaskRepository tasks, TaskTypeRegistry types, TaskDispatcher dispatcher, TaskEventPublisher events,
            GatewayProperties properties) {
        this.tasks = tasks;
        this.types = types;
        this.dispatcher = dispatcher;
        this.events = events;
        this.properties = properties;
    }

    /**
     * QUEUED, RETRYING or RUNNING becomes CANCELLED. A worker running it learns of it from the
     * CANCELLED event and interrupts it; its late outcome cannot overwrite CANCELLED.
     */
    public Task cancel(long ownerId, UUID id) {
        return cancel((Long) ownerId, id, "cancelled by its owner");
    }

    /** As {@link #cancel(long, UUID)}, for an admin: anyone's task. */
    public Task cancelAny(UUID id) {
        return cancel(null, id, "cancelled by an admin");
    }

    private Task cancel(Long ownerId, UUID id, String detail) {
        TaskChange change = tasks.cancel(id, ownerId, detail).orElseThrow(() -> refusal(ownerId, id, "cancelled",
                "it has already finished"));
        events.publish(event(id, change, TaskStatus.CANCELLED));
        return tasks.findById(id).orElseThrow(() -> new TaskNotFoundException(id));
    }

    /** FAILED or DEAD becomes QUEUED again, with the type's number of attempts on top of those used. */
    public Task retry(long ownerId, UUID id) {
        Task current = tasks.findByIdAndOwnerId(id, ownerId).orElseThrow(() -> new TaskNotFoundException(id));
        return retry(ownerId, current, "retried by its owner");
    }

    /** As {@link #retry(long, UUID)}, for an admin: anyone's task. */
    public Task retryAny(UUID id) {
        Task current = tasks.findById(id).orElseThrow(() -> new TaskNotFoundException(id));
        return retry(null, current, "retried by an admin");
    }

    private Task retry(Long ownerId, Task current, String detail) {
        UUID id = current.getId();
        TaskChange change = tasks.retry(id, ownerId, extraAttempts(current.getType()),
                Instant.now().plus(properties.outbox().confirmGrace()), detail)
                .orElseThrow(() -> refusal(ownerId, id, "retried", "only FAILED or DEAD tasks can be retried"));
        Task requeued = tasks.findById(id).orElseThrow(() -> new TaskNotFoundException(id));
        dispatcher.dispatch(List.of(requeued));
        events.publish(event(id, change, TaskStatus.QUEUED));
        return requeued;
    }

    /**
     * An admin queues again up to {@value #MAX_BULK_RETRY} tasks in {@code status} (FAILED or DEAD),
     * optionally of one type and one owner, oldest first; returns how many. Each is retried as
     * {@link #retryAny} would.
     */
    public int retryAll(TaskStatus status, String type, Long ownerId) {
        if (status != TaskStatus.FAILED && status != TaskStatus.DEAD) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "status is required: FAILED or DEAD");
        }
        if (type != null && types.find(type).isEmpty()) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "unknown task type '" + type + "'; known types: "
                    + String.join(", ", types.keys()));
        }
        List<String> keys = new ArrayList<>(types.keys());
        List<TaskRepository.BulkChange> changes = tasks.retryAll(status.name(), type, ownerId,
                keys.toArray(String[]::new), keys.stream().map(this::extraAttempts).toArray(Integer[]::new),
                MAX_BULK_RETRY, Instant.now().plus(properties.outbox().confirmGrace()));
        for (int from = 0; from < changes.size(); from += DISPATCH_CHUNK) {
            List<TaskRepository.BulkChange> chunk = changes.subList(from, Math.min(changes.size(),
                    from + DISPATCH_CHUNK));
            dispatcher.dispatch(tasks.findAllById(chunk.stream().map(TaskRepository.BulkChange::getId).toList()));
            chunk.forEach(change -> events.publish(event(change.getId(), change, TaskStatus.QUEUED)));
        }
        return changes.size();
    }

    private int extraAttempts(String type) {
        return types.find(type).map(TaskType::defaultMaxAttempts).orElse(1);
    }

    private static TaskStatusEvent event(UUID id, TaskChange change, TaskStatus to) {
        return new TaskStatusEvent(change.getTransitionId(), id, change.getOwnerId(), change.getType(),
                change.fromStatus(), to, change.getAt(), change.getWorkerId(), change.getAttempt());
    }

    private ApiException refusal(Long ownerId, UUID id, String verb, String why) {
        Task task = (ownerId == null ? tasks.findById(id) : tasks.findByIdAndOwnerId(id, ownerId)).orElse(null);
        if (task == null) {
            return new TaskNotFoundException(id);
        }
        return new ApiException(HttpStatus.CONFLICT, "task " + id + " is " + task.getStatus() + " and cannot be "
                + verb + ": " + why);
    }
}
