package io.taskhive.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.rabbit.listener.RabbitListenerEndpointRegistry;

import io.taskhive.testing.TcpProxy;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;
import tools.jackson.databind.JsonNode;

/**
 * Faults on real processes: workers in JVMs of their own killed with SIGKILL or stopped with
 * SIGTERM, and RabbitMQ and PostgreSQL cut off (through proxies, as a restart would) under load.
 * The in-JVM worker is paused so the worker processes get the work. At the end one summary line:
 * every acknowledged task must reach a final state (lost=0) and none may succeed twice.
 */
class FaultToleranceTest extends ApiTestSupport {

    private static final Duration SETTLE = Duration.ofSeconds(120);
    private static final AtomicInteger submitted = new AtomicInteger();
    private static final List<String> acknowledged = new ArrayList<>();

    @BeforeAll
    static void pauseInJvmWorker() {
        system.worker.getBean(RabbitListenerEndpointRegistry.class).getListenerContainer("tasks").stop();
    }

    @AfterAll
    static void resumeInJvmWorkerAndReport() {
        system.worker.getBean(RabbitListenerEndpointRegistry.class).getListenerContainer("tasks").start();
        Map<String, Integer> finals = new TreeMap<>();
        int lost = 0;
        int runTwice = 0;
        for (String id : acknowledged) {
            String status = queryRows("select status from tasks where id = ?", UUID.fromString(id)).getFirst();
            finals.merge(status, 1, Integer::sum);
            if (!List.of("SUCCEEDED", "FAILED", "CANCELLED", "DEAD").contains(status)) {
                lost++;
            }
            if (successes(id) > 1) {
                runTwice++;
            }
        }
        System.out.println("FAULT-SUMMARY submitted=" + submitted.get() + " acknowledged=" + acknowledged.size()
                + " final=" + finals + " lost=" + lost + " runTwice=" + runTwice);
    }

    @Test
    void aWorkerKilledMidFlightLosesNothingAndRunsNothingTwice() throws Exception {
        List<User> users = List.of(newUser(), newUser());
        List<String> ids = new ArrayList<>();
        try (ServiceProcess first = ServiceProcess.worker("crash-1", workerSettings(60, null, null))) {
            first.awaitStarted(Duration.ofSeconds(60));
            for (int batch = 0; batch < 5; batch++) {
                List<Map<String, Object>> tasks = new ArrayList<>();
                for (int i = 0; i < 50; i++) {
                    tasks.add(i % 5 < 2
                            ? Map.of("type", "sleep", "payload", Map.of("seconds", 0.5 + (i % 4) * 0.5))
                            : Map.of("type", "uppercase", "payload", Map.of("text", "crash " + batch + "/" + i)));
                }
                ids.addAll(submitBatch(users.get(batch % 2), tasks));
            }
            awaitCount("select count(*) from tasks where status = 'RUNNING' and worker_id = 'crash-1' and owner_id in ("
                    + users.get(0).id() + ", " + users.get(1).id() + ")", 20);
            first.kill();
        }
        try (ServiceProcess second = ServiceProcess.worker("crash-2", workerSettings(200, null, null))) {
            second.awaitStarted(Duration.ofSeconds(60));
            assertAllSucceededOnce(ids);
            assertThat(second.terminate(Duration.ofSeconds(40))).isZero();
        }
        assertThat(queryForLong("select count(*) from task_transitions where worker_id = 'crash-1' "
                + "and to_status = 'RUNNING'")).as("the killed worker had started tasks").isPositive();
    }

    @Test
    void theTasksOfAHungWorkerAreRetriedElsewhereAndItsLateOutcomesDoNotCount() throws Exception {
        User user = newUser();
        List<String> ids = new ArrayList<>();
        try (ServiceProcess hung = ServiceProcess.worker("hung-1", workerSettings(20, null, null))) {
            hung.awaitStarted(Duration.ofSeconds(60));
            for (int i = 0; i < 5; i++) {
                ids.add(submitOne(user, Map.of("type", "sleep", "payload", Map.of("seconds", 3))));
            }
            // its own tasks: a failed earlier test may have left others in the shared queue
            awaitCount("select count(*) from tasks where status = 'RUNNING' and worker_id = 'hung-1' and owner_id = "
                    + user.id(), 5);
            // Frozen: its heartbeat row goes stale at once (the sweeper retries its tasks); its broker
            // connection stays open until RabbitMQ misses its AMQP heartbeats and closes it.
            hung.signal("STOP");
            try (ServiceProcess healthy = ServiceProcess.worker("hung-2", workerSettings(20, null, null))) {
                healthy.awaitStarted(Duration.ofSeconds(60));
                assertAllSucceededOnce(ids);
                hung.signal("CONT"); // wakes up, finishes its stale attempts: they must not count
                sleep(Duration.ofSeconds(4));
                for (String id : ids) {
                    assertThat(queryRows("select status, worker_id, attempts from tasks where id = ?",
                            UUID.fromString(id))).containsExactly("SUCCEEDED|hung-2|2");
                    assertThat(queryRows("select detail from task_transitions where task_id = ? and to_status = 'RETRYING'",
                            UUID.fromString(id))).containsExactly("worker hung-1 stopped responding while running it");
                }
                // it either finished them and found itself fenced out, or its heartbeat check withdrew them first
                assertThat(hung.output()).containsAnyOf("outcome discarded", "withdrawn");
                assertThat(healthy.terminate(Duration.ofSeconds(40))).isZero();
            }
        }
    }

    @Test
    void brokerAndDatabaseOutagesDuringLoadLoseNothing() throws Exception {
        List<User> users = List.of(newUser(), newUser(), newUser(), newUser());
        try (TcpProxy brokerLink = new TcpProxy(system.broker.host(), system.broker.port());
                TcpProxy databaseLink = new TcpProxy(system.database.host(), system.database.port());
                ServiceProcess worker = ServiceProcess.worker("outage-1", workerSettings(100, brokerLink, databaseLink))) {
            worker.awaitStarted(Duration.ofSeconds(60));
            List<String> ids = java.util.Collections.synchronizedList(new ArrayList<>());
            AtomicInteger refused = new AtomicInteger();
            CompletableFuture<Void> load = CompletableFuture.runAsync(() -> {
                for (int i = 0; i < 240; i++) {
                    User user = users.get(i % users.size());
                    Map<String, Object> task = i % 4 == 0
                            ? Map.of("type", "sleep", "payload", Map.of("seconds", 0.3))
                            : Map.of("type", "reverse", "payload", Map.of("text", "outage " + i));
                    submitted.incrementAndGet();
                    ApiClient.Response response = api.post("/api/tasks", user.token(), task);
                    if (response.status() == 202) {
                        String id = response.json().get("id").stringValue();
                        ids.add(id);
                        record(id);
                    } else {
                        assertThat(response.status()).as(response.text()).isEqualTo(503);
                        assertThat(response.contentType()).startsWith("application/problem+json");
                        refused.incrementAndGet();
                    }
                    sleep(Duration.ofMillis(40));
                }
            });
            sleep(Duration.ofSeconds(2));
            brokerLink.cut();
            system.gatewayBrokerLink.cut();
            sleep(Duration.ofSeconds(3));
            brokerLink.restore();
            system.gatewayBrokerLink.restore();
            sleep(Duration.ofSeconds(2));
            // The worker's database first, while the gateway still dispatches: the worker notices an
            // outage only when a delivery cannot be claimed, and with both cut at once it may have
            // nothing in flight to notice it by.
            databaseLink.cut();
            sleep(Duration.ofSeconds(1));
            system.gatewayDatabaseLink.cut();
            sleep(Duration.ofSeconds(3));
            databaseLink.restore();
            system.gatewayDatabaseLink.restore();
            load.join();
            assertThat(ids).hasSizeGreaterThan(100);
            assertAllSucceededOnce(ids);
            assertThat(worker.output()).contains("task consumers paused").contains("task consumers resumed")
                    .as("acknowledgements only on the channel that delivered").doesNotContain("PRECONDITION_FAILED");
        }
    }

    @Test
    void aWorkerStoppedWithSigtermFinishesWhatItCanHandsBackTheRestAndExitsZero() throws Exception {
        User user = newUser();
        List<String> quick = new ArrayList<>();
        List<String> slow = new ArrayList<>();
        int exit;
        try (ServiceProcess worker = ServiceProcess.worker("drain-1", workerSettings(50, null, null,
                "taskhive.worker.shutdown-grace", "2s"))) {
            worker.awaitStarted(Duration.ofSeconds(60));
            for (int i = 0; i < 8; i++) {
                quick.add(submitOne(user, Map.of("type", "sleep", "payload", Map.of("seconds", 1))));
            }
            for (int i = 0; i < 3; i++) {
                slow.add(submitOne(user, Map.of("type", "sleep", "payload", Map.of("seconds", 8))));
            }
            awaitCount("select count(*) from tasks where status = 'RUNNING' and worker_id = 'drain-1' and owner_id = "
                    + user.id(), 11);
            exit = worker.terminate(Duration.ofSeconds(30));
            assertThat(worker.output()).contains("stopped taking tasks").contains("handing back 3 task(s)");
        }
        assertThat(exit).isZero();
        for (String id : quick) {
            assertThat(queryRows("select status, worker_id from tasks where id = ?", UUID.fromString(id)))
                    .containsExactly("SUCCEEDED|drain-1");
        }
        for (String id : slow) {
            assertThat(queryRows("select to_status, detail from task_transitions where task_id = ? order by id",
                    UUID.fromString(id)))
                    .containsExactly("QUEUED|null", "RUNNING|null", "QUEUED|worker shutting down");
        }
        assertThat(queryRows("select stopped_at is not null from workers where id = 'drain-1'")).containsExactly("t");
        try (ServiceProcess next = ServiceProcess.worker("drain-2", workerSettings(50, null, null))) {
            next.awaitStarted(Duration.ofSeconds(60));
            assertAllSucceededOnce(slow);
            for (String id : slow) {
                assertThat(queryRows("select attempts, max_attempts, worker_id from tasks where id = ?",
                        UUID.fromString(id))).as("the handed-back attempt is not counted").containsExactly("2|4|drain-2");
            }
            assertThat(next.terminate(Duration.ofSeconds(40))).isZero();
        }
    }

    @Test
    void aDrainingWorkerKeepsHeartbeatingSoNoOtherReplicaTakesItsSingleAttemptTasks() throws Exception {
        User user = newUser();
        String finishes;
        String handedBack;
        int exit;
        // The drain (up to 9 s) outlasts the orphan grace (4 s) twice over; the in-JVM worker's sweeper
        // is running all along, ready to take over tasks whose holder looks dead.
        try (ServiceProcess worker = ServiceProcess.worker("drain-long", workerSettings(10, null, null,
                "taskhive.worker.shutdown-grace", "9s"))) {
            worker.awaitStarted(Duration.ofSeconds(60));
            finishes = submitOne(user, Map.of("type", "sleep", "payload", Map.of("seconds", 7), "maxAttempts", 1));
            handedBack = submitOne(user, Map.of("type", "sleep", "payload", Map.of("seconds", 120), "maxAttempts", 1));
            awaitCount("select count(*) from tasks where status = 'RUNNING' and worker_id = 'drain-long' and owner_id = "
                    + user.id(), 2);
            long sigterm = System.nanoTime();
            worker.signal("TERM");
            awaitCount("select count(*) from workers where id = 'drain-long' and draining_since is not null "
                    + "and stopped_at is null", 1);
            exit = worker.awaitExit(Duration.ofSeconds(40));
            assertThat(Duration.ofNanos(System.nanoTime() - sigterm)).as("the drain outlasted the orphan grace")
                    .isGreaterThan(Duration.ofSeconds(6));
            assertThat(worker.output().lines().filter(line -> line.contains(" ERROR ")).toList())
                    .as("error lines logged by a worker stopping normally").isEmpty();
        }
        assertThat(exit).isZero();
        assertThat(queryRows("select status, worker_id, attempts from tasks where id = ?", UUID.fromString(finishes)))
                .containsExactly("SUCCEEDED|drain-long|1");
        assertThat(queryRows("select to_status, worker_id from task_transitions where task_id = ? order by id",
                UUID.fromString(finishes)))
                .containsExactly("QUEUED|null", "RUNNING|drain-long", "SUCCEEDED|drain-long");
        assertThat(queryRows("select to_status, worker_id, detail from task_transitions where task_id = ? order by id",
                UUID.fromString(handedBack)))
                .containsExactly("QUEUED|null|null", "RUNNING|drain-long|null",
                        "QUEUED|drain-long|worker shutting down");
        assertThat(queryRows("select status, attempts, max_attempts - attempts from tasks where id = ?",
                UUID.fromString(handedBack))).as("queued again with its one attempt still to come")
                .containsExactly("QUEUED|1|1");
        // nothing runs it here (the in-JVM worker is paused): it ends cancelled, not left behind
        assertThat(api.delete("/api/tasks/" + handedBack, user.token()).status()).isEqualTo(200);
    }

    /**
     * Killed in the middle of its upload: S3 has stored the first attempt's object but the worker,
     * whose proxy withholds S3's answer, is still waiting for it. The task is retried by another
     * worker and ends with the winning attempt's object alone.
     */
    @Test
    void aWorkerKilledMidUploadLeavesOneObjectAfterTheRetry() throws Exception {
        User user = newUser();
        String id;
        try (TcpProxy storage = new TcpProxy("127.0.0.1", system.artifactLink.port());
                S3Client s3 = system.artifactStorage.createS3ClientV2()) {
            try (ServiceProcess uploader = ServiceProcess.worker("upload-1", workerSettings(5, null, null,
                    "taskhive.artifacts.endpoint", "http://127.0.0.1:" + storage.port(),
                    "taskhive.artifacts.request-timeout", "2m"))) {
                uploader.awaitStarted(Duration.ofSeconds(60));
                storage.holdReplies();
                id = submitOne(user, Map.of("type", "report", "payload", Map.of("text", ArtifactsTest.text(400))));
                awaitCount("select count(*) from tasks where status = 'RUNNING' and worker_id = 'upload-1' and id = '"
                        + id + "'", 1);
                String firstKey = "tasks/" + id + "/1";
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (keysOf(s3, id).isEmpty() && System.nanoTime() < deadline) {
                    sleep(Duration.ofMillis(20));
                }
                assertThat(keysOf(s3, id)).as("the first attempt's object, stored by S3").containsExactly(firstKey);
                assertThat(queryRows("select status, attempts, artifact_key from tasks where id = ?",
                        UUID.fromString(id))).as("the worker still waits for S3's answer")
                        .containsExactly("RUNNING|1|null");
                uploader.kill();
            } finally {
                storage.releaseReplies();
            }
            try (ServiceProcess next = ServiceProcess.worker("upload-2", workerSettings(5, null, null))) {
                next.awaitStarted(Duration.ofSeconds(60));
                assertAllSucceededOnce(List.of(id));
                String winner = "tasks/" + id + "/2";
                assertThat(queryRows("select status, worker_id, attempts, artifact_key from tasks where id = ?",
                        UUID.fromString(id))).containsExactly("SUCCEEDED|upload-2|2|" + winner);
                // The first attempt ends one of two ways, both of them the system's: the orphan sweeper
                // returns it (RETRYING) once upload-1's heartbeat is older than the grace, or, when the
                // redelivered message reaches upload-2 after the grace and before the sweeper's run,
                // upload-2's claim takes it over (RUNNING -> RUNNING). Which comes first is a race
                // against upload-2's start (4.5 s in the run that took the second way; the grace is 4 s).
                List<String> returned = queryRows("select detail from task_transitions where task_id = ? "
                        + "and to_status = 'RETRYING'", UUID.fromString(id));
                List<String> takenOver = queryRows("select worker_id || '#' || attempt from task_transitions "
                        + "where task_id = ? and from_status = 'RUNNING' and to_status = 'RUNNING'", UUID.fromString(id));
                assertThat(returned.size() + takenOver.size()).as("one end of the first attempt: %s %s", returned,
                        takenOver).isEqualTo(1);
                if (takenOver.isEmpty()) {
                    assertThat(returned).containsExactly("worker upload-1 stopped responding while running it");
                } else {
                    assertThat(takenOver).containsExactly("upload-2#2");
                }
                // the killed attempt's object goes once the winner's outcome is committed
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (!keysOf(s3, id).equals(List.of(winner)) && System.nanoTime() < deadline) {
                    sleep(Duration.ofMillis(50));
                }
                assertThat(keysOf(s3, id)).containsExactly(winner);
                JsonNode task = api.get("/api/tasks/" + id, user.token()).json();
                byte[] stored = s3.getObjectAsBytes(g -> g.bucket(system.artifactBucket).key(winner)).asByteArray();
                assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(stored)))
                        .isEqualTo(task.get("artifact").get("sha256").stringValue());
                assertThat(next.terminate(Duration.ofSeconds(40))).isZero();
            }
        }
    }

    private static List<String> keysOf(S3Client s3, String taskId) {
        return s3.listObjectsV2(l -> l.bucket(system.artifactBucket).prefix("tasks/" + taskId + "/")).contents()
                .stream().map(S3Object::key).toList();
    }

    private static Map<String, Object> workerSettings(int maxInFlight, TcpProxy brokerLink, TcpProxy databaseLink,
            Object... extra) {
        Map<String, Object> settings = new HashMap<>(system.database.springProperties());
        settings.putAll(system.broker.springProperties());
        settings.putAll(RunningSystem.FAST_FLEET);
        settings.putAll(RunningSystem.FAST_RETRIES);
        settings.putAll(system.artifactSettings(system.artifactLink.port()));
        settings.put("taskhive.worker.max-in-flight", maxInFlight);
        settings.put("spring.datasource.hikari.maximum-pool-size", 5);
        if (brokerLink != null) {
            settings.put("spring.rabbitmq.host", "127.0.0.1");
            settings.put("spring.rabbitmq.port", brokerLink.port());
        }
        if (databaseLink != null) {
            settings.put("spring.datasource.url", system.database.urlVia("127.0.0.1", databaseLink.port()));
            settings.put("spring.datasource.hikari.connection-timeout", 2000);
        }
        for (int i = 0; i + 1 < extra.length; i += 2) {
            settings.put((String) extra[i], extra[i + 1]);
        }
        return settings;
    }

    private static List<String> submitBatch(User user, List<Map<String, Object>> tasks) {
        submitted.addAndGet(tasks.size());
        ApiClient.Response response = api.post("/api/tasks/batch", user.token(), Map.of("tasks", tasks));
        assertThat(response.status()).as(response.text()).isEqualTo(202);
        List<String> ids = new ArrayList<>();
        response.json().get("tasks").forEach(t -> ids.add(t.get("id").stringValue()));
        ids.forEach(FaultToleranceTest::record);
        return ids;
    }

    private static String submitOne(User user, Map<String, Object> task) {
        submitted.incrementAndGet();
        ApiClient.Response response = api.post("/api/tasks", user.token(), task);
        assertThat(response.status()).as(response.text()).isEqualTo(202);
        String id = response.json().get("id").stringValue();
        record(id);
        return id;
    }

    private static synchronized void record(String id) {
        acknowledged.add(id);
    }

    private static void assertAllSucceededOnce(List<String> ids) {
        long deadline = System.nanoTime() + SETTLE.toNanos();
        List<UUID> uuids = ids.stream().map(UUID::fromString).toList();
        long done = 0;
        while (System.nanoTime() < deadline) {
            done = uuids.stream().filter(id -> queryRows("select status from tasks where id = ?", id).getFirst()
                    .equals("SUCCEEDED")).count();
            if (done == uuids.size()) {
                break;
            }
            sleep(Duration.ofMillis(500));
        }
        assertThat(done).as("tasks SUCCEEDED within " + SETTLE).isEqualTo(ids.size());
        for (String id : ids) {
            assertThat(successes(id)).as("SUCCEEDED transitions of " + id).isEqualTo(1);
        }
    }

    private static long successes(String id) {
        return queryForLong("select count(*) from task_transitions where task_id = ? and to_status = 'SUCCEEDED'",
                UUID.fromString(id));
    }

    private static void awaitCount(String sql, long atLeast) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (queryForLong(sql) < atLeast) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("never reached " + atLeast + ": " + sql);
            }
            sleep(Duration.ofMillis(50));
        }
    }
}
