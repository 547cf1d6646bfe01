package io.taskhive.gateway.tcp.legacy;

import java.util.concurrent.CompletableFuture;

import org.springframework.stereotype.Component;

import io.taskhive.gateway.security.CurrentUser;
import io.taskhive.gateway.task.SubmitTaskRequest;
import io.taskhive.gateway.task.TaskCompletion;
import io.taskhive.gateway.task.TaskSubmission;
import io.taskhive.gateway.tcp.TcpReplies;
import io.taskhive.gateway.tcp.TcpRequestRouter;
import io.taskhive.gateway.web.ErrorReply;
import io.taskhive.task.Task;
import io.taskhive.task.TaskStatus;
import io.taskhive.task.TaskType;
import io.taskhive.task.TaskTypeRegistry;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Seed 1's synchronous requests: {@code {"tipo": 1..4 or a key, "contenido": text}} (or
 * {@code type}/{@code content}). The task runs like any other (queued, run by a worker, stored)
 * and the reply waits for its outcome: {@code {"ok", "task_id", "status", "result"}}, with
 * {@code resultado} as seed 1 called it, and {@code error} (a text) when it did not succeed.
 */
@Component
public class Seed1Protocol {

    private final TaskTypeRegistry types;
    private final TaskSubmission submission;
    private final TaskCompletion completion;
    private final LegacyClients legacy;
    private final JsonMapper json;

    Seed1Protocol(TaskTypeRegistry types, TaskSubmission submission, TaskCompletion completion, LegacyClients legacy,
            JsonMapper json) {
        this.types = types;
        this.submission = submission;
        this.completion = completion;
        this.legacy = legacy;
        this.json = json;
    }

    /** Completes when the task has finished (or the wait has run out), without holding a thread. */
    public CompletableFuture<JsonNode> handle(CurrentUser caller, JsonNode request) {
        CurrentUser user = caller != null ? caller : legacy.anonymousOwner();
        String typeName = TcpRequestRouter.text(request, request.has("tipo") ? "tipo" : "type");
        String content = TcpRequestRouter.text(request, request.has("contenido") ? "contenido" : "content");
        TaskType type = types.require(typeName);
        return submission.submitAsync(user, new SubmitTaskRequest(type.key(), null, content == null ? "" : content,
                null, null, null, null, null), null, TaskSubmission.Via.TCP)
                .thenCompose(submitted -> completion.whenFinished(submitted, completion.maxWait()))
                .thenApply(task -> reply(type, task));
    }

    private JsonNode reply(TaskType type, Task task) {
        ObjectNode reply = json.createObjectNode().put("ok", task.status() == TaskStatus.SUCCEEDED)
                .put("task_id", task.id().toString()).put("tipo", type.key()).put("status", task.status().name());
        JsonNode result = task.result() == null ? null : json.readTree(task.result());
        reply.set("result", result);
        reply.set("resultado", result);
        if (task.error() != null) {
            reply.put("error", task.error());
        } else if (!task.status().isFinal()) {
            reply.put("error", "not finished within " + completion.maxWait().toSeconds() + " s; follow task_id");
        }
        return reply;
    }

    /** A request that failed before its task ran, in the same shape: {@code error} is always a text. */
    public static JsonNode failed(ErrorReply failure) {
        return JsonNodeFactory.instance.objectNode().put("ok", false).put("status", "error")
                .put("code", TcpReplies.code(failure.status())).put("error", failure.detail());
    }
}
