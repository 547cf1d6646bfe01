package io.taskhive.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.taskhive.task.TaskStatus;
import tools.jackson.databind.JsonNode;

/** What an admin does to anyone's tasks, and the figures of the operator's console. */
class AdminActionsTest extends ApiTestSupport {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private static String admin() {
        return login(RunningSystem.ADMIN_USERNAME, RunningSystem.ADMIN_PASSWORD).token();
    }

    /** A sleep that times out on its only attempt: DEAD in about a second. */
    private static String deadTask(User user) {
        ApiClient.Response response = api.post("/api/tasks", user.token(), Map.of("type", "sleep",
                "payload", Map.of("seconds", 10), "timeoutSeconds", 1, "maxAttempts", 1));
        assertThat(response.status()).as(response.text()).isEqualTo(202);
        String id = response.json().get("id").stringValue();
        awaitStatus(user, id, TaskStatus.DEAD, WAIT);
        return id;
    }

    @Test
    void anAdminRetriesAndCancelsAnyonesTask() {
        User alice = newUser();
        String admin = admin();
        String dead = deadTask(alice);

        ApiClient.Response retried = api.post("/api/admin/tasks/" + dead + "/retry", admin, "");
        assertThat(retried.status()).as(retried.text()).isEqualTo(200);
        assertThat(retried.json().get("status").stringValue()).isEqualTo("QUEUED");
        assertThat(retried.json().get("maxAttempts").intValue()).isEqualTo(4);
        JsonNode history = api.get("/api/tasks/" + dead, alice.token()).json().get("history");
        assertThat(history).anySatisfy(h -> {
            assertThat(h.get("from").stringValue()).isEqualTo("DEAD");
            assertThat(h.get("to").stringValue()).isEqualTo("QUEUED");
            assertThat(h.get("detail").stringValue()).isEqualTo("retried by an admin");
        });
        awaitStatus(alice, dead, TaskStatus.RUNNING, WAIT);

        ApiClient.Response cancelled = api.post("/api/admin/tasks/" + dead + "/cancel", admin, "");
        assertThat(cancelled.status()).as(cancelled.text()).isEqualTo(200);
        assertThat(cancelled.json().get("status").stringValue()).isEqualTo("CANCELLED");
        assertThat(api.get("/api/tasks/" + dead, alice.token()).json().get("status").stringValue())
                .isEqualTo("CANCELLED");

        ApiClient.Response again = api.post("/api/admin/tasks/" + dead + "/cancel", admin, "");
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.contentType()).startsWith("application/problem+json");
        ApiClient.Response notFailed = api.post("/api/admin/tasks/" + dead + "/retry", admin, "");
        assertThat(notFailed.status()).isEqualTo(409);
        assertThat(api.post("/api/admin/tasks/" + UUID.randomUUID() + "/retry", admin, "").status()).isEqualTo(404);
        assertThat(api.post("/api/admin/tasks/" + UUID.randomUUID() + "/cancel", admin, "").status()).isEqualTo(404);
    }

    @Test
    void usersCannotUseTheAdminActions() {
        User bob = newUser();
        String task = submit(bob, "sleep", Map.of("seconds", 30)).get("id").stringValue();
        for (String path : List.of("/api/admin/tasks/" + task + "/cancel", "/api/admin/tasks/" + task + "/retry",
                "/api/admin/tasks/retry")) {
            ApiClient.Response refused = api.post(path, bob.token(), Map.of("status", "DEAD"));
            assertThat(refused.status()).as(path).isEqualTo(403);
            assertThat(refused.contentType()).startsWith("application/problem+json");
        }
        assertThat(api.get("/api/admin/stats", bob.token()).status()).isEqualTo(403);
        assertThat(api.get("/api/tasks/" + task, bob.token()).json().get("status").stringValue())
                .isNotEqualTo("CANCELLED");
        api.delete("/api/tasks/" + task, bob.token());
    }

    @Test
    void aBulkRetryQueuesTheMatchingTasksAgain() {
        User carol = newUser();
        String admin = admin();
        List<String> dead = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            dead.add(deadTask(carol));
        }
        ApiClient.Response otherType = api.post("/api/admin/tasks/retry", admin,
                Map.of("status", "DEAD", "ownerId", carol.id(), "type", "uppercase"));
        assertThat(otherType.status()).as(otherType.text()).isEqualTo(200);
        assertThat(otherType.json().get("retried").intValue()).isZero();

        ApiClient.Response retried = api.post("/api/admin/tasks/retry", admin,
                Map.of("status", "DEAD", "ownerId", carol.id(), "type", "sleep"));
        assertThat(retried.status()).as(retried.text()).isEqualTo(200);
        assertThat(retried.json().get("retried").intValue()).isEqualTo(3);
        for (String id : dead) {
            JsonNode task = awaitAnyStatus(carol, id, java.util.Set.of(TaskStatus.RUNNING, TaskStatus.RETRYING,
                    TaskStatus.DEAD), WAIT);
            assertThat(task.get("maxAttempts").intValue()).isEqualTo(4);
            api.delete("/api/tasks/" + id, carol.token());
        }
        assertThat(api.post("/api/admin/tasks/retry", admin, Map.of("status", "DEAD", "ownerId", carol.id()))
                .json().get("retried").intValue()).isZero();

        for (Map<String, Object> bad : List.<Map<String, Object>>of(Map.of(), Map.of("status", "SUCCEEDED"),
                Map.of("status", "DEAD", "type", "no-such-type"), Map.of("status", "dead"))) {
            ApiClient.Response refused = api.post("/api/admin/tasks/retry", admin, bad);
            assertThat(refused.status()).as(bad + ": " + refused.text()).isEqualTo(400);
            assertThat(refused.contentType()).startsWith("application/problem+json");
        }
    }

    @Test
    void statsCountAndMeasureEachMinuteInPostgresql() {
        User dave = newUser();
        // Known tasks, ended 100 minutes ago, when no other test ran: the bucket holds exactly them.
        String minute = queryRows("select to_char(date_trunc('minute', now() - interval '100 minutes') "
                + "at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')").getFirst();
        insertEnded(dave, "SUCCEEDED", minute, 10, 100);
        insertEnded(dave, "SUCCEEDED", minute, 30, 300);
        insertEnded(dave, "DEAD", minute, 50, 500);
        insertEnded(dave, "CANCELLED", minute, 0, 0);
        String admin = admin();

        JsonNode stats = api.get("/api/admin/stats?minutes=120", admin).json();
        assertThat(stats.get("bucketSeconds").intValue()).isEqualTo(60);
        assertThat(stats.get("buckets")).hasSize(120);
        JsonNode bucket = null;
        for (JsonNode b : stats.get("buckets")) {
            if (b.get("start").stringValue().equals(minute)) {
                bucket = b;
            }
        }
        assertThat(bucket).as("the bucket of " + minute + " in " + stats).isNotNull();
        assertThat(bucket.get("submitted").longValue()).isEqualTo(4);
        assertThat(bucket.get("succeeded").longValue()).isEqualTo(2);
        assertThat(bucket.get("dead").longValue()).isEqualTo(1);
        assertThat(bucket.get("cancelled").longValue()).isEqualTo(1);
        assertThat(bucket.get("failed").longValue()).isZero();
        // run times 100, 300, 500 and waits 10, 30, 50: the cancelled task never started
        assertThat(bucket.get("runP50Ms").longValue()).isEqualTo(300);
        assertThat(bucket.get("runP95Ms").longValue()).isEqualTo(480);
        assertThat(bucket.get("waitP50Ms").longValue()).isEqualTo(30);
        assertThat(bucket.get("waitP95Ms").longValue()).isEqualTo(48);
        JsonNode empty = stats.get("buckets").get(0);
        assertThat(empty.get("runP50Ms").isNull()).isTrue();

        JsonNode wide = api.get("/api/admin/stats?minutes=1440", admin).json();
        assertThat(wide.get("bucketSeconds").intValue()).isEqualTo(300);
        assertThat(wide.get("buckets")).hasSize(288);
        for (String bad : List.of("0", "1441", "x")) {
            ApiClient.Response refused = api.get("/api/admin/stats?minutes=" + bad, admin);
            assertThat(refused.status()).as(bad).isEqualTo(400);
            assertThat(refused.contentType()).startsWith("application/problem+json");
        }

        JsonNode overview = api.get("/api/admin/overview", admin).json();
        assertThat(overview.get("outboxBacklog").isIntegralNumber()).isTrue();
        assertThat(overview.has("oldestUnpublishedSeconds")).isTrue();
    }

    /** A task of the user's that was queued, started after waitMs, ran for runMs, and ended, in that minute. */
    private static void insertEnded(User owner, String status, String minute, int waitMs, int runMs) {
        queryRows("""
                insert into tasks (id, owner_id, type, payload, status, attempts, max_attempts, created_at, queued_at,
                                   started_at, finished_at)
                select gen_random_uuid(), ?, 'sleep', '{"seconds":1}', ?, 1, 1, q, q,
                       case when ? = 'CANCELLED' then null else q + make_interval(secs => ? / 1000.0) end,
                       q + make_interval(secs => (? + ?) / 1000.0)
                  from (select cast(? as timestamptz) + interval '5 seconds' as q) base
                returning id""", owner.id(), status, status, waitMs, waitMs, runMs, minute);
    }
}
