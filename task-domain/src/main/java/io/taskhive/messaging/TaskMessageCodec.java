package io.taskhive.messaging;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.stereotype.Component;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Turns {@link TaskMessage}s into persistent AMQP messages and back, rejecting anything malformed. */
@Component
public class TaskMessageCodec {

    /** Larger bodies than this are never produced by a gateway, so they are refused unparsed. */
    /** The largest body a worker accepts; larger ones are poison. */
    public static final int MAX_BODY_BYTES = 1024 * 1024;
    /** What tasks published together may take in one message, well under {@link #MAX_BODY_BYTES}. */
    public static final int GROUPED_BODY_BUDGET = 256 * 1024;
    /** Generous bytes of one task's message besides its payload (id, type, field names). */
    public static final int ENVELOPE_BYTES = 160;

    private final JsonMapper json;

    public TaskMessageCodec(JsonMapper json) {
        this.json = json;
    }

    public Message encode(TaskMessage task) {
        return message(task.taskId(), task.type(), json.writeValueAsBytes(task));
    }

    /** A stored task, as {@link #encodeAll} takes it: its payload is the JSON text it is stored as. */
    public record StoredTask(UUID taskId, String type, String payloadJson) {
    }

    /**
     * One message for several stored tasks (a JSON array of task messages), or for one (a plain
     * task message): fewer, larger messages cost the broker, the gateway and the workers far less
     * per task. Payloads are spliced in as the JSON text they are stored as (validated and written
     * as JSON when submitted), not parsed and written again.
     */
    public Message encodeAll(List<StoredTask> tasks) {
        StringBuilder body = new StringBuilder(tasks.size() * 128);
        if (tasks.size() > 1) {
            body.append('[');
        }
        for (int i = 0; i < tasks.size(); i++) {
            StoredTask task = tasks.get(i);
            body.append(i == 0 ? "" : ",").append("{\"taskId\":\"").append(task.taskId()).append("\",\"type\":")
                    .append(json.writeValueAsString(task.type())).append(",\"payload\":").append(task.payloadJson())
                    .append('}');
        }
        if (tasks.size() > 1) {
            body.append(']');
        }
        StoredTask first = tasks.getFirst();
        return message(first.taskId(), tasks.size() > 1 ? "batch" : first.type(),
                body.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static Message message(UUID taskId, String type, byte[] body) {
        MessageProperties properties = new MessageProperties();
        properties.setContentType(MessageProperties.CONTENT_TYPE_JSON);
        properties.setContentEncoding("UTF-8");
        properties.setDeliveryMode(MessageDeliveryMode.PERSISTENT);
        properties.setMessageId(taskId.toString());
        properties.setType(type);
        return new Message(body, properties);
    }

    /** @throws PoisonMessageException if the body is not a task message */
    public TaskMessage decode(Message message) {
        List<TaskMessage> tasks = decodeAll(message);
        if (tasks.size() != 1) {
            throw new PoisonMessageException("expected one task, found " + tasks.size());
        }
        return tasks.getFirst();
    }

    /**
     * The tasks of a message: one (a task message) or several (an array of them).
     *
     * @throws PoisonMessageException if the body is neither, or any element is not a task message
     */
    public List<TaskMessage> decodeAll(Message message) {
        byte[] body = message.getBody();
        if (body == null || body.length == 0) {
            throw new PoisonMessageException("empty message body");
        }
        if (body.length > MAX_BODY_BYTES) {
            throw new PoisonMessageException("message body of " + body.length + " bytes exceeds " + MAX_BODY_BYTES);
        }
        JsonNode tree;
        try {
            tree = json.readTree(body);
        } catch (JacksonException e) {
            throw new PoisonMessageException("body is not valid JSON: " + e.getOriginalMessage());
        }
        if (tree != null && tree.isArray() && !tree.isEmpty()) {
            List<TaskMessage> tasks = new ArrayList<>(tree.size());
            for (JsonNode element : tree) {
                tasks.add(task(element));
            }
            return tasks;
        }
        return List.of(task(tree));
    }

    private static TaskMessage task(JsonNode tree) {
        if (tree == null || !tree.isObject()) {
            throw new PoisonMessageException("body is not a task message (a JSON object, or a non-empty array of them)");
        }
        UUID taskId = parseId(tree.get("taskId"));
        JsonNode type = tree.get("type");
        if (type == null || !type.isString() || type.stringValue().isBlank()) {
            throw new PoisonMessageException("type is missing");
        }
        JsonNode payload = tree.get("payload");
        if (payload == null || !payload.isObject()) {
            throw new PoisonMessageException("payload is missing or not an object");
        }
        return new TaskMessage(taskId, type.stringValue(), payload);
    }

    private static UUID parseId(JsonNode id) {
        if (id == null || !id.isString()) {
            throw new PoisonMessageException("taskId is missing");
        }
        try {
            return UUID.fromString(id.stringValue());
        } catch (IllegalArgumentException e) {
            throw new PoisonMessageException("taskId is not a UUID");
        }
    }
}
