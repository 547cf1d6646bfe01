package io.taskhive.gateway.task;

import java.time.Instant;
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
import io.taskhive.task.TaskTypeRegistry;

/** What an owner can do to a submitted task: cancel it, or queue a failed one again. */
@Service
public class TaskCommands {

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
        TaskChange change = tasks.cancel(id, ownerId).orElseThrow(() -> refusal(ownerId, id, "cancelled",
                "it has already finished"));
        events.publish(new TaskStatusEvent(id, ownerId, change.getType(), change.fromStatus(), TaskStatus.CANCELLED,
                change.getAt(), change.getWorkerId(), change.getAttempt()));
        return tasks.findById(id).orElseThrow(() -> new TaskNotFoundException(id));
    }

    /** FAILED or DEAD becomes QUEUED again, with the type's number of attempts on top of those used. */
    public Task retry(long ownerId, UUID id) {
        Task current = tasks.findByIdAndOwnerId(id, ownerId).orElseThrow(() -> new TaskNotFoundException(id));
        int extraAttempts = types.find(current.getType()).map(t -> t.defaultMaxAttempts()).orElse(1);
        TaskChange change = tasks.retry(id, ownerId, extraAttempts,
                Instant.now().plus(properties.outbox().confirmGrace()))
                .orElseThrow(() -> refusal(ownerId, id, "retried", "only FAILED or DEAD tasks can be retried"));
        Task requeued = tasks.findById(id).orElseThrow(() -> new TaskNotFoundException(id));
        dispatcher.dispatch(List.of(requeued));
        events.publish(new TaskStatusEvent(id, ownerId, change.getType(), change.fromStatus(), TaskStatus.QUEUED,
                change.getAt(), null, change.getAttempt()));
        return requeued;
    }

    private ApiException refusal(long ownerId, UUID id, String verb, String why) {
        Task task = tasks.findByIdAndOwnerId(id, ownerId).orElse(null);
        if (task == null) {
            return new TaskNotFoundException(id);
        }
        return new ApiException(HttpStatus.CONFLICT, "task " + id + " is " + task.getStatus() + " and cannot be "
                + verb + ": " + why);
    }
}
