package io.taskhive.messaging;

import java.util.UUID;

import tools.jackson.databind.JsonNode;

/** What travels on the work queue: which task to run, its type and its (validated) payload. */
public record TaskMessage(UUID taskId, String type, JsonNode payload) {
}
