package io.taskhive.benchmarks;

import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

import org.HdrHistogram.Histogram;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Whether a year of finished tasks slows taskhive down. On freshly started services: throughput
 * (as {@code throughput} measures it) and the latency of {@code GET /api/tasks} on the empty
 * database; then millions of finished tasks, with their transitions, written straight into
 * PostgreSQL by set-based SQL and ANALYZEd (or, with {@code --maintenance}, left to the gateway's
 * table maintenance); then the same measurements again, and the plans of the statements that run
 * all the time (the outbox relay's, the orphan sweeper's) or for every listing.
 */
@Command(name = "history", mixinStandardHelpOptions = true,
        description = "Throughput and GET /api/tasks latency on an empty database and after loading a year of history.")
final class HistoryBenchmark implements Callable<Integer> {

    private static final List<String> THROUGHPUT_VARIANTS = List.of("tcp-pipelined", "http-batch");

    /** The statistics rows of the history's two tables in the benchmark's database. */
    private static final String HISTORY_TABLES_STATISTICS = """
            from pg_stat_user_tables
             where schemaname = current_schema() and relname in ('tasks', 'task_transitions')
            """;

    /** TaskFinder.COUNT_LIMIT: how far the listing's total is counted. */
    private static final int LISTING_COUNT_LIMIT = 1_000;
    /** The heavy user's listings: newest first, by a common status, by a common and by a rare type. */
    private static final Map<String, String> LISTINGS = new LinkedHashMap<>();

    static {
        LISTINGS.put("newest", "");
        LISTINGS.put("status", "status=SUCCEEDED");
        LISTINGS.put("type", "type=prime_count");
        LISTINGS.put("rare_type", "type=sleep");
    }

    // The statements as the store runs them (copied: task-domain keeps its SQL private to its package).
    // The services bind parameters with plan_cache_mode = force_custom_plan, so literals plan the same.
    private static final String TASK_COLUMNS = """
            t.id, t.owner_id, t.type, t.payload, t.status, t.result, t.error, t.attempts, t.max_attempts,
            t.timeout_seconds, t.idempotency_key, t.created_at, t.queued_at, t.started_at, t.finished_at,
            t.worker_id, t.dispatch_seq, t.traceparent""";

    /** OutboxStore.claimDue with the relay's defaults (500 rows, 10 s). */
    private static final String CLAIM_DUE = """
            with due as (
                select id from tasks
                 where dispatch_due_at <= now() and status in ('QUEUED', 'RETRYING')
                 order by dispatch_due_at
                 limit 500
                 for update skip locked
            ), claimed as (
                update tasks t set dispatch_due_at = now() + make_interval(secs => 10),
                                   dispatch_seq = t.dispatch_seq + 1
                  from due where t.id = due.id
                returning t.*
            )
            select %s from claimed t
            """.formatted(TASK_COLUMNS);

    /** AttemptStore.returnOrphans with the sweeper's defaults (20 s grace, 500 rows). */
    private static final String RETURN_ORPHANS = """
            with orphans as (
                select t.id, t.worker_id from tasks t
                 where t.status = 'RUNNING' and t.started_at < now() - make_interval(secs => 20)
                   and not exists (select 1 from workers w
                                    where w.id = t.worker_id and w.stopped_at is null
                                      and w.last_seen > now() - make_interval(secs => 20))
                 limit 500
                 for update of t skip locked
            ), moved as (
                update tasks t
                   set status = case when t.attempts >= t.max_attempts then 'DEAD' else 'RETRYING' end,
                       dispatch_due_at = case when t.attempts >= t.max_attempts then null else now() end,
                       dispatch_seq = t.dispatch_seq + 1,
                       finished_at = case when t.attempts >= t.max_attempts then now() end,
                       error = 'worker ' || coalesce(o.worker_id, '?') || ' stopped responding while running it',
                       version = t.version + 1
                  from orphans o where t.id = o.id
                returning t.id, t.status, t.attempts, o.worker_id, t.owner_id, t.type, t.error, now() as at,
                          nextval(pg_get_serial_sequence('task_transitions', 'id')) as transition_id
            ), logged as (
                insert into task_transitions (id, task_id, from_status, to_status, at, worker_id, attempt, detail)
                select transition_id, id, 'RUNNING', status, at, worker_id, attempts, error from moved
            )
            select m.id, m.owner_id, m.type, m.status, m.attempts, m.worker_id, m.transition_id, m.at
              from moved m
            """;

    @Option(names = "--tasks", defaultValue = "10000000", description = "finished tasks loaded as history")
    long tasks;

    @Option(names = "--heavy-user-tasks", defaultValue = "1000000",
            description = "how many of them belong to the one user whose listings are measured")
    long heavyUserTasks;

    @Option(names = "--users", defaultValue = "1000", description = "other users owning the rest of the history")
    int users;

    @Option(names = "--throughput-tasks", defaultValue = "20000",
            description = "tasks measured per throughput variant")
    int throughputTasks;

    @Option(names = "--warmup-seconds", defaultValue = "30",
            description = "unmeasured workload per variant first, so the JIT has compiled the hot paths")
    int warmupSeconds;

    @Option(names = "--requests", defaultValue = "500", description = "GET /api/tasks requests measured per listing")
    int requests;

    @Option(names = "--rounds", defaultValue = "3",
            description = "throughput measurements of each variant on the empty and on the loaded database")
    int rounds;

    @Option(names = "--retention", description = "leave the gateway's retention on: it then deletes the loaded "
            + "history (a year old, past every default age) while the loaded phase is measured")
    boolean retention;

    @Option(names = "--maintenance", description = "leave the gateway's table maintenance on, as shipped, and let "
            + "it, or the server's autovacuum where that is on, analyse and vacuum the loaded history (the run "
            + "waits until both tables are done) instead of running ANALYZE and VACUUM itself")
    boolean maintenance;

    @Option(names = "--maintenance-timeout-seconds", defaultValue = "1800",
            description = "how long --maintenance waits for the loaded tables to be vacuumed and analysed")
    int maintenanceTimeoutSeconds;

    @Override
    public Integer call() throws Exception {
        if (heavyUserTasks > tasks || tasks <= 0) {
            throw new IllegalArgumentException("--heavy-user-tasks must not exceed --tasks, and --tasks must be > 0");
        }
        if (rounds < 1) {
            throw new IllegalArgumentException("--rounds must be at least 1");
        }
        if (maintenanceTimeoutSeconds < 1) {
            throw new IllegalArgumentException("--maintenance-timeout-seconds must be at least 1");
        }
        ThroughputBenchmark throughput = ThroughputBenchmark.of(throughputTasks, warmupSeconds);
        // What is measured is the size of the history, not its deletion: with retention on, the
        // gateway's runs would be deleting the loaded year (every row of it is past its status's
        // age) during the loaded measurements, tens of thousands of tasks a minute.
        Map<String, String> gateway = new HashMap<>();
        if (!retention) {
            gateway.put("TASKHIVE_RETENTION_ENABLED", "false");
        }
        // Without --maintenance the run itself decides when the loaded tables are analysed and
        // vacuumed (the phases below); the gateway's table maintenance would vacuum them whenever its
        // minute came round.
        if (!maintenance) {
            gateway.put("TASKHIVE_MAINTENANCE_ENABLED", "false");
        }
        try (SystemUnderTest system = SystemUnderTest.start(1, List.of(), Map.of(), gateway);
                Connection db = system.database()) {
            boolean autovacuum = "on".equals(setting(db, "autovacuum"));
            System.out.printf("retention %s, table maintenance %s; the server's autovacuum %s%n",
                    retention ? "on (the loaded history is deleted while measured)" : "off",
                    maintenance ? (autovacuum ? "on (it leaves the tables to autovacuum)"
                            : "on (it analyses and vacuums the loaded history)") : "off",
                    autovacuum ? "on" : "off");
            ApiClient heavy = ApiClient.newUser(system.httpUrl());
            long heavyId = userId(db, heavy.username());

            for (String variant : THROUGHPUT_VARIANTS) {
                throughput.warmUp(variant, system);
            }
            Map<String, List<ThroughputBenchmark.Measured>> empty = measureRounds(throughput, system, db);
            Map<String, Histogram> emptyListings = listings(system, heavy);

            double loadSeconds = load(db, heavyId);
            if (maintenance) {
                measureMaintained(db, system, heavy, heavyId, throughput, empty, emptyListings, loadSeconds,
                        autovacuum);
                return 0;
            }
            double analyzeSeconds = timed(db, "analyze");
            // The load's WAL, flushed now rather than during the measurements that follow.
            double checkpointSeconds = timed(db, "checkpoint");
            System.out.printf("analyze: %.1f s, checkpoint: %.1f s%n", analyzeSeconds, checkpointSeconds);
            sizes(db);

            measureLoaded("throughput", "analyzed", system, db, heavy, throughput, empty, emptyListings);
            plans(db, heavyId);

            // What autovacuum would do next: the visibility map lets counts and index-only scans skip the heap.
            double vacuumSeconds = timed(db, "vacuum");
            System.out.printf("vacuum: %.1f s%n", vacuumSeconds);
            Map<String, Histogram> vacuumedListings = listings(system, heavy);
            for (String name : LISTINGS.keySet()) {
                reportListing(name, "vacuumed", emptyListings.get(name), vacuumedListings.get(name));
            }
            // Autovacuum's state, not only its statistics: the history all-visible, its hint bits set.
            reportThroughput("throughput-vacuumed", empty, measureRounds(throughput, system, db));
            Result.print("history", "phase", "load", "history_tasks", tasks, "heavy_user_tasks", heavyUserTasks,
                    "users", users + 1, "load_s", loadSeconds, "analyze_s", analyzeSeconds, "vacuum_s",
                    vacuumSeconds);
        }
        return 0;
    }

    /**
     * The loaded phase as the shipped system runs it: on a server with autovacuum off the gateway's
     * table maintenance analyses and vacuums the history on its own schedule; where autovacuum is
     * on, the maintenance does nothing and autovacuum does it. The measurements start once both
     * tables have been vacuumed and analysed since the load, by either.
     */
    private void measureMaintained(Connection db, SystemUnderTest system, ApiClient heavy, long heavyId,
            ThroughputBenchmark throughput, Map<String, List<ThroughputBenchmark.Measured>> empty,
            Map<String, Histogram> emptyListings, double loadSeconds, boolean autovacuum) throws Exception {
        OffsetDateTime loaded = databaseNow(db);
        double waitSeconds = awaitMaintenanceVacuum(db, loaded);
        double checkpointSeconds = timed(db, "checkpoint");
        System.out.printf("both tables vacuumed and analysed %.1f s after the load (%s); checkpoint: %.1f s%n",
                waitSeconds, vacuumedBy(db, loaded), checkpointSeconds);
        sizes(db);
        measureLoaded("throughput-maintained", "maintained", system, db, heavy, throughput, empty, emptyListings);
        plans(db, heavyId);
        Result.print("history", "phase", "load", "history_tasks", tasks, "heavy_user_tasks", heavyUserTasks,
                "users", users + 1, "load_s", loadSeconds, "maintenance_wait_s", waitSeconds, "autovacuum",
                autovacuum ? "on" : "off");
    }

    /** Throughput rounds and then the listings on the loaded database, each against the empty one's. */
    private void measureLoaded(String throughputPhase, String listingState, SystemUnderTest system, Connection db,
            ApiClient heavy, ThroughputBenchmark throughput, Map<String, List<ThroughputBenchmark.Measured>> empty,
            Map<String, Histogram> emptyListings) throws Exception {
        reportThroughput(throughputPhase, empty, measureRounds(throughput, system, db));
        Map<String, Histogram> loadedListings = listings(system, heavy);
        for (String name : LISTINGS.keySet()) {
            reportListing(name, listingState, emptyListings.get(name), loadedListings.get(name));
        }
    }

    private static OffsetDateTime databaseNow(Connection db) throws SQLException {
        try (Statement statement = db.createStatement(); ResultSet now = statement.executeQuery("select now()")) {
            now.next();
            return now.getObject(1, OffsetDateTime.class);
        }
    }

    /** Who vacuumed each table since {@code since}, by the statistics: "tasks: autovacuum, ...". */
    private static String vacuumedBy(Connection db, OffsetDateTime since) throws SQLException {
        try (PreparedStatement statement = db.prepareStatement("""
                select relname, coalesce(last_autovacuum >= ?, false), coalesce(last_vacuum >= ?, false)
                """ + HISTORY_TABLES_STATISTICS + " order by relname")) {
            statement.setObject(1, since);
            statement.setObject(2, since);
            List<String> tables = new ArrayList<>();
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    boolean auto = row.getBoolean(2);
                    boolean manual = row.getBoolean(3);
                    String by = auto && manual ? "autovacuum and the gateway"
                            : auto ? "autovacuum" : manual ? "the gateway" : "nobody";
                    tables.add(row.getString(1) + ": " + by);
                }
            }
            return String.join(", ", tables);
        }
    }

    /**
     * Seconds until the gateway's maintenance (a manual VACUUM and ANALYZE) or autovacuum has
     * vacuumed and analysed tasks and task_transitions.
     */
    private double awaitMaintenanceVacuum(Connection db, OffsetDateTime loaded)
            throws SQLException, InterruptedException {
        long started = System.nanoTime();
        long deadline = started + maintenanceTimeoutSeconds * 1_000_000_000L;
        try (PreparedStatement vacuumed = db.prepareStatement("""
                select count(*) """ + HISTORY_TABLES_STATISTICS + """
                   and greatest(last_vacuum, last_autovacuum) >= ?
                   and greatest(last_analyze, last_autoanalyze) >= ?""")) {
            // VACUUM (ANALYZE) records its vacuum before it analyses: both, so no measurement
            // overlaps the end of it.
            vacuumed.setObject(1, loaded);
            vacuumed.setObject(2, loaded);
            while (true) {
                try (ResultSet row = vacuumed.executeQuery()) {
                    row.next();
                    if (row.getInt(1) == 2) {
                        return (System.nanoTime() - started) / 1e9;
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("neither the gateway's table maintenance nor autovacuum had "
                            + "vacuumed and analysed tasks and task_transitions " + maintenanceTimeoutSeconds
                            + " s after the load");
                }
                Thread.sleep(1_000);
            }
        }
    }

    /**
     * Each variant measured {@code rounds} times, the variants taking turns, so that the machine's
     * drift weighs on both alike; the medians are compared, as one measurement of a few seconds
     * varies by a tenth or more from the next on this machine. Prints how often the two tables
     * were vacuumed meanwhile (by anyone): a vacuum during the rounds is work they pay for, and
     * autovacuum's thresholds, which the gateway's maintenance follows too, grow with the table.
     */
    private Map<String, List<ThroughputBenchmark.Measured>> measureRounds(ThroughputBenchmark throughput,
            SystemUnderTest system, Connection db) throws Exception {
        Map<String, Long> vacuumsBefore = vacuumCounts(db);
        Map<String, List<ThroughputBenchmark.Measured>> measured = new LinkedHashMap<>();
        for (int round = 1; round <= rounds; round++) {
            for (String variant : THROUGHPUT_VARIANTS) {
                measured.computeIfAbsent(variant, v -> new ArrayList<>())
                        .add(throughput.measure(variant, system, throughputTasks));
            }
        }
        Map<String, Long> vacuumsAfter = vacuumCounts(db);
        System.out.println("vacuums during these rounds: " + vacuumsBefore.keySet().stream()
                .map(table -> table + " " + (vacuumsAfter.get(table) - vacuumsBefore.get(table)))
                .collect(Collectors.joining(", ")));
        return measured;
    }

    /** Vacuums so far of tasks and task_transitions, manual and autovacuum's together. */
    private static Map<String, Long> vacuumCounts(Connection db) throws SQLException {
        Map<String, Long> counts = new LinkedHashMap<>();
        try (Statement statement = db.createStatement(); ResultSet row = statement.executeQuery("""
                select relname, vacuum_count + autovacuum_count
                """ + HISTORY_TABLES_STATISTICS + " order by relname desc")) {
            while (row.next()) {
                counts.put(row.getString(1), row.getLong(2));
            }
        }
        return counts;
    }

    private void reportThroughput(String phase, Map<String, List<ThroughputBenchmark.Measured>> empty,
            Map<String, List<ThroughputBenchmark.Measured>> loaded) {
        for (String variant : THROUGHPUT_VARIANTS) {
            double emptyMedian = median(empty.get(variant), ThroughputBenchmark.Measured::endToEnd);
            double loadedMedian = median(loaded.get(variant), ThroughputBenchmark.Measured::endToEnd);
            Result.print("history", "phase", phase, "variant", variant, "tasks", throughputTasks, "rounds", rounds,
                    "history_tasks", tasks, "empty_e2e_tasks_per_s", emptyMedian, "loaded_e2e_tasks_per_s",
                    loadedMedian, "ratio", loadedMedian / emptyMedian, "empty_rounds", each(empty.get(variant)),
                    "loaded_rounds", each(loaded.get(variant)), "empty_submit_tasks_per_s",
                    median(empty.get(variant), ThroughputBenchmark.Measured::submitted), "loaded_submit_tasks_per_s",
                    median(loaded.get(variant), ThroughputBenchmark.Measured::submitted));
        }
    }

    private static double median(List<ThroughputBenchmark.Measured> measured,
            ToDoubleFunction<ThroughputBenchmark.Measured> figure) {
        return Median.of(measured.stream().map(figure::applyAsDouble).toList());
    }

    /** The end-to-end rates of the rounds, in order: "2654/2971/2347". */
    private static String each(List<ThroughputBenchmark.Measured> measured) {
        return measured.stream().map(m -> Long.toString(Math.round(m.endToEnd()))).collect(Collectors.joining("/"));
    }

    private static long userId(Connection db, String username) throws SQLException {
        return Long.parseLong(single(db, "select id from users where username = ?", username));
    }

    private static String setting(Connection db, String name) throws SQLException {
        return single(db, "select current_setting(?)", name);
    }

    /** The one value of a query with one text parameter. */
    private static String single(Connection db, String sql, String parameter) throws SQLException {
        try (PreparedStatement query = db.prepareStatement(sql)) {
            query.setString(1, parameter);
            try (ResultSet row = query.executeQuery()) {
                row.next();
                return row.getString(1);
            }
        }
    }

    /**
     * The history, in one statement for the tasks and their transitions: task g of n was created at
     * g/n of the past year (ids time-ordered as TaskIds makes them, so the primary key fills in
     * order as in production), finished 10-60 ms later; every (n/heavy)th belongs to the heavy user,
     * the others to {@code users} others in turn.
     */
    private double load(Connection db, long heavyId) throws SQLException {
        long started = System.nanoTime();
        try (Statement statement = db.createStatement()) {
            statement.execute("""
                    insert into users (username, password_hash, role)
                    select 'history' || u, 'not-a-hash', 'USER' from generate_series(1, %d) u
                    """.formatted(users));
            long firstOther;
            try (ResultSet row = statement.executeQuery("select min(id) from users where username like 'history%'")) {
                row.next();
                firstOther = row.getLong(1);
            }
            long inserted = statement.executeLargeUpdate("""
                    with spec as (
                        select g,
                               -- exactly `heavy` of the n rows, spread evenly
                               (g * %3$d) / %1$d <> ((g - 1) * %3$d) / %1$d as heavy,
                               now() - interval '365 days'
                                   + (interval '365 days' - interval '1 hour') * (g::float8 / %1$d) as created_at,
                               md5(g::text || random()::text) as r,
                               g %% 100 as s, (g / 7) %% 100 as k
                          from generate_series(1::bigint, %1$d) g
                    ), rows as (
                        select (lpad(to_hex((extract(epoch from created_at) * 1000)::bigint), 12, '0') || '7'
                                   || substr(r, 1, 3) || '8' || substr(r, 4, 15))::uuid as id,
                               case when heavy then %2$d else %4$d + g %% %5$d end as owner_id,
                               case when k < 50 then 'uppercase' when k < 80 then 'word_count'
                                    when k < 99 then 'prime_count' else 'sleep' end as type,
                               case when s < 90 then 'SUCCEEDED' when s < 95 then 'FAILED'
                                    when s < 98 then 'DEAD' else 'CANCELLED' end as status,
                               g, created_at
                          from spec
                    ), inserted as (
                        insert into tasks (id, owner_id, type, payload, status, result, error, attempts, max_attempts,
                                           created_at, queued_at, started_at, finished_at, worker_id, version)
                        select id, owner_id, type, jsonb_build_object('text', 'history ' || g), status,
                               case when status = 'SUCCEEDED' then jsonb_build_object('text', 'HISTORY ' || g) end,
                               case when status in ('FAILED', 'DEAD') then 'failed on purpose' end,
                               case when status = 'DEAD' then 3 else 1 end, 3,
                               created_at, created_at, created_at + interval '5 ms',
                               created_at + interval '10 ms' + interval '1 ms' * (g %% 50),
                               'history-worker-' || g %% 4, 2
                          from rows
                        returning id, status, started_at, finished_at, worker_id, attempts
                    )
                    insert into task_transitions (task_id, from_status, to_status, at, worker_id, attempt, detail)
                    select i.id, x.from_status, x.to_status, x.at, i.worker_id, i.attempts, x.detail
                      from inserted i cross join lateral (values
                          ('QUEUED', 'RUNNING', i.started_at, null),
                          ('RUNNING', i.status, i.finished_at,
                           case when i.status in ('FAILED', 'DEAD') then 'failed on purpose' end))
                          as x(from_status, to_status, at, detail)
                    """.formatted(tasks, heavyId, heavyUserTasks, firstOther, users));
            double seconds = (System.nanoTime() - started) / 1e9;
            System.out.printf("loaded %,d tasks and %,d transitions in %.1f s%n", tasks, inserted, seconds);
            return seconds;
        }
    }

    private static double timed(Connection db, String sql) throws SQLException {
        long started = System.nanoTime();
        try (Statement statement = db.createStatement()) {
            statement.execute(sql);
        }
        return (System.nanoTime() - started) / 1e9;
    }

    private static void sizes(Connection db) throws SQLException {
        try (Statement statement = db.createStatement(); ResultSet rows = statement.executeQuery("""
                select c.relname, pg_size_pretty(pg_relation_size(c.oid)) from pg_class c
                  join pg_namespace n on n.oid = c.relnamespace
                 where n.nspname = current_schema() and c.relkind in ('r', 'i')
                   and (c.relname like 'tasks%' or c.relname like 'task_transitions%')
                 order by pg_relation_size(c.oid) desc""")) {
            while (rows.next()) {
                System.out.printf("  %-32s %s%n", rows.getString(1), rows.getString(2));
            }
        }
    }

    /**
     * Each listing of the heavy user's, {@code requests} times on one keep-alive connection, after 200
     * unmeasured (the JIT compiles the path meanwhile).
     */
    private Map<String, Histogram> listings(SystemUnderTest system, ApiClient user) throws Exception {
        URI base = URI.create(system.httpUrl());
        Map<String, Histogram> measured = new LinkedHashMap<>();
        try (KeepAliveHttpConnection http = new KeepAliveHttpConnection(base.getHost(), base.getPort())) {
            for (Map.Entry<String, String> listing : LISTINGS.entrySet()) {
                String path = "/api/tasks" + (listing.getValue().isEmpty() ? "" : "?" + listing.getValue());
                Histogram histogram = new Histogram(60_000_000L, 3);
                for (int i = 0; i < 200 + requests; i++) {
                    long started = System.nanoTime();
                    KeepAliveHttpConnection.Response response = http.get(path, user.token());
                    long micros = (System.nanoTime() - started) / 1_000;
                    if (response.status() != 200) {
                        throw new IllegalStateException(path + ": HTTP " + response.status() + " " + response.body());
                    }
                    if (i >= 200) {
                        histogram.recordValue(micros);
                    }
                }
                measured.put(listing.getKey(), histogram);
            }
        }
        return measured;
    }

    private void reportListing(String name, String state, Histogram empty, Histogram loaded) {
        System.out.printf("GET /api/tasks %-10s (%s): empty p50 %.2f ms p99 %.2f ms; loaded (%s) p50 %.2f ms, "
                + "p99 %.2f ms, max %.2f ms%n", name, LISTINGS.get(name), ms(empty, 50), ms(empty, 99), state,
                ms(loaded, 50), ms(loaded, 99), loaded.getMaxValue() / 1000.0);
        Result.print("history", "phase", "listing-" + state, "listing", name, "requests", loaded.getTotalCount(),
                "empty_p50_ms", ms(empty, 50), "empty_p99_ms", ms(empty, 99), "loaded_p50_ms", ms(loaded, 50),
                "loaded_p99_ms", ms(loaded, 99));
    }

    private static double ms(Histogram histogram, double percentile) {
        return histogram.getValueAtPercentile(percentile) / 1000.0;
    }

    /** EXPLAIN (ANALYZE, BUFFERS) of each statement, in a transaction rolled back (two of them write). */
    private static void plans(Connection db, long heavyId) throws SQLException {
        Map<String, String> statements = new LinkedHashMap<>();
        statements.put("outbox relay: OutboxStore.claimDue", CLAIM_DUE);
        statements.put("orphan sweeper: AttemptStore.returnOrphans", RETURN_ORPHANS);
        for (Map.Entry<String, String> filter : List.of(Map.entry("newest", ""),
                Map.entry("status", " and t.status = 'SUCCEEDED'"), Map.entry("type", " and t.type = 'prime_count'"),
                Map.entry("rare type", " and t.type = 'sleep'"))) {
            String where = "where t.owner_id = " + heavyId + filter.getValue() + " ";
            statements.put("listing, " + filter.getKey() + ": TaskFinder.page (page 0 of 20)", "select " + TASK_COLUMNS
                    + " from tasks t " + where + "order by t.created_at desc, t.id desc limit 20 offset 0");
            statements.put("listing, " + filter.getKey() + ": TaskFinder.page total (counted up to its limit)",
                    "select count(*) from (select 1 from tasks t " + where
                            + "order by t.created_at desc, t.id desc limit " + (LISTING_COUNT_LIMIT + 1) + ") matches");
        }
        boolean autoCommit = db.getAutoCommit();
        db.setAutoCommit(false);
        try (Statement statement = db.createStatement()) {
            for (Map.Entry<String, String> explained : statements.entrySet()) {
                System.out.println("-- plan: " + explained.getKey());
                try (ResultSet plan = statement.executeQuery("explain (analyze, buffers) " + explained.getValue())) {
                    while (plan.next()) {
                        System.out.println(plan.getString(1));
                    }
                }
                db.rollback();
            }
        } finally {
            db.rollback();
            db.setAutoCommit(autoCommit);
        }
    }
}
