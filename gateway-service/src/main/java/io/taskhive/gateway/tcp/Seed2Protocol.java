package io.taskhive.gateway.tcp;

import java.util.List;

import org.springframework.stereotype.Component;

import io.taskhive.gateway.security.CurrentUser;
import io.taskhive.gateway.task.SubmitTaskRequest;
import io.taskhive.gateway.task.TaskQueries;
import io.taskhive.gateway.task.TaskSubmission;
import io.taskhive.gateway.task.TaskView;
import io.taskhive.gateway.web.ApiException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Seed 2's requests beyond register/login: {@code get_tasks} answers a JSON array of rows
 * {@code [id, user_id, task, status]}; {@code new_task} creates a {@code named} task and answers
 * {@code {"status": "task_created"}}. Failures answer {@code {"status": "error", "message": ...}}.
 */
@Component
class Seed2Protocol {

    private static final int MAX_ROWS = 200;

    private final TaskSubmission submission;
    private final TaskQueries queries;
    private final LegacyClients legacy;

    Seed2Protocol(TaskSubmission submission, TaskQueries queries, LegacyClients legacy) {
        this.submission = submission;
        this.queries = queries;
        this.legacy = legacy;
    }

    JsonNode handle(TcpConnection connection, CurrentUser caller, String action, JsonNode request) {
        try {
            CurrentUser user = caller != null ? caller : legacy.named(TcpRequestRouter.text(request, "username"));
            return "get_tasks".equals(action) ? tasks(user) : newTask(user, request);
        } catch (ApiException e) {
            return JsonNodeFactory.instance.objectNode().put("status", "error").put("message", e.getMessage());
        }
    }

    private JsonNode tasks(CurrentUser user) {
        List<TaskView> tasks = queries.list(user.id(), null, null, 0, MAX_ROWS).getContent();
        ArrayNode rows = JsonNodeFactory.instance.arrayNode();
        for (TaskView task : tasks) {
            JsonNode name = task.payload() == null ? null : task.payload().get("name");
            rows.addArray().add(task.id().toString()).add(task.ownerId())
                    .add(name != null && name.isString() ? name.stringValue() : task.type())
                    .add(task.status().name());
        }
        return rows;
    }

    private JsonNode newTask(CurrentUser user, JsonNode request) {
        String name = TcpRequestRouter.text(request, "task");
        TaskSubmission.Submitted submitted = submission.submit(user, new SubmitTaskRequest("named",
                JsonNodeFactory.instance.objectNode().put("name", name == null ? "" : name), null, null), null);
        ObjectNode reply = JsonNodeFactory.instance.objectNode().put("status", "task_created");
        return reply.put("task_id", submitted.task().getId().toString());
    }
}
