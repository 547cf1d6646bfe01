package io.taskhive.gateway.maintenance;

/**
 * PostgreSQL's own rule for when autovacuum vacuums or analyses a table, with the server's settings:
 * a table is vacuumed once its dead row versions exceed {@code threshold + scale factor x rows}, or
 * its rows inserted since the last vacuum exceed the insert threshold and scale factor (a negative
 * insert threshold turns that trigger off, as in PostgreSQL); it is analysed once its changed rows
 * exceed the analyse threshold and scale factor. The maintenance applies the same rule where
 * autovacuum does not run, so a table gets what autovacuum would have given it, no more.
 */
record AutovacuumThresholds(long vacuumThreshold, double vacuumScaleFactor, long insertThreshold,
        double insertScaleFactor, long analyzeThreshold, double analyzeScaleFactor) {

    Chore choose(TableActivity table) {
        if (table.autovacuumCovers()) {
            return Chore.NONE;
        }
        double rows = Math.max(0, table.rows());
        if (table.deadRows() > vacuumThreshold + vacuumScaleFactor * rows) {
            return Chore.VACUUM;
        }
        if (insertThreshold >= 0 && table.insertedSinceVacuum() > insertThreshold + insertScaleFactor * rows) {
            return Chore.VACUUM;
        }
        if (table.changedSinceAnalyze() > analyzeThreshold + analyzeScaleFactor * rows) {
            return Chore.ANALYZE;
        }
        return Chore.NONE;
    }
}
