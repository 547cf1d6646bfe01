package io.taskhive.fleet;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * A worker replica as its heartbeats describe it: written by the worker, read by admins.
 *
 * @param stoppedAt     when it stopped cleanly, or null
 * @param drainingSince since when it has been finishing its tasks before it stops (it takes no new
 *                      ones), or null
 */
public record WorkerInstance(String id, String host, Instant startedAt, Instant lastSeen, int running, int capacity,
        @Nullable Instant stoppedAt, @Nullable Instant drainingSince) {
}
