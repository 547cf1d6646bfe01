package io.taskhive.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import io.taskhive.task.TaskStatus;
import tools.jackson.databind.JsonNode;

/**
 * Priorities, fair dispatch between users, and per-user limits, against the running system: a
 * priority-9 task overtakes a backlog, one user's flood does not hold up another user's task, and
 * an admin's limits hold. The floods go through a second gateway without the tests' low rate limit.
 */
class PriorityAndFairnessTest extends ApiTestSupport {

    private static final Duration DRAIN = Duration.ofSeconds(120);
    private static ConfigurableApplicationContext floodGateway;
    private static ApiClient flood;

    @BeforeAll
    static void startAFloodGateway() {
        floodGateway = system.startGateway(Map.of("taskhive.gateway.rate-limit.tasks-per-second", 1_000_000,
                "taskhive.gateway.rate-limit.burst", 1_000_000));
        flood = new ApiClient("http://127.0.0.1:" + ((WebServerApplicationContext) floodGateway).getWebServer().getPort());
    }

    @AfterAll
    static void stopTheFloodGateway() {
        if (floodGateway != null) {
            floodGateway.close();
        }
    }

    @Test
    void aPriorityNineTaskOvertakesTenThousandPriorityZeroTasks() {
        User user = newUser();
        submitInBatches(user, 10_000, "low");
        ApiClient.Response submitted = flood.post("/api/tasks", user.token(), Map.of("type", "uppercase",
                "payload", Map.of("text", "urgent"), "priority", 9));
        assertThat(submitted.status()).as(submitted.text()).isEqualTo(202);
        assertThat(submitted.json().get("priority").intValue()).isEqualTo(9);
        String id = submitted.json().get("id").stringValue();
        JsonNode urgent = awaitStatus(user, id, TaskStatus.SUCCEEDED, DRAIN);
        Instant createdAt = Instant.parse(urgent.get("createdAt").stringValue());
        Instant finishedAt = Instant.parse(urgent.get("finishedAt").stringValue());

        long waiting = queryForLong("select count(*) from tasks where owner_id = ? and priority = 0 "
                + "and (finished_at is null or finished_at > ?)", user.id(), java.sql.Timestamp.from(createdAt));
        long overtaken = queryForLong("select count(*) from tasks where owner_id = ? and priority = 0 "
                + "and (finished_at is null or finished_at > ?)", user.id(), java.sql.Timestamp.from(finishedAt));
        System.out.printf("PRIORITY: %d priority-0 tasks waiting when the priority-9 one came; %d finished before it%n",
                waiting, waiting - overtaken);
        assertThat(waiting).as("priority-0 tasks not finished when the urgent one was submitted").isGreaterThan(1_000);
        // only those already published to the workers may finish first: at most the dispatch window,
        // and what a round whose statement ran just before the urgent task was committed publishes,
        // which is the window's free room and at most the window again (599 seen once, on the
        // embedded database; 299-300 usually)
        assertThat(waiting - overtaken).as("of %d waiting, finished before the urgent one", waiting)
                .isLessThanOrEqualTo(2L * RunningSystem.DISPATCH_AHEAD + 50);
        awaitDrained(user);
    }

    @Test
    void oneUsersFloodOfFiftyThousandTasksDoesNotHoldUpAnotherUsersTask() {
        User flooder = newUser();
        User other = newUser();
        submitInBatches(flooder, 50_000, "flood");

        List<Duration> startLatencies = new ArrayList<>();
        for (int sample = 0; sample < 5; sample++) {
            long flooderWaiting = waitingOf(flooder);
            JsonNode task = submit(other, "uppercase", Map.of("text", "mine"));
            JsonNode done = awaitStatus(other, task.get("id").stringValue(), TaskStatus.SUCCEEDED, DRAIN);
            Duration latency = Duration.between(Instant.parse(done.get("createdAt").stringValue()),
                    Instant.parse(done.get("startedAt").stringValue()));
            startLatencies.add(latency);
            assertThat(flooderWaiting).as("the flood still waiting when sample %d was submitted", sample)
                    .isGreaterThan(5_000);
            sleep(Duration.ofMillis(200));
        }
        System.out.println("FAIRNESS: another user's task under a flood of 50,000, submission to start: "
                + startLatencies.stream().map(d -> d.toMillis() + " ms").toList());
        assertThat(startLatencies).as("another user's task, from submission to start").allSatisfy(
                latency -> assertThat(latency).isLessThan(Duration.ofSeconds(1)));
        awaitDrained(flooder);
    }

    @Test
    void anAdminsLimitsHoldAUsersRunningTasksAndRefuseTheirWaitingOnes() {
        User user = newUser();
        String admin = login(RunningSystem.ADMIN_USERNAME, RunningSystem.ADMIN_PASSWORD).token();
        String quotas = "/api/admin/users/" + user.id() + "/quotas";
        ApiClient.Response set = api.put(quotas, admin, Map.of("maxRunning", 2, "maxQueued", 6));
        assertThat(set.status()).as(set.text()).isEqualTo(200);
        JsonNode mine = api.get("/api/quotas", user.token()).json();
        assertThat(mine.get("maxRunning").intValue()).isEqualTo(2);
        assertThat(mine.get("ownMaxQueued").intValue()).isEqualTo(6);

        List<String> sleeps = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            sleeps.add(submit(user, "sleep", Map.of("seconds", 0.6)).get("id").stringValue());
        }
        long mostRunning = 0;
        long deadline = System.nanoTime() + DRAIN.toNanos();
        while (queryForLong("select count(*) from tasks where owner_id = ? and status <> 'SUCCEEDED'", user.id()) > 0
                && System.nanoTime() < deadline) {
            mostRunning = Math.max(mostRunning, queryForLong(
                    "select count(*) from tasks where owner_id = ? and status = 'RUNNING'", user.id()));
            sleep(Duration.ofMillis(20));
        }
        sleeps.forEach(id -> awaitStatus(user, id, TaskStatus.SUCCEEDED, Duration.ofSeconds(5)));
        assertThat(mostRunning).as("most of the user's tasks running at once").isEqualTo(2);

        for (int i = 0; i < 6; i++) {
            assertThat(api.post("/api/tasks", user.token(), Map.of("type", "uppercase",
                    "payload", Map.of("text", "later"), "delay", "1h")).status()).isEqualTo(202);
        }
        sleep(Duration.ofMillis(300)); // the gateway's counts are at most 200 ms old
        ApiClient.Response refused = api.post("/api/tasks", user.token(), Map.of("type", "uppercase",
                "payload", Map.of("text", "one too many")));
        assertThat(refused.status()).as(refused.text()).isEqualTo(429);
        assertThat(refused.json().get("detail").stringValue())
                .isEqualTo("you have 6 tasks waiting to run and may have at most 6; submit more once some have started");

        assertThat(api.put(quotas, admin, Map.of("maxRunning", 0)).status()).isEqualTo(400);
        assertThat(api.put("/api/admin/users/999999999/quotas", admin, Map.of("maxRunning", 3)).status())
                .isEqualTo(404);
        assertThat(api.put(quotas, user.token(), Map.of("maxRunning", 3)).status()).isEqualTo(403);
        JsonNode reset = api.put(quotas, admin, Map.of()).json();
        assertThat(reset.get("ownMaxQueued").isNull()).isTrue();
        assertThat(reset.get("maxQueued").intValue()).isEqualTo(100_000);
        assertThat(reset.get("waiting").intValue()).isEqualTo(6);
    }

    @Test
    void aPriorityOutsideZeroToNineIsRefusedAndTheSocketTakesOneToo() throws Exception {
        User user = newUser();
        for (Object bad : List.of(10, -1, "high")) {
            ApiClient.Response refused = api.post("/api/tasks", user.token(), Map.of("type", "uppercase",
                    "payload", Map.of("text", "x"), "priority", bad));
            assertThat(refused.status()).as(bad + ": " + refused.text()).isEqualTo(400);
        }
        assertThat(api.post("/api/tasks", user.token(), Map.of("type", "uppercase", "payload", Map.of("text", "x"),
                "priority", 10)).json().get("detail").stringValue()).isEqualTo("priority must be between 0 and 9");
        try (TcpClient client = new TcpClient(system.tcpPort)) {
            client.request("{\"action\":\"login\",\"username\":\"" + user.username() + "\",\"password\":\""
                    + user.password() + "\"}");
            JsonNode done = client.request("{\"action\":\"submit\",\"type\":\"uppercase\","
                    + "\"payload\":{\"text\":\"pronto\"},\"priority\":8,\"wait\":20}");
            assertThat(done.get("task").get("priority").intValue()).isEqualTo(8);
            assertThat(done.get("task").get("status").stringValue()).isEqualTo("SUCCEEDED");
            JsonNode refused = client.request("{\"action\":\"submit\",\"type\":\"uppercase\","
                    + "\"payload\":{\"text\":\"x\"},\"priority\":12}");
            assertThat(refused.get("error").get("message").stringValue()).isEqualTo("priority must be between 0 and 9");
            JsonNode quotas = client.request("{\"action\":\"quotas\"}").get("quotas");
            assertThat(quotas.get("userId").longValue()).isEqualTo(user.id());
            assertThat(quotas.get("maxRunning").intValue()).isEqualTo(1_000);
        }
    }

    private static void submitInBatches(User user, int count, String text) {
        for (int from = 0; from < count; from += 1_000) {
            List<Map<String, Object>> batch = new ArrayList<>(1_000);
            for (int i = from; i < Math.min(count, from + 1_000); i++) {
                batch.add(Map.of("type", "uppercase", "payload", Map.of("text", text + "-" + i)));
            }
            ApiClient.Response response = flood.post("/api/tasks/batch", user.token(), Map.of("tasks", batch));
            assertThat(response.status()).as(response.text()).isEqualTo(202);
        }
    }

    private static long waitingOf(User user) {
        return queryForLong("select count(*) from tasks where owner_id = ? and status = 'QUEUED'", user.id());
    }

    /** The backlog gone before the next test, which shares the workers. */
    private static void awaitDrained(User user) {
        long deadline = System.nanoTime() + DRAIN.toNanos();
        while (queryForLong("select count(*) from tasks where owner_id = ? and finished_at is null", user.id()) > 0) {
            assertThat(System.nanoTime()).as("the backlog drained within %s", DRAIN).isLessThan(deadline);
            sleep(Duration.ofMillis(200));
        }
    }
}
