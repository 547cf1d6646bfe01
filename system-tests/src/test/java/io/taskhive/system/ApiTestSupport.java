package io.taskhive.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.taskhive.task.TaskStatus;
import io.taskhive.testing.TestInfrastructureExtension;
import tools.jackson.databind.JsonNode;

/** What the API tests share: the running system, a client, users, and waiting for a status. */
abstract class ApiTestSupport {

    @RegisterExtension
    static final TestInfrastructureExtension infrastructure = new TestInfrastructureExtension();

    static RunningSystem system;
    static ApiClient api;
    /** The gateway's management port (actuator). */
    static ApiClient management;

    record User(String username, String password, String token, long id) {
    }

    @BeforeAll
    static void startSystem() {
        system = RunningSystem.get(infrastructure);
        api = new ApiClient(system.baseUrl);
        management = new ApiClient(system.managementUrl);
    }

    static User newUser() {
        String username = "u" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        String password = "pw-" + UUID.randomUUID();
        ApiClient.Response registered = api.post("/api/auth/register", null,
                Map.of("username", username, "password", password));
        assertThat(registered.status()).as(registered.text()).isEqualTo(201);
        return login(username, password);
    }

    static User login(String username, String password) {
        ApiClient.Response login = api.post("/api/auth/login", null, Map.of("username", username, "password", password));
        assertThat(login.status()).as(login.text()).isEqualTo(200);
        JsonNode body = login.json();
        return new User(username, password, body.get("token").stringValue(), body.get("user").get("id").longValue());
    }

    static JsonNode submit(User user, String type, Map<String, ?> payload) {
        ApiClient.Response response = api.post("/api/tasks", user.token(), Map.of("type", type, "payload", payload));
        assertThat(response.status()).as(response.text()).isEqualTo(202);
        return response.json();
    }

    static JsonNode awaitStatus(User user, String taskId, TaskStatus expected, Duration timeout) {
        return awaitAnyStatus(user, taskId, Set.of(expected), timeout);
    }

    static JsonNode awaitAnyStatus(User user, String taskId, Set<TaskStatus> expected, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode task;
        do {
            ApiClient.Response response = api.get("/api/tasks/" + taskId, user.token());
            assertThat(response.status()).as(response.text()).isEqualTo(200);
            task = response.json();
            if (expected.contains(TaskStatus.valueOf(task.get("status").stringValue()))) {
                return task;
            }
            sleep(Duration.ofMillis(50));
        } while (System.nanoTime() < deadline);
        throw new AssertionError("task " + taskId + " did not reach " + expected + " within " + timeout + "; last: " + task);
    }

    /** Rows of a query on the system's database, each row's columns joined by '|'. */
    static java.util.List<String> queryRows(String sql, Object... parameters) {
        try (java.sql.Connection connection = system.database.connect();
                java.sql.PreparedStatement query = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                query.setObject(i + 1, parameters[i]);
            }
            java.util.List<String> rows = new java.util.ArrayList<>();
            try (java.sql.ResultSet result = query.executeQuery()) {
                int columns = result.getMetaData().getColumnCount();
                while (result.next()) {
                    StringBuilder row = new StringBuilder();
                    for (int c = 1; c <= columns; c++) {
                        row.append(c > 1 ? "|" : "").append(result.getString(c));
                    }
                    rows.add(row.toString());
                }
            }
            return rows;
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static long queryForLong(String sql, Object... parameters) {
        return Long.parseLong(queryRows(sql, parameters).getFirst());
    }

    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
