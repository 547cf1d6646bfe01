package io.taskhive.task.types;

import org.springframework.stereotype.Component;

import io.taskhive.task.TaskTypesProperties;
import io.taskhive.task.JsonSchemas;
import io.taskhive.task.TaskTypeDescription;
import tools.jackson.databind.JsonNode;

/** Seed 1's type 3: the number of whitespace-separated words. */
@Component
class WordCountTask extends TextTask {

    WordCountTask(TaskTypesProperties properties) {
        super(properties);
    }

    @Override
    public String key() {
        return "word_count";
    }

    @Override
    public int code() {
        return 3;
    }

    @Override
    JsonNode transform(String text) {
        int count = 0;
        boolean inWord = false;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            boolean space = Character.isWhitespace(cp) || Character.isSpaceChar(cp);
            if (!space && !inWord) {
                count++;
            }
            inWord = !space;
            i += Character.charCount(cp);
        }
        return result().put("count", count);
    }

    @Override
    public TaskTypeDescription describe() {
        return describe("The number of whitespace-separated words", JsonSchemas.object()
                .required("count", JsonSchemas.integer("how many words", 0, Integer.MAX_VALUE)).build(),
                "uno dos tres");
    }
}
