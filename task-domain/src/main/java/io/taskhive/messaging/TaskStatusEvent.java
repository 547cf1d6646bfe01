package io.taskhive.messaging;

import java.time.Instant;
import java.util.Locale;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.taskhive.task.TaskStatus;

/**
 * A status change, as published on the event exchange for gateways (live updates) and workers
 * (cancel). {@code transitionId} is the id of the change's row in {@code task_transitions} (null
 * only from a publisher older than that field), so a client that resumes a stream of changes from
 * the last id it saw gets exactly the ones it missed; {@code at} is the time stored in that row. A
 * worker's final outcome also carries {@code outcome}, the rest of what it wrote, so a gateway
 * waiting for that task can answer without reading it back; it is absent for other changes and for
 * results too large to send to every gateway.
 */
public record TaskStatusEvent(Long transitionId, UUID taskId, long ownerId, String type, TaskStatus from,
        TaskStatus to, Instant at, String workerId, int attempt,
        @JsonInclude(JsonInclude.Include.NON_NULL) Outcome outcome) {

    public TaskStatusEvent(Long transitionId, UUID taskId, long ownerId, String type, TaskStatus from, TaskStatus to,
            Instant at, String workerId, int attempt) {
        this(transitionId, taskId, ownerId, type, from, to, at, workerId, attempt, null);
    }

    /**
     * The columns of the task's row that a final outcome leaves, besides its status, attempt and
     * worker ({@code result} is the result's JSON text).
     */
    public record Outcome(String result, String error, int maxAttempts, Instant queuedAt, Instant startedAt) {
    }

    public String routingKey() {
        return routingKey(to);
    }

    public static String routingKey(TaskStatus status) {
        return "task." + status.name().toLowerCase(Locale.ROOT);
    }
}
