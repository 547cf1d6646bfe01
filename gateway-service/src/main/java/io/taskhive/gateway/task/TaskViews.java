package io.taskhive.gateway.task;

import java.util.List;

import org.springframework.stereotype.Component;

import io.taskhive.task.Task;
import io.taskhive.task.TaskTransition;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Turns stored tasks (whose JSON columns are text) into {@link TaskView}s. */
@Component
public class TaskViews {

    private final JsonMapper json;

    TaskViews(JsonMapper json) {
        this.json = json;
    }

    public TaskView of(Task task) {
        return of(task, null);
    }

    public TaskView of(Task task, List<TaskTransition> transitions) {
        List<TaskView.TransitionView> history = transitions == null ? null : transitions.stream()
                .map(t -> new TaskView.TransitionView(t.fromStatus(), t.toStatus(), t.at(), t.workerId(),
                        t.attempt(), t.detail()))
                .toList();
        return new TaskView(task.id(), task.type(), task.status(), parse(task.payload()),
                parse(task.result()), task.error(), task.attempts(), task.maxAttempts(), task.priority(),
                task.timeoutSeconds(),
                task.idempotencyKey(), task.ownerId(), task.createdAt(), task.runAt(), task.queuedAt(),
                task.startedAt(), task.finishedAt(), task.workerId(), history);
    }

    private JsonNode parse(String text) {
        return text == null ? null : json.readTree(text);
    }
}
