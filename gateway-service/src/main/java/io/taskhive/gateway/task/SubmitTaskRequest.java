package io.taskhive.gateway.task;

import tools.jackson.databind.JsonNode;

/**
 * One task to submit.
 *
 * @param type           a task type key ({@code uppercase}) or seed-1 code ({@code "1"})
 * @param payload        the type's payload, e.g. {@code {"text": "hola mundo"}}
 * @param content        instead of a payload, the plain text the seeds' clients sent (the text,
 *                       the seconds, the name): the type makes its payload from it
 * @param maxAttempts    optional; how many attempts the task gets (default: the type's)
 * @param timeoutSeconds optional; how long one attempt may run (default: the type's)
 */
public record SubmitTaskRequest(String type, JsonNode payload, String content, Integer maxAttempts,
        Integer timeoutSeconds) {

    public static SubmitTaskRequest of(String type, JsonNode payload) {
        return new SubmitTaskRequest(type, payload, null, null, null);
    }
}
