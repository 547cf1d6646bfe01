package io.taskhive.task.store;

import java.time.Instant;

/** The history row a change wrote: its id and its time, as stored. */
public record RecordedChange(long transitionId, Instant at) {
}
