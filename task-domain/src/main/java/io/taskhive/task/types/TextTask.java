package io.taskhive.task.types;

import java.util.Set;

import io.taskhive.task.JsonSchemas;
import io.taskhive.task.Payloads;
import io.taskhive.task.TaskType;
import io.taskhive.task.TaskTypeDescription;
import io.taskhive.task.TaskTypesProperties;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** A task whose payload is {@code {"text": "..."}} and whose work is a pure function of it. */
abstract class TextTask implements TaskType {

    private static final Set<String> FIELDS = Set.of("text");

    private final int maxLength;

    TextTask(TaskTypesProperties properties) {
        this.maxLength = properties.maxTextLength();
    }

    @Override
    public JsonNode payloadFromText(String text) {
        return validate(JsonNodeFactory.instance.objectNode().put("text", text));
    }

    @Override
    public JsonNode validate(JsonNode payload) {
        Payloads.text(Payloads.object(payload, FIELDS), "text", maxLength);
        return payload;
    }

    @Override
    public JsonNode run(JsonNode payload) {
        return transform(payload.get("text").stringValue());
    }

    /** A text of at most {@code max-text-length} characters is transformed in microseconds. */
    @Override
    public boolean pure() {
        return true;
    }

    abstract JsonNode transform(String text);

    /** {@code {"text": ...}} of at most {@code max-text-length} characters, the limit {@link #validate} applies. */
    ObjectNode payloadSchema() {
        return JsonSchemas.object().required("text", JsonSchemas.string("the text", 0, maxLength)).build();
    }

    /** The result of {@link #transform} for the example text, so an example can never disagree with a run. */
    TaskTypeDescription describe(String summary, ObjectNode resultSchema, String exampleText) {
        return new TaskTypeDescription(summary, payloadSchema(), resultSchema, result().put("text", exampleText),
                transform(exampleText), exampleText);
    }

    static ObjectNode result() {
        return JsonNodeFactory.instance.objectNode();
    }
}
