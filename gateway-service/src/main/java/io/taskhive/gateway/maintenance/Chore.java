package io.taskhive.gateway.maintenance;

/** What a table needs, by {@link AutovacuumThresholds}. */
enum Chore {
    /** Nothing yet. */
    NONE,
    /** New statistics for the planner: many rows changed since the last analyse. */
    ANALYZE,
    /**
     * {@code VACUUM (ANALYZE)}: dead row versions to reclaim (and index entries pointing at them),
     * or many new rows whose pages are not yet marked all-visible.
     */
    VACUUM
}
