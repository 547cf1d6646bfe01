package io.taskhive.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Bad requests get a clear 4xx problem and leave nothing stored or queued. */
class BadInputTest extends ApiTestSupport {

    @Test
    void invalidSubmissionsAreRefusedAndNothingIsStored() throws Exception {
        User user = newUser();
        assertProblem(api.post("/api/tasks", user.token(), Map.of("type", "shout", "payload", Map.of("text", "x"))),
                400, "unknown task type 'shout'");
        assertProblem(api.post("/api/tasks", user.token(), Map.of("type", "uppercase")), 400, "payload is required");
        assertProblem(api.post("/api/tasks", user.token(), Map.of("type", "uppercase", "payload", Map.of("txt", "x"))),
                400, "unknown field 'txt'");
        assertProblem(api.post("/api/tasks", user.token(), Map.of("type", "uppercase", "payload", Map.of("text", 5))),
                400, "must be a string");
        assertProblem(api.post("/api/tasks", user.token(),
                Map.of("type", "uppercase", "payload", Map.of("text", "x".repeat(20_000)))), 400, "longer than");
        assertProblem(api.post("/api/tasks", user.token(), Map.of("type", "sleep", "payload", Map.of("seconds", -1))),
                400, "between 0 and");
        assertProblem(api.post("/api/tasks", user.token(), Map.of("type", "sleep", "payload", Map.of("seconds", 1e9))),
                400, "between 0 and");
        assertProblem(api.post("/api/tasks", user.token(), Map.of("type", "sleep", "payload", Map.of("seconds", "soon"))),
                400, "must be a number");
        assertProblem(api.post("/api/tasks", user.token(), Map.of("type", "named", "payload", Map.of("name", " "))),
                400, "must not be blank");
        assertProblem(api.post("/api/tasks", user.token(), "{\"type\": \"uppercase\", \"payload\": {"), 400, "not valid JSON");
        assertProblem(api.post("/api/tasks", user.token(), "[1, 2]"), 400, "not valid JSON");
        assertProblem(api.post("/api/tasks", user.token(), ""), 400, "missing");
        assertProblem(api.post("/api/tasks", user.token(),
                "{\"type\":\"uppercase\",\"payload\":{\"text\":" + "[".repeat(5_000) + "]".repeat(5_000) + "}}"),
                400, "not valid JSON");
        assertProblem(api.post("/api/tasks", user.token(),
                Map.of("type", "uppercase", "payload", Map.of("text", "x"), "maxAttempts", 0)), 400, "maxAttempts");
        // PostgreSQL's jsonb cannot hold the character U+0000, anywhere in the payload.
        assertProblem(api.post("/api/tasks", user.token(), Map.of("type", "uppercase", "payload",
                Map.of("text", "a\u0000b"))), 400, "U+0000");
        assertProblem(api.post("/api/tasks", user.token(), Map.of("type", "uppercase", "payload", Map.of("text", "x")),
                "Idempotency-Key", "x".repeat(200)), 400, "idempotency key");
        assertThat(storedTasks(user)).isZero();
    }

    @Test
    void numbersAreStoredInTheirCanonicalFormAndWhatCannotBeRepresentedIsRefused() throws Exception {
        User user = newUser();
        // 1e-20000 passes 0..300 but jsonb cannot hold it: kept to the millisecond, it is 0
        ApiClient.Response tiny = api.post("/api/tasks", user.token(), "{\"type\":\"sleep\",\"payload\":{\"seconds\":\"1e-20000\"}}");
        assertThat(tiny.status()).as(tiny.text()).isEqualTo(202);
        assertThat(tiny.json().get("payload").toString()).isEqualTo("{\"seconds\":0}");
        awaitStatus(user, tiny.json().get("id").stringValue(), io.taskhive.task.TaskStatus.SUCCEEDED,
                java.time.Duration.ofSeconds(30));
        ApiClient.Response rounded = api.post("/api/tasks", user.token(), "{\"type\":\"sleep\",\"payload\":{\"seconds\":0.30000000000000004}}");
        assertThat(rounded.json().get("payload").toString()).as(rounded.text()).isEqualTo("{\"seconds\":0.3}");
        ApiClient.Response batch = api.post("/api/tasks/batch", user.token(), "{\"tasks\":[{\"type\":\"sleep\","
                + "\"payload\":{\"seconds\":1e-20000}},{\"type\":\"uppercase\",\"payload\":{\"text\":\"x\"}}]}");
        assertThat(batch.status()).as(batch.text()).isEqualTo(202);
        assertProblem(api.post("/api/tasks", user.token(), "{\"type\":\"sleep\",\"payload\":{\"seconds\":1e309}}"),
                400, "must be a number");
        assertProblem(api.post("/api/tasks", user.token(), "{\"type\":\"sleep\",\"payload\":{\"seconds\":-1e309}}"),
                400, "must be a number");
    }

    @Test
    void textPostgresqlCannotHoldIsRefusedOnEveryPath() throws Exception {
        ApiClient.Response login = api.post("/api/auth/login", null, "{\"username\":\"a\\u0000b\",\"password\":\"whatever-1\"}");
        assertProblem(login, 401, "");
        assertProblem(api.post("/api/auth/register", null, "{\"username\":\"a\\u0000b\",\"password\":\"whatever-12\"}"),
                400, "username");
        User user = newUser();
        assertProblem(api.get("/api/tasks?type=upper%00case", user.token()), 400, "unknown task type");
        assertThat(storedTasks(user)).isZero();
    }

    @Test
    void aBodyThatIsNotWellFormedUtf8IsRefused() throws Exception {
        User user = newUser();
        for (byte[] bad : List.of(new byte[] {(byte) 0xC0, (byte) 0xAF}, new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
                new byte[] {(byte) 0xFF, (byte) 0xFE})) {
            java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
            body.writeBytes("{\"type\":\"uppercase\",\"payload\":{\"text\":\"a".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            body.writeBytes(bad);
            body.writeBytes("b\"}}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            assertProblem(api.postBytes("/api/tasks", user.token(), body.toByteArray()), 400, "not valid JSON");
        }
        assertThat(storedTasks(user)).isZero();
    }

    @Test
    void aBatchWithOneBadTaskIsRefusedWhole() throws Exception {
        User user = newUser();
        List<Map<String, Object>> tasks = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            tasks.add(Map.of("type", "uppercase", "payload", Map.of("text", "ok " + i)));
        }
        tasks.add(Map.of("type", "uppercase", "payload", Map.of("text", 1)));
        assertProblem(api.post("/api/tasks/batch", user.token(), Map.of("tasks", tasks)), 400, "tasks[10]: ");
        assertProblem(api.post("/api/tasks/batch", user.token(), Map.of("tasks", List.of())), 400, "non-empty");
        List<Map<String, Object>> tooMany = new ArrayList<>();
        for (int i = 0; i < 1001; i++) {
            tooMany.add(Map.of("type", "uppercase", "payload", Map.of("text", "x")));
        }
        assertProblem(api.post("/api/tasks/batch", user.token(), Map.of("tasks", tooMany)), 400, "at most 1000");
        assertThat(storedTasks(user)).isZero();
    }

    @Test
    void oversizedBodiesAreRefusedBeforeTheyAreRead() throws Exception {
        User user = newUser();
        String huge = "{\"type\":\"uppercase\",\"payload\":{\"text\":\"" + "x".repeat(9 * 1024 * 1024) + "\"}}";
        assertProblem(api.post("/api/tasks", user.token(), huge), 413, "larger than");
        assertThat(storedTasks(user)).isZero();
    }

    @Test
    void badQueryParametersAreClearErrors() {
        User user = newUser();
        assertProblem(api.get("/api/tasks?status=DONE", user.token()), 400, "status");
        assertProblem(api.get("/api/tasks?type=shout", user.token()), 400, "unknown task type");
        assertProblem(api.get("/api/tasks?size=100000", user.token()), 400, "size");
        assertProblem(api.get("/api/tasks/not-a-uuid", user.token()), 400, "id");
    }

    @Test
    void submissionsPastTheRateLimitGet429WithRetryAfter() throws Exception {
        User user = newUser();
        List<Map<String, Object>> burst = new ArrayList<>();
        for (int i = 0; i < RunningSystem.RATE_LIMIT_BURST; i++) {
            burst.add(Map.of("type", "uppercase", "payload", Map.of("text", "x")));
        }
        assertThat(api.post("/api/tasks/batch", user.token(), Map.of("tasks", burst)).status()).isEqualTo(202);
        ApiClient.Response limited = api.post("/api/tasks/batch", user.token(), Map.of("tasks", burst.subList(0, 100)));
        assertProblem(limited, 429, "rate limit");
        assertThat(Integer.parseInt(limited.header("Retry-After"))).isPositive();
        assertThat(storedTasks(user)).isEqualTo(RunningSystem.RATE_LIMIT_BURST);
    }

    static void assertProblem(ApiClient.Response response, int status, String detailContains) {
        assertThat(response.status()).as(response.text()).isEqualTo(status);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().get("detail").stringValue()).contains(detailContains);
        assertThat(response.text()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    private static long storedTasks(User user) throws Exception {
        try (Connection connection = system.database.connect();
                PreparedStatement query = connection.prepareStatement("select count(*) from tasks where owner_id = ?")) {
            query.setLong(1, user.id());
            try (ResultSet rows = query.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }
}
