package io.taskhive.benchmarks;

import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import org.HdrHistogram.Histogram;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Thousands of idle TCP connections on one gateway: how much resident memory (RSS) they add to its
 * process, and how long a request takes while they are open.
 */
@Command(name = "connections", mixinStandardHelpOptions = true,
        description = "Gateway RSS increase for idle TCP connections, and a request's latency meanwhile.")
final class ConnectionsBenchmark implements Callable<Integer> {

    @Option(names = "--count", defaultValue = "10000")
    int count;

    @Override
    public Integer call() throws Exception {
        try (SystemUnderTest system = SystemUnderTest.start(1, List.of(), Map.of())) {
            ApiClient client = ApiClient.newUser(system.httpUrl());
            try (TcpSession warm = new TcpSession(system.tcpPort(), client.token())) {
                for (int i = 0; i < 2_000; i++) {
                    warm.request("{\"action\":\"ping\"}");
                }
            }
            Thread.sleep(2_000);
            long before = system.gatewayResidentBytes();
            List<Socket> idle = new ArrayList<>(count);
            try {
                for (int i = 0; i < count; i++) {
                    idle.add(new Socket("127.0.0.1", system.tcpPort()));
                }
                Thread.sleep(5_000); // all accepted, their threads parked
                long after = system.gatewayResidentBytes();
                Histogram pings = new Histogram(60_000_000L, 3);
                try (TcpSession session = new TcpSession(system.tcpPort(), client.token())) {
                    for (int i = 0; i < 1_000; i++) {
                        long started = System.nanoTime();
                        session.request("{\"action\":\"ping\"}");
                        pings.recordValue((System.nanoTime() - started) / 1_000);
                    }
                }
                double increaseMib = (after - before) / (1024.0 * 1024.0);
                double p50 = pings.getValueAtPercentile(50) / 1000.0;
                double p99 = pings.getValueAtPercentile(99) / 1000.0;
                System.out.printf("%,d idle TCP connections: gateway RSS %.0f MiB -> %.0f MiB (+%.1f MiB, %.1f KiB each); "
                        + "a ping meanwhile p50 %.2f ms, p99 %.2f ms%n", count, before / 1048576.0, after / 1048576.0,
                        increaseMib, (after - before) / 1024.0 / count, p50, p99);
                Result.print("connections", "count", count, "rss_before_mib", before / 1048576.0, "rss_increase_mib",
                        increaseMib, "ping_p50_ms", p50, "ping_p99_ms", p99);
            } finally {
                for (Socket socket : idle) {
                    socket.close();
                }
            }
        }
        return 0;
    }
}
