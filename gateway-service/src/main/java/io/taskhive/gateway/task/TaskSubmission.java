package io.taskhive.gateway.task;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;

import jakarta.annotation.PreDestroy;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;

import io.taskhive.batching.Coalescer;
import io.taskhive.gateway.GatewayProperties;
import io.taskhive.gateway.security.CurrentUser;
import io.taskhive.gateway.web.ApiException;
import io.taskhive.messaging.TaskStatusEvent;
import io.taskhive.artifact.ArtifactProperties;
import io.taskhive.artifact.ArtifactStore;
import io.taskhive.task.FileTaskType;
import io.taskhive.task.InvalidPayloadException;
import io.taskhive.task.Payloads;
import io.taskhive.task.Task;
import io.taskhive.task.TaskIds;
import io.taskhive.task.TaskStatus;
import io.taskhive.task.TaskType;
import io.taskhive.task.TaskTypeRegistry;
import io.taskhive.task.UnknownTaskTypeException;
import io.taskhive.task.store.NewTask;
import io.taskhive.task.store.TaskFinder;
import io.taskhive.task.store.TaskStore;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Accepts tasks: validates them (nothing invalid is stored or queued), stores them as QUEUED with
 * an outbox mark in one transaction, and answers; publishing follows without the caller waiting.
 * A task asked to run later is stored SCHEDULED instead, and {@link DueTaskRelease} queues it then;
 * while the workers are behind, or its owner is at their limit of running tasks, a task is stored
 * QUEUED but held, and {@link FairDispatch} publishes it in priority and fair order
 * ({@link DispatchAdmission} decides).
 * Once this returns, the task is durable and will be published even if the broker is down right
 * now. Used by every entry point (REST, TCP), so the rules exist once.
 *
 * <p>Single submissions that arrive together are stored together: one multi-row insert (tasks and
 * their first history rows) and one commit for all of them ({@link Coalescer}), then one burst of
 * publications. Those with an idempotency key go alone, since their insert may lose a race to a
 * concurrent one with the same key.
 *
 * <p>Each call is a span of the task's trace ({@link TaskTracing}), whose context is stored with the
 * task; accepted tasks and refusals are counted by interface ({@link SubmissionMeters}).
 */
@Service
public class TaskSubmission {

    private static final Logger log = LoggerFactory.getLogger(TaskSubmission.class);
    private static final int MAX_IDEMPOTENCY_KEY_LENGTH = 128;
    private static final int MAX_INSERT_BATCH = 500;
    /** Insert batches written at once: one gathers while another is written. */
    static final int INSERT_BATCHES_AT_ONCE = 2;

    private final TaskStore store;
    private final TaskStore coalescedStore;
    private final TaskFinder finder;
    private final TaskTypeRegistry types;
    private final TaskDispatcher dispatcher;
    private final SubmissionRateLimiter rateLimiter;
    private final GatewayProperties properties;
    private final JsonMapper json;
    private final Coalescer<NewTask, Optional<RuntimeException>> inserts;
    private final TaskTracing tracing;
    private final SubmissionMeters meters;
    private final DispatchAdmission admission;
    private final FairDispatch fairDispatch;
    private final boolean artifactsAvailable;
    private final long artifactThreshold;

    TaskSubmission(TaskStore store, TaskFinder finder, TaskTypeRegistry types, TaskDispatcher dispatcher,
            SubmissionRateLimiter rateLimiter, GatewayProperties properties,
            JsonMapper json, TaskTracing tracing, SubmissionMeters meters, DispatchAdmission admission,
            FairDispatch fairDispatch, ArtifactStore artifacts, ArtifactProperties artifactProperties,
            SubmissionConnections submissionConnections) {
        this.coalescedStore = submissionConnections.store();
        this.admission = admission;
        this.fairDispatch = fairDispatch;
        this.artifactsAvailable = artifacts.available();
        this.artifactThreshold = artifactProperties.threshold().toBytes();
        this.tracing = tracing;
        this.meters = meters;
        this.store = store;
        this.finder = finder;
        this.types = types;
        this.dispatcher = dispatcher;
        this.rateLimiter = rateLimiter;
        this.properties = properties;
        this.json = json;
        this.inserts = new Coalescer<>("task-inserts", MAX_INSERT_BATCH, INSERT_BATCHES_AT_ONCE,
                this::insertAll);
    }

    /** The outcome of a submission: the task, and whether this call created it (false: idempotent replay). */
    public record Submitted(Task task, boolean created) {
    }

    /** The interface a submission came through: a tag of its metrics and its span. */
    public enum Via {
        HTTP, TCP;

        final String tag = name().toLowerCase(Locale.ROOT);
    }

    /**
     * Stores the task (the calling thread writes the batch itself when no other is being written)
     * and returns once it is committed. Interrupted before the task joined a batch, nothing is
     * stored and the caller is told to try again.
     */
    public Submitted submit(CurrentUser user, SubmitTaskRequest request, String idempotencyKey, Via via) {
        return inSubmitSpan(via, span -> submitTraced(user, request, idempotencyKey, via, span),
                submitted -> submitted.created() ? List.of(submitted.task()) : List.of());
    }

    /**
     * Runs a submission in its span, counting the tasks it {@code created} and the refusal it met
     * (an {@link ApiException}); any other failure marks the span.
     */
    private <T> T inSubmitSpan(Via via, Function<Span, T> submission, Function<T, List<Task>> created) {
        Span span = tracing.startSubmit(via);
        try (Tracer.SpanInScope scope = tracing.inScope(span)) {
            T result = submission.apply(span);
            for (Task task : created.apply(result)) {
                meters.submitted(task.type(), via, 1);
            }
            return result;
        } catch (ApiException e) {
            meters.rejected(e.status(), via);
            throw e;
        } catch (RuntimeException e) {
            span.error(e);
            throw e;
        } finally {
            span.end();
        }
    }

    private Submitted submitTraced(CurrentUser user, SubmitTaskRequest request, String idempotencyKey, Via via,
            Span span) {
        String key = checkIdempotencyKey(idempotencyKey);
        if (key != null) {
            return submitWithKey(user, request, key, via, span);
        }
        NewTask task = admitted(user, request, via, span);
        Optional<RuntimeException> failure;
        try {
            failure = inserts.callAndWait(task);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "interrupted before the task was stored; try again");
        }
        failure.ifPresent(e -> {
            throw e;
        });
        return new Submitted(task.stored(), true);
    }

    /**
     * Validation, idempotency and the rate limit are decided before this returns (a refusal is
     * thrown); the future completes once the task is stored, or fails if it could not be.
     */
    public CompletableFuture<Submitted> submitAsync(CurrentUser user, SubmitTaskRequest request,
            String idempotencyKey, Via via) {
        Span span = tracing.startSubmit(via);
        CompletableFuture<Submitted> stored;
        try (Tracer.SpanInScope scope = tracing.inScope(span)) {
            String key = checkIdempotencyKey(idempotencyKey);
            if (key == null) {
                NewTask task = admitted(user, request, via, span);
                stored = inserts.submitInOrder(task).thenApply(failure -> {
                    failure.ifPresent(e -> {
                        throw e;
                    });
                    return new Submitted(task.stored(), true);
                });
            } else {
                stored = CompletableFuture.completedFuture(submitWithKey(user, request, key, via, span));
            }
        } catch (ApiException e) {
            meters.rejected(e.status(), via);
            span.end();
            throw e;
        } catch (RuntimeException e) {
            span.error(e);
            span.end();
            throw e;
        }
        return stored.whenComplete((submitted, failure) -> {
            if (failure != null) {
                span.error(failure);
            } else if (submitted.created()) {
                meters.submitted(submitted.task().type(), via, 1);
            }
            span.end();
        });
    }

    /** A new task without an idempotency key, validated and within the user's rate limit. */
    private NewTask admitted(CurrentUser user, SubmitTaskRequest request, Via via, Span span) {
        NewTask task = prepare(user, request, null, "", span);
        rateLimiter.acquire(user.id(), 1);
        task = admitted(user, List.of(task)).getFirst();
        logAccepted(task, user, via);
        return task;
    }

    /**
     * The owner's new tasks as they are to be stored: within their limit of waiting tasks (else a
     * 429), and those to run now either published on insert or held for a dispatch round.
     */
    private List<NewTask> admitted(CurrentUser user, List<NewTask> tasks) {
        int scheduled = (int) tasks.stream().filter(task -> task.runAt() != null).count();
        if (admission.admit(user.id(), tasks.size() - scheduled, scheduled)) {
            return tasks;
        }
        return tasks.stream().map(task -> task.runAt() == null ? task.asHeld() : task).toList();
    }

    /**
     * The gateway's line about a task, in its submission's span (so with its trace id); debug,
     * since at thousands of tasks a second a line each would cost more than the task.
     */
    private static void logAccepted(NewTask task, CurrentUser user, Via via) {
        if (log.isDebugEnabled()) {
            MDC.put("taskId", task.id().toString());
            try {
                log.debug("taskId={} type={} user={} accepted over {}", task.id(), task.type(), user.id(),
                        via.tag);
            } finally {
                MDC.remove("taskId");
            }
        }
    }

    private Submitted submitWithKey(CurrentUser user, SubmitTaskRequest request, String key, Via via, Span span) {
        Optional<Task> existing = finder.findByIdempotencyKey(user.id(), key);
        if (existing.isPresent()) {
            return new Submitted(existing.get(), false);
        }
        NewTask task = prepare(user, request, key, "", span);
        rateLimiter.acquire(user.id(), 1);
        task = admitted(user, List.of(task)).getFirst();
        logAccepted(task, user, via);
        Map<UUID, Long> transitions;
        try {
            transitions = store(List.of(task));
        } catch (DataIntegrityViolationException e) { // a concurrent request with the same key won the race
            return finder.findByIdempotencyKey(user.id(), key)
                    .map(winner -> new Submitted(winner, false)).orElseThrow(() -> e);
        }
        Task stored = task.stored();
        afterCommit(List.of(stored), transitions);
        return new Submitted(stored, true);
    }

    /**
     * Stores the tasks that arrived together in one transaction, then publishes them. Should the
     * batch break a constraint, each is stored on its own, so only the offending one fails.
     */
    private List<Optional<RuntimeException>> insertAll(List<NewTask> batch) {
        List<Optional<RuntimeException>> results = new ArrayList<>(batch.size());
        try {
            Map<UUID, Long> transitions = storeCoalesced(batch);
            batch.forEach(task -> results.add(Optional.empty()));
            afterCommit(stored(batch), transitions);
        } catch (DataIntegrityViolationException e) {
            List<Task> stored = new ArrayList<>();
            Map<UUID, Long> transitions = new HashMap<>();
            for (NewTask task : batch) {
                try {
                    transitions.putAll(storeCoalesced(List.of(task)));
                    stored.add(task.stored());
                    results.add(Optional.empty());
                } catch (RuntimeException failure) {
                    results.add(Optional.of(failure));
                }
            }
            afterCommit(stored, transitions);
        }
        return results;
    }

    /** New tasks, in one statement and one transaction; the ids of their first history rows, by task. */
    private Map<UUID, Long> store(List<NewTask> batch) {
        return store.insert(batch, properties.outbox().confirmGrace());
    }

    /** As {@link #store}, over the connections kept for the coalesced inserts ({@link SubmissionConnections}). */
    private Map<UUID, Long> storeCoalesced(List<NewTask> batch) {
        return coalescedStore.insert(batch, properties.outbox().confirmGrace());
    }

    private static List<Task> stored(List<NewTask> batch) {
        return batch.stream().map(NewTask::stored).toList();
    }

    /** All or nothing: one invalid task rejects the whole batch before anything is stored. */
    public List<Task> submitBatch(CurrentUser user, List<SubmitTaskRequest> requests, Via via) {
        return inSubmitSpan(via, span -> submitBatchTraced(user, requests, via, span), batch -> batch);
    }

    private List<Task> submitBatchTraced(CurrentUser user, List<SubmitTaskRequest> requests, Via via, Span span) {
        if (requests == null || requests.isEmpty()) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "tasks must be a non-empty array");
        }
        if (requests.size() > properties.maxBatchSize()) {
            throw new ApiException(HttpStatus.BAD_REQUEST,
                    "a batch holds at most " + properties.maxBatchSize() + " tasks, not " + requests.size());
        }
        List<NewTask> prepared = new ArrayList<>(requests.size());
        for (int i = 0; i < requests.size(); i++) {
            prepared.add(prepare(user, requests.get(i), null, "tasks[" + i + "]: ", span));
        }
        rateLimiter.acquire(user.id(), prepared.size());
        List<NewTask> batch = admitted(user, prepared);
        batch.forEach(task -> logAccepted(task, user, via));
        Map<UUID, Long> transitions = store(batch);
        List<Task> stored = stored(batch);
        afterCommit(stored, transitions);
        return stored;
    }

    private NewTask prepare(CurrentUser user, SubmitTaskRequest request, String idempotencyKey, String where,
            Span span) {
        Validated task = validate(request, where);
        // PostgreSQL keeps microseconds: the answer shows the time as it is stored.
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        Instant runAt = runAt(request, now, where);
        return new NewTask(TaskIds.next(), user.id(), task.type(), task.payload(), task.maxAttempts(),
                task.timeoutSeconds(), idempotencyKey, now, TaskTracing.traceparent(span), runAt, task.priority(),
                false);
    }

    /**
     * A task as a submission would store it: its type's key, its payload as JSON text, its
     * attempts, its timeout (null: its type's) and its priority. (When it runs is not part of it.)
     */
    public record Validated(String type, String payload, int maxAttempts, Integer timeoutSeconds, int priority) {
    }

    /**
     * The checks of a submission, and nothing else (no rate limit, nothing stored): what a recurring
     * schedule runs on its task when it is created, so a schedule cannot hold a task its slots
     * could not submit. {@code where} prefixes the refusal's detail.
     */
    public Validated validate(SubmitTaskRequest request, String where) {
        if (request == null) {
            throw new ApiException(HttpStatus.BAD_REQUEST, where + "a task object is required");
        }
        try {
            TaskType type = types.require(request.type());
            if (request.payload() != null && request.content() != null) {
                throw new ApiException(HttpStatus.BAD_REQUEST, where + "give either payload or content, not both");
            }
            JsonNode payload = type.validate(request.payload() == null && request.content() != null
                    ? type.payloadFromText(request.content()) : request.payload());
            Payloads.requireStorable(payload);
            requireRoomForFile(type, payload);
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
            int priority = request.priority() == null ? Task.MIN_PRIORITY : request.priority();
            if (priority < Task.MIN_PRIORITY || priority > Task.MAX_PRIORITY) {
                throw new ApiException(HttpStatus.BAD_REQUEST,
                        where + "priority must be between " + Task.MIN_PRIORITY + " and " + Task.MAX_PRIORITY);
            }
            return new Validated(type.key(), payloadJson, maxAttempts, timeout, priority);
        } catch (UnknownTaskTypeException | InvalidPayloadException e) {
            throw new ApiException(HttpStatus.BAD_REQUEST, where + e.getMessage());
        }
    }

    /**
     * Without artifact storage a result file must fit in the task row: a payload whose file could be
     * larger is refused now, rather than run to a failure (or a file cut short).
     */
    private void requireRoomForFile(TaskType type, JsonNode payload) {
        if (artifactsAvailable || !(type instanceof FileTaskType files)) {
            return;
        }
        long bound = files.maxFileBytes(payload);
        if (bound > artifactThreshold) {
            throw new InvalidPayloadException("the file of this " + type.key() + " could be up to " + bound
                    + " bytes, more than the " + artifactThreshold + " bytes a result may hold without artifact "
                    + "storage, which this deployment does not have (TASKHIVE_ARTIFACTS_ENDPOINT); send less");
        }
    }

    /**
     * Announces tasks that another transaction has just stored (a schedule's slots) and publishes
     * them, or wakes the dispatch round for those stored held: the path of a submission's after its
     * commit.
     */
    public void publishStored(List<Task> committed, Map<UUID, Long> transitions) {
        afterCommit(committed, transitions);
    }

    /**
     * When the task is to run: null for at once (nothing asked, a zero delay, or a time already
     * past, as Celery treats a past ETA), else a time within {@code max-delay} of now.
     */
    private Instant runAt(SubmitTaskRequest request, Instant now, String where) {
        if (request.runAt() == null && request.delay() == null) {
            return null;
        }
        if (request.runAt() != null && request.delay() != null) {
            throw new ApiException(HttpStatus.BAD_REQUEST, where + "give either runAt or delay, not both");
        }
        Duration maxDelay = properties.delayed().maxDelay();
        Instant latest = now.plus(maxDelay);
        Instant runAt;
        if (request.runAt() != null) {
            runAt = RunAt.parseInstant(request.runAt(), where);
        } else {
            Duration delay = RunAt.parseDelay(request.delay(), where);
            runAt = delay.compareTo(maxDelay) > 0 ? Instant.MAX : now.plus(delay);
        }
        if (runAt.isAfter(latest)) {
            throw new ApiException(HttpStatus.BAD_REQUEST,
                    where + "a task may be scheduled at most " + RunAt.describe(maxDelay) + " ahead");
        }
        return runAt.isAfter(now) ? runAt.truncatedTo(ChronoUnit.MICROS) : null;
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

    /**
     * The submitter's answer waits for the commit only (what it promises), not for the broker:
     * announcing and publishing happen on the event publisher's thread.
     */
    private void afterCommit(List<Task> committed, Map<UUID, Long> transitions) {
        List<TaskStatusEvent> created = new ArrayList<>(committed.size());
        List<Task> queued = new ArrayList<>(committed.size());
        boolean held = false;
        for (Task task : committed) {
            created.add(new TaskStatusEvent(transitions.get(task.id()), task.id(), task.ownerId(), task.type(), null,
                    task.status(), task.createdAt(), null, 0));
            if (task.status() == TaskStatus.QUEUED && task.dispatchSeq() > 0) {
                queued.add(task);
            } else if (task.status() == TaskStatus.QUEUED) {
                held = true;
            }
        }
        dispatcher.announceAndDispatch(created, queued);
        if (held) {
            fairDispatch.wake();
        }
    }

    @PreDestroy
    void stop() {
        inserts.close();
    }
}
