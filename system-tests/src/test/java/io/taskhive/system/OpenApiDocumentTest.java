package io.taskhive.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

import io.taskhive.task.TaskStatus;
import tools.jackson.databind.JsonNode;

/**
 * The OpenAPI document tells the truth about the running gateway: each operation answers one of
 * its documented success statuses, with the documented headers and a body of the documented shape;
 * every example request in it succeeds when sent as it stands; every error is the shared problem.
 */
class OpenApiDocumentTest extends ApiTestSupport {

    private static final Duration WAIT = Duration.ofSeconds(30);

    /** One call of an operation, as a client would make it, and what the document says it answers. */
    private record Call(String operationId, String label, ApiClient.Response response, int expectedStatus) {
    }

    @Test
    void theDocumentIsPublicInJsonAndYaml() {
        ApiClient.Response json = api.get("/v3/api-docs", null);
        assertThat(json.status()).isEqualTo(200);
        assertThat(json.json().get("openapi").stringValue()).startsWith("3.1");
        ApiClient.Response yaml = api.get("/v3/api-docs.yaml", null);
        assertThat(yaml.status()).as(yaml.text()).isEqualTo(200);
        assertThat(yaml.text()).startsWith("openapi: 3.1");
    }

    @Test
    void everyOperationAnswersAsDocumentedAndEveryExampleSucceeds() {
        JsonNode document = api.get("/v3/api-docs", null).json();
        Map<String, JsonNode> operations = operations(document);
        List<Call> calls = new ArrayList<>();

        // Public: the task types, then the account, from the documented examples themselves.
        calls.add(new Call("listTaskTypes", "", api.get("/api/task-types", null), 200));
        JsonNode credentials = exampleBody(document, operations.get("register"));
        calls.add(new Call("register", "example", api.post("/api/auth/register", null, credentials), 201));
        ApiClient.Response login = api.post("/api/auth/login", null, exampleBody(document, operations.get("login")));
        calls.add(new Call("login", "example", login, 200));
        String token = login.json().get("token").stringValue();
        User user = new User(credentials.get("username").stringValue(), credentials.get("password").stringValue(),
                token, login.json().get("user").get("id").longValue());

        // Every example submission, one per task type, then the documented batch.
        JsonNode submitExamples = requestMedia(operations.get("submitTask")).get("examples");
        assertThat(submitExamples.propertyNames()).as("an example per task type")
                .containsAll(discriminatorMapping(document, "SubmitTaskRequest").stream()
                        .filter(key -> !key.matches("\\d+")).toList());
        List<String> submitted = new ArrayList<>();
        String report = null;
        for (Map.Entry<String, JsonNode> example : submitExamples.properties()) {
            ApiClient.Response response = api.post("/api/tasks", token, example.getValue().get("value"));
            calls.add(new Call("submitTask", "example " + example.getKey(), response, 202));
            submitted.add(response.json().get("id").stringValue());
            if (example.getValue().get("value").get("type").stringValue().equals("report")) {
                report = response.json().get("id").stringValue();
            }
        }
        assertThat(report).as("the report example was submitted").isNotNull();
        for (Map.Entry<String, JsonNode> example : requestMedia(operations.get("submitTasks")).get("examples")
                .properties()) {
            calls.add(new Call("submitTasks", "example " + example.getKey(),
                    api.post("/api/tasks/batch", token, example.getValue().get("value")), 202));
        }
        Map<String, Object> quick = Map.of("type", "uppercase", "payload", Map.of("text", "ya"));
        calls.add(new Call("submitTask", "with ?wait, finished", api.post("/api/tasks?wait=20", token, quick), 200));
        api.post("/api/tasks", token, quick, "Idempotency-Key", "doc-test-1");
        calls.add(new Call("submitTask", "the same Idempotency-Key again",
                api.post("/api/tasks", token, quick, "Idempotency-Key", "doc-test-1"), 200));

        for (String id : submitted) {
            awaitAnyStatus(user, id, Set.of(TaskStatus.SUCCEEDED), WAIT);
        }
        calls.add(new Call("getTask", "", api.get("/api/tasks/" + submitted.getFirst(), token), 200));
        calls.add(new Call("getTaskResultFile", "the report example's file",
                api.get("/api/tasks/" + report + "/result", token), 200));
        calls.add(new Call("listTasks", "", api.get("/api/tasks?status=SUCCEEDED&type=uppercase&page=0&size=20",
                token), 200));
        String sleeping = api.post("/api/tasks", token, Map.of("type", "sleep", "payload", Map.of("seconds", 30)))
                .json().get("id").stringValue();
        calls.add(new Call("cancelTask", "", api.delete("/api/tasks/" + sleeping, token), 200));
        String timedOut = api.post("/api/tasks", token, Map.of("type", "sleep", "payload", Map.of("seconds", 10),
                "timeoutSeconds", 1, "maxAttempts", 1)).json().get("id").stringValue();
        awaitStatus(user, timedOut, TaskStatus.DEAD, WAIT);
        calls.add(new Call("retryTask", "a DEAD task", api.post("/api/tasks/" + timedOut + "/retry", token, ""), 202));
        api.delete("/api/tasks/" + timedOut, token);

        String admin = login(RunningSystem.ADMIN_USERNAME, RunningSystem.ADMIN_PASSWORD).token();
        calls.add(new Call("listAllTasks", "", api.get("/api/admin/tasks?status=SUCCEEDED", admin), 200));
        calls.add(new Call("getAnyTask", "", api.get("/api/admin/tasks/" + submitted.getFirst(), admin), 200));
        calls.add(new Call("listWorkers", "", api.get("/api/admin/workers", admin), 200));
        calls.add(new Call("overview", "", api.get("/api/admin/overview", admin), 200));
        calls.add(new Call("stats", "", api.get("/api/admin/stats?minutes=30", admin), 200));
        String deadAgain = api.post("/api/tasks?wait=20", token, Map.of("type", "sleep", "payload",
                Map.of("seconds", 10), "timeoutSeconds", 1, "maxAttempts", 1)).json().get("id").stringValue();
        awaitStatus(user, deadAgain, TaskStatus.DEAD, WAIT);
        calls.add(new Call("retryAnyTask", "a DEAD task", api.post("/api/admin/tasks/" + deadAgain + "/retry", admin,
                ""), 200));
        calls.add(new Call("cancelAnyTask", "", api.post("/api/admin/tasks/" + deadAgain + "/cancel", admin, ""),
                200));
        calls.add(new Call("retryTasks", "example", api.post("/api/admin/tasks/retry", admin,
                exampleBody(document, operations.get("retryTasks"))), 200));
        // Schedules: each documented example creates one; the last is read, changed (paused) and deleted.
        List<String> schedules = new ArrayList<>();
        for (Map.Entry<String, JsonNode> example : requestMedia(operations.get("createSchedule")).get("examples")
                .properties()) {
            ApiClient.Response created = api.post("/api/schedules", token, example.getValue().get("value"));
            calls.add(new Call("createSchedule", "example " + example.getKey(), created, 201));
            schedules.add(created.json().path("id").asString(""));
        }
        calls.add(new Call("listSchedules", "", api.get("/api/schedules", token), 200));
        calls.add(new Call("getSchedule", "", api.get("/api/schedules/" + schedules.getLast(), token), 200));
        calls.add(new Call("updateSchedule", "pause", api.patch("/api/schedules/" + schedules.getLast(), token,
                Map.of("paused", true)), 200));
        for (String schedule : schedules) {
            calls.add(new Call("deleteSchedule", "", api.delete("/api/schedules/" + schedule, token), 200));
        }
        calls.add(new Call("getMyQuotas", "", api.get("/api/quotas", token), 200));
        calls.add(new Call("getUserQuotas", "", api.get("/api/admin/users/" + user.id() + "/quotas", admin), 200));
        calls.add(new Call("setUserQuotas", "example", api.put("/api/admin/users/" + user.id() + "/quotas", admin,
                exampleBody(document, operations.get("setUserQuotas"))), 200));
        // Event streams: a finished task's replays its history and ends; the stream of all of them stays open.
        calls.add(new Call("streamTaskEvents", "a finished task",
                api.get("/api/tasks/" + submitted.getFirst() + "/events", token), 200));
        calls.add(new Call("streamAnyTaskEvents", "a finished task",
                api.get("/api/admin/tasks/" + submitted.getFirst() + "/events", admin), 200));
        try (SseClient stream = SseClient.open(system.baseUrl, "/api/events", token, (Long) null)) {
            calls.add(new Call("streamEvents", "opened, then closed", new ApiClient.Response(stream.status,
                    stream.response.headers().map(), ""), 200));
        }

        Set<String> called = new TreeSet<>(calls.stream().map(Call::operationId).toList());
        assertThat(called).as("every documented operation is called").isEqualTo(new TreeSet<>(operations.keySet()));
        for (Call call : calls) {
            String what = call.operationId() + " " + call.label() + ": " + call.response().text();
            JsonNode operation = operations.get(call.operationId());
            assertThat(call.response().status()).as(what).isEqualTo(call.expectedStatus());
            JsonNode documented = operation.get("responses").get(Integer.toString(call.expectedStatus()));
            assertThat(documented).as(what + " is a documented response").isNotNull();
            documented.path("headers").properties().forEach(header -> {
                if (header.getValue().path("required").asBoolean()) {
                    assertThat(call.response().header(header.getKey())).as(what + " header " + header.getKey())
                            .isNotBlank();
                }
            });
            if (documented.get("content").has("text/event-stream")) {
                assertThat(call.response().contentType()).as(what).startsWith("text/event-stream");
                assertThat(call.response().text()).as(what).doesNotContain("\"outcome\"");
                continue;
            }
            if (documented.get("content").has("text/csv")) {
                assertThat(call.response().contentType()).as(what).startsWith("text/csv");
                assertThat(call.response().text()).as(what).startsWith("rank,word,count");
                continue;
            }
            assertThat(call.response().contentType()).as(what).startsWith("application/json");
            JsonNode schema = documented.get("content").get("application/json").get("schema");
            List<String> mismatches = new ArrayList<>();
            new Shape(document).check(schema, call.response().json(), "$", mismatches);
            assertThat(mismatches).as(what).isEmpty();
        }
    }

    /** Every error response is the one shared problem, and the gateway sends problems of that shape. */
    @Test
    void everyErrorIsTheSharedProblem() {
        JsonNode document = api.get("/v3/api-docs", null).json();
        operations(document).forEach((id, operation) -> operation.get("responses").properties().forEach(response -> {
            if (response.getKey().startsWith("4") || response.getKey().startsWith("5")) {
                String ref = response.getValue().path("$ref").asString("");
                assertThat(ref).as(id + " " + response.getKey()).startsWith("#/components/responses/");
                JsonNode shared = resolve(document, ref);
                assertThat(shared.get("content").get("application/problem+json").get("schema").get("$ref")
                        .stringValue()).isEqualTo("#/components/schemas/Problem");
            }
        }));
        assertThat(operations(document).get("register").get("security")).isEmpty();
        assertThat(operations(document).get("login").get("security")).isEmpty();

        ApiClient.Response missing = api.get("/api/tasks/" + java.util.UUID.randomUUID(), newUser().token());
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.contentType()).startsWith("application/problem+json");
        List<String> mismatches = new ArrayList<>();
        new Shape(document).check(document.get("components").get("schemas").get("Problem"), missing.json(), "$",
                mismatches);
        assertThat(mismatches).isEmpty();
    }

    private static Map<String, JsonNode> operations(JsonNode document) {
        Map<String, JsonNode> operations = new LinkedHashMap<>();
        document.get("paths").properties().forEach(path -> path.getValue().properties()
                .forEach(method -> operations.put(method.getValue().get("operationId").stringValue(), method.getValue())));
        return operations;
    }

    private static JsonNode requestMedia(JsonNode operation) {
        return operation.get("requestBody").get("content").get("application/json");
    }

    /** The body Swagger UI offers: the media type's example, or one made of the properties' examples. */
    private static JsonNode exampleBody(JsonNode document, JsonNode operation) {
        JsonNode media = requestMedia(operation);
        if (media.has("example")) {
            return media.get("example");
        }
        JsonNode schema = resolve(document, media.get("schema").get("$ref").stringValue());
        var body = ApiClient.JSON.createObjectNode();
        schema.get("properties").properties().forEach(property -> {
            JsonNode value = property.getValue().has("example") ? property.getValue().get("example")
                    : property.getValue().path("examples").path(0);
            assertThat(value.isMissingNode()).as("an example for " + property.getKey()).isFalse();
            body.set(property.getKey(), value);
        });
        return body;
    }

    private static List<String> discriminatorMapping(JsonNode document, String schema) {
        return document.get("components").get("schemas").get(schema).get("discriminator").get("mapping")
                .propertyNames().stream().toList();
    }

    static JsonNode resolve(JsonNode document, String ref) {
        JsonNode node = document;
        for (String part : ref.substring(2).split("/")) {
            node = node.get(part.replace("~1", "/").replace("~0", "~"));
        }
        return node;
    }

    /**
     * The JSON Schema keywords the document uses, checked on an answer: types, required properties,
     * enums, $ref, and oneOf with a discriminator. A failed check says where.
     */
    private record Shape(JsonNode document) {

        void check(JsonNode schema, JsonNode value, String where, List<String> mismatches) {
            if (schema.has("$ref")) {
                check(resolve(document, schema.get("$ref").stringValue()), value, where, mismatches);
                return;
            }
            if (schema.has("discriminator") && value.isObject()) {
                String type = value.path(schema.get("discriminator").get("propertyName").stringValue()).asString("");
                JsonNode target = schema.get("discriminator").get("mapping").get(type);
                if (target == null) {
                    mismatches.add(where + ": no schema for type '" + type + "'");
                } else {
                    check(resolve(document, target.stringValue()), value, where, mismatches);
                }
                return;
            }
            if (schema.has("oneOf")) {
                long matching = 0;
                for (JsonNode alternative : schema.get("oneOf")) {
                    List<String> failures = new ArrayList<>();
                    check(alternative, value, where, failures);
                    matching += failures.isEmpty() ? 1 : 0;
                }
                if (matching != 1) {
                    mismatches.add(where + ": " + value + " matches " + matching + " of oneOf " + schema.get("oneOf"));
                }
                if (!schema.has("type") && !schema.has("properties")) {
                    return;
                }
            }
            if (schema.has("type")) {
                Set<String> allowed = new TreeSet<>();
                if (schema.get("type").isArray()) {
                    schema.get("type").forEach(t -> allowed.add(t.stringValue()));
                } else {
                    allowed.add(schema.get("type").stringValue());
                }
                if (!allowed.contains(typeOf(value))
                        && !(allowed.contains("number") && typeOf(value).equals("integer"))) {
                    mismatches.add(where + ": " + typeOf(value) + " where " + allowed + " is documented");
                    return;
                }
            }
            if (schema.has("enum") && !value.isNull()) {
                boolean listed = false;
                for (JsonNode option : schema.get("enum")) {
                    listed |= option.equals(value);
                }
                if (!listed) {
                    mismatches.add(where + ": " + value + " is not one of " + schema.get("enum"));
                }
            }
            if (value.isObject()) {
                for (JsonNode required : schema.path("required")) {
                    if (!value.has(required.stringValue())) {
                        mismatches.add(where + ": required property '" + required.stringValue() + "' is missing");
                    }
                }
                schema.path("properties").properties().forEach(property -> {
                    if (value.has(property.getKey())) {
                        check(property.getValue(), value.get(property.getKey()), where + "." + property.getKey(),
                                mismatches);
                    }
                });
                if (schema.path("additionalProperties").isBoolean() && !schema.get("additionalProperties").booleanValue()) {
                    value.propertyNames().stream().filter(name -> !schema.path("properties").has(name))
                            .forEach(name -> mismatches.add(where + ": undocumented property '" + name + "'"));
                } else if (schema.path("additionalProperties").isObject()) {
                    value.properties().forEach(entry -> check(schema.get("additionalProperties"), entry.getValue(),
                            where + "." + entry.getKey(), mismatches));
                }
            }
            if (value.isArray() && schema.has("items")) {
                for (int i = 0; i < value.size(); i++) {
                    check(schema.get("items"), value.get(i), where + "[" + i + "]", mismatches);
                }
            }
        }

        private static String typeOf(JsonNode value) {
            Function<JsonNode, String> type = v -> v.isNull() ? "null" : v.isString() ? "string"
                    : v.isIntegralNumber() ? "integer" : v.isNumber() ? "number" : v.isBoolean() ? "boolean"
                            : v.isArray() ? "array" : "object";
            return type.apply(value);
        }
    }
}
