package io.taskhive.gateway.schedule;

/**
 * What a schedule does with the slots it missed: those that fell due while no gateway ran its
 * ticker (all were down, or the database was unreachable) and are later than the ticker's
 * tolerance ({@code taskhive.schedules.late-after}) by the time one runs again. Slots on time
 * always run, each with its own task.
 */
public enum MissedRunPolicy {
    /** Missed slots create no task; the schedule goes on with the next slot on time. */
    SKIP,
    /** All the missed slots together create one task, for the latest of them. */
    RUN_ONCE,
    /** Each missed slot creates its task, the latest {@code maxMissedRuns} of them; older ones are skipped. */
    RUN_ALL
}
