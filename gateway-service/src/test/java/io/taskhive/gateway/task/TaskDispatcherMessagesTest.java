package io.taskhive.gateway.task;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.taskhive.gateway.GatewayProperties;
import io.taskhive.messaging.TaskMessageCodec;
import io.taskhive.task.Task;
import io.taskhive.task.TaskIds;
import io.taskhive.task.store.NewTask;

class TaskDispatcherMessagesTest {

    private static Task withPayloadOf(int characters) {
        String payload = "{\"text\":\"" + "x".repeat(Math.max(0, characters - 11)) + "\"}";
        return new NewTask(TaskIds.next(), 1, "uppercase", payload, 3, null, null, Instant.now(), null, null, 0, false).stored();
    }

    @Test
    void smallTasksGoFiftyToAMessage() {
        List<Task> tasks = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            tasks.add(withPayloadOf(30));
        }
        assertThat(TaskDispatcher.messages(tasks)).extracting(List::size).containsExactly(50, 50, 20);
    }

    @Test
    void largePayloadsSplitMessagesLongBeforeAWorkerWouldRefuseThem() {
        List<Task> tasks = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            tasks.add(withPayloadOf(64 * 1024));
        }
        tasks.add(withPayloadOf(GatewayProperties.MAX_PAYLOAD_BYTES));
        List<List<Task>> messages = TaskDispatcher.messages(tasks);
        assertThat(messages.stream().mapToInt(List::size).sum()).isEqualTo(41);
        for (List<Task> message : messages) {
            long worstCase = message.stream().mapToLong(t -> 3L * t.payload().length() + TaskMessageCodec.ENVELOPE_BYTES).sum();
            assertThat(message.size() == 1 || worstCase <= TaskMessageCodec.GROUPED_BODY_BUDGET).isTrue();
            assertThat(message.stream().mapToLong(t -> t.payload().length() + TaskMessageCodec.ENVELOPE_BYTES).sum())
                    .isLessThan(TaskMessageCodec.MAX_BODY_BYTES);
        }
        assertThat(messages.getLast()).hasSize(1);
    }
}
