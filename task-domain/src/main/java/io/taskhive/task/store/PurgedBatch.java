package io.taskhive.task.store;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * What one retention batch deleted: how many tasks, and the latest {@code finished_at} among them
 * (null if none), from where the next batch of the same run goes on.
 */
public record PurgedBatch(int tasks, @Nullable Instant lastFinishedAt) {
}
