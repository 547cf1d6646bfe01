package io.taskhive.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import io.taskhive.task.TaskStatus;
import io.taskhive.task.types.FlakyTask;
import tools.jackson.databind.JsonNode;

/**
 * Automatic retries with backoff (200 ms initial, doubling, capped at 2 s in these tests), timeouts,
 * and the log line each failed attempt leaves for an operator.
 */
@ExtendWith(OutputCaptureExtension.class)
class RetryAndTimeoutTest extends ApiTestSupport {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void aTaskThatFailsTwiceSucceedsOnItsThirdAttemptAfterGrowingDelays() {
        User user = newUser();
        String key = UUID.randomUUID().toString();
        FlakyTask.failNext(key, 2);
        String id = submitFlaky(user, key, 3);
        JsonNode done = awaitStatus(user, id, TaskStatus.SUCCEEDED, WAIT);
        assertThat(done.get("attempts").intValue()).isEqualTo(3);
        JsonNode history = done.get("history");
        assertThat(history).extracting(h -> h.get("to").stringValue() + "#" + h.get("attempt").intValue())
                .containsExactly("QUEUED#0", "RUNNING#1", "RETRYING#1", "RUNNING#2", "RETRYING#2", "RUNNING#3", "SUCCEEDED#3");
        assertThat(history.get(2).get("detail").stringValue()).contains("planned failure");
        // The n-th retry waits between half and all of 200 ms × 2^(n-1); the relay adds up to one
        // interval (200 ms) and the rest is scheduling on a busy machine.
        Duration first = between(history.get(2), history.get(3));
        Duration second = between(history.get(4), history.get(5));
        assertThat(first).isBetween(Duration.ofMillis(100), Duration.ofMillis(1_500));
        assertThat(second).isBetween(Duration.ofMillis(200), Duration.ofMillis(2_000));
    }

    @Test
    void aTaskThatAlwaysFailsEndsDeadAfterItsAttempts() {
        User user = newUser();
        String key = UUID.randomUUID().toString();
        FlakyTask.failNext(key, 1_000);
        String id = submitFlaky(user, key, 3);
        JsonNode dead = awaitStatus(user, id, TaskStatus.DEAD, WAIT);
        assertThat(dead.get("attempts").intValue()).isEqualTo(3);
        assertThat(dead.get("error").stringValue()).contains("planned failure");
        assertThat(dead.get("history")).extracting(h -> h.get("to").stringValue())
                .containsExactly("QUEUED", "RUNNING", "RETRYING", "RUNNING", "RETRYING", "RUNNING", "DEAD");
    }

    @Test
    void aFailureThatRetryingCannotFixFailsAtOnce() {
        User user = newUser();
        String id = submitFlaky(user, "permanent:" + UUID.randomUUID(), 5);
        JsonNode failed = awaitStatus(user, id, TaskStatus.FAILED, WAIT);
        assertThat(failed.get("attempts").intValue()).isEqualTo(1);
        assertThat(failed.get("error").stringValue()).contains("the input cannot work");
    }

    @Test
    void anAttemptOverItsTimeoutIsInterruptedAndCountsAsFailed(CapturedOutput output) {
        User user = newUser();
        Instant start = Instant.now();
        ApiClient.Response submitted = api.post("/api/tasks", user.token(), Map.of("type", "sleep",
                "payload", Map.of("seconds", 30), "timeoutSeconds", 1, "maxAttempts", 2));
        assertThat(submitted.status()).as(submitted.text()).isEqualTo(202);
        assertThat(submitted.json().get("timeoutSeconds").intValue()).isEqualTo(1);
        JsonNode dead = awaitStatus(user, submitted.json().get("id").stringValue(), TaskStatus.DEAD, WAIT);
        assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(15));
        assertThat(dead.get("error").stringValue()).isEqualTo("timed out after 1 s");
        assertThat(dead.get("history")).extracting(h -> h.get("to").stringValue())
                .containsExactly("QUEUED", "RUNNING", "RETRYING", "RUNNING", "DEAD");
        String id = dead.get("id").stringValue();
        awaitLogged(output, "taskId=" + id + " type=sleep attempt 1 of 2 failed, retried in ");
        awaitLogged(output, "taskId=" + id + " type=sleep attempt 2 of 2 ended DEAD: timed out after 1 s");
        assertThat(api.post("/api/tasks", user.token(), Map.of("type", "sleep", "payload", Map.of("seconds", 1),
                "timeoutSeconds", 999_999)).status()).isEqualTo(400);
    }

    @Test
    void cancellingARetryingTaskStopsItsRetries() {
        User user = newUser();
        String key = UUID.randomUUID().toString();
        FlakyTask.failNext(key, 1_000);
        String id = submitFlaky(user, key, 10);
        awaitStatus(user, id, TaskStatus.RETRYING, WAIT);
        ApiClient.Response cancelled = api.delete("/api/tasks/" + id, user.token());
        assertThat(cancelled.status()).as(cancelled.text()).isEqualTo(200);
        sleep(Duration.ofSeconds(3)); // several backoff periods
        JsonNode task = api.get("/api/tasks/" + id, user.token()).json();
        assertThat(task.get("status").stringValue()).isEqualTo("CANCELLED");
        List<String> after = queryRows("select to_status from task_transitions where task_id = ? order by id desc limit 1",
                UUID.fromString(id));
        assertThat(after).containsExactly("CANCELLED");
    }

    private static String submitFlaky(User user, String key, int maxAttempts) {
        ApiClient.Response response = api.post("/api/tasks", user.token(),
                Map.of("type", "flaky", "payload", Map.of("key", key), "maxAttempts", maxAttempts));
        assertThat(response.status()).as(response.text()).isEqualTo(202);
        return response.json().get("id").stringValue();
    }

    /** The outcome is logged right after it is committed, so a reader of the task may be a moment ahead. */
    private static void awaitLogged(CapturedOutput output, String line) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!output.getOut().contains(line) && System.nanoTime() < deadline) {
            sleep(Duration.ofMillis(50));
        }
        assertThat(output.getOut()).contains(line);
    }

    private static Duration between(JsonNode earlier, JsonNode later) {
        return Duration.between(Instant.parse(earlier.get("at").stringValue()), Instant.parse(later.get("at").stringValue()));
    }
}
