package io.taskhive.gateway.events;

import java.time.Instant;
import java.util.UUID;

import io.swagger.v3.oas.annotations.media.Schema;
import io.taskhive.messaging.TaskStatusEvent;
import io.taskhive.task.TaskStatus;
import jakarta.annotation.Nullable;

/** One status change as a server-sent event carries it (the {@code data:} of an {@code event: status}). */
@Schema(description = "A status change of a task, as stored in its history")
public record StatusChange(
        @Schema(description = "The change's id in the task history; also the event's id, for Last-Event-ID")
        @Nullable Long transitionId,
        UUID taskId,
        long ownerId,
        String type,
        @Schema(description = "The status before; null for a task's first change (its submission)")
        @Nullable TaskStatus from,
        TaskStatus to,
        Instant at,
        int attempt,
        @Schema(description = "The worker that made the change, if a worker made it") @Nullable String workerId) {

    static StatusChange of(TaskStatusEvent event) {
        return new StatusChange(event.transitionId(), event.taskId(), event.ownerId(), event.type(), event.from(),
                event.to(), event.at(), event.attempt(), event.workerId());
    }
}
