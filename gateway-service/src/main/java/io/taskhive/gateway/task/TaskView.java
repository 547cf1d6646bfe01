package io.taskhive.gateway.task;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.annotation.Nullable;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.swagger.v3.oas.annotations.media.Schema;
import io.taskhive.task.TaskStatus;
import tools.jackson.databind.JsonNode;

/**
 * A task as clients see it; {@code history} only when one task is asked for. (The OpenAPI document
 * shows one schema per task type, with that type's payload and result.)
 */
public record TaskView(
        UUID id,
        String type,
        TaskStatus status,
        JsonNode payload,
        @Nullable @Schema(description = "The outcome, once SUCCEEDED") JsonNode result,
        @JsonInclude(JsonInclude.Include.NON_NULL)
        @Schema(description = "The result file of a task type that makes one (e.g. report), once SUCCEEDED: "
                + "download it from its url; absent otherwise") ArtifactView artifact,
        @Nullable @Schema(description = "Why the last attempt failed") String error,
        int attempts,
        int maxAttempts,
        @Schema(description = "0 to 9; while tasks wait for a worker, higher ones go first") int priority,
        @Nullable @Schema(description = "The task's own time limit per attempt, if it asked for one") Integer timeoutSeconds,
        @Nullable String idempotencyKey,
        long ownerId,
        Instant createdAt,
        @Nullable @Schema(description = "When its submitter asked it to run; it was SCHEDULED until then")
        Instant runAt,
        @Nullable @Schema(description = "When it was last queued; null while SCHEDULED") Instant queuedAt,
        @Nullable Instant startedAt,
        @Nullable Instant finishedAt,
        @Nullable @Schema(description = "The worker running it, or that ran it last") String workerId,
        @JsonInclude(JsonInclude.Include.NON_NULL)
        @Schema(description = "Every status change, oldest first; only when one task is asked for")
        List<TransitionView> history) {

    /**
     * A task's result file, wherever it is kept.
     *
     * @param url where to download it (with the same bearer token)
     */
    public record ArtifactView(long size, String contentType,
            @Schema(description = "SHA-256 of its bytes, hex") String sha256,
            @Schema(description = "artifact (in the artifact store) or inline (in the result)") String stored,
            @Schema(description = "GET it with your bearer token: /api/tasks/{id}/result") String url) {
    }

    public record TransitionView(@Nullable TaskStatus from, TaskStatus to, Instant at, @Nullable String workerId,
            int attempt, @Nullable String detail) {
    }
}
