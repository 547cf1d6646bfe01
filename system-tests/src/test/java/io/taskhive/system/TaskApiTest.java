package io.taskhive.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.taskhive.task.TaskStatus;
import io.taskhive.task.types.FlakyTask;
import tools.jackson.databind.JsonNode;

class TaskApiTest extends ApiTestSupport {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void everyTypeRunsToItsResult() {
        User user = newUser();
        Map<String, JsonNode> submitted = Map.of(
                "uppercase", submit(user, "uppercase", Map.of("text", "hola mundo")),
                "reverse", submit(user, "reverse", Map.of("text", "abc😀d")),
                "word_count", submit(user, "word_count", Map.of("text", "  uno dos\ttres\n")),
                "sleep", submit(user, "sleep", Map.of("seconds", 0.2)),
                "named", submit(user, "named", Map.of("name", "informe mensual")));
        Map<String, String> expected = Map.of(
                "uppercase", "{\"text\":\"HOLA MUNDO\"}",
                "reverse", "{\"text\":\"d😀cba\"}",
                "word_count", "{\"count\":3}",
                "sleep", "{\"slept\":0.2}",
                "named", "{\"name\":\"informe mensual\",\"processedMillis\":100}");
        submitted.forEach((type, task) -> {
            assertThat(task.get("status").stringValue()).isEqualTo("QUEUED");
            JsonNode done = awaitStatus(user, task.get("id").stringValue(), TaskStatus.SUCCEEDED, WAIT);
            assertThat(done.get("result").toString()).as(type).isEqualTo(expected.get(type));
            assertThat(done.get("attempts").intValue()).isEqualTo(1);
            assertThat(done.get("workerId").stringValue()).isEqualTo("it-worker");
            assertThat(done.get("startedAt").isNull()).isFalse();
            assertThat(done.get("finishedAt").isNull()).isFalse();
            JsonNode history = done.get("history");
            assertThat(history).hasSize(3);
            assertThat(history.get(0).get("from").isNull()).isTrue();
            assertThat(history.get(0).get("to").stringValue()).isEqualTo("QUEUED");
            assertThat(history.get(0).get("at").stringValue()).isEqualTo(done.get("createdAt").stringValue());
            assertThat(history.get(1).get("from").stringValue()).isEqualTo("QUEUED");
            assertThat(history.get(1).get("to").stringValue()).isEqualTo("RUNNING");
            assertThat(history.get(2).get("to").stringValue()).isEqualTo("SUCCEEDED");
            assertThat(history.get(2).get("workerId").stringValue()).isEqualTo("it-worker");
            assertThat(history.get(2).get("attempt").intValue()).isEqualTo(1);
        });
    }

    @Test
    void submitAnswersWithLocationAndAcceptsSeedOneCodes() {
        User user = newUser();
        ApiClient.Response response = api.post("/api/tasks", user.token(),
                Map.of("type", "1", "payload", Map.of("text", "abc")));
        assertThat(response.status()).isEqualTo(202);
        String id = response.json().get("id").stringValue();
        assertThat(response.header("Location")).isEqualTo("/api/tasks/" + id);
        assertThat(response.json().get("type").stringValue()).isEqualTo("uppercase");
        assertThat(awaitStatus(user, id, TaskStatus.SUCCEEDED, WAIT).get("result").get("text").stringValue())
                .isEqualTo("ABC");
    }

    @Test
    void submitAndWaitAnswersWithTheOutcomeOrWhateverStandsAtTheTimeout() {
        User user = newUser();
        ApiClient.Response done = api.post("/api/tasks?wait=20", user.token(),
                Map.of("type", "reverse", "payload", Map.of("text", "abc")));
        assertThat(done.status()).as(done.text()).isEqualTo(200);
        assertThat(done.json().get("status").stringValue()).isEqualTo("SUCCEEDED");
        assertThat(done.json().get("result").get("text").stringValue()).isEqualTo("cba");
        // The answer, built from the worker's final event, is what was stored.
        JsonNode stored = api.get("/api/tasks/" + done.json().get("id").stringValue(), user.token()).json();
        for (String field : List.of("status", "result", "error", "attempts", "maxAttempts", "payload", "createdAt",
                "queuedAt", "startedAt", "finishedAt", "workerId", "ownerId", "type")) {
            assertThat(done.json().get(field)).as(field).isEqualTo(stored.get(field));
        }
        ApiClient.Response pending = api.post("/api/tasks?wait=0.3", user.token(),
                Map.of("type", "sleep", "payload", Map.of("seconds", 3)));
        assertThat(pending.status()).isEqualTo(202);
        assertThat(pending.json().get("status").stringValue()).isIn("QUEUED", "RUNNING");
        assertThat(api.post("/api/tasks?wait=-1", user.token(), Map.of("type", "uppercase", "payload",
                Map.of("text", "x"))).status()).isEqualTo(400);
        assertThat(api.post("/api/tasks?wait=soon", user.token(), Map.of("type", "uppercase", "payload",
                Map.of("text", "x"))).status()).isEqualTo(400);
    }

    @Test
    void theSeedsPlainTextMayStandInForThePayload() {
        User user = newUser();
        ApiClient.Response response = api.post("/api/tasks", user.token(), Map.of("type", "4", "content", "0.2"));
        assertThat(response.status()).as(response.text()).isEqualTo(202);
        JsonNode done = awaitStatus(user, response.json().get("id").stringValue(), TaskStatus.SUCCEEDED,
                Duration.ofSeconds(30));
        assertThat(done.get("result").get("slept").doubleValue()).isEqualTo(0.2);
        ApiClient.Response both = api.post("/api/tasks", user.token(),
                Map.of("type", "uppercase", "content", "a", "payload", Map.of("text", "b")));
        assertThat(both.status()).isEqualTo(400);
        assertThat(both.json().get("detail").stringValue()).contains("either payload or content");
        assertThat(api.post("/api/tasks", user.token(), Map.of("type", "sleep", "content", "soon")).status())
                .isEqualTo(400);
    }

    @Test
    void batchSubmitsAllTasks() {
        User user = newUser();
        List<Map<String, Object>> tasks = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            tasks.add(Map.of("type", "word_count", "payload", Map.of("text", "w ".repeat(i + 1))));
        }
        ApiClient.Response response = api.post("/api/tasks/batch", user.token(), Map.of("tasks", tasks));
        assertThat(response.status()).as(response.text()).isEqualTo(202);
        JsonNode created = response.json().get("tasks");
        assertThat(created).hasSize(50);
        for (int i = 0; i < 50; i++) {
            JsonNode done = awaitStatus(user, created.get(i).get("id").stringValue(), TaskStatus.SUCCEEDED, WAIT);
            assertThat(done.get("result").get("count").intValue()).isEqualTo(i + 1);
        }
    }

    @Test
    void listsOwnTasksNewestFirstWithFiltersAndPages() {
        User user = newUser();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(submit(user, "uppercase", Map.of("text", "t" + i)).get("id").stringValue());
        }
        String sleeper = submit(user, "reverse", Map.of("text", "r")).get("id").stringValue();
        ids.forEach(id -> awaitStatus(user, id, TaskStatus.SUCCEEDED, WAIT));
        awaitStatus(user, sleeper, TaskStatus.SUCCEEDED, WAIT);

        JsonNode all = api.get("/api/tasks?size=100", user.token()).json();
        assertThat(all.get("totalItems").longValue()).isEqualTo(6);
        assertThat(all.get("totalExact").booleanValue()).isTrue();
        assertThat(all.get("items").get(0).get("id").stringValue()).isEqualTo(sleeper);
        assertThat(all.get("items").get(5).get("id").stringValue()).isEqualTo(ids.get(0));

        JsonNode page = api.get("/api/tasks?type=uppercase&page=1&size=2", user.token()).json();
        assertThat(page.get("totalItems").longValue()).isEqualTo(5);
        assertThat(page.get("totalPages").intValue()).isEqualTo(3);
        assertThat(page.get("items")).hasSize(2);
        assertThat(page.get("items").get(0).get("id").stringValue()).isEqualTo(ids.get(2));

        assertThat(api.get("/api/tasks?status=SUCCEEDED&type=reverse", user.token()).json().get("totalItems")
                .longValue()).isEqualTo(1);
        assertThat(api.get("/api/tasks?status=FAILED", user.token()).json().get("totalItems").longValue())
                .isZero();
    }

    @Test
    void cancelsARunningTaskAndALateOutcomeDoesNotOverwriteIt() {
        User user = newUser();
        String id = submit(user, "sleep", Map.of("seconds", 30)).get("id").stringValue();
        awaitStatus(user, id, TaskStatus.RUNNING, WAIT);
        ApiClient.Response cancelled = api.delete("/api/tasks/" + id, user.token());
        assertThat(cancelled.status()).as(cancelled.text()).isEqualTo(200);
        assertThat(cancelled.json().get("status").stringValue()).isEqualTo("CANCELLED");

        // The worker is interrupted (no 30 s sleep held) and its outcome is discarded.
        sleep(Duration.ofSeconds(1));
        JsonNode task = api.get("/api/tasks/" + id, user.token()).json();
        assertThat(task.get("status").stringValue()).isEqualTo("CANCELLED");
        assertThat(task.get("history")).extracting(h -> h.get("to").stringValue())
                .containsExactly("QUEUED", "RUNNING", "CANCELLED");
        assertThat(api.delete("/api/tasks/" + id, user.token()).status()).isEqualTo(409);
    }

    @Test
    void retriesADeadTask() {
        User user = newUser();
        String key = UUID.randomUUID().toString();
        FlakyTask.failNext(key, 1);
        String id = submit(user, "flaky", Map.of("key", key)).get("id").stringValue();
        JsonNode failed = awaitStatus(user, id, TaskStatus.DEAD, WAIT); // one attempt allowed, now used
        assertThat(failed.get("error").stringValue()).contains("planned failure");
        assertThat(api.post("/api/tasks/" + id + "/retry", newUser().token(), "").status()).isEqualTo(404);

        ApiClient.Response retried = api.post("/api/tasks/" + id + "/retry", user.token(), "");
        assertThat(retried.status()).as(retried.text()).isEqualTo(202);
        JsonNode done = awaitStatus(user, id, TaskStatus.SUCCEEDED, WAIT);
        assertThat(done.get("attempts").intValue()).isEqualTo(2);
        assertThat(done.get("error").isNull()).isTrue();
        assertThat(done.get("history")).extracting(h -> h.get("to").stringValue())
                .containsExactly("QUEUED", "RUNNING", "DEAD", "QUEUED", "RUNNING", "SUCCEEDED");
        assertThat(api.post("/api/tasks/" + id + "/retry", user.token(), "").status()).isEqualTo(409);
    }

    @Test
    void anIdempotencyKeyReturnsTheSameTask() {
        User user = newUser();
        Map<String, Object> body = Map.of("type", "uppercase", "payload", Map.of("text", "once"));
        ApiClient.Response first = api.post("/api/tasks", user.token(), body, "Idempotency-Key", "order-42");
        ApiClient.Response second = api.post("/api/tasks", user.token(), body, "Idempotency-Key", "order-42");
        assertThat(first.status()).isEqualTo(202);
        assertThat(second.status()).isEqualTo(200);
        assertThat(second.json().get("id")).isEqualTo(first.json().get("id"));

        User other = newUser();
        ApiClient.Response theirs = api.post("/api/tasks", other.token(), body, "Idempotency-Key", "order-42");
        assertThat(theirs.status()).isEqualTo(202);
        assertThat(theirs.json().get("id")).isNotEqualTo(first.json().get("id"));
        assertThat(api.get("/api/tasks", user.token()).json().get("totalItems").longValue()).isEqualTo(1);
    }

    @Test
    void anotherUsersTaskDoesNotExistForYou() {
        User owner = newUser();
        User stranger = newUser();
        String id = submit(owner, "uppercase", Map.of("text", "mine")).get("id").stringValue();
        awaitAnyStatus(owner, id, Set.of(TaskStatus.SUCCEEDED), WAIT);
        ApiClient.Response peek = api.get("/api/tasks/" + id, stranger.token());
        assertThat(peek.status()).isEqualTo(404);
        assertThat(peek.json().get("detail").stringValue()).isEqualTo("no task " + id);
        assertThat(api.delete("/api/tasks/" + id, stranger.token()).status()).isEqualTo(404);
        assertThat(api.get("/api/tasks", stranger.token()).json().get("totalItems").longValue()).isZero();
        assertThat(api.get("/api/tasks/" + UUID.randomUUID(), owner.token()).status()).isEqualTo(404);
    }
}
