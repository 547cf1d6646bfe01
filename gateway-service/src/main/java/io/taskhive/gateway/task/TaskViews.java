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
                .map(t -> new TaskView.TransitionView(t.getFromStatus(), t.getToStatus(), t.getAt(), t.getWorkerId(),
                        t.getAttempt(), t.getDetail()))
                .toList();
        return new TaskView(task.getId(), task.getType(), task.getStatus(), parse(task.getPayload()),
                parse(task.getResult()), task.getError(), task.getAttempts(), task.getMaxAttempts(),
                task.getTimeoutSeconds(),
                task.getIdempotencyKey(), task.getOwnerId(), task.getCreatedAt(), task.getQueuedAt(),
                task.getStartedAt(), task.getFinishedAt(), task.getWorkerId(), history);
    }

    private JsonNode parse(String text) {
        return text == null ? null : json.readTree(text);
    }
}
