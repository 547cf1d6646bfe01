package io.taskhive.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;

import io.taskhive.task.TaskStatus;
import tools.jackson.databind.json.JsonMapper;

/** Status events as the publisher writes them and every reader decodes them, outcome included. */
class TaskStatusEventCodingTest {

    private static final JsonMapper JSON = JsonMapper.builder().findAndAddModules().build();

    private final TaskEventPublisher codec = new TaskEventPublisher(null, JSON, new MessagingProperties(null, null, null));

    @Test
    void aFinalOutcomeTravelsWholeAndOtherChangesWithoutOne() {
        Instant started = Instant.parse("2026-11-22T10:00:00.123456Z");
        TaskStatusEvent running = new TaskStatusEvent(41L, UUID.randomUUID(), 7, "uppercase", TaskStatus.QUEUED,
                TaskStatus.RUNNING, started, "w-1", 1);
        TaskStatusEvent succeeded = new TaskStatusEvent(42L, running.taskId(), 7, "uppercase", TaskStatus.RUNNING,
                TaskStatus.SUCCEEDED, started.plusMillis(1), "w-1", 1,
                new TaskStatusEvent.Outcome("{\"text\":\"HI\"}", null, 3, started.minusMillis(2), started));

        byte[] body = JSON.writeValueAsBytes(List.of(running, succeeded));

        assertThat(new String(body)).doesNotContain("\"outcome\":null");
        assertThat(codec.decode(new Message(body, new MessageProperties()))).containsExactly(running, succeeded);
    }
}
