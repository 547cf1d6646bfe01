package io.taskhive.task.store;

import java.util.UUID;

/** The result (JSON text) of a pure task, computed before its claim ({@link AttemptStore#complete}). */
public record Computed(UUID taskId, String result) {
}
