package io.taskhive.task.types;

import org.springframework.stereotype.Component;

import io.taskhive.task.TaskTypesProperties;
import io.taskhive.task.JsonSchemas;
import io.taskhive.task.TaskTypeDescription;
import tools.jackson.databind.JsonNode;

/** Seed 1's type 2: the text reversed by Unicode code points, so surrogate pairs stay whole. */
@Component
class ReverseTask extends TextTask {

    ReverseTask(TaskTypesProperties properties) {
        super(properties);
    }

    @Override
    public String key() {
        return "reverse";
    }

    @Override
    public int code() {
        return 2;
    }

    @Override
    JsonNode transform(String text) {
        int[] codePoints = text.codePoints().toArray();
        StringBuilder reversed = new StringBuilder(text.length());
        for (int i = codePoints.length - 1; i >= 0; i--) {
            reversed.appendCodePoint(codePoints[i]);
        }
        return result().put("text", reversed.toString());
    }

    @Override
    public TaskTypeDescription describe() {
        return describe("The text reversed by Unicode code points", JsonSchemas.object()
                .required("text", JsonSchemas.string("the text reversed")).build(),
                "abc\uD83D\uDE00");
    }
}
