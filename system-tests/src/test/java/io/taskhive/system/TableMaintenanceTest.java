package io.taskhive.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.taskhive.gateway.maintenance.TableMaintenance;

/**
 * Table maintenance through a gateway replica of its own, on the shared system's database, with
 * tables made for each test: one that autovacuum is turned off for (what a server with autovacuum
 * off is for every table) and one left as created. Its scheduled runs are an hour apart, so each
 * test runs the maintenance itself, once the statistics show what the test did to its table.
 */
class TableMaintenanceTest extends ApiTestSupport {

    private static ConfigurableApplicationContext gateway;
    private static TableMaintenance maintenance;

    @BeforeAll
    static void startAMaintainingGateway() {
        gateway = system.startGateway(Map.of(
                "taskhive.maintenance.enabled", true,
                "taskhive.maintenance.interval", "1h",
                "taskhive.maintenance.cost-delay", "0ms"));
        maintenance = gateway.getBean(TableMaintenance.class);
    }

    @AfterAll
    static void stopIt() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void aTableAutovacuumDoesNotCoverIsAnalysedThenVacuumedByAutovacuumsOwnThresholds() throws Exception {
        String table = newTable("with (autovacuum_enabled = false)");
        // 100 new rows: more changes than the analyse threshold (50 + 10 %), fewer inserts than the
        // vacuum's (1,000 + 20 %)
        execute("insert into " + table + " select n, 0 from generate_series(1, 100) n");
        awaitStatistics(table, "n_mod_since_analyze >= 100");
        assertThat(choresOn(table, maintenance.runOnce())).containsExactly("analyze");
        assertThat(statistics(table, "analyze_count, vacuum_count")).isEqualTo("1|0");

        // updates of every row, until the dead row versions pass 50 + 20 % of 100 (pruning during the
        // updates themselves reclaims some, so how many remain is the statistics' to say)
        String lastUpdate = null;
        for (int i = 0; i < 5; i++) {
            lastUpdate = update(table);
        }
        awaitStatistics(table, "n_dead_tup > 70");
        awaitNoTransactionThatCanSee(lastUpdate);
        assertThat(choresOn(table, maintenance.runOnce())).containsExactly("vacuum");
        assertThat(statistics(table, "vacuum_count, n_dead_tup <= 70")).isEqualTo("1|t");

        assertThat(choresOn(table, maintenance.runOnce())).as("nothing left to do").isEmpty();
        Timer vacuums = gateway.getBean(MeterRegistry.class).find("taskhive.maintenance.tables")
                .tags("table", table, "chore", "vacuum").timer();
        assertThat(vacuums).isNotNull();
        assertThat(vacuums.count()).isEqualTo(1);
    }

    @Test
    void aTableAutovacuumLooksAfterIsLeftToItAndOnlyThen() throws Exception {
        String table = newTable("");
        execute("insert into " + table + " select n, 0 from generate_series(1, 100) n");
        execute("update " + table + " set n = n + 1");
        awaitStatistics(table, "n_dead_tup >= 100");
        boolean autovacuumOn = "on".equals(queryRows("select current_setting('autovacuum')").getFirst());
        List<String> chores = choresOn(table, maintenance.runOnce());
        if (autovacuumOn) {
            assertThat(chores).as("autovacuum is on for this server and this table").isEmpty();
        } else {
            assertThat(chores).as("autovacuum is off for this server").containsExactly("vacuum");
        }
    }

    private static String newTable(String options) throws SQLException {
        String table = "maintenance_probe_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        execute("create table " + table + " (id int primary key, n int) " + options);
        return table;
    }

    private static void execute(String sql) throws SQLException {
        try (Connection connection = system.database.connect(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    /** Adds one to every row's n, in a transaction of its own; returns that transaction's id. */
    private static String update(String table) throws SQLException {
        try (Connection connection = system.database.connect(); Statement statement = connection.createStatement()) {
            connection.setAutoCommit(false);
            statement.execute("update " + table + " set n = n + 1");
            String xid = queryString(statement, "select cast(cast(pg_current_xact_id() as xid) as text)");
            connection.commit();
            return xid;
        }
    }

    /**
     * A {@code VACUUM} removes a dead row version only once no transaction can still see it, and
     * the other tests' gateways and workers share this database: one of their transactions begun
     * before the update would leave its old rows dead but kept, and counted. So this waits until
     * every session of the database that holds a transaction or a snapshot got it after {@code xid};
     * a transaction starting later sees the update's rows, never the old ones.
     */
    private static void awaitNoTransactionThatCanSee(String xid) {
        String older = """
                select pid, backend_xid, backend_xmin, state, left(query, 80) from pg_stat_activity
                 where datname = current_database() and pid <> pg_backend_pid()
                   and (age(backend_xid) >= age(cast(? as xid)) or age(backend_xmin) >= age(cast(? as xid)))""";
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        List<String> sessions;
        while (!(sessions = queryRows(older, xid, xid)).isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("sessions that can still see the rows transaction " + xid
                        + " replaced, 30 s later: " + sessions);
            }
            sleep(Duration.ofMillis(100));
        }
    }

    private static String queryString(Statement statement, String sql) throws SQLException {
        try (var row = statement.executeQuery(sql)) {
            row.next();
            return row.getString(1);
        }
    }

    /** The statistics reach the view when the session that changed the table has ended (or a second later). */
    private static void awaitStatistics(String table, String condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (queryRows("select 1 from pg_stat_user_tables where relname = ? and " + condition, table).isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(table + "'s statistics never showed " + condition + ": "
                        + queryRows("select n_dead_tup, n_mod_since_analyze from pg_stat_user_tables where relname = ?",
                                table));
            }
            sleep(Duration.ofMillis(100));
        }
    }

    private static String statistics(String table, String columns) {
        return queryRows("select " + columns + " from pg_stat_user_tables where relname = ?", table).getFirst();
    }

    private static List<String> choresOn(String table, List<TableMaintenance.Tended> run) {
        return run.stream().filter(tended -> tended.table().equals(table)).map(TableMaintenance.Tended::chore)
                .toList();
    }
}
