package io.taskhive.benchmarks;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Many concurrent server-sent event streams on one gateway: how much resident memory (RSS) they add
 * to its process, and how long a status change takes from its commit (the {@code at} stored with
 * it) to every stream's client, while all of them follow the same user's tasks.
 */
@Command(name = "sse", mixinStandardHelpOptions = true,
        description = "Gateway RSS increase for concurrent SSE streams, and status-change delivery latency to all.")
final class SseBenchmark implements Callable<Integer> {

    @Option(names = "--clients", defaultValue = "1000")
    int clients;

    @Option(names = "--tasks", defaultValue = "100", description = "tasks submitted while the streams are open")
    int tasks;

    @Option(names = "--rate", defaultValue = "10", description = "tasks submitted per second")
    int rate;

    private final Recorder latencies = new Recorder(60_000_000L, 3);
    private final AtomicLong delivered = new AtomicLong();

    @Override
    public Integer call() throws Exception {
        // One user follows its tasks from every stream: lift the per-user limit to the client count.
        Map<String, String> gateway = Map.of("TASKHIVE_SSE_MAX_STREAMS_PER_USER", Integer.toString(clients));
        try (SystemUnderTest system = SystemUnderTest.start(1, List.of(), Map.of(), gateway)) {
            ApiClient client = ApiClient.newUser(system.httpUrl());
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(10)).build();
            // Warm up the stream and submission paths, then let the gateway settle.
            List<InputStream> warm = open(http, system.httpUrl(), client.token(), 50, null);
            for (int i = 0; i < 200; i++) {
                client.submit("uppercase", Map.of("text", "warm " + i), null).join();
            }
            for (InputStream stream : warm) {
                stream.close();
            }
            Thread.sleep(3_000);
            long before = system.gatewayResidentBytes();

            long expected = 3L * tasks; // QUEUED, RUNNING, SUCCEEDED of each, on every stream
            CountDownLatch allDelivered = new CountDownLatch(clients);
            long openStarted = System.nanoTime();
            List<InputStream> streams = open(http, system.httpUrl(), client.token(), clients,
                    () -> expected);
            double openSeconds = (System.nanoTime() - openStarted) / 1e9;
            readers.forEach(r -> r.done = allDelivered);
            Thread.sleep(5_000); // all open and idle, their virtual threads parked
            long idle = system.gatewayResidentBytes();

            latencies.reset();
            long pause = 1_000_000_000L / rate;
            long next = System.nanoTime();
            for (int i = 0; i < tasks; i++) {
                client.submit("uppercase", Map.of("text", "sse " + i), null).join();
                next += pause;
                long sleep = next - System.nanoTime();
                if (sleep > 0) {
                    TimeUnit.NANOSECONDS.sleep(sleep);
                }
            }
            boolean complete = allDelivered.await(60, TimeUnit.SECONDS);
            long busy = system.gatewayResidentBytes();
            Histogram latency = latencies.getIntervalHistogram();
            for (InputStream stream : streams) {
                stream.close();
            }

            double mib = 1024.0 * 1024.0;
            double increase = (idle - before) / mib;
            double p50 = latency.getValueAtPercentile(50) / 1000.0;
            double p99 = latency.getValueAtPercentile(99) / 1000.0;
            double max = latency.getMaxValue() / 1000.0;
            System.out.printf("%,d SSE streams opened in %.1f s: gateway RSS %.0f MiB -> %.0f MiB idle (+%.1f MiB, "
                    + "%.1f KiB each), %.0f MiB while delivering%n", clients, openSeconds, before / mib, idle / mib,
                    increase, (idle - before) / 1024.0 / clients, busy / mib);
            System.out.printf("%,d tasks at %d/s: %,d of %,d status events delivered%s; commit to client p50 %.1f ms, "
                    + "p99 %.1f ms, max %.1f ms%n", tasks, rate, delivered.get(), expected * clients,
                    complete ? "" : " (NOT ALL within 60 s)", p50, p99, max);
            Result.print("sse", "clients", clients, "tasks", tasks, "events_delivered", delivered.get(),
                    "rss_before_mib", before / mib, "rss_increase_mib", increase, "kib_per_stream",
                    (idle - before) / 1024.0 / clients, "rss_delivering_mib", busy / mib, "latency_p50_ms", p50,
                    "latency_p99_ms", p99, "latency_max_ms", max, "complete", complete);
            return complete ? 0 : 1;
        }
    }

    private final List<Reader> readers = new ArrayList<>();

    private List<InputStream> open(HttpClient http, String base, String token, int count,
            java.util.function.LongSupplier expected) throws Exception {
        List<InputStream> streams = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/api/events"))
                    .header("Authorization", "Bearer " + token).header("Accept", "text/event-stream").GET().build();
            HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("stream " + i + " refused: " + response.statusCode() + " "
                        + new String(response.body().readAllBytes(), StandardCharsets.UTF_8));
            }
            streams.add(response.body());
            if (expected != null) {
                Reader reader = new Reader(response.body(), expected.getAsLong());
                readers.add(reader);
                Thread.ofVirtual().start(reader);
            }
        }
        return streams;
    }

    /** Reads one stream; each status event's delay is now minus its stored time. */
    private final class Reader implements Runnable {

        private final InputStream body;
        private final long expected;
        volatile CountDownLatch done;

        Reader(InputStream body, long expected) {
            this.body = body;
            this.expected = expected;
        }

        @Override
        public void run() {
            long seen = 0;
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    if (!line.startsWith("data:")) {
                        continue;
                    }
                    Instant now = Instant.now();
                    Instant at = Instant.parse(ApiClient.JSON.readTree(line.substring(5)).get("at").stringValue());
                    latencies.recordValue(Math.max(0, Duration.between(at, now).toNanos() / 1_000));
                    delivered.incrementAndGet();
                    if (++seen == expected && done != null) {
                        done.countDown();
                    }
                }
            } catch (Exception e) {
                // closed at the end
            }
        }
    }
}
