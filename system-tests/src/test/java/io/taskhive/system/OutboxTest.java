package io.taskhive.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.taskhive.task.TaskStatus;
import tools.jackson.databind.JsonNode;

/**
 * The transactional outbox: with the gateway cut off from RabbitMQ, submissions are still
 * accepted and stored; once the broker is back, the relay publishes them and they run.
 */
class OutboxTest extends ApiTestSupport {

    @Test
    void tasksAcceptedWhileTheBrokerIsUnreachableRunOnceItIsBack() throws Exception {
        User user = newUser();
        List<String> ids = new ArrayList<>();
        String cancelledWhileQueued;
        system.gatewayBrokerLink.cut();
        try {
            for (int i = 0; i < 20; i++) {
                ids.add(submit(user, "uppercase", Map.of("text", "offline " + i)).get("id").stringValue());
            }
            cancelledWhileQueued = submit(user, "uppercase", Map.of("text", "never")).get("id").stringValue();
            assertThat(api.delete("/api/tasks/" + cancelledWhileQueued, user.token()).json().get("status").stringValue())
                    .isEqualTo("CANCELLED");
            sleep(Duration.ofSeconds(2)); // longer than the confirm grace: the relay tried and failed
            for (String id : ids) {
                assertThat(statusAndOutboxMark(id)).isEqualTo("QUEUED/pending");
            }
        } finally {
            system.gatewayBrokerLink.restore();
        }
        for (int i = 0; i < ids.size(); i++) {
            JsonNode done = awaitStatus(user, ids.get(i), TaskStatus.SUCCEEDED, Duration.ofSeconds(30));
            assertThat(done.get("result").get("text").stringValue()).isEqualTo("OFFLINE " + i);
        }
        sleep(Duration.ofMillis(500)); // confirms are recorded in batches
        for (String id : ids) {
            assertThat(statusAndOutboxMark(id)).isEqualTo("SUCCEEDED/clear");
        }
        JsonNode cancelled = api.get("/api/tasks/" + cancelledWhileQueued, user.token()).json();
        assertThat(cancelled.get("status").stringValue()).isEqualTo("CANCELLED");
        assertThat(cancelled.get("history")).extracting(h -> h.get("to").stringValue()).containsExactly("QUEUED", "CANCELLED");
    }

    private static String statusAndOutboxMark(String id) throws Exception {
        try (Connection connection = system.database.connect();
                PreparedStatement query = connection.prepareStatement(
                        "select status, dispatch_due_at is not null from tasks where id = ?")) {
            query.setObject(1, UUID.fromString(id));
            try (ResultSet row = query.executeQuery()) {
                row.next();
                return row.getString(1) + "/" + (row.getBoolean(2) ? "pending" : "clear");
            }
        }
    }
}
