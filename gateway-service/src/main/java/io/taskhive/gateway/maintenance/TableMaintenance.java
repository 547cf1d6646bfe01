package io.taskhive.gateway.maintenance;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.taskhive.gateway.BackgroundJob;

/**
 * Vacuums and analyses the services' tables that autovacuum does not look after (turned off for the
 * server, as on some managed or hand-tuned databases, or for the table), by autovacuum's own
 * thresholds ({@link AutovacuumThresholds}), every {@code interval}. Without it, on such a server,
 * every status change leaves a dead row version and dead index entries that nothing reclaims, and
 * the partial indexes the dispatch reads (waiting and published tasks) grow with every task ever
 * run; where autovacuum runs, this does nothing.
 *
 * <p>One gateway at a time does it (a session-level advisory lock; the others skip that run). Its
 * {@code VACUUM}s pause for {@code cost-delay} after each share of I/O, as autovacuum's do, take
 * only the lock autovacuum takes, which lets reads and writes of the table go on, and, like
 * autovacuum's, vacuum the indexes one after the other ({@code PARALLEL 0}): a manual
 * {@code VACUUM} would otherwise start a worker process per large index and take every core from
 * the submissions at once. A {@code VACUUM} cannot run inside a transaction, so each statement here
 * runs on its own on one connection.
 */
@Component
public class TableMaintenance implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(TableMaintenance.class);
    /** Key of the advisory lock that lets one gateway at a time tend the tables ("upkeep"). */
    private static final long LOCK = 0x7570_6b65_6570L;

    private static final String ACTIVITY = """
            select s.relname, c.reltuples, s.n_dead_tup, s.n_ins_since_vacuum, s.n_mod_since_analyze,
                   cast(current_setting('autovacuum') as boolean)
                   and coalesce((select cast(o.option_value as boolean) from pg_options_to_table(c.reloptions) o
                                  where o.option_name = 'autovacuum_enabled'), true)
              from pg_stat_user_tables s join pg_class c on c.oid = s.relid
             where s.schemaname = current_schema()
             order by s.relname""";

    private static final String THRESHOLDS = """
            select cast(current_setting('autovacuum_vacuum_threshold') as bigint),
                   cast(current_setting('autovacuum_vacuum_scale_factor') as float8),
                   cast(current_setting('autovacuum_vacuum_insert_threshold') as bigint),
                   cast(current_setting('autovacuum_vacuum_insert_scale_factor') as float8),
                   cast(current_setting('autovacuum_analyze_threshold') as bigint),
                   cast(current_setting('autovacuum_analyze_scale_factor') as float8)""";

    private final DataSource database;
    private final MaintenanceProperties properties;
    private final MeterRegistry meters;
    private final BackgroundJob runner = new BackgroundJob("table-maintenance");
    private volatile Statement running;

    public TableMaintenance(DataSource database, MaintenanceProperties properties, MeterRegistry meters) {
        this.database = database;
        this.properties = properties;
        this.meters = meters;
    }

    /** What one run did to one table. */
    public record Tended(String table, String chore, Duration took) {
    }

    /**
     * One run: reads each table's activity and does what autovacuum would have done to those it
     * does not cover. Empty when another gateway's run holds the lock, or nothing was due.
     */
    public List<Tended> runOnce() throws SQLException {
        List<Tended> done = new ArrayList<>();
        try (Connection connection = database.getConnection()) {
            connection.setAutoCommit(true);
            if (!tryLock(connection)) {
                return done;
            }
            try {
                AutovacuumThresholds thresholds = thresholds(connection);
                for (TableActivity table : activity(connection)) {
                    Chore chore = thresholds.choose(table);
                    if (chore != Chore.NONE) {
                        done.add(tend(connection, table, chore));
                    }
                }
            } finally {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("select pg_advisory_unlock(" + LOCK + ")");
                    statement.execute("reset vacuum_cost_delay");
                }
            }
        }
        return done;
    }

    private static boolean tryLock(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery("select pg_try_advisory_lock(" + LOCK + ")")) {
            row.next();
            return row.getBoolean(1);
        }
    }

    private static AutovacuumThresholds thresholds(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet row = statement.executeQuery(THRESHOLDS)) {
            row.next();
            return new AutovacuumThresholds(row.getLong(1), row.getDouble(2), row.getLong(3), row.getDouble(4),
                    row.getLong(5), row.getDouble(6));
        }
    }

    private static List<TableActivity> activity(Connection connection) throws SQLException {
        List<TableActivity> tables = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(ACTIVITY);
                ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                tables.add(new TableActivity(rows.getString(1), rows.getDouble(2), rows.getLong(3), rows.getLong(4),
                        rows.getLong(5), rows.getBoolean(6)));
            }
        }
        return tables;
    }

    private Tended tend(Connection connection, TableActivity table, Chore chore) throws SQLException {
        long started = System.nanoTime();
        try (Statement statement = connection.createStatement()) {
            String name = statement.enquoteIdentifier(table.table(), true);
            statement.execute("set vacuum_cost_delay = " + properties.costDelay().toMillis());
            running = statement;
            statement.execute(chore == Chore.VACUUM ? "vacuum (analyze, parallel 0) " + name : "analyze " + name);
        } finally {
            running = null;
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        String kind = chore.name().toLowerCase(Locale.ROOT);
        Timer.builder("taskhive.maintenance.tables").description("Vacuums and analyses the gateway ran itself, "
                + "on tables autovacuum does not look after").tag("table", table.table()).tag("chore", kind)
                .register(meters).record(took);
        log.info("{} {} in {} ms ({} dead row versions, {} rows inserted since its last vacuum, {} changed since "
                + "its last analyse; autovacuum does not look after it)", chore == Chore.VACUUM ? "vacuumed"
                : "analysed", table.table(), took.toMillis(), table.deadRows(), table.insertedSinceVacuum(),
                table.changedSinceAnalyze());
        return new Tended(table.table(), kind, took);
    }

    private void scheduledRun() {
        try {
            runOnce();
        } catch (SQLException e) {
            log.warn("table maintenance stopped, database unavailable or the statement cancelled: {}", e.getMessage());
        } catch (RuntimeException e) {
            // an unexpected failure must not end the runs (the executor would drop the schedule)
            log.warn("table maintenance failed", e);
        }
    }

    @Override
    public void start() {
        if (!properties.enabled()) {
            log.info("table maintenance off: tables are left to autovacuum");
            return;
        }
        runner.startWithFixedDelay(this::scheduledRun, properties.interval());
    }

    /** A VACUUM of a large table can take minutes: it is cancelled (and simply runs again later). */
    @Override
    public void stop() {
        Statement statement = running;
        if (statement != null) {
            try {
                statement.cancel();
            } catch (SQLException e) {
                log.debug("could not cancel the table maintenance's statement: {}", e.getMessage());
            }
        }
        runner.stop();
    }

    @Override
    public boolean isRunning() {
        return runner.isRunning();
    }
}
