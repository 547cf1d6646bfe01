package io.taskhive.gateway.task;

import io.swagger.v3.oas.annotations.media.Schema;
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
 * @param runAt          optional; when to run it (an ISO-8601 instant); until then it is SCHEDULED
 * @param delay          optional, instead of runAt; how long from now (e.g. {@code "30s"},
 *                       {@code "PT5M"}, or a number of seconds)
 * @param priority       optional; 0 (the default) to 9, higher first while tasks wait
 */
public record SubmitTaskRequest(String type, JsonNode payload, String content, Integer maxAttempts,
        Integer timeoutSeconds,
        @Schema(description = "When to run the task (ISO-8601, e.g. 2026-12-01T09:00:00Z); until then it is SCHEDULED. "
                + "A time already past runs it at once.", format = "date-time", example = "2026-12-01T09:00:00Z")
        String runAt,
        @Schema(description = "Instead of runAt: how long from now, as 30s, 5m, 2h, PT90S or a number of seconds",
                example = "30s")
        String delay,
        @Schema(description = "0 (the default) to 9: while tasks wait for a worker, higher ones go first",
                minimum = "0", maximum = "9", example = "5")
        Integer priority) {

    public static SubmitTaskRequest of(String type, JsonNode payload) {
        return new SubmitTaskRequest(type, payload, null, null, null, null, null, null);
    }
}
