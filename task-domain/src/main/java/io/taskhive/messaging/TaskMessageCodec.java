package io.taskhive.messaging;

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
    static final int MAX_BODY_BYTES = 1024 * 1024;

    private final JsonMapper json;

    public TaskMessageCodec(JsonMapper json) {
        this.json = json;
    }

    public Message encode(TaskMessage task) {
        MessageProperties properties = new MessageProperties();
        properties.setContentType(MessageProperties.CONTENT_TYPE_JSON);
        properties.setContentEncoding("UTF-8");
        properties.setDeliveryMode(MessageDeliveryMode.PERSISTENT);
        properties.setMessageId(task.taskId().toString());
        properties.setType(task.type());
        return new Message(json.writeValueAsBytes(task), properties);
    }

    /** @throws PoisonMessageException if the body is not a task message */
    public TaskMessage decode(Message message) {
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
        if (tree == null || !tree.isObject()) {
            throw new PoisonMessageException("body is not a JSON object");
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
