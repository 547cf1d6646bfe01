package io.taskhive.benchmarks;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import org.HdrHistogram.Histogram;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * How long a program that submits one task, waits for the acknowledgement and submits the next
 * waits each time: sequential {@code POST /api/tasks} (202) on one keep-alive connection, and
 * sequential TCP {@code submit} without {@code wait}, on an otherwise idle system. The task is
 * committed when the answer comes; the worker runs it meanwhile. After both interfaces' warm-up, the
 * measured HTTP and TCP submissions take turns in rounds.
 *
 * <p>The warm-up goes on until the JIT compilers are nearly idle, the gateway's and this client's:
 * on two cores a compiler thread working through the request path's methods (a method a request
 * passes once reaches C2's thresholds only after thousands of requests, and the compiler then works
 * through its queue for seconds) takes a core from the submissions measured. What the compilers
 * still did during the measured rounds is printed ({@code jit_ms}), and so is the CPU each component
 * used per measured submission: the machine's CPU is what two cores run out of.
 *
 * <p>To say where the time goes, the same client also measures what each layer costs without the
 * rest: a TCP {@code ping} (the connection and the JSON framing); an authenticated HTTP read of the
 * task types (Tomcat, the security filters with the bearer token, Spring MVC and a JSON answer, but
 * no store and no broker); an HTTP submission refused by validation, which adds reading the JSON and
 * validating it, and a new connection each time, as Tomcat closes the connection after every 400; and
 * a one-row insert with its commit straight over JDBC on the same PostgreSQL (the commit's floor).
 * Each HTTP line says how many connections it opened.
 */
@Command(name = "latency-submit", mixinStandardHelpOptions = true,
        description = "sequential submissions (no wait): the acknowledgement's latency over HTTP and TCP.")
final class SubmitLatencyBenchmark implements Callable<Integer> {

    @Option(names = "--count", defaultValue = "5000", description = "submissions measured per interface")
    int count;

    @Option(names = "--warmup", defaultValue = "10000", description = "submissions first over each interface, not measured")
    int warmup;

    @Option(names = "--workers", defaultValue = "1",
            description = "worker processes running the tasks meanwhile; 0 measures the gateway alone")
    int workers;

    @Option(names = "--settle-max", defaultValue = "60000",
            description = "most submissions over each interface added to the warm-up while the JIT compilers are busy")
    int settleMax;

    /** Rounds in which the measured HTTP and TCP submissions take turns. */
    private static final int ALTERNATIONS = 10;

    /** Submissions over each interface per round of the warm-up's extension. */
    private static final int SETTLE_ROUND = 1_000;

    /** JIT compilation (gateway and client together) under which a warm-up round counts as quiet. */
    private static final long QUIET_COMPILATION_MILLIS = 10;

    interface Request {
        void run(int i) throws Exception;
    }

    @Override
    public Integer call() throws Exception {
        try (SystemUnderTest system = SystemUnderTest.start(workers, List.of(), Map.of())) {
            ApiClient user = ApiClient.newUser(system.httpUrl());
            URI base = URI.create(system.httpUrl());
            try (TcpSession tcp = new TcpSession(system.tcpPort(), user.token());
                    KeepAliveHttpConnection http = new KeepAliveHttpConnection(base.getHost(), base.getPort());
                    Connection database = system.database()) {
                Request httpSubmit = i -> expect(http.post("/api/tasks", user.token(),
                        "{\"type\":\"uppercase\",\"payload\":{\"text\":\"submit " + i + "\"}}"), 202);
                Request tcpSubmit = i -> {
                    if (!tcp.request("{\"action\":\"submit\",\"type\":\"uppercase\",\"payload\":{\"text\":\"submit "
                            + i + "\"}}").path("ok").asBoolean()) {
                        throw new IllegalStateException("TCP submission " + i + " refused");
                    }
                };
                Request tcpPing = i -> tcp.request("{\"action\":\"ping\"}");
                Request httpRead = i -> expect(http.get("/api/task-types", user.token()), 200);
                Request httpRefused = i -> expect(http.post("/api/tasks", user.token(),
                        "{\"type\":\"uppercase\",\"payload\":{\"words\":" + i + "}}"), 400);
                Request jdbcInsert = jdbcInsertAndCommit(database);

                measure(warmup, httpSubmit);
                measure(warmup, tcpSubmit);
                int added = settle(system, httpSubmit, http, tcpSubmit);
                CpuAccounting cpu = new CpuAccounting(system);
                CpuAccounting.Snapshot cpuBefore = cpu.snapshot();
                long compiledBefore = compilationMillis(system);
                List<Measured> submissions = alternated(count, httpSubmit, http, tcpSubmit);
                long compiled = compilationMillis(system) - compiledBefore;
                System.out.printf("warm-up: %,d submissions over each interface (%,d added while the JIT compilers "
                        + "were busy); %,d ms of JIT compilation during the measured rounds%n", warmup + added, added,
                        compiled);
                // Both interfaces' measured submissions together, with the tasks they made run meanwhile
                // (--workers); "other" holds this client.
                System.out.println(cpu.per("submission", cpuBefore, cpu.snapshot(), 2L * count));
                report("latency-submit", "http", submissions.get(0), "warmup", warmup + added, "jit_ms", compiled);
                report("latency-submit", "tcp", submissions.get(1), "warmup", warmup + added, "jit_ms", compiled);
                measure(warmup / 5, tcpPing);
                report("latency-submit-floor", "tcp-ping", measure(count, tcpPing));
                measure(warmup / 5, httpRead);
                report("latency-submit-floor", "http-read", measure(count, httpRead, http));
                measure(warmup / 5, httpRefused);
                report("latency-submit-floor", "http-refused", measure(count, httpRefused, http));
                measure(warmup / 5, jdbcInsert);
                report("latency-submit-floor", "jdbc-insert-commit", measure(count, jdbcInsert));
            }
        }
        return 0;
    }

    /** One row of the size of a task's into a table of its own, autocommitted: one WAL flush each. */
    private static Request jdbcInsertAndCommit(Connection database) throws Exception {
        try (Statement ddl = database.createStatement()) {
            ddl.execute("create table if not exists benchmark_commit_probe (id bigint primary key, body jsonb not null)");
        }
        database.setAutoCommit(true);
        PreparedStatement insert = database.prepareStatement(
                "insert into benchmark_commit_probe (id, body) values (?, ?::jsonb)");
        return i -> {
            insert.setLong(1, System.nanoTime());
            insert.setString(2, "{\"text\":\"submit " + i + "\"}");
            insert.executeUpdate();
        };
    }

    private static void expect(KeepAliveHttpConnection.Response response, int status) {
        if (response.status() != status) {
            throw new IllegalStateException("expected " + status + ", got " + response.status() + ": "
                    + response.body());
        }
    }

    /**
     * More alternated warm-up rounds until one passes in which the gateway's and this client's JIT
     * compilers together worked less than {@link #QUIET_COMPILATION_MILLIS}, or {@code settleMax}
     * submissions over each interface were added. Returns how many were.
     */
    private int settle(SystemUnderTest system, Request httpSubmit, KeepAliveHttpConnection http,
            Request tcpSubmit) throws Exception {
        int added = 0;
        long compiled = compilationMillis(system);
        while (added < settleMax) {
            alternated(SETTLE_ROUND, httpSubmit, http, tcpSubmit);
            added += SETTLE_ROUND;
            long before = compiled;
            compiled = compilationMillis(system);
            if (compiled - before < QUIET_COMPILATION_MILLIS) {
                break;
            }
        }
        return added;
    }

    /** The JIT compilers' work so far, in milliseconds: the gateway's plus this client's. */
    private static long compilationMillis(SystemUnderTest system) throws Exception {
        return system.gatewayCompilationMillis() + ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
    }

    /** The latencies of one run, and the HTTP connections it opened (-1 over TCP or JDBC). */
    private record Measured(Histogram latencies, int connectionsOpened) {
    }

    private static Measured measure(int count, Request request) throws Exception {
        return measure(count, request, null);
    }

    private static Measured measure(int count, Request request, KeepAliveHttpConnection http) throws Exception {
        int openedBefore = http == null ? 0 : http.connectionsOpened();
        Histogram histogram = latencies();
        record(request, 0, count, histogram);
        return new Measured(histogram, http == null ? -1 : http.connectionsOpened() - openedBefore);
    }

    /**
     * HTTP and TCP submissions in alternating rounds, so that neither is measured with a colder JIT
     * or a shorter queue of waiting tasks than the other (one after the other, the second interface
     * ran on code the first had already warmed).
     */
    private static List<Measured> alternated(int count, Request httpSubmit, KeepAliveHttpConnection http,
            Request tcpSubmit) throws Exception {
        int openedBefore = http.connectionsOpened();
        Histogram overHttp = latencies();
        Histogram overTcp = latencies();
        int round = Math.max(1, count / ALTERNATIONS);
        for (int done = 0; done < count; done += round) {
            int size = Math.min(round, count - done);
            record(httpSubmit, done, size, overHttp);
            record(tcpSubmit, done, size, overTcp);
        }
        return List.of(new Measured(overHttp, http.connectionsOpened() - openedBefore), new Measured(overTcp, -1));
    }

    /** Microseconds, up to a minute, to three significant digits. */
    private static Histogram latencies() {
        return new Histogram(60_000_000L, 3);
    }

    private static void record(Request request, int first, int count, Histogram histogram) throws Exception {
        for (int i = first; i < first + count; i++) {
            long started = System.nanoTime();
            request.run(i);
            histogram.recordValue((System.nanoTime() - started) / 1_000);
        }
    }

    /** {@code extra}: more fields of the RESULT line, name and value in turn. */
    private static void report(String name, String what, Measured measured, Object... extra) {
        Histogram histogram = measured.latencies();
        double p50 = histogram.getValueAtPercentile(50) / 1000.0;
        double p99 = histogram.getValueAtPercentile(99) / 1000.0;
        double max = histogram.getMaxValue() / 1000.0;
        double perSecond = histogram.getTotalCount() / (histogram.getMean() * histogram.getTotalCount() / 1e6);
        String connections = measured.connectionsOpened() < 0 ? ""
                : String.format(", %,d connections opened", measured.connectionsOpened());
        System.out.printf("%-18s %,d one after another: p50 %.2f ms, p99 %.2f ms, max %.2f ms (%,.0f/s)%s%n", what,
                histogram.getTotalCount(), p50, p99, max, perSecond, connections);
        List<Object> fields = new ArrayList<>(List.of("via", what, "count", histogram.getTotalCount(), "p50_ms", p50,
                "p99_ms", p99, "max_ms", max, "per_s", perSecond));
        if (measured.connectionsOpened() >= 0) {
            fields.addAll(List.of("connections_opened", measured.connectionsOpened()));
        }
        fields.addAll(List.of(extra));
        Result.print(name, fields.toArray());
    }
}
