package io.taskhive.gateway.task;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.taskhive.task.TaskStatus;
import tools.jackson.databind.JsonNode;

/** A task as clients see it; {@code history} only when one task is asked for. */
public record TaskView(
        UUID id,
        String type,
        TaskStatus status,
        JsonNode payload,
        JsonNode result,
        String error,
        int attempts,
        int maxAttempts,
        Integer timeoutSeconds,
        String idempotencyKey,
        long ownerId,
        Instant createdAt,
        Instant queuedAt,
        Instant startedAt,
        Instant finishedAt,
        String workerId,
        @JsonInclude(JsonInclude.Include.NON_NULL) List<TransitionView> history) {

    public record TransitionView(TaskStatus from, TaskStatus to, Instant at, String workerId, int attempt,
            String detail) {
    }
}
