package io.taskhive.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.taskhive.task.TaskStatus;
import tools.jackson.databind.JsonNode;

class AdminApiTest extends ApiTestSupport {

    @Test
    void anAdminSeesEveryonesTasksTheWorkersAndTheQueue() {
        User alice = newUser();
        User bob = newUser();
        String aliceTask = submit(alice, "uppercase", Map.of("text", "a")).get("id").stringValue();
        String bobTask = submit(bob, "uppercase", Map.of("text", "b")).get("id").stringValue();
        awaitStatus(alice, aliceTask, TaskStatus.SUCCEEDED, Duration.ofSeconds(20));
        awaitStatus(bob, bobTask, TaskStatus.SUCCEEDED, Duration.ofSeconds(20));
        User admin = login(RunningSystem.ADMIN_USERNAME, RunningSystem.ADMIN_PASSWORD);

        JsonNode everything = api.get("/api/admin/tasks?size=200", admin.token()).json();
        assertThat(everything.get("items")).extracting(t -> t.get("id").stringValue()).contains(aliceTask, bobTask);
        assertThat(api.get("/api/admin/tasks?ownerId=" + bob.id(), admin.token()).json().get("items"))
                .extracting(t -> t.get("id").stringValue()).containsExactly(bobTask);
        assertThat(api.get("/api/admin/tasks/" + aliceTask, admin.token()).json().get("history")).hasSize(3);

        JsonNode workers = api.get("/api/admin/workers", admin.token()).json();
        assertThat(workers).anySatisfy(w -> {
            assertThat(w.get("id").stringValue()).isEqualTo("it-worker");
            assertThat(w.get("alive").booleanValue()).isTrue();
            assertThat(w.get("capacity").intValue()).isPositive();
        });

        JsonNode overview = api.get("/api/admin/overview", admin.token()).json();
        assertThat(overview.get("tasksByStatus").get("SUCCEEDED").longValue()).isGreaterThanOrEqualTo(2);
        assertThat(overview.get("queueDepth").isNumber()).isTrue();
        assertThat(overview.get("liveWorkers").intValue()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void usersCannotUseTheAdminApi() {
        User user = newUser();
        ApiClient.Response refused = api.get("/api/admin/tasks", user.token());
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(api.get("/api/admin/workers", user.token()).status()).isEqualTo(403);
        assertThat(api.get("/api/admin/workers", null).status()).isEqualTo(401);
    }
}
