package io.taskhive.task;

import java.math.BigDecimal;

import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * JSON Schema (2020-12, the dialect of OpenAPI 3.1) for task payloads and results. Task types build
 * their schemas from the same limits their {@code validate} enforces, so the published API cannot
 * promise what the gateway refuses.
 */
public final class JsonSchemas {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private JsonSchemas() {
    }

    public static ObjectNode string(String description, int minLength, int maxLength) {
        ObjectNode schema = NODES.objectNode().put("type", "string").put("description", description);
        if (minLength > 0) {
            schema.put("minLength", minLength);
        }
        return schema.put("maxLength", maxLength);
    }

    public static ObjectNode string(String description) {
        return NODES.objectNode().put("type", "string").put("description", description);
    }

    public static ObjectNode integer(String description, long minimum, long maximum) {
        return NODES.objectNode().put("type", "integer").put("description", description)
                .put("minimum", minimum).put("maximum", maximum);
    }

    public static ObjectNode integer(String description) {
        return NODES.objectNode().put("type", "integer").put("description", description);
    }

    public static ObjectNode number(String description, BigDecimal minimum, BigDecimal maximum) {
        return NODES.objectNode().put("type", "number").put("description", description)
                .put("minimum", minimum).put("maximum", maximum);
    }

    public static ObjectNode number(String description) {
        return NODES.objectNode().put("type", "number").put("description", description);
    }

    /** Exactly one of the alternatives. */
    public static ObjectNode oneOf(String description, ObjectNode... alternatives) {
        ObjectNode schema = NODES.objectNode().put("description", description);
        ArrayNode list = schema.putArray("oneOf");
        for (ObjectNode alternative : alternatives) {
            list.add(alternative);
        }
        return schema;
    }

    /** An object with only the properties it declares (the validators refuse unknown fields). */
    public static ObjectBuilder object() {
        return new ObjectBuilder();
    }

    public static final class ObjectBuilder {

        private final ObjectNode properties = NODES.objectNode();
        private final ArrayNode required = NODES.arrayNode();

        private ObjectBuilder() {
        }

        public ObjectBuilder required(String name, ObjectNode schema) {
            properties.set(name, schema);
            required.add(name);
            return this;
        }

        public ObjectNode build() {
            ObjectNode schema = NODES.objectNode().put("type", "object");
            schema.set("properties", properties);
            if (!required.isEmpty()) {
                schema.set("required", required);
            }
            return schema.put("additionalProperties", false);
        }
    }
}
