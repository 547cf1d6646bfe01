package io.taskhive.gateway.task;

import java.time.Duration;

/**
 * When {@link DispatchAdmission} reads an owner's count of waiting tasks again. That count reads an
 * entry and a row of every waiting task: 82 ms for an owner with 76,400 waiting, in a benchmark's
 * burst, and it was read every {@code dispatch.counts-max-age} (200 ms), in the submission that
 * found it stale, while that owner's other submissions waited for it.
 *
 * <p>Up to {@link #TASKS_PER_INTERVAL} waiting, it is read again once it is older than the interval,
 * as the other counts are; beyond, proportionally less often (every second interval at 20,000,
 * every tenth at 100,000), so that one owner's recounts read about as many rows an interval at any
 * size. Never less often when a submission would take the owner past their limit by the count
 * as it stands: a refusal is always decided by a count at most one interval old.
 */
final class WaitingRecount {

    /** Waiting tasks one owner's recounts may read an interval, about. */
    private static final long TASKS_PER_INTERVAL = 10_000;

    private final long intervalNanos;

    WaitingRecount(Duration interval) {
        this.intervalNanos = interval.toNanos();
    }

    /**
     * Whether to count again: {@code counted} at the last count, {@code ageNanos} ago, with
     * {@code admittedSince} admitted by this gateway since and {@code adding} more asked for now,
     * against a limit of {@code maxQueued}.
     */
    boolean due(long counted, long admittedSince, long adding, long maxQueued, long ageNanos) {
        if (ageNanos <= intervalNanos) {
            return false;
        }
        if (counted + admittedSince + adding > maxQueued) {
            return true;
        }
        long intervals = Math.max(1, counted / TASKS_PER_INTERVAL);
        return ageNanos > intervalNanos * intervals;
    }
}
