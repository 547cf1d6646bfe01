package io.taskhive.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.taskhive.gateway.retention.RetentionProperties;
import io.taskhive.gateway.retention.RetentionPurge;
import io.taskhive.gateway.retention.RetentionRun;
import io.taskhive.task.TaskStatus;
import io.taskhive.task.store.RetentionStore;

/**
 * Retention through a gateway replica of its own, on the shared system's database: SUCCEEDED and
 * CANCELLED tasks kept a day, FAILED two, DEAD forever, in batches of 3. Its scheduled runs are an
 * hour apart, so each test runs the purge itself, when it has arranged the rows (finished_at set
 * back by SQL, as if time had passed). The shared gateway's retention is off.
 */
@ExtendWith(OutputCaptureExtension.class)
class RetentionTest extends ApiTestSupport {

    private static ConfigurableApplicationContext gateway;
    private static RetentionPurge purge;
    private static ApiClient gatewayManagement;

    @BeforeAll
    static void startARetainingGateway() {
        gateway = system.startGateway(Map.of(
                "taskhive.retention.enabled", true,
                "taskhive.retention.succeeded", "1d",
                "taskhive.retention.cancelled", "1d",
                "taskhive.retention.failed", "2d",
                "taskhive.retention.dead", "0",
                "taskhive.retention.batch-size", 3,
                "taskhive.retention.max-batches-per-run", 100_000,
                "taskhive.retention.interval", "1h",
                "taskhive.retention.pause", "0s"));
        purge = gateway.getBean(RetentionPurge.class);
        gatewayManagement = new ApiClient(RunningSystem.managementUrl(gateway));
    }

    @AfterAll
    static void stopIt() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void eachStatusIsPurgedPastItsOwnAgeAndNothingElseIs() {
        User user = newUser();
        Map<String, String> purged = new java.util.HashMap<>();
        Map<String, String> kept = new java.util.HashMap<>();
        // status -> [an age past its retention, an age within it]; DEAD is kept forever
        Map<TaskStatus, Duration[]> ages = Map.of(
                TaskStatus.SUCCEEDED, new Duration[] {Duration.ofHours(25), Duration.ofHours(23)},
                TaskStatus.CANCELLED, new Duration[] {Duration.ofHours(25), Duration.ofHours(23)},
                TaskStatus.FAILED, new Duration[] {Duration.ofHours(49), Duration.ofHours(47)});
        ages.forEach((status, pair) -> {
            purged.put(finishedTask(user, status, pair[0]), status.name());
            kept.put(finishedTask(user, status, pair[1]), status.name());
        });
        kept.put(finishedTask(user, TaskStatus.DEAD, Duration.ofDays(400)), "DEAD kept forever");
        for (TaskStatus unfinished : List.of(TaskStatus.QUEUED, TaskStatus.RUNNING, TaskStatus.RETRYING)) {
            // not a state the system makes (only final tasks have finished_at), so only the status guards it
            String id = finishedTask(user, TaskStatus.SUCCEEDED, Duration.ofDays(400));
            queryRows("update tasks set status = ? where id = ? returning id", unfinished.name(), UUID.fromString(id));
            kept.put(id, unfinished.name());
        }

        RetentionRun run = purge.purge();

        assertThat(run.purged()).containsExactlyInAnyOrderEntriesOf(Map.of(
                TaskStatus.SUCCEEDED, 1L, TaskStatus.CANCELLED, 1L, TaskStatus.FAILED, 1L));
        purged.forEach((id, status) -> {
            assertThat(api.get("/api/tasks/" + id, user.token()).status()).as(status).isEqualTo(404);
            assertThat(queryForLong("select count(*) from task_transitions where task_id = ?", UUID.fromString(id)))
                    .as("history of the purged %s task", status).isZero();
        });
        kept.forEach((id, status) -> {
            assertThat(api.get("/api/tasks/" + id, user.token()).status()).as(status).isEqualTo(200);
            assertThat(queryForLong("select count(*) from task_transitions where task_id = ?", UUID.fromString(id)))
                    .as("history of the kept %s task", status).isGreaterThanOrEqualTo(3);
        });
        // no task of the shared system left in a state it would not make
        queryRows("update tasks set status = 'SUCCEEDED', finished_at = now() where owner_id = ? "
                + "and status in ('QUEUED', 'RUNNING', 'RETRYING') returning id", user.id());
    }

    @Test
    void tenDueTasksGoInBatchesOfThreeCountedByStatusAndLoggedOnce(CapturedOutput output) {
        User user = newUser();
        List<String> due = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            due.add(finishedTask(user, TaskStatus.SUCCEEDED, Duration.ofDays(2)));
        }
        double countedBefore = purgedTotal("SUCCEEDED");
        long linesBefore = purgeLines(output);

        RetentionRun run = purge.purge();

        assertThat(run.purged()).containsExactlyEntriesOf(Map.of(TaskStatus.SUCCEEDED, 10L));
        // SUCCEEDED: 3 + 3 + 3 + 1; CANCELLED and FAILED: one empty batch each (DEAD is kept)
        assertThat(run.batches()).isEqualTo(6);
        assertThat(run.capped()).isFalse();
        assertThat(due).allMatch(id -> api.get("/api/tasks/" + id, user.token()).status() == 404);
        assertThat(purgedTotal("SUCCEEDED") - countedBefore).isEqualTo(10);
        assertThat(purgedTotal("DEAD")).as("registered before anything was purged").isZero();
        assertThat(purgeLines(output) - linesBefore).isEqualTo(1);
        assertThat(output.getOut()).contains("retention purged 10 finished task(s) with their history in 6 batch(es): "
                + "{SUCCEEDED=10}");

        RetentionRun idle = purge.purge();
        assertThat(idle.total()).isZero();
        assertThat(purgeLines(output) - linesBefore).as("nothing logged when nothing was due").isEqualTo(1);
    }

    @Test
    void aRunStopsAtItsCapAndTheNextGoesOn() {
        User user = newUser();
        for (int i = 0; i < 10; i++) {
            finishedTask(user, TaskStatus.CANCELLED, Duration.ofDays(2));
        }
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        RetentionPurge capped = new RetentionPurge(gateway.getBean(RetentionStore.class),
                new RetentionProperties(true, Duration.ZERO, Duration.ofDays(1), Duration.ZERO, Duration.ZERO, 3, 2,
                        Duration.ofHours(1), Duration.ZERO),
                meters, gateway.getBean(io.taskhive.gateway.retention.ArtifactCleanup.class));

        RetentionRun first = capped.purge();
        assertThat(first.purged()).containsExactlyEntriesOf(Map.of(TaskStatus.CANCELLED, 6L));
        assertThat(first.capped()).isTrue();
        RetentionRun second = capped.purge();
        assertThat(second.purged()).containsExactlyEntriesOf(Map.of(TaskStatus.CANCELLED, 4L));
        assertThat(second.capped()).isFalse();
        assertThat(meters.get("taskhive.tasks.purged").tag("status", "CANCELLED").counter().count()).isEqualTo(10);
        assertThat(meters.get("taskhive.retention.run").timer().count()).isEqualTo(2);
    }

    @Test
    void aPurgedTaskAnswers404AndItsIdempotencyKeyMakesANewTask() {
        User user = newUser();
        Map<String, Object> body = Map.of("type", "uppercase", "payload", Map.of("text", "once"));
        ApiClient.Response first = api.post("/api/tasks", user.token(), body, "Idempotency-Key", "order-7");
        assertThat(first.status()).as(first.text()).isEqualTo(202);
        String id = first.json().get("id").stringValue();
        awaitStatus(user, id, TaskStatus.SUCCEEDED, Duration.ofSeconds(30));
        ApiClient.Response again = api.post("/api/tasks", user.token(), body, "Idempotency-Key", "order-7");
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().get("id").stringValue()).isEqualTo(id);

        finishedAgo(id, Duration.ofDays(3));
        assertThat(purge.purge().purged()).containsEntry(TaskStatus.SUCCEEDED, 1L);

        ApiClient.Response gone = api.get("/api/tasks/" + id, user.token());
        assertThat(gone.status()).isEqualTo(404);
        assertThat(gone.contentType()).startsWith("application/problem+json");
        ApiClient.Response reused = api.post("/api/tasks", user.token(), body, "Idempotency-Key", "order-7");
        assertThat(reused.status()).as("the key went with the purged task: a new task").isEqualTo(202);
        assertThat(reused.json().get("id").stringValue()).isNotEqualTo(id);
        awaitStatus(user, reused.json().get("id").stringValue(), TaskStatus.SUCCEEDED, Duration.ofSeconds(30));
    }

    /**
     * A purge of 3,000 tasks in batches of 3 (a thousand transactions) while the user submits: every
     * submission is accepted, runs and stays, and every due task goes.
     */
    @Test
    void submissionsGoOnWhileALongPurgeRuns() {
        User user = newUser();
        queryRows("""
                with inserted as (
                    insert into tasks (id, owner_id, type, payload, status, attempts, max_attempts, created_at,
                                       queued_at, started_at, finished_at)
                    select gen_random_uuid(), ?, 'uppercase', '{"text":"old"}', 'SUCCEEDED', 1, 3, f, f, f, f
                      from (select now() - interval '3 days' - n * interval '1 second' as f
                              from generate_series(1, 3000) as n) ages
                    returning id, finished_at
                )
                insert into task_transitions (task_id, from_status, to_status, at, attempt)
                select id, 'RUNNING', 'SUCCEEDED', finished_at, 1 from inserted returning task_id""", user.id());

        CompletableFuture<RetentionRun> running = CompletableFuture.supplyAsync(purge::purge);
        List<String> submitted = new ArrayList<>();
        int whilePurging = 0;
        while (submitted.size() < 100 && (submitted.isEmpty() || !running.isDone())) {
            submitted.add(submit(user, "uppercase", Map.of("text", "new " + submitted.size())).get("id").stringValue());
            if (!running.isDone()) {
                whilePurging++;
            }
        }
        RetentionRun run = running.join();

        assertThat(whilePurging).as("submissions accepted while the purge ran").isPositive();
        assertThat(run.purged()).containsExactlyEntriesOf(Map.of(TaskStatus.SUCCEEDED, 3000L));
        assertThat(run.batches()).as("a thousand batches of 3 and an empty one, and an empty one each for "
                + "CANCELLED and FAILED").isEqualTo(1001 + 2);
        assertThat(queryForLong("select count(*) from tasks where owner_id = ? and finished_at < now() - interval '1 day'",
                user.id())).isZero();
        for (String id : submitted) {
            awaitStatus(user, id, TaskStatus.SUCCEEDED, Duration.ofSeconds(30));
        }
    }

    /** A task of the user's, run through the system, then put in {@code status} as finished {@code ago}. */
    private static String finishedTask(User user, TaskStatus status, Duration ago) {
        String id = submit(user, "uppercase", Map.of("text", "x")).get("id").stringValue();
        awaitStatus(user, id, TaskStatus.SUCCEEDED, Duration.ofSeconds(30));
        queryRows("update tasks set status = ? where id = ? returning id", status.name(), UUID.fromString(id));
        finishedAgo(id, ago);
        return id;
    }

    private static void finishedAgo(String id, Duration ago) {
        queryRows("update tasks set finished_at = now() - make_interval(secs => ?) where id = ? returning id",
                (double) ago.toSeconds(), UUID.fromString(id));
    }

    private static double purgedTotal(String status) {
        String prefix = "taskhive_tasks_purged_total{";
        return gatewayManagement.get("/actuator/prometheus", null).text().lines()
                .filter(line -> line.startsWith(prefix) && line.contains("status=\"" + status + "\""))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .findFirst().orElseThrow(() -> new AssertionError("no " + prefix + "status=" + status + "} series"));
    }

    private static long purgeLines(CapturedOutput output) {
        return output.getOut().lines().filter(line -> line.contains("retention purged")).count();
    }
}
