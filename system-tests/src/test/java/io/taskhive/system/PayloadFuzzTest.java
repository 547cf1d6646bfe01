package io.taskhive.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.taskhive.task.TaskStatus;
import tools.jackson.databind.JsonNode;

/**
 * Random payloads for every task type's fields, sent as raw JSON text (so numbers such as 1e309 or
 * 1e-20000 arrive as a client wrote them): each answer is 202 or a 400 problem, never a 500; every
 * task accepted is stored and runs to SUCCEEDED (a long sleep is seen RUNNING, then cancelled).
 * The seed is printed, and {@code -Dtaskhive.fuzz.seed=N} replays a run.
 */
class PayloadFuzzTest extends ApiTestSupport {

    private static final int CASES = 240;
    private static final Map<String, List<String>> FIELDS = Map.of(
            "uppercase", List.of("text"), "reverse", List.of("text"), "word_count", List.of("text"),
            "sleep", List.of("seconds"), "named", List.of("name"), "prime_count", List.of("limit"));
    /** Numbers that once slipped through validation or sit on a boundary, as JSON text. */
    private static final List<String> NUMBERS = List.of("0", "-0", "0.0", "1", "-1", "2", "300", "300.0004",
            "300.0005", "301", "0.0004", "0.0005", "0.25", "1e-20000", "-1e-20000", "1e309", "-1e309", "1E+400",
            "1e2", "2147483647", "2147483648", "-2147483649", "20000000", "20000001", "9223372036854775808",
            "0.30000000000000004", "1.5e-7", "123456789012345678901234567890", "1" + "0".repeat(400));
    private static final List<String> TEXTS = List.of("", " ", "hola", "1e-20000", " 1e-20000 ", "1e309", "0.5",
            "NaN", "Infinity", "-Infinity", "a\\u0000b", "\\u0000", "\\ud83d\\ude00", "\\ud800", "\\udfff x",
            "ß", "ﬁ", "\\u202e", "x".repeat(10_001), "y".repeat(10_000), "z".repeat(501), "w".repeat(500), "3");

    @Test
    void everyPayloadIsAcceptedAndRunsOrRefusedWithA400() {
        long seed = Long.getLong("taskhive.fuzz.seed", System.nanoTime());
        System.out.println("PayloadFuzzTest seed=" + seed);
        Random random = new Random(seed);
        User user = newUser();
        Map<String, Accepted> accepted = new LinkedHashMap<>();
        int refused = 0;
        List<String> types = new ArrayList<>(FIELDS.keySet());
        types.sort(null);
        for (int i = 0; i < CASES; i++) {
            if (i > 0 && i % (RunningSystem.RATE_LIMIT_BURST / 2) == 0) {
                user = newUser(); // stays within one user's submission rate limit
            }
            String type = types.get(random.nextInt(types.size()));
            String body = "{\"type\":\"" + type + "\",\"payload\":" + payload(random, FIELDS.get(type)) + "}";
            ApiClient.Response response = api.post("/api/tasks", user.token(), body);
            String sent = "seed " + seed + ", case " + i + ": " + abbreviate(body) + " -> " + abbreviate(response.text());
            assertThat(response.status()).as(sent).isIn(202, 400);
            if (response.status() == 400) {
                assertThat(response.contentType()).as(sent).startsWith("application/problem+json");
                assertThat(response.json().get("detail").stringValue()).as(sent).isNotBlank()
                        .doesNotContain("Exception", "internal");
                refused++;
            } else {
                accepted.put(response.json().get("id").stringValue(), new Accepted(user, sent));
            }
        }
        assertThat(accepted).as("some payloads accepted").isNotEmpty();
        assertThat(refused).as("some payloads refused").isPositive();
        accepted.forEach(PayloadFuzzTest::assertRuns);
        System.out.println("PayloadFuzzTest accepted=" + accepted.size() + " refused=" + refused);
    }

    private record Accepted(User owner, String sent) {
    }

    /** Stored and run: SUCCEEDED, or for a sleep of more than two seconds, RUNNING (then cancelled). */
    private static void assertRuns(String taskId, Accepted task) {
        boolean longSleep = queryForLong("select count(*) from tasks where id = ?::uuid and type = 'sleep' "
                + "and (payload->>'seconds')::numeric > 2", taskId) == 1;
        Set<TaskStatus> awaited = longSleep ? Set.of(TaskStatus.RUNNING, TaskStatus.SUCCEEDED)
                : Set.of(TaskStatus.SUCCEEDED, TaskStatus.FAILED, TaskStatus.DEAD, TaskStatus.CANCELLED);
        String status = awaitAnyStatus(task.owner(), taskId, awaited, Duration.ofSeconds(60))
                .get("status").stringValue();
        if (status.equals("RUNNING")) {
            ApiClient.Response cancelled = api.delete("/api/tasks/" + taskId, task.owner().token());
            assertThat(cancelled.status()).as(task.sent() + " cancel: " + cancelled.text()).isIn(200, 409);
        } else {
            assertThat(status).as(task.sent()).isEqualTo("SUCCEEDED");
        }
    }

    private static String payload(Random random, List<String> fields) {
        int shape = random.nextInt(10);
        if (shape == 0) {
            return value(random, 0);
        }
        StringBuilder object = new StringBuilder("{");
        List<String> names = new ArrayList<>(fields);
        if (shape == 1) {
            names.add(random.nextBoolean() ? "extra" : "te\\u0000xt");
        } else if (shape == 2) {
            names.clear();
        }
        for (int i = 0; i < names.size(); i++) {
            object.append(i > 0 ? "," : "").append('"').append(names.get(i)).append("\":").append(value(random, 0));
        }
        return object.append('}').toString();
    }

    private static String value(Random random, int depth) {
        return switch (random.nextInt(depth > 1 ? 4 : 7)) {
            case 0 -> NUMBERS.get(random.nextInt(NUMBERS.size()));
            case 1 -> '"' + TEXTS.get(random.nextInt(TEXTS.size())) + '"';
            case 2 -> '"' + NUMBERS.get(random.nextInt(NUMBERS.size())) + '"';
            case 3 -> List.of("null", "true", "false", "{}", "[]").get(random.nextInt(5));
            case 4 -> "[" + value(random, depth + 1) + "," + value(random, depth + 1) + "]";
            case 5 -> "{\"k\":" + value(random, depth + 1) + "}";
            default -> random.nextBoolean() ? NUMBERS.get(random.nextInt(NUMBERS.size()))
                    : '"' + TEXTS.get(random.nextInt(TEXTS.size())) + '"';
        };
    }

    private static String abbreviate(String text) {
        return text.length() <= 300 ? text : text.substring(0, 300) + "…(" + text.length() + " chars)";
    }
}
