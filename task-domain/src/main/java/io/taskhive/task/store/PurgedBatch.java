package io.taskhive.task.store;

import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * What one retention batch deleted: how many tasks, the latest {@code finished_at} among them
 * (null if none), from where the next batch of the same run goes on, and the keys of their
 * artifacts, whose objects are to be deleted now that no row refers to them.
 */
public record PurgedBatch(int tasks, @Nullable Instant lastFinishedAt, List<String> artifactKeys) {

    public PurgedBatch {
        artifactKeys = List.copyOf(artifactKeys);
    }
}
