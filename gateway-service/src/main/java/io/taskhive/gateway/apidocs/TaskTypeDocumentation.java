package io.taskhive.gateway.apidocs;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.springframework.stereotype.Component;

import io.swagger.v3.core.util.Json31;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.examples.Example;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.taskhive.gateway.GatewayProperties;
import io.taskhive.task.TaskType;
import io.taskhive.task.TaskTypeDescription;
import io.taskhive.task.TaskTypeRegistry;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Puts the task types into the OpenAPI document, from the types themselves ({@link TaskType#describe}):
 * per type a payload, a result, a submission and a task schema; {@code SubmitTaskRequest} and
 * {@code TaskView} become a {@code oneOf} of those, told apart by {@code type}; the submit operations
 * get one working example per type; and the limits that are configuration (batch size, attempts,
 * timeouts, the longest wait) are the configured ones.
 */
@Component
class TaskTypeDocumentation {

    static final String SUBMISSION = "SubmitTaskRequest";
    static final String TASK = "TaskView";
    private static final String SCHEMAS = "#/components/schemas/";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final TaskTypeRegistry types;
    private final GatewayProperties gateway;
    private final JsonMapper json = JsonMapper.builder().build();

    TaskTypeDocumentation(TaskTypeRegistry types, GatewayProperties gateway) {
        this.types = types;
        this.gateway = gateway;
    }

    @SuppressWarnings({"rawtypes", "unchecked"}) // swagger's models are raw generics
    void document(OpenAPI openApi) {
        Map<String, Schema> schemas = openApi.getComponents().getSchemas();
        ObjectNode taskView = toNode(schemas.get(TASK));
        ArrayNode submissionVariants = NODES.arrayNode();
        ArrayNode taskVariants = NODES.arrayNode();
        ObjectNode submissionMapping = NODES.objectNode();
        ObjectNode taskMapping = NODES.objectNode();
        Map<String, ObjectNode> examples = new LinkedHashMap<>();
        for (TaskType type : types.all()) {
            String name = schemaName(type.key());
            TaskTypeDescription description = type.describe();
            schemas.put(name + "Payload", toSchema(description.payloadSchema().deepCopy()
                    .put("title", type.key() + " payload")));
            schemas.put(name + "Result", toSchema(description.resultSchema().deepCopy()
                    .put("title", type.key() + " result")));
            schemas.put(name + "Submission", toSchema(submission(type, description, name)));
            schemas.put(name + "Task", toSchema(task(type, description, name, taskView)));
            submissionVariants.addObject().put("$ref", SCHEMAS + name + "Submission");
            taskVariants.addObject().put("$ref", SCHEMAS + name + "Task");
            submissionMapping.put(type.key(), SCHEMAS + name + "Submission");
            if (type.code() > 0) {
                submissionMapping.put(Integer.toString(type.code()), SCHEMAS + name + "Submission");
            }
            taskMapping.put(type.key(), SCHEMAS + name + "Task");
            examples.put(type.key(), NODES.objectNode().put("type", type.key())
                    .set("payload", description.examplePayload()));
        }
        schemas.put(SUBMISSION, toSchema(oneOf("One task to submit; `type` says which payload it takes",
                submissionVariants, submissionMapping)));
        schemas.put(TASK, toSchema(oneOf("A task; `type` says which payload and result it has", taskVariants,
                taskMapping)));
        limitBatches(schemas.get("BatchRequest"));

        Operation submit = openApi.getPaths().get("/api/tasks").getPost();
        MediaType submitBody = submit.getRequestBody().getContent().get("application/json");
        examples.forEach((key, example) -> submitBody.addExamples(key, new Example()
                .summary("a task of type " + key).value(jackson2(example))));
        // A longer wait is not refused but cut short, so this is a description, not a maximum.
        Parameter wait = parameter(submit, "wait");
        wait.description(wait.getDescription() + "; longer waits are cut to "
                + BigDecimal.valueOf(gateway.maxWait().toMillis(), 3).stripTrailingZeros().toPlainString() + " s");
        MediaType batchBody = openApi.getPaths().get("/api/tasks/batch").getPost().getRequestBody().getContent()
                .get("application/json");
        ObjectNode batch = NODES.objectNode();
        batch.putArray("tasks").addAll(examples.values());
        batchBody.addExamples("one of each type", new Example().summary("one task of each type").value(jackson2(batch)));
        for (String path : List.of("/api/tasks", "/api/admin/tasks")) {
            Schema<?> typeFilter = parameter(openApi.getPaths().get(path).getGet(), "type").getSchema();
            typeFilter.setEnum(null);
            types.keys().forEach(key -> ((Schema<Object>) typeFilter).addEnumItemObject(key));
        }
    }

    private ObjectNode submission(TaskType type, TaskTypeDescription description, String name) {
        ObjectNode schema = NODES.objectNode().put("type", "object").put("title", type.key())
                .put("description", description.summary());
        ObjectNode properties = schema.putObject("properties");
        ObjectNode typeProperty = properties.putObject("type").put("type", "string")
                .put("description", "`" + type.key() + "`" + (type.code() > 0 ? ", or its seed-1 code `"
                        + type.code() + "`" : ""));
        ArrayNode names = typeProperty.putArray("enum").add(type.key());
        if (type.code() > 0) {
            names.add(Integer.toString(type.code()));
        }
        properties.putObject("payload").put("$ref", SCHEMAS + name + "Payload");
        schema.putArray("required").add("type");
        if (description.acceptsContent()) {
            properties.putObject("content").put("type", "string").put("description", "Instead of a payload: the "
                    + "plain text the seeds' clients send, from which the type makes its payload")
                    .putArray("examples").add(description.exampleContent());
            ArrayNode either = schema.putArray("oneOf");
            either.addObject().putArray("required").add("payload");
            either.addObject().putArray("required").add("content");
        } else {
            ((ArrayNode) schema.get("required")).add("payload");
        }
        properties.putObject("maxAttempts").put("type", "integer").put("minimum", 1)
                .put("maximum", gateway.maxAttemptsLimit())
                .put("description", "How many attempts it gets (default " + type.defaultMaxAttempts() + ")");
        properties.putObject("timeoutSeconds").put("type", "integer").put("minimum", 1)
                .put("maximum", gateway.maxTimeoutSeconds())
                .put("description", "How long one attempt may run (default " + type.timeout().toSeconds() + ")");
        schema.putArray("examples").addObject().put("type", type.key()).set("payload", description.examplePayload());
        return schema;
    }

    private static ObjectNode task(TaskType type, TaskTypeDescription description, String name, ObjectNode view) {
        ObjectNode schema = view.deepCopy().put("title", type.key() + " task");
        ObjectNode properties = (ObjectNode) schema.get("properties");
        properties.putObject("type").put("type", "string").putArray("enum").add(type.key());
        properties.putObject("payload").put("$ref", SCHEMAS + name + "Payload");
        ObjectNode result = properties.putObject("result").put("description", "The outcome, once SUCCEEDED");
        result.putArray("oneOf").add(NODES.objectNode().put("$ref", SCHEMAS + name + "Result"))
                .add(NODES.objectNode().put("type", "null"));
        return schema;
    }

    private static ObjectNode oneOf(String description, ArrayNode variants, ObjectNode mapping) {
        ObjectNode schema = NODES.objectNode().put("description", description);
        schema.set("oneOf", variants);
        schema.putObject("discriminator").put("propertyName", "type").set("mapping", mapping);
        return schema;
    }

    private void limitBatches(Schema<?> batchRequest) {
        Schema<?> tasks = (Schema<?>) batchRequest.getProperties().get("tasks");
        tasks.minItems(1).maxItems(gateway.maxBatchSize())
                .description("At most " + gateway.maxBatchSize() + "; one invalid task refuses them all");
    }

    private static Parameter parameter(Operation operation, String name) {
        return operation.getParameters().stream().filter(p -> p.getName().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalStateException(operation.getOperationId() + " has no parameter " + name));
    }

    /** {@code word_count} becomes {@code WordCount}. */
    static String schemaName(String key) {
        StringBuilder name = new StringBuilder();
        for (String part : key.split("[^A-Za-z0-9]+")) {
            if (!part.isEmpty()) {
                name.append(part.substring(0, 1).toUpperCase(Locale.ROOT)).append(part.substring(1));
            }
        }
        return name.toString();
    }

    private ObjectNode toNode(Schema<?> schema) {
        try {
            return (ObjectNode) json.readTree(Json31.mapper().writeValueAsString(schema));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Schema<?> toSchema(JsonNode node) {
        try {
            return Json31.mapper().readValue(node.toString(), Schema.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Example values go out through swagger's own (Jackson 2) mapper, which needs its own tree. */
    private static Object jackson2(JsonNode node) {
        try {
            return Json31.mapper().readTree(node.toString());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
