package io.taskhive.messaging;

import java.time.Instant;
import java.util.UUID;

import io.taskhive.task.TaskStatus;

/** A status change, as published on the event exchange for gateways (live updates) and workers (cancel). */
public record TaskStatusEvent(UUID taskId, long ownerId, String type, TaskStatus from, TaskStatus to,
        Instant at, String workerId, int attempt) {

    public String routingKey() {
        return routingKey(to);
    }

    public static String routingKey(TaskStatus status) {
        return "task." + status.name().toLowerCase(java.util.Locale.ROOT);
    }
}
