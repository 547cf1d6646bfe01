package io.taskhive.gateway.task;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;

import io.taskhive.gateway.GatewayProperties;
import io.taskhive.gateway.security.CurrentUser;
import io.taskhive.gateway.web.ApiException;
import io.taskhive.messaging.TaskEventPublisher;
import io.taskhive.messaging.TaskStatusEvent;
import io.taskhive.task.InvalidPayloadException;
import io.taskhive.task.Task;
import io.taskhive.task.TaskRepository;
import io.taskhive.task.TaskStatus;
import io.taskhive.task.TaskType;
import io.taskhive.task.TaskTypeRegistry;
import io.taskhive.task.UnknownTaskTypeException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Accepts tasks: validates them (nothing invalid is stored or queued), stores them as QUEUED with
 * an outbox mark in one transaction, then publishes them. Once this returns, the task is durable
 * and will be published even if the broker is down right now. Used by every entry point (REST,
 * TCP), so the rules exist once.
 */
@Service
public class TaskSubmission {

    private static final int MAX_IDEMPOTENCY_KEY_LENGTH = 128;

    private final TaskRepository tasks;
    private final TaskTypeRegistry types;
    private final TaskDispatcher dispatcher;
    private final TaskEventPublisher events;
    private final SubmissionRateLimiter rateLimiter;
    private final GatewayProperties properties;
    private final JsonMapper json;

    TaskSubmission(TaskRepository tasks, TaskTypeRegistry types, TaskDispatcher dispatcher, TaskEventPublisher events,
            SubmissionRateLimiter rateLimiter, GatewayProperties properties, JsonMapper json) {
        this.tasks = tasks;
        this.types = types;
        this.dispatcher = dispatcher;
        this.events = events;
        this.rateLimiter = rateLimiter;
        this.properties = properties;
        this.json = json;
    }

    /** The outcome of a submission: the task, and whether this call created it (false: idempotent replay). */
    public record Submitted(Task task, boolean created) {
    }

    public Submitted submit(CurrentUser user, SubmitTaskRequest request, String idempotencyKey) {
        String key = checkIdempotencyKey(idempotencyKey);
        if (key != null) {
            Optional<Task> existing = tasks.findByOwnerIdAndIdempotencyKey(user.id(), key);
            if (existing.isPresent()) {
                return new Submitted(existing.get(), false);
            }
        }
        Task task = prepare(user, request, key, "");
        rateLimiter.acquire(user.id(), 1);
        try {
            tasks.save(task);
        } catch (DataIntegrityViolationException e) {
            if (key != null) { // a concurrent request with the same key won the race
                return tasks.findByOwnerIdAndIdempotencyKey(user.id(), key)
                        .map(existing -> new Submitted(existing, false)).orElseThrow(() -> e);
            }
            throw e;
        }
        afterCommit(List.of(task));
        return new Submitted(task, true);
    }

    /** All or nothing: one invalid task rejects the whole batch before anything is stored. */
    public List<Task> submitBatch(CurrentUser user, List<SubmitTaskRequest> requests) {
        if (requests == null || requests.isEmpty()) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "tasks must be a non-empty array");
        }
        if (requests.size() > properties.maxBatchSize()) {
            throw new ApiException(HttpStatus.BAD_REQUEST,
                    "a batch holds at most " + properties.maxBatchSize() + " tasks, not " + requests.size());
        }
        List<Task> batch = new ArrayList<>(requests.size());
        for (int i = 0; i < requests.size(); i++) {
            batch.add(prepare(user, requests.get(i), null, "tasks[" + i + "]: "));
        }
        rateLimiter.acquire(user.id(), batch.size());
        tasks.saveAll(batch);
        afterCommit(batch);
        return batch;
    }

    private Task prepare(CurrentUser user, SubmitTaskRequest request, String idempotencyKey, String where) {
        if (request == null) {
            throw new ApiException(HttpStatus.BAD_REQUEST, where + "a task object is required");
        }
        try {
            TaskType type = types.require(request.type());
            JsonNode payload = type.validate(request.payload());
            String payloadJson = json.writeValueAsString(payload);
            if (payloadJson.getBytes(StandardCharsets.UTF_8).length > properties.maxPayloadBytes()) {
                throw new ApiException(HttpStatus.CONTENT_TOO_LARGE,
                        where + "payload is larger than " + properties.maxPayloadBytes() + " bytes");
            }
            int maxAttempts = request.maxAttempts() == null ? type.defaultMaxAttempts() : request.maxAttempts();
            if (maxAttempts < 1 || maxAttempts > properties.maxAttemptsLimit()) {
                throw new ApiException(HttpStatus.BAD_REQUEST,
                        where + "maxAttempts must be between 1 and " + properties.maxAttemptsLimit());
            }
            Integer timeout = request.timeoutSeconds();
            if (timeout != null && (timeout < 1 || timeout > properties.maxTimeoutSeconds())) {
                throw new ApiException(HttpStatus.BAD_REQUEST,
                        where + "timeoutSeconds must be between 1 and " + properties.maxTimeoutSeconds());
            }
            Instant now = Instant.now();
            return Task.queued(user.id(), type.key(), payloadJson, maxAttempts, timeout, idempotencyKey, now,
                    now.plus(properties.outbox().confirmGrace()));
        } catch (UnknownTaskTypeException | InvalidPayloadException e) {
            throw new ApiException(HttpStatus.BAD_REQUEST, where + e.getMessage());
        }
    }

    private static String checkIdempotencyKey(String key) {
        if (key == null) {
            return null;
        }
        if (key.isBlank() || key.length() > MAX_IDEMPOTENCY_KEY_LENGTH
                || !key.chars().allMatch(c -> c >= 0x20 && c < 0x7F)) {
            throw new ApiException(HttpStatus.BAD_REQUEST,
                    "an idempotency key is 1 to " + MAX_IDEMPOTENCY_KEY_LENGTH + " printable ASCII characters");
        }
        return key;
    }

    /** Announced before publishing, so that no subscriber sees RUNNING before QUEUED. */
    private void afterCommit(List<Task> committed) {
        for (Task task : committed) {
            events.publish(new TaskStatusEvent(task.getId(), task.getOwnerId(), task.getType(), null,
                    TaskStatus.QUEUED, task.getCreatedAt(), null, 0));
        }
        dispatcher.dispatch(committed);
    }
}
