package io.taskhive.gateway.tcp;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

import io.taskhive.gateway.security.CurrentUser;
import io.taskhive.gateway.task.SubmitTaskRequest;
import io.taskhive.gateway.task.TaskCompletion;
import io.taskhive.gateway.task.TaskSubmission;
import io.taskhive.gateway.web.ApiException;
import io.taskhive.task.Task;
import io.taskhive.task.TaskStatus;
import io.taskhive.task.TaskType;
import io.taskhive.task.TaskTypeRegistry;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Seed 1's synchronous requests: {@code {"tipo": 1..4 or a key, "contenido": text}} (or
 * {@code type}/{@code content}). The task runs like any other (queued, run by a worker, stored)
 * and the reply waits for its outcome: {@code {"ok", "task_id", "status", "result"}}, with
 * {@code resultado} as seed 1 called it.
 */
@Component
class Seed1Protocol {

    private final TaskTypeRegistry types;
    private final TaskSubmission submission;
    private final TaskCompletion completion;
    private final LegacyClients legacy;
    private final TcpProperties properties;
    private final JsonMapper json;

    Seed1Protocol(TaskTypeRegistry types, TaskSubmission submission, TaskCompletion completion, LegacyClients legacy,
            TcpProperties properties, JsonMapper json) {
        this.types = types;
        this.submission = submission;
        this.completion = completion;
        this.legacy = legacy;
        this.properties = properties;
        this.json = json;
    }

    JsonNode handle(CurrentUser caller, JsonNode request) {
        CurrentUser user = caller != null ? caller : legacy.anonymousOwner();
        String typeName = TcpRequestRouter.text(request, request.has("tipo") ? "tipo" : "type");
        String content = TcpRequestRouter.text(request, request.has("contenido") ? "contenido" : "content");
        TaskType type = types.require(typeName);
        JsonNode payload = type.payloadFromText(content == null ? "" : content);
        Task task = submission.submit(user, new SubmitTaskRequest(type.key(), payload, null, null), null).task();
        try {
            task = completion.await(task.getId(), properties.maxWait());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "shutting down");
        }
        ObjectNode reply = json.createObjectNode().put("ok", task.getStatus() == TaskStatus.SUCCEEDED)
                .put("task_id", task.getId().toString()).put("tipo", type.key()).put("status", task.getStatus().name());
        JsonNode result = task.getResult() == null ? null : json.readTree(task.getResult());
        reply.set("result", result);
        reply.set("resultado", result);
        if (task.getError() != null) {
            reply.put("error", task.getError());
        } else if (!task.getStatus().isFinal()) {
            reply.put("error", "not finished within " + properties.maxWait().toSeconds() + " s; follow task_id");
        }
        return reply;
    }
}
