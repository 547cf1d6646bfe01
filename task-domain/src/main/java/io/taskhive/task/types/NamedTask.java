package io.taskhive.task.types;

import java.time.Duration;
import java.util.Set;

import org.springframework.stereotype.Component;

import io.taskhive.task.InvalidPayloadException;
import io.taskhive.task.Payloads;
import io.taskhive.task.TaskType;
import io.taskhive.task.JsonSchemas;
import io.taskhive.task.TaskTypeDescription;
import io.taskhive.task.TaskTypesProperties;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** Seed 2's task: a free-text name whose processing is simulated for a configured time. */
@Component
class NamedTask implements TaskType {

    private static final Set<String> FIELDS = Set.of("name");
    private static final int MAX_NAME_LENGTH = 500;

    private final Duration duration;

    NamedTask(TaskTypesProperties properties) {
        this.duration = properties.namedDuration();
    }

    @Override
    public String key() {
        return "named";
    }

    @Override
    public JsonNode payloadFromText(String text) {
        return validate(JsonNodeFactory.instance.objectNode().put("name", text));
    }

    @Override
    public JsonNode validate(JsonNode payload) {
        String name = Payloads.text(Payloads.object(payload, FIELDS), "name", MAX_NAME_LENGTH);
        if (name.isBlank()) {
            throw new InvalidPayloadException("payload.name must not be blank");
        }
        return payload;
    }

    @Override
    public JsonNode run(JsonNode payload) throws InterruptedException {
        Thread.sleep(duration);
        return JsonNodeFactory.instance.objectNode()
                .put("name", payload.get("name").stringValue())
                .put("processedMillis", duration.toMillis());
    }

    @Override
    public Duration timeout() {
        return duration.plusSeconds(30);
    }

    @Override
    public TaskTypeDescription describe() {
        ObjectNode payload = JsonSchemas.object().required("name",
                JsonSchemas.string("a free-text name, not blank", 1, MAX_NAME_LENGTH).put("pattern", "\\S")).build();
        ObjectNode result = JsonSchemas.object().required("name", JsonSchemas.string("the name"))
                .required("processedMillis", JsonSchemas.integer("how long the simulated processing took")).build();
        String name = "informe mensual";
        return new TaskTypeDescription("Seed 2's task: simulates processing a named job for "
                + duration.toMillis() + " ms", payload, result, JsonNodeFactory.instance.objectNode().put("name", name),
                JsonNodeFactory.instance.objectNode().put("name", name).put("processedMillis", duration.toMillis()),
                name);
    }
}
