package io.taskhive.cli;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A task as {@code submit} describes it: its type, either a payload or the seeds' plain content,
 * and the optional idempotency key, time to run ({@code runAt} an ISO-8601 time, or {@code delay}
 * such as {@code 30s}) and priority (0 to 9); the gateway reads and checks them.
 */
record TaskToSubmit(String type, JsonNode payload, String content, String idempotencyKey, String runAt,
        String delay, Integer priority) {

    /** The fields both the REST body and the socket request carry, under the given names. */
    void writeTo(ObjectNode request, String runAtField) {
        request.put("type", type);
        if (payload != null) {
            request.set("payload", payload);
        } else {
            request.put("content", content);
        }
        if (runAt != null) {
            request.put(runAtField, runAt);
        }
        if (delay != null) {
            request.put("delay", delay);
        }
        if (priority != null) {
            request.put("priority", priority);
        }
    }
}
