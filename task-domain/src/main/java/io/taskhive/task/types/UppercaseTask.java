package io.taskhive.task.types;

import java.util.Locale;

import org.springframework.stereotype.Component;

import io.taskhive.task.TaskTypesProperties;
import io.taskhive.task.JsonSchemas;
import io.taskhive.task.TaskTypeDescription;
import tools.jackson.databind.JsonNode;

/** Seed 1's type 1: the text in upper case. */
@Component
class UppercaseTask extends TextTask {

    UppercaseTask(TaskTypesProperties properties) {
        super(properties);
    }

    @Override
    public String key() {
        return "uppercase";
    }

    @Override
    public int code() {
        return 1;
    }

    @Override
    JsonNode transform(String text) {
        return result().put("text", text.toUpperCase(Locale.ROOT));
    }

    @Override
    public TaskTypeDescription describe() {
        return describe("The text in upper case", JsonSchemas.object()
                .required("text", JsonSchemas.string("the text in upper case")).build(),
                "hola mundo");
    }
}
