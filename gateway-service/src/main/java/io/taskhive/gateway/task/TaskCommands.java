package io.taskhive.gateway.task;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;

import io.taskhive.gateway.GatewayProperties;
import io.taskhive.gateway.web.ApiException;
import io.taskhive.messaging.TaskEventPublisher;
import io.taskhive.messaging.TaskStatusEvent;
import io.taskhive.task.Task;
import io.taskhive.task.TaskStatus;
import io.taskhive.task.TaskTypeRegistry;
import io.taskhive.task.store.TaskChange;
import io.taskhive.task.store.TaskFilter;
import io.taskhive.task.store.TaskFinder;
import io.taskhive.task.store.TaskStore;

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

    private final TaskStore store;
    private final TaskFinder finder;
    private final TaskTypeRegistry types;
    /** Each known type's number of attempts, given again on a retry. */
    private final Map<String, Integer> extraAttempts = new LinkedHashMap<>();
    private final TaskDispatcher dispatcher;
    private final TaskEventPublisher events;
    private final GatewayProperties properties;

    TaskCommands(TaskStore store, TaskFinder finder, TaskTypeRegistry types, TaskDispatcher dispatcher,
            TaskEventPublisher events, GatewayProperties properties) {
        this.store = store;
        this.finder = finder;
        this.types = types;
        this.dispatcher = dispatcher;
        this.events = events;
        this.properties = properties;
        types.keys().forEach(key -> extraAttempts.put(key, types.require(key).defaultMaxAttempts()));
    }

    /**
     * SCHEDULED, QUEUED, RETRYING or RUNNING becomes CANCELLED. A worker running it learns of it from the
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
        TaskChange change = store.cancel(id, ownerId, detail)
                .orElseThrow(() -> refusal(ownerId, id, "cancelled", "it has already finished"));
        events.publishInOrder(event(change));
        return finder.find(id).orElseThrow(() -> new TaskNotFoundException(id));
    }

    /** FAILED or DEAD becomes QUEUED again, with the type's number of attempts on top of those used. */
    public Task retry(long ownerId, UUID id) {
        return retry((Long) ownerId, id, "retried by its owner");
    }

    /** As {@link #retry(long, UUID)}, for an admin: anyone's task. */
    public Task retryAny(UUID id) {
        return retry(null, id, "retried by an admin");
    }

    private Task retry(Long ownerId, UUID id, String detail) {
        TaskChange change = store.retry(id, ownerId, extraAttempts, dispatchDue(), detail)
                .orElseThrow(() -> refusal(ownerId, id, "retried", "only FAILED or DEAD tasks can be retried"));
        Task requeued = finder.find(id).orElseThrow(() -> new TaskNotFoundException(id));
        dispatcher.announceAndDispatch(List.of(event(change)), List.of(requeued));
        return requeued;
    }

    /**
     * An admin queues again up to {@value #MAX_BULK_RETRY} tasks in {@code status} (FAILED or DEAD),
     * optionally of one type and one owner, oldest first; returns how many. Each is retried as
     * {@link #retryAny} would.
     */
    public int retryAll(TaskStatus status, String type, Long ownerId) {
        if (status == null || !TaskStatus.retryable().contains(status)) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "status is required: FAILED or DEAD");
        }
        if (type != null && types.find(type).isEmpty()) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "unknown task type '" + type + "'; known types: "
                    + String.join(", ", types.keys()));
        }
        List<TaskChange> changes = store.retryAll(new TaskFilter(ownerId, status, type), extraAttempts,
                MAX_BULK_RETRY, dispatchDue());
        for (int from = 0; from < changes.size(); from += DISPATCH_CHUNK) {
            List<TaskChange> chunk = changes.subList(from, Math.min(changes.size(), from + DISPATCH_CHUNK));
            dispatcher.announceAndDispatch(chunk.stream().map(TaskCommands::event).toList(),
                    finder.findAll(chunk.stream().map(TaskChange::taskId).toList()));
        }
        return changes.size();
    }

    /** When the outbox relay publishes a retried task if the immediate publish is not confirmed. */
    private Instant dispatchDue() {
        return Instant.now().plus(properties.outbox().confirmGrace());
    }

    private static TaskStatusEvent event(TaskChange change) {
        return new TaskStatusEvent(change.transitionId(), change.taskId(), change.ownerId(), change.type(),
                change.fromStatus(), change.toStatus(), change.at(), change.workerId(), change.attempt());
    }

    private ApiException refusal(Long ownerId, UUID id, String verb, String why) {
        Task task = (ownerId == null ? finder.find(id) : finder.findOwned(id, ownerId)).orElse(null);
        if (task == null) {
            return new TaskNotFoundException(id);
        }
        return new ApiException(HttpStatus.CONFLICT, "task " + id + " is " + task.status() + " and cannot be "
                + verb + ": " + why);
    }
}
