package io.taskhive.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import com.sun.net.httpserver.HttpServer;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.taskhive.gateway.GatewayApplication;
import io.taskhive.task.TaskStatus;
import io.taskhive.task.types.FlakyTask;
import io.taskhive.testing.TestInfrastructure;
import io.taskhive.testing.TestInfrastructureExtension;
import io.taskhive.worker.WorkerApplication;
import tools.jackson.databind.JsonNode;

/**
 * Metrics, traces and logs after a real run of mixed tasks over HTTP and TCP, on a gateway and a
 * worker of their own (their own database and messaging namespace), which sample every trace and
 * export it over OTLP/HTTP to a receiver in this test, decoded with the OTLP protobuf classes.
 */
@ExtendWith(OutputCaptureExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ObservabilityTest {

    @RegisterExtension
    static final TestInfrastructureExtension infrastructure = new TestInfrastructureExtension();

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final List<String> DEBUG_LOGGERS = List.of("io.taskhive.gateway.task.TaskSubmission",
            "io.taskhive.worker.execution.TaskRunner");
    private static final Pattern TRACE_ID = Pattern.compile("\\b[0-9a-f]{32}\\b");
    private static final Path OPERATOR_FILES = Path.of("..", "deploy", "observability");
    /** Meters registered at their first event, which this run does not cause (no worker dies). */
    private static final Set<String> ONLY_ONCE_IT_HAPPENED = Set.of("taskhive_tasks_orphaned_total");

    private static final List<ReceivedSpan> spans = new CopyOnWriteArrayList<>();
    private static HttpServer receiver;
    private static ConfigurableApplicationContext worker;
    private static ConfigurableApplicationContext gateway;
    private static ApiClient api;
    private static ApiClient gatewayManagement;
    private static int tcpPort;
    private static TestInfrastructure.Database database;

    /** A span as the receiver got it: ids in hex, and the service that exported it. */
    record ReceivedSpan(String service, String traceId, String spanId, String parentSpanId, String name,
            Map<String, String> attributes) {
    }

    @BeforeAll
    static void start() throws IOException {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/v1/traces", exchange -> {
            try (InputStream body = exchange.getRequestBody()) {
                collect(ExportTraceServiceRequest.parseFrom(body));
            }
            byte[] reply = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
            exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(200, reply.length);
            exchange.getResponseBody().write(reply);
            exchange.close();
        });
        receiver.start();

        database = infrastructure.newDatabase();
        TestInfrastructure.Broker broker = infrastructure.newBroker();
        Map<String, Object> shared = new HashMap<>(database.springProperties());
        shared.putAll(broker.springProperties());
        shared.put("server.port", 0);
        shared.put("taskhive.tasks.named-duration", "100ms");
        shared.putAll(RunningSystem.FAST_RETRIES);
        shared.put("taskhive.metrics.refresh-interval", "200ms");
        shared.put("management.tracing.sampling.probability", "1.0");
        shared.put("management.opentelemetry.tracing.export.otlp.endpoint",
                "http://127.0.0.1:" + receiver.getAddress().getPort() + "/v1/traces");
        shared.put("management.opentelemetry.tracing.export.schedule-delay", "100ms");

        Map<String, Object> workerSettings = new HashMap<>(shared);
        workerSettings.put("taskhive.worker.id", "observability-worker");
        workerSettings.putAll(RunningSystem.FAST_FLEET);
        Map<String, Object> gatewaySettings = new HashMap<>(shared);
        gatewaySettings.put("taskhive.security.jwt-secret", RunningSystem.JWT_SECRET);
        gatewaySettings.put("taskhive.tcp.port", 0);
        gatewaySettings.put("management.server.port", 0);
        gatewaySettings.put("taskhive.gateway.outbox.confirm-grace", "1s");
        gatewaySettings.put("taskhive.gateway.outbox.retry-after", "1s");
        gatewaySettings.put("taskhive.gateway.outbox.relay-interval", "200ms");

        CompletableFuture<ConfigurableApplicationContext> workerStart = CompletableFuture.supplyAsync(
                () -> WorkerApplication.builder().registerShutdownHook(false)
                        .run(RunningSystem.arguments(workerSettings)));
        CompletableFuture<ConfigurableApplicationContext> gatewayStart = CompletableFuture.supplyAsync(
                () -> GatewayApplication.builder().registerShutdownHook(false)
                        .run(RunningSystem.arguments(gatewaySettings)));
        worker = workerStart.join();
        gateway = gatewayStart.join();
        api = new ApiClient("http://127.0.0.1:" + ((WebServerApplicationContext) gateway).getWebServer().getPort());
        gatewayManagement = new ApiClient(RunningSystem.managementUrl(gateway));
        tcpPort = gateway.getBean(io.taskhive.gateway.tcp.TcpServer.class).port();
        // After both started: each start configures logging afresh. Reset in stop().
        LoggingSystem logging = LoggingSystem.get(ObservabilityTest.class.getClassLoader());
        DEBUG_LOGGERS.forEach(name -> logging.setLogLevel(name, LogLevel.DEBUG));
    }

    @AfterAll
    static void stop() {
        LoggingSystem logging = LoggingSystem.get(ObservabilityTest.class.getClassLoader());
        DEBUG_LOGGERS.forEach(name -> logging.setLogLevel(name, null));
        if (gateway != null) {
            gateway.close();
        }
        if (worker != null) {
            worker.close();
        }
        if (receiver != null) {
            receiver.stop(0);
        }
    }

    @Test
    void aMixOfTasksShowsInMetricsTracesAndLogs(CapturedOutput output) throws IOException {
        String token = registerAndLogIn();

        // over HTTP: three pure tasks, a batch, a retried, a failed and a dead task, one refusal
        List<String> httpUppercase = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            httpUppercase.add(submit(token, Map.of("type", "uppercase", "payload", Map.of("text", "t" + i))));
        }
        ApiClient.Response batch = api.post("/api/tasks/batch", token, Map.of("tasks", List.of(
                Map.of("type", "word_count", "payload", Map.of("text", "a b")),
                Map.of("type", "word_count", "payload", Map.of("text", "c d e")))));
        assertThat(batch.status()).as(batch.text()).isEqualTo(202);
        String retriedKey = UUID.randomUUID().toString();
        FlakyTask.failNext(retriedKey, 1);
        String retried = submit(token, Map.of("type", "flaky", "payload", Map.of("key", retriedKey), "maxAttempts", 2));
        String failed = submit(token, Map.of("type", "flaky", "payload", Map.of("key", "permanent:" + UUID.randomUUID())));
        String deadKey = UUID.randomUUID().toString();
        FlakyTask.failNext(deadKey, 5);
        String dead = submit(token, Map.of("type", "flaky", "payload", Map.of("key", deadKey)));
        assertThat(api.post("/api/tasks", token, Map.of("type", "uppercase", "payload", Map.of("nope", 1))).status())
                .isEqualTo(400);

        // over TCP: two tasks answered when finished, one refusal; the connection stays open for the gauge
        List<String> tcpTasks = new ArrayList<>();
        try (TcpClient tcp = new TcpClient(tcpPort)) {
            for (String type : List.of("uppercase", "named")) {
                JsonNode reply = tcp.request("{\"action\":\"submit\",\"token\":\"" + token + "\",\"type\":\"" + type
                        + "\",\"content\":\"over tcp\",\"wait\":10}");
                assertThat(reply.get("task").get("status").stringValue()).as(reply.toString()).isEqualTo("SUCCEEDED");
                tcpTasks.add(reply.get("task").get("id").stringValue());
            }
            JsonNode refused = tcp.request("{\"action\":\"submit\",\"type\":\"uppercase\",\"payload\":{}}");
            assertThat(refused.get("ok").booleanValue()).as(refused.toString()).isFalse();

            awaitStatus(token, retried, TaskStatus.SUCCEEDED);
            awaitStatus(token, failed, TaskStatus.FAILED);
            awaitStatus(token, dead, TaskStatus.DEAD);
            for (String id : httpUppercase) {
                awaitStatus(token, id, TaskStatus.SUCCEEDED);
            }
            for (JsonNode task : batch.json().get("tasks")) {
                awaitStatus(token, task.get("id").stringValue(), TaskStatus.SUCCEEDED);
            }
            Map<String, Double> gatewayWhileConnected = awaitMetrics(gatewayManagement,
                    m -> value(m, "taskhive_workers_live") == 1.0 && value(m, "taskhive_tcp_connections") >= 1);
            assertThat(value(gatewayWhileConnected, "taskhive_tcp_connections")).isEqualTo(1.0);
        }

        // the gateway's meters
        Map<String, Double> gw = awaitMetrics(gatewayManagement,
                m -> value(m, "taskhive_outbox_relayed_total") >= 1 && value(m, "taskhive_tcp_connections") == 0);
        assertThat(value(gw, "taskhive_tasks_submitted_total", "type", "uppercase", "interface", "http")).isEqualTo(3);
        assertThat(value(gw, "taskhive_tasks_submitted_total", "type", "word_count", "interface", "http")).isEqualTo(2);
        assertThat(value(gw, "taskhive_tasks_submitted_total", "type", "flaky", "interface", "http")).isEqualTo(3);
        assertThat(value(gw, "taskhive_tasks_submitted_total", "type", "uppercase", "interface", "tcp")).isEqualTo(1);
        assertThat(value(gw, "taskhive_tasks_submitted_total", "type", "named", "interface", "tcp")).isEqualTo(1);
        assertThat(value(gw, "taskhive_tasks_rejected_total", "reason", "invalid", "interface", "http")).isEqualTo(1);
        assertThat(value(gw, "taskhive_tasks_rejected_total", "interface", "tcp")).isEqualTo(1);
        assertThat(value(gw, "taskhive_publish_confirm_seconds_count", "result", "ack")).isGreaterThanOrEqualTo(5);
        assertThat(value(gw, "taskhive_publish_confirm_seconds_bucket", "result", "ack", "le", "0.005")).isNotNaN();
        assertThat(value(gw, "taskhive_outbox_backlog")).isZero();
        assertThat(value(gw, "taskhive_outbox_oldest_age_seconds")).isZero();
        assertThat(value(gw, "taskhive_sse_streams")).isZero();
        assertThat(gw.keySet()).as("no task ids as tags").noneMatch(k -> k.contains(retried) || k.contains(dead));

        // the worker's meters
        // The worker's registry, scraped as its endpoint would (in this JVM, the gateway's Spring
        // Security on the classpath would put the worker's actuator behind a login it never has).
        PrometheusMeterRegistry workerRegistry = worker.getBean(PrometheusMeterRegistry.class);
        Map<String, Double> wk = awaitMetrics(workerRegistry::scrape,
                m -> value(m, "taskhive_queue_depth", "queue", "tasks") == 0.0
                        && value(m, "taskhive_tasks_in_flight") == 0.0);
        assertThat(value(wk, "taskhive_tasks_started_total", "type", "uppercase")).isEqualTo(4);
        assertThat(value(wk, "taskhive_tasks_completed_total", "type", "uppercase", "status", "SUCCEEDED")).isEqualTo(4);
        assertThat(value(wk, "taskhive_tasks_completed_total", "type", "word_count", "status", "SUCCEEDED")).isEqualTo(2);
        assertThat(value(wk, "taskhive_tasks_completed_total", "type", "named", "status", "SUCCEEDED")).isEqualTo(1);
        assertThat(value(wk, "taskhive_tasks_started_total", "type", "flaky")).isEqualTo(4);
        assertThat(value(wk, "taskhive_tasks_retried_total", "type", "flaky")).isEqualTo(1);
        assertThat(value(wk, "taskhive_tasks_completed_total", "type", "flaky", "status", "SUCCEEDED")).isEqualTo(1);
        assertThat(value(wk, "taskhive_tasks_completed_total", "type", "flaky", "status", "FAILED")).isEqualTo(1);
        assertThat(value(wk, "taskhive_tasks_completed_total", "type", "flaky", "status", "DEAD")).isEqualTo(1);
        // waits of tasks claimed from QUEUED (the retry's second attempt waited out its backoff instead)
        assertThat(value(wk, "taskhive_tasks_queue_wait_seconds_count", "type", "flaky")).isEqualTo(3);
        assertThat(value(wk, "taskhive_tasks_queue_wait_seconds_count", "type", "uppercase")).isEqualTo(4);
        assertThat(value(wk, "taskhive_tasks_run_seconds_bucket", "type", "uppercase", "le", "+Inf")).isEqualTo(4);
        // a named task simulates 100 ms of work: not within the 50 ms bucket, within the 500 ms one
        assertThat(value(wk, "taskhive_tasks_run_seconds_bucket", "type", "named", "le", "0.05")).isZero();
        assertThat(value(wk, "taskhive_tasks_run_seconds_bucket", "type", "named", "le", "0.5")).isEqualTo(1);
        assertThat(value(wk, "taskhive_queue_depth", "queue", "dead")).isZero();
        assertThat(value(wk, "taskhive_tasks_orphaned_total")).as("no worker died").isNaN();

        // what operators query (deploy/observability) is what the services really export
        Set<String> scraped = new java.util.HashSet<>();
        for (String series : List.of(gw.keySet(), wk.keySet()).stream().flatMap(Set::stream).toList()) {
            scraped.add(series.contains("{") ? series.substring(0, series.indexOf('{')) : series);
        }
        for (String file : List.of("grafana/dashboards/taskhive.json", "alerts.yml")) {
            String text = Files.readString(OPERATOR_FILES.resolve(file));
            Set<String> queried = Pattern.compile("\\btaskhive_[a-z0-9_]+").matcher(text).results()
                    .map(m -> m.group()).collect(Collectors.toCollection(java.util.TreeSet::new));
            assertThat(queried).as(file).isNotEmpty();
            queried.removeAll(ONLY_ONCE_IT_HAPPENED);
            assertThat(scraped).as("series %s queries", file).containsAll(queried);
        }

        // one trace per task, across both services
        String httpTask = httpUppercase.getFirst();
        String traceOfHttpTask = storedTraceId(httpTask);
        assertThat(traceIdsLogged(output, httpTask, "accepted over http")).containsExactly(traceOfHttpTask);
        assertThat(traceIdsLogged(output, httpTask, "ended SUCCEEDED")).containsExactly(traceOfHttpTask);
        String tcpTask = tcpTasks.get(1);
        String traceOfTcpTask = storedTraceId(tcpTask);
        assertThat(traceIdsLogged(output, tcpTask, "accepted over tcp")).containsExactly(traceOfTcpTask);
        assertThat(traceIdsLogged(output, tcpTask, "started")).containsExactly(traceOfTcpTask);
        assertThat(traceIdsLogged(output, tcpTask, "ended SUCCEEDED")).containsExactly(traceOfTcpTask);

        assertTraced(traceOfHttpTask, httpTask, List.of("task execute", "task record"));
        assertTraced(traceOfTcpTask, tcpTask, List.of("task claim", "task execute", "task record"));
        // the retry was published by the relay and ran again, in the same trace
        String traceOfRetried = storedTraceId(retried);
        awaitSpans(() -> spansOf(traceOfRetried).stream().filter(s -> s.name().equals("task run")).count() == 2);
        assertThat(spansOf(traceOfRetried)).filteredOn(s -> s.name().equals("task publish")).hasSize(2);
        // a grouped message: each task of the batch continued its own submission's trace
        for (JsonNode task : batch.json().get("tasks")) {
            String id = task.get("id").stringValue();
            String trace = storedTraceId(id);
            awaitSpans(() -> spansOf(trace).stream().anyMatch(s -> s.name().equals("task run")
                    && id.equals(s.attributes().get("taskhive.task.id"))));
        }
    }

    /** The submission, publish and run spans of one task in one trace, each the child of the one before. */
    private static void assertTraced(String traceId, String taskId, List<String> steps) {
        awaitSpans(() -> spansOf(traceId).stream().map(ReceivedSpan::name).collect(Collectors.toSet())
                .containsAll(steps));
        List<ReceivedSpan> trace = spansOf(traceId);
        ReceivedSpan submit = only(trace, "task submit");
        ReceivedSpan publish = only(trace, "task publish");
        ReceivedSpan run = only(trace, "task run");
        assertThat(submit.service()).isEqualTo("taskhive-gateway");
        assertThat(publish.service()).isEqualTo("taskhive-gateway");
        assertThat(run.service()).isEqualTo("taskhive-worker");
        assertThat(publish.parentSpanId()).isEqualTo(submit.spanId());
        assertThat(publish.attributes()).containsEntry("taskhive.task.id", taskId);
        assertThat(run.parentSpanId()).isEqualTo(publish.spanId());
        assertThat(run.attributes()).containsEntry("taskhive.task.id", taskId);
        for (String step : steps) {
            assertThat(only(trace, step).parentSpanId()).as(step).isEqualTo(run.spanId());
        }
    }

    private static ReceivedSpan only(List<ReceivedSpan> trace, String name) {
        List<ReceivedSpan> named = trace.stream().filter(s -> s.name().equals(name)).toList();
        assertThat(named).as("spans named '%s' in %s", name, trace).hasSize(1);
        return named.getFirst();
    }

    private static List<ReceivedSpan> spansOf(String traceId) {
        return spans.stream().filter(s -> s.traceId().equals(traceId)).toList();
    }

    private static void awaitSpans(Supplier<Boolean> condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.get()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("spans not received in time; received: " + spans);
            }
            sleep(50);
        }
    }

    private static void collect(ExportTraceServiceRequest request) {
        HexFormat hex = HexFormat.of();
        for (ResourceSpans resource : request.getResourceSpansList()) {
            String service = resource.getResource().getAttributesList().stream()
                    .filter(a -> a.getKey().equals("service.name")).map(a -> a.getValue().getStringValue())
                    .findFirst().orElse("");
            for (ScopeSpans scope : resource.getScopeSpansList()) {
                for (io.opentelemetry.proto.trace.v1.Span span : scope.getSpansList()) {
                    Map<String, String> attributes = new HashMap<>();
                    for (KeyValue attribute : span.getAttributesList()) {
                        attributes.put(attribute.getKey(), attribute.getValue().getStringValue());
                    }
                    spans.add(new ReceivedSpan(service, hex.formatHex(span.getTraceId().toByteArray()),
                            hex.formatHex(span.getSpanId().toByteArray()),
                            hex.formatHex(span.getParentSpanId().toByteArray()), span.getName(), attributes));
                }
            }
        }
    }

    /** The trace ids of the log lines about the task that contain {@code text}. */
    private static Set<String> traceIdsLogged(CapturedOutput output, String taskId, String text) {
        List<String> lines = output.getOut().lines().filter(l -> l.contains("taskId=" + taskId) && l.contains(text))
                .toList();
        assertThat(lines).as("log lines of %s with '%s'", taskId, text).isNotEmpty();
        Set<String> ids = new java.util.TreeSet<>();
        for (String line : lines) {
            Matcher matcher = TRACE_ID.matcher(line);
            assertThat(matcher.find()).as("a trace id in: %s", line).isTrue();
            ids.add(matcher.group());
        }
        return ids;
    }

    private static String storedTraceId(String taskId) {
        try (java.sql.Connection connection = database.connect();
                java.sql.PreparedStatement query = connection.prepareStatement(
                        "select traceparent from tasks where id = ?")) {
            query.setObject(1, UUID.fromString(taskId));
            try (java.sql.ResultSet row = query.executeQuery()) {
                assertThat(row.next()).isTrue();
                String traceparent = row.getString(1);
                assertThat(traceparent).as("traceparent of %s", taskId).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
                return traceparent.substring(3, 35);
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The Prometheus text of the endpoint, as "name{labels}" to value, once it satisfies the condition. */
    private static Map<String, Double> awaitMetrics(ApiClient client,
            java.util.function.Predicate<Map<String, Double>> condition) {
        return awaitMetrics(() -> {
            ApiClient.Response scraped = client.get("/actuator/prometheus", null);
            assertThat(scraped.status()).as(scraped.text()).isEqualTo(200);
            return scraped.text();
        }, condition);
    }

    private static Map<String, Double> awaitMetrics(Supplier<String> scrape,
            java.util.function.Predicate<Map<String, Double>> condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        Map<String, Double> metrics;
        do {
            metrics = new HashMap<>();
            for (String line : scrape.get().lines().toList()) {
                if (!line.isEmpty() && !line.startsWith("#")) {
                    int space = line.lastIndexOf(' ');
                    metrics.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
                }
            }
            if (condition.test(metrics)) {
                return metrics;
            }
            sleep(100);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("metrics never met the condition: " + metrics);
    }

    /**
     * The sum of the series of {@code name} whose labels include the given ones (name, value pairs);
     * NaN when there is none.
     */
    private static double value(Map<String, Double> metrics, String name, String... labels) {
        double sum = Double.NaN;
        for (Map.Entry<String, Double> series : metrics.entrySet()) {
            String key = series.getKey();
            if (!(key.equals(name) || key.startsWith(name + "{"))) {
                continue;
            }
            boolean matches = true;
            for (int i = 0; i + 1 < labels.length; i += 2) {
                matches &= key.contains(labels[i] + "=\"" + labels[i + 1] + "\"");
            }
            if (matches) {
                sum = Double.isNaN(sum) ? series.getValue() : sum + series.getValue();
            }
        }
        return sum;
    }

    private static String registerAndLogIn() {
        String username = "obs" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        Map<String, String> credentials = Map.of("username", username, "password", "pw-" + UUID.randomUUID());
        assertThat(api.post("/api/auth/register", null, credentials).status()).isEqualTo(201);
        ApiClient.Response login = api.post("/api/auth/login", null, credentials);
        assertThat(login.status()).as(login.text()).isEqualTo(200);
        return login.json().get("token").stringValue();
    }

    private static String submit(String token, Map<String, ?> task) {
        ApiClient.Response response = api.post("/api/tasks", token, task);
        assertThat(response.status()).as(response.text()).isEqualTo(202);
        return response.json().get("id").stringValue();
    }

    private static void awaitStatus(String token, String taskId, TaskStatus expected) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        String status;
        do {
            status = api.get("/api/tasks/" + taskId, token).json().get("status").stringValue();
            if (status.equals(expected.name())) {
                return;
            }
            sleep(50);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("task " + taskId + " is " + status + ", not " + expected);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
