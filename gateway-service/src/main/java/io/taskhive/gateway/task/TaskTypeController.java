package io.taskhive.gateway.task;

import java.util.List;

import jakarta.annotation.Nullable;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirements;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.taskhive.task.TaskType;
import io.taskhive.task.TaskTypeDescription;
import io.taskhive.task.TaskTypeRegistry;
import tools.jackson.databind.JsonNode;

/**
 * The task types this system runs, as the types describe themselves: what clients (and the web UI)
 * need to build a submission without reading the OpenAPI document. Public: it says nothing about
 * anyone's tasks.
 */
@RestController
@RequestMapping("/api/task-types")
@Tag(name = "task types")
class TaskTypeController {

    private final TaskTypeRegistry types;

    TaskTypeController(TaskTypeRegistry types) {
        this.types = types;
    }

    @GetMapping
    @Operation(operationId = "listTaskTypes", summary = "The task types, with the schema and an example of each "
            + "one's payload and result")
    @SecurityRequirements
    @ApiResponse(responseCode = "200", description = "Every task type, by key")
    List<TaskTypeView> list() {
        return types.all().stream().map(TaskTypeView::of).toList();
    }

    record TaskTypeView(
            @Schema(description = "What to send as `type`") String key,
            @Nullable @Schema(description = "Seed 1's numeric code, also accepted as `type`") Integer code,
            String summary,
            @Schema(description = "JSON Schema of the payload") JsonNode payloadSchema,
            @Schema(description = "JSON Schema of the result") JsonNode resultSchema,
            JsonNode examplePayload,
            JsonNode exampleResult,
            @Nullable @Schema(description = "A plain text accepted instead of a payload (`content`); null when the "
                    + "type takes none") String exampleContent,
            @Schema(description = "Attempts a task gets unless it asks otherwise") int defaultMaxAttempts,
            @Schema(description = "How long one attempt may run unless the task asks otherwise") long timeoutSeconds) {

        static TaskTypeView of(TaskType type) {
            TaskTypeDescription description = type.describe();
            return new TaskTypeView(type.key(), type.code() > 0 ? type.code() : null, description.summary(),
                    description.payloadSchema(), description.resultSchema(), description.examplePayload(),
                    description.exampleResult(), description.exampleContent(), type.defaultMaxAttempts(),
                    type.timeout().toSeconds());
        }
    }
}
