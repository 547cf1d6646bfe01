package io.taskhive.task.store;

import java.util.UUID;

/**
 * One publication of a task to the broker: its {@link io.taskhive.task.Task#dispatchSeq()} at the
 * time. A confirm of an older publication than the task's latest clears nothing.
 */
public record Publication(UUID taskId, int sequence) {

    /** This publication as a {@link io.taskhive.task.Task#dispatchKey()}: {@code id:sequence}. */
    public String key() {
        return taskId + ":" + sequence;
    }

    /** Reads a {@link io.taskhive.task.Task#dispatchKey()}: {@code id:sequence}. */
    public static Publication of(String dispatchKey) {
        int colon = dispatchKey.indexOf(':');
        return new Publication(UUID.fromString(dispatchKey.substring(0, colon)),
                Integer.parseInt(dispatchKey.substring(colon + 1)));
    }
}
