package io.taskhive.gateway.tcp.legacy;

import java.util.ArrayList;
import java.util.List;

import org.springframework.stereotype.Component;

import io.taskhive.gateway.security.CurrentUser;
import io.taskhive.gateway.task.SubmitTaskRequest;
import io.taskhive.gateway.task.TaskQueries;
import io.taskhive.gateway.task.TaskSubmission;
import io.taskhive.gateway.task.TaskView;
import io.taskhive.gateway.tcp.TcpReplies;
import io.taskhive.gateway.tcp.TcpRequestRouter;
import io.taskhive.gateway.web.ErrorReply;
import io.taskhive.task.store.TaskPage;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Seed 2's requests beyond register/login: {@code get_tasks} answers a JSON array of rows
 * {@code [id, user_id, task, status]}; {@code new_task} creates a {@code named} task and answers
 * {@code {"status": "task_created"}}. Failures answer {@code {"status": "error", "message", "code"}}.
 */
@Component
public class Seed2Protocol {

    /** get_tasks answers the newest rows up to this many (seed 2 printed them all; this bounds the reply). */
    private static final int MAX_ROWS = 1_000;

    private final TaskSubmission submission;
    private final TaskQueries queries;
    private final LegacyClients legacy;

    Seed2Protocol(TaskSubmission submission, TaskQueries queries, LegacyClients legacy) {
        this.submission = submission;
        this.queries = queries;
        this.legacy = legacy;
    }

    public JsonNode handle(CurrentUser caller, String action, JsonNode request) {
        CurrentUser user = caller != null ? caller : legacy.named(TcpRequestRouter.text(request, "username"));
        return "get_tasks".equals(action) ? tasks(user) : newTask(user, request);
    }

    /** Any failure, in seed 2's shape: its clients read only {@code status}. */
    public static JsonNode failed(ErrorReply failure) {
        return JsonNodeFactory.instance.objectNode().put("status", "error").put("message", failure.detail())
                .put("code", TcpReplies.code(failure.status()));
    }

    private JsonNode tasks(CurrentUser user) {
        List<TaskView> tasks = new ArrayList<>();
        for (int page = 0; tasks.size() < MAX_ROWS; page++) {
            TaskPage<TaskView> rows = queries.list(user.id(), null, null, page, TaskQueries.MAX_PAGE_SIZE);
            tasks.addAll(rows.items());
            if (!rows.hasNext()) {
                break;
            }
        }
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
        TaskSubmission.Submitted submitted = submission.submit(user, new SubmitTaskRequest("named", null,
                name == null ? "" : name, null, null, null, null, null), null, TaskSubmission.Via.TCP);
        ObjectNode reply = JsonNodeFactory.instance.objectNode().put("status", "task_created");
        return reply.put("task_id", submitted.task().id().toString());
    }
}
