package io.taskhive.cli;

import java.time.Duration;
import java.util.function.Predicate;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** What the commands need from a server, over TCP (native dialect) or REST. */
interface TaskhiveClient extends AutoCloseable {

    JsonNode register(String username, String password);

    /** The login reply: {@code token}, {@code expiresAt}. */
    JsonNode login(String username, String password);

    /** The task as submitted, or as finished when {@code wait} is not zero. */
    JsonNode submit(TaskToSubmit task, Duration wait);

    JsonNode get(String taskId);

    /** A task's result file (types such as report make one), with its SHA-256 as the server states it. */
    ResultFile resultFile(String taskId);

    /** A downloaded result file; {@code sha256} (hex) is empty when the server stated none. */
    record ResultFile(byte[] content, String sha256) {
    }

    /** A page: {@code items}, {@code page}, {@code totalItems}, ... */
    JsonNode list(String status, String type, int page, int size);

    JsonNode cancel(String taskId);

    /** The user's limits, and their tasks counted against them. */
    JsonNode quotas();

    /**
     * Hands each status change of the user's tasks to {@code onEvent} until it returns false; with
     * a task id, first that task's current status (it may have finished already).
     */
    void watch(String taskId, Predicate<JsonNode> onEvent);

    /** A new recurring schedule, from the REST API's body ({@code name}, {@code cron}/{@code intervalSeconds}, {@code task}, ...). */
    JsonNode createSchedule(JsonNode schedule);

    /** The user's schedules, an array. */
    JsonNode schedules();

    JsonNode schedule(String scheduleId);

    /** Changes the fields given (e.g. {@code {"paused": true}}); returns the schedule as changed. */
    JsonNode updateSchedule(String scheduleId, JsonNode changes);

    /** Deletes it; returns it as it was. */
    JsonNode deleteSchedule(String scheduleId);

    /** A task's current status in the shape of a status-change event. */
    static JsonNode eventOf(JsonMapper json, JsonNode task) {
        return json.createObjectNode().put("event", "task").put("task_id", task.path("id").asString())
                .put("type", task.path("type").asString()).put("status", task.path("status").asString());
    }

    @Override
    void close();
}
