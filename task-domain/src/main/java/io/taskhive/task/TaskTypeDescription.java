package io.taskhive.task;

import org.jspecify.annotations.Nullable;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What a client needs to know to use a task type: the JSON Schemas of its payload and result (with
 * the limits {@link TaskType#validate} enforces) and a working example of each. The OpenAPI
 * document and {@code GET /api/task-types} are made from these.
 *
 * @param summary        one line on what the type does
 * @param payloadSchema  the payload it accepts
 * @param resultSchema   the result of a successful run
 * @param examplePayload a payload it accepts
 * @param exampleResult  the result of running {@code examplePayload}
 * @param exampleContent a plain text it accepts instead of a payload (seed 1's {@code contenido}),
 *                       or null when the type takes no text
 */
public record TaskTypeDescription(String summary, ObjectNode payloadSchema, ObjectNode resultSchema,
        JsonNode examplePayload, JsonNode exampleResult, @Nullable String exampleContent) {

    /** Whether the type builds its payload from a plain text. */
    public boolean acceptsContent() {
        return exampleContent != null;
    }
}
