package io.taskhive.gateway.maintenance;

/**
 * What PostgreSQL's statistics say about one table since it was last vacuumed and analysed.
 *
 * @param table               its name, in the services' schema
 * @param rows                its estimated live rows ({@code pg_class.reltuples}; 0 if never counted)
 * @param deadRows            row versions left behind by updates and deletes
 * @param insertedSinceVacuum rows inserted since its last vacuum
 * @param changedSinceAnalyze rows inserted, updated or deleted since its last analyse
 * @param autovacuumCovers    whether autovacuum looks after it (on for the server and not turned
 *                            off for the table)
 */
record TableActivity(String table, double rows, long deadRows, long insertedSinceVacuum, long changedSinceAnalyze,
        boolean autovacuumCovers) {
}
