package io.taskhive.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.taskhive.task.TaskStatus;
import tools.jackson.databind.JsonNode;

/**
 * Tasks submitted to run later ({@code runAt}, {@code delay}): SCHEDULED until their time, never
 * started before it, started soon after it, cancellable meanwhile; over REST and TCP.
 */
class DelayedTaskTest extends ApiTestSupport {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void aDelayedTaskWaitsScheduledAndStartsWithinASecondAfterItsTime() {
        User user = newUser();
        ApiClient.Response submitted = api.post("/api/tasks", user.token(),
                Map.of("type", "word_count", "payload", Map.of("text", "uno dos tres"), "delay", "2s"));
        assertThat(submitted.status()).as(submitted.text()).isEqualTo(202);
        JsonNode task = submitted.json();
        assertThat(task.get("status").stringValue()).isEqualTo("SCHEDULED");
        assertThat(task.get("queuedAt").isNull()).isTrue();
        Instant createdAt = Instant.parse(task.get("createdAt").stringValue());
        Instant runAt = Instant.parse(task.get("runAt").stringValue());
        assertThat(Duration.between(createdAt, runAt)).isEqualTo(Duration.ofSeconds(2));
        String id = task.get("id").stringValue();

        sleep(Duration.between(Instant.now(), runAt.minusMillis(300)));
        JsonNode waiting = api.get("/api/tasks/" + id, user.token()).json();
        assertThat(waiting.get("status").stringValue()).as("300 ms before its time").isEqualTo("SCHEDULED");
        assertThat(api.get("/api/tasks?status=SCHEDULED", user.token()).json().get("items"))
                .extracting(t -> t.get("id").stringValue()).containsExactly(id);

        JsonNode done = awaitStatus(user, id, TaskStatus.SUCCEEDED, WAIT);
        assertThat(done.get("result").get("count").intValue()).isEqualTo(3);
        assertThat(done.get("history")).extracting(h -> h.get("to").stringValue())
                .containsExactly("SCHEDULED", "QUEUED", "RUNNING", "SUCCEEDED");
        Instant released = Instant.parse(done.get("history").get(1).get("at").stringValue());
        Instant started = Instant.parse(done.get("startedAt").stringValue());
        assertThat(released).isAfterOrEqualTo(runAt);
        assertThat(started).isAfterOrEqualTo(runAt).isBefore(runAt.plusSeconds(1));
        assertThat(Instant.parse(done.get("queuedAt").stringValue())).isEqualTo(released);
        assertThat(done.get("runAt").stringValue()).isEqualTo(task.get("runAt").stringValue());
    }

    @Test
    void aScheduledTaskIsCancelledBeforeItsTimeAndNeverRuns() {
        User user = newUser();
        JsonNode task = api.post("/api/tasks", user.token(), Map.of("type", "uppercase",
                "payload", Map.of("text", "never"), "runAt", Instant.now().plusSeconds(1).toString())).json();
        String id = task.get("id").stringValue();
        ApiClient.Response cancelled = api.delete("/api/tasks/" + id, user.token());
        assertThat(cancelled.status()).as(cancelled.text()).isEqualTo(200);
        assertThat(cancelled.json().get("status").stringValue()).isEqualTo("CANCELLED");

        sleep(Duration.ofMillis(1_800));
        JsonNode after = api.get("/api/tasks/" + id, user.token()).json();
        assertThat(after.get("status").stringValue()).isEqualTo("CANCELLED");
        assertThat(after.get("startedAt").isNull()).isTrue();
        assertThat(after.get("history")).extracting(h -> h.get("from").asString("") + ">" + h.get("to").stringValue())
                .containsExactly(">SCHEDULED", "SCHEDULED>CANCELLED");
    }

    @Test
    void aTimeAlreadyPastOrAZeroDelayRunsAtOnceAndABatchMixesBoth() {
        User user = newUser();
        JsonNode past = api.post("/api/tasks", user.token(), Map.of("type", "uppercase",
                "payload", Map.of("text", "now"), "runAt", "2020-01-01T00:00:00Z")).json();
        assertThat(past.get("status").stringValue()).isEqualTo("QUEUED");
        assertThat(past.get("runAt").isNull()).isTrue();
        JsonNode zero = api.post("/api/tasks", user.token(), Map.of("type", "uppercase",
                "payload", Map.of("text", "now"), "delay", 0)).json();
        assertThat(zero.get("status").stringValue()).isEqualTo("QUEUED");

        ApiClient.Response batch = api.post("/api/tasks/batch", user.token(), Map.of("tasks", List.of(
                Map.of("type", "uppercase", "payload", Map.of("text", "a")),
                Map.of("type", "uppercase", "payload", Map.of("text", "b"), "delay", "PT1H"))));
        assertThat(batch.status()).as(batch.text()).isEqualTo(202);
        assertThat(batch.json().get("tasks")).extracting(t -> t.get("status").stringValue())
                .containsExactly("QUEUED", "SCHEDULED");
        awaitStatus(user, past.get("id").stringValue(), TaskStatus.SUCCEEDED, WAIT);
        awaitStatus(user, batch.json().get("tasks").get(0).get("id").stringValue(), TaskStatus.SUCCEEDED, WAIT);
    }

    @Test
    void aTimeThatCannotBeReadOrIsTooFarIsRefusedWithAClearReason() {
        User user = newUser();
        Map<Map<String, Object>, String> refusals = Map.of(
                Map.of("runAt", "tomorrow"), "runAt is an ISO-8601 time",
                Map.of("runAt", "2026-12-01T09:00:00"), "runAt is an ISO-8601 time with its offset",
                Map.of("delay", "soon"), "delay is a duration such as 30s",
                Map.of("delay", "-5s"), "delay must not be negative",
                Map.of("delay", "400d"), "at most 365 days ahead",
                Map.of("runAt", "9999-01-01T00:00:00Z"), "at most 365 days ahead",
                Map.of("runAt", "2030-01-01T00:00:00Z", "delay", "5s"), "either runAt or delay, not both");
        refusals.forEach((when, reason) -> {
            Map<String, Object> body = new java.util.HashMap<>(when);
            body.put("type", "uppercase");
            body.put("payload", Map.of("text", "x"));
            ApiClient.Response refused = api.post("/api/tasks", user.token(), body);
            assertThat(refused.status()).as(when + ": " + refused.text()).isEqualTo(400);
            assertThat(refused.json().get("detail").stringValue()).as(when.toString()).contains(reason);
        });
        assertThat(api.get("/api/tasks", user.token()).json().get("totalItems").longValue()).isZero();
    }

    @Test
    void theSocketSchedulesAndShowsTheTimeToo() throws Exception {
        User user = newUser();
        try (TcpClient client = new TcpClient(system.tcpPort)) {
            JsonNode login = client.request("{\"action\":\"login\",\"username\":\"" + user.username()
                    + "\",\"password\":\"" + user.password() + "\"}");
            assertThat(login.get("ok").booleanValue()).as(login.toString()).isTrue();
            JsonNode scheduled = client.request("{\"action\":\"submit\",\"type\":\"uppercase\","
                    + "\"payload\":{\"text\":\"later\"},\"delay\":1}");
            assertThat(scheduled.get("task").get("status").stringValue()).isEqualTo("SCHEDULED");
            Instant runAt = Instant.parse(scheduled.get("task").get("runAt").stringValue());
            String id = scheduled.get("task").get("id").stringValue();
            JsonNode refused = client.request("{\"action\":\"submit\",\"type\":\"uppercase\","
                    + "\"payload\":{\"text\":\"x\"},\"run_at\":\"next week\"}");
            assertThat(refused.get("ok").booleanValue()).isFalse();
            assertThat(refused.get("error").get("message").stringValue()).contains("runAt is an ISO-8601 time");

            JsonNode done = awaitStatus(user, id, TaskStatus.SUCCEEDED, WAIT);
            assertThat(Instant.parse(done.get("startedAt").stringValue())).isAfterOrEqualTo(runAt);
            JsonNode got = client.request("{\"action\":\"get\",\"task_id\":\"" + id + "\"}");
            assertThat(Instant.parse(got.get("task").get("runAt").stringValue())).isEqualTo(runAt);
        }
    }
}
