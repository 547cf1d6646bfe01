package io.taskhive.benchmarks;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import org.HdrHistogram.Histogram;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;

/**
 * One small task at a time on an otherwise idle system, as a client sees it: from sending the
 * submission to holding the SUCCEEDED task, over TCP ({@code "wait"}) and over HTTP
 * ({@code POST /api/tasks?wait=} on a keep-alive connection). p50, p99 and max, after a warm-up,
 * and where the time went on the server by the task's own timestamps.
 */
@Command(name = "latency", mixinStandardHelpOptions = true,
        description = "submit->SUCCEEDED as the client sees it, one task at a time, over TCP and HTTP.")
final class LatencyBenchmark implements Callable<Integer> {

    @Option(names = "--count", defaultValue = "2000", description = "tasks measured per interface")
    int count;

    @Option(names = "--warmup", defaultValue = "5000", description = "tasks first over each interface, not measured")
    int warmup;

    @Override
    public Integer call() throws Exception {
        try (SystemUnderTest system = SystemUnderTest.start(1, List.of(), Map.of())) {
            ApiClient warm = ApiClient.newUser(system.httpUrl());
            ApiClient tcpUser = ApiClient.newUser(system.httpUrl());
            ApiClient httpUser = ApiClient.newUser(system.httpUrl());
            URI base = URI.create(system.httpUrl());
            try (TcpSession warmTcp = new TcpSession(system.tcpPort(), warm.token());
                    TcpSession tcp = new TcpSession(system.tcpPort(), tcpUser.token());
                    KeepAliveHttpConnection http = new KeepAliveHttpConnection(base.getHost(), base.getPort())) {
                measure(warmup, 0, i -> overTcp(warmTcp, i));
                measure(warmup, 0, i -> overHttp(http, warm, i));
                report("tcp", measure(0, count, i -> overTcp(tcp, i)), new Outcomes(system, tcpUser.username()));
                report("http", measure(0, count, i -> overHttp(http, httpUser, i)),
                        new Outcomes(system, httpUser.username()));
                // What each interface costs by itself: reading one finished task back.
                String taskId = tcp.request("{\"action\":\"submit\",\"type\":\"uppercase\",\"payload\":{\"text\":"
                        + "\"read back\"},\"wait\":10}").path("task").path("id").asString();
                reportReads("tcp", measure(warmup, count, i -> tcp.request("{\"action\":\"get\",\"task_id\":\"" + taskId
                        + "\"}").path("task").path("status").asString()));
                reportReads("http", measure(warmup, count, i -> ApiClient.JSON.readTree(http.get("/api/tasks/" + taskId,
                        tcpUser.token()).body()).path("status").asString()));
            }
        }
        return 0;
    }

    private static String overTcp(TcpSession tcp, int i) throws Exception {
        JsonNode reply = tcp.request("{\"action\":\"submit\",\"type\":\"uppercase\",\"payload\":{\"text\":\"latency "
                + i + "\"},\"wait\":10}");
        return reply.path("task").path("status").asString();
    }

    /** Submit-and-wait on a keep-alive connection, as curl or any thin client would. */
    private static String overHttp(KeepAliveHttpConnection http, ApiClient user, int i) throws Exception {
        KeepAliveHttpConnection.Response response = http.post("/api/tasks?wait=10", user.token(),
                "{\"type\":\"uppercase\",\"payload\":{\"text\":\"latency " + i + "\"}}");
        return ApiClient.JSON.readTree(response.body()).path("status").asString();
    }

    private static void reportReads(String via, Histogram histogram) {
        double p50 = histogram.getValueAtPercentile(50) / 1000.0;
        double p99 = histogram.getValueAtPercentile(99) / 1000.0;
        System.out.printf("%-4s %,d reads of a finished task: p50 %.2f ms, p99 %.2f ms%n", via,
                histogram.getTotalCount(), p50, p99);
        Result.print("latency-read", "via", via, "reads", histogram.getTotalCount(), "p50_ms", p50, "p99_ms", p99);
    }

    interface Submission {
        String run(int i) throws Exception;
    }

    private static Histogram measure(int warmup, int count, Submission submission) throws Exception {
        Histogram histogram = new Histogram(60_000_000L, 3);
        for (int i = 0; i < warmup + count; i++) {
            long started = System.nanoTime();
            String status = submission.run(i);
            long micros = (System.nanoTime() - started) / 1_000;
            if (!"SUCCEEDED".equals(status)) {
                throw new IllegalStateException("task " + i + " ended " + status);
            }
            if (i >= warmup) {
                histogram.recordValue(micros);
            }
        }
        return histogram;
    }

    private void report(String via, Histogram histogram, Outcomes outcomes) throws Exception {
        double p50 = histogram.getValueAtPercentile(50) / 1000.0;
        double p99 = histogram.getValueAtPercentile(99) / 1000.0;
        double max = histogram.getMaxValue() / 1000.0;
        System.out.printf("%-4s %,d tasks one at a time: submit->SUCCEEDED p50 %.2f ms, p99 %.2f ms, max %.2f ms%n",
                via, histogram.getTotalCount(), p50, p99, max);
        System.out.println("     of which, on the server: " + outcomes.phases());
        Result.print("latency", "via", via, "tasks", histogram.getTotalCount(), "p50_ms", p50, "p99_ms", p99,
                "max_ms", max);
    }
}
