package io.taskhive.task.types;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.stereotype.Component;

import io.taskhive.task.JsonSchemas;
import io.taskhive.task.Payloads;
import io.taskhive.task.PermanentTaskFailure;
import io.taskhive.task.TaskType;
import io.taskhive.task.TaskTypeDescription;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * A test-only task type (picked up like any other: one class in this package) that fails as many
 * times as a test asks for the key in its payload, then succeeds; a key starting with
 * {@code permanent:} fails in a way that must not be retried.
 */
@Component
public class FlakyTask implements TaskType {

    private static final int MAX_KEY_LENGTH = 100;
    private static final Map<String, AtomicInteger> FAILURES_LEFT = new ConcurrentHashMap<>();

    public static void failNext(String key, int times) {
        FAILURES_LEFT.put(key, new AtomicInteger(times));
    }

    @Override
    public String key() {
        return "flaky";
    }

    @Override
    public JsonNode validate(JsonNode payload) {
        Payloads.text(Payloads.object(payload, Set.of("key")), "key", MAX_KEY_LENGTH);
        return payload;
    }

    @Override
    public JsonNode run(JsonNode payload) {
        String key = payload.get("key").stringValue();
        if (key.startsWith("permanent:")) {
            throw new PermanentTaskFailure("the input cannot work: " + key);
        }
        AtomicInteger left = FAILURES_LEFT.get(key);
        if (left != null && left.getAndDecrement() > 0) {
            throw new IllegalStateException("planned failure for " + key);
        }
        return JsonNodeFactory.instance.objectNode().put("key", key);
    }

    @Override
    public int defaultMaxAttempts() {
        return 1;
    }

    @Override
    public TaskTypeDescription describe() {
        return new TaskTypeDescription("Test only: fails as often as a test planned for its key",
                JsonSchemas.object().required("key", JsonSchemas.string("the key a test planned failures for", 0,
                        MAX_KEY_LENGTH)).build(),
                JsonSchemas.object().required("key", JsonSchemas.string("the key")).build(),
                JsonNodeFactory.instance.objectNode().put("key", "example"),
                JsonNodeFactory.instance.objectNode().put("key", "example"), null);
    }
}
