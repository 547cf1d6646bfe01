package io.taskhive.task;

import tools.jackson.databind.JsonNode;

/**
 * A task type whose result is a file (a report, an export). The worker runs {@link #produce}: a
 * file up to the artifact threshold goes into the result inline, a larger one to the artifact
 * store, with only its reference in the task row. The gateway refuses, at submission, a payload
 * whose file could exceed the threshold when no artifact store is configured
 * ({@link #maxFileBytes}), so a result is never cut short.
 */
public interface FileTaskType extends TaskType {

    /**
     * Makes the file. Throw {@link InterruptedException} when interrupted, as {@link #run} does.
     */
    FileOutput produce(JsonNode payload) throws Exception;

    /** An upper bound of the size of the file {@link #produce} makes of this (valid) payload. */
    long maxFileBytes(JsonNode payload);

    /**
     * The result with the file inline, as a worker records a file up to the threshold. (The worker
     * calls {@link #produce} and decides where the file goes; this is the type's example result.)
     */
    @Override
    default JsonNode run(JsonNode payload) throws Exception {
        return FileResults.inline(produce(payload));
    }
}
