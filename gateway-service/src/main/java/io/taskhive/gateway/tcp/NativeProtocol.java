package io.taskhive.gateway.tcp;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Base64;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

import io.taskhive.gateway.events.TaskEvents;
import io.taskhive.gateway.security.CurrentUser;
import io.taskhive.gateway.task.PageView;
import io.taskhive.gateway.quota.UserQuotas;
import io.taskhive.gateway.schedule.ScheduleChange;
import io.taskhive.gateway.schedule.ScheduleRequest;
import io.taskhive.gateway.schedule.Schedules;
import io.taskhive.gateway.task.SubmitTaskRequest;
import io.taskhive.gateway.task.TaskCommands;
import io.taskhive.gateway.task.TaskCompletion;
import io.taskhive.gateway.task.TaskQueries;
import io.taskhive.gateway.task.TaskResults;
import io.taskhive.gateway.task.TaskSubmission;
import io.taskhive.gateway.task.TaskViews;
import io.taskhive.gateway.user.InvalidCredentialsException;
import io.taskhive.gateway.user.LoginService;
import io.taskhive.gateway.user.Role;
import io.taskhive.gateway.user.UserAccount;
import io.taskhive.gateway.user.UserRegistration;
import io.taskhive.gateway.user.UsernameTakenException;
import io.taskhive.gateway.web.ApiException;
import io.taskhive.messaging.TaskStatusEvent;
import io.taskhive.task.TaskStatus;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The native dialect: {@code {"action": ..., ...}} with {@code {"ok": true, ...}} or
 * {@code {"ok": false, "error": {"code", "message"}}} replies. It uses the same services as the
 * REST API, so validation, idempotency, rate limits and isolation are the same rules.
 */
@Component
class NativeProtocol {

    private static final int MAX_FILE_BYTES = 8 * 1024 * 1024;

    private final UserRegistration registration;
    private final LoginService login;
    private final TaskSubmission submission;
    private final TaskQueries queries;
    private final TaskCommands commands;
    private final TaskCompletion completion;
    private final TaskViews views;
    private final TaskEvents events;
    private final Schedules schedules;
    private final JsonMapper json;
    private final UserQuotas quotas;
    private final TaskResults results;

    NativeProtocol(UserRegistration registration, LoginService login, TaskSubmission submission, TaskQueries queries,
            TaskCommands commands, TaskCompletion completion, TaskViews views, TaskEvents events,
            JsonMapper json, UserQuotas quotas, Schedules schedules, TaskResults results) {
        this.quotas = quotas;
        this.schedules = schedules;
        this.results = results;
        this.registration = registration;
        this.login = login;
        this.submission = submission;
        this.queries = queries;
        this.commands = commands;
        this.completion = completion;
        this.views = views;
        this.events = events;
        this.json = json;
    }

    /**
     * The reply; a submission's completes once the task is stored (or finished, with {@code wait}),
     * so the connection reads on meanwhile: pipelined submissions are stored together.
     */
    CompletableFuture<JsonNode> handle(TcpConnection connection, CurrentUser caller, String action,
            JsonNode request) {
        if (action.equals("submit")) {
            return submit(required(caller), request);
        }
        return CompletableFuture.completedFuture(switch (action) {
            case "ping" -> TcpReplies.ok().put("pong", true);
            case "register" -> register(request);
            case "login" -> login(connection, request);
            case "get" -> TcpReplies.ok().set("task", tree(queries.get(required(caller).id(), taskId(request))));
            case "list" -> list(required(caller), request);
            case "result" -> resultFile(required(caller), taskId(request));
            case "cancel" -> TcpReplies.ok().set("task",
                    tree(views.of(commands.cancel(required(caller).id(), taskId(request)))));
            case "subscribe" -> subscribe(connection, required(caller));
            case "quotas" -> TcpReplies.ok().set("quotas", tree(quotas.of(required(caller).id())));
            // Recurring schedules: the REST bodies, under "schedule" and "changes".
            case "schedules" -> TcpReplies.ok().set("schedules", tree(schedules.list(required(caller), false)));
            case "schedule" -> TcpReplies.ok().set("schedule",
                    tree(schedules.get(required(caller), scheduleId(request))));
            case "schedule_create" -> TcpReplies.ok().set("schedule", tree(schedules.create(required(caller),
                    body(request, "schedule", ScheduleRequest.class))));
            case "schedule_update" -> TcpReplies.ok().set("schedule", tree(schedules.update(required(caller),
                    scheduleId(request), body(request, "changes", ScheduleChange.class))));
            case "schedule_delete" -> TcpReplies.ok().set("schedule",
                    tree(schedules.delete(required(caller), scheduleId(request))));
            default -> TcpReplies.error("unknown_action", "unknown action '" + action
                    + "'; actions: register, login, submit, get, list, result, cancel, subscribe, quotas, schedules, "
                    + "schedule, schedule_create, schedule_update, schedule_delete, ping");
        });
    }

    /**
     * A task's result file in the reply, in base64: a socket client's way to fetch what HTTP streams
     * from {@code /api/tasks/{id}/result}. Up to {@value #MAX_FILE_BYTES} bytes, which holds any report.
     */
    private JsonNode resultFile(CurrentUser caller, UUID id) {
        TaskResults.Download download = results.open(caller, id);
        byte[] content;
        try (InputStream body = download.body()) {
            content = body.readNBytes(MAX_FILE_BYTES + 1);
        } catch (IOException e) {
            throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "the artifact storage is unavailable; try again");
        }
        if (content.length > MAX_FILE_BYTES) {
            return TcpReplies.error("too_large", "the file is larger than " + MAX_FILE_BYTES
                    + " bytes: download it over HTTP, GET /api/tasks/" + id + "/result");
        }
        ObjectNode reply = TcpReplies.ok();
        reply.putObject("file").put("name", download.fileName()).put("contentType", download.contentType())
                .put("size", content.length).put("sha256", download.sha256())
                .put("base64", Base64.getEncoder().encodeToString(content));
        return reply;
    }

    /** Answers in both vocabularies: seed 2's clients read {@code status}, native ones {@code ok}. */
    private JsonNode register(JsonNode request) {
        try {
            UserAccount user = registration.register(TcpRequestRouter.text(request, "username"),
                    TcpRequestRouter.text(request, "password"));
            ObjectNode reply = TcpReplies.ok().put("status", "success");
            reply.putObject("user").put("id", user.id()).put("username", user.username());
            return reply;
        } catch (UsernameTakenException e) {
            return TcpReplies.error(e).put("status", "in_use");
        } catch (ApiException e) {
            return TcpReplies.error(e).put("status", "error");
        }
    }

    /** A failed login never says whether the user exists (seed 2 had "no_user"; we do not). */
    private JsonNode login(TcpConnection connection, JsonNode request) {
        try {
            LoginService.LoggedIn loggedIn = login.login(TcpRequestRouter.text(request, "username"),
                    TcpRequestRouter.text(request, "password"));
            UserAccount user = loggedIn.user();
            connection.authenticate(new CurrentUser(user.id(), user.username(),
                    user.role() == Role.ADMIN), loggedIn.token().expiresAt());
            return TcpReplies.ok().put("status", "logged_in").put("token", loggedIn.token().token())
                    .put("expiresAt", loggedIn.token().expiresAt().toString());
        } catch (InvalidCredentialsException e) {
            return TcpReplies.error(e).put("status", "wrong_credentials");
        } catch (ApiException e) {
            return TcpReplies.error(e).put("status", "error");
        }
    }

    private CompletableFuture<JsonNode> submit(CurrentUser user, JsonNode request) {
        JsonNode payload = request.get("payload");
        Duration wait = waitTime(request);
        return submission.submitAsync(user, new SubmitTaskRequest(
                TcpRequestRouter.text(request, "type"), payload == null || payload.isNull() ? null : payload,
                TcpRequestRouter.text(request, "content"), integer(request, "max_attempts"),
                integer(request, "timeout_seconds"), TcpRequestRouter.text(request, "run_at"),
                TcpRequestRouter.text(request, "delay"), integer(request, "priority")),
                TcpRequestRouter.text(request, "idempotency_key"), TaskSubmission.Via.TCP)
                .thenCompose(submitted -> (wait.isZero() ? CompletableFuture.completedFuture(submitted.task())
                        : completion.whenFinished(submitted, wait))
                        .thenApply(task -> (JsonNode) TcpReplies.ok().put("created", submitted.created())
                                .set("task", tree(views.of(task)))));
    }

    /** {@code "wait"}: seconds, or true for as long as allowed. */
    private Duration waitTime(JsonNode request) {
        JsonNode wait = request.get("wait");
        if (wait == null || wait.isNull() || (wait.isBoolean() && !wait.booleanValue())) {
            return Duration.ZERO;
        }
        if (wait.isBoolean()) {
            return completion.maxWait();
        }
        if (!wait.isNumber()) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "wait is a number of seconds (or true)");
        }
        return completion.bounded(wait.doubleValue());
    }

    private JsonNode list(CurrentUser user, JsonNode request) {
        String status = TcpRequestRouter.text(request, "status");
        TaskStatus filter;
        try {
            filter = status == null ? null : TaskStatus.valueOf(status.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "unknown status '" + status + "'; expected one of "
                    + java.util.Arrays.toString(TaskStatus.values()));
        }
        Integer page = integer(request, "page");
        Integer size = integer(request, "size");
        PageView<?> view = PageView.of(queries.list(user.id(), filter, TcpRequestRouter.text(request, "type"),
                page == null ? 0 : page, size == null ? TaskQueries.DEFAULT_PAGE_SIZE : size));
        return TcpReplies.ok().set("page", tree(view));
    }

    private JsonNode subscribe(TcpConnection connection, CurrentUser user) {
        connection.subscribe(events.subscribeOwner(user.id(), event -> connection.push(eventLine(event))));
        return TcpReplies.ok().put("subscribed", true);
    }

    private JsonNode eventLine(TaskStatusEvent event) {
        ObjectNode line = json.createObjectNode().put("event", "task").put("task_id", event.taskId().toString())
                .put("type", event.type()).put("status", event.to().name())
                .put("from", event.from() == null ? null : event.from().name())
                .put("at", event.at() == null ? null : event.at().toString()).put("attempt", event.attempt());
        // Last, so that the fields older clients read keep their places.
        return line.put("worker_id", event.workerId()).put("transition_id", event.transitionId());
    }

    private static CurrentUser required(CurrentUser caller) {
        if (caller == null) {
            throw new ApiException(HttpStatus.UNAUTHORIZED,
                    "log in first ({\"action\":\"login\",\"username\":...,\"password\":...}) or send a \"token\"");
        }
        return caller;
    }

    private static UUID taskId(JsonNode request) {
        String id = TcpRequestRouter.text(request, "task_id");
        try {
            return UUID.fromString(id == null ? "" : id);
        } catch (IllegalArgumentException e) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "task_id must be a task id (UUID)");
        }
    }

    /** An object field read as the REST body it stands for; one that does not fit is a 400. */
    private <T> T body(JsonNode request, String field, Class<T> type) {
        JsonNode value = request.get(field);
        if (value == null || !value.isObject()) {
            throw new ApiException(HttpStatus.BAD_REQUEST, field + " must be an object, as the REST API's body");
        }
        try {
            return json.treeToValue(value, type);
        } catch (JacksonException e) {
            throw new ApiException(HttpStatus.BAD_REQUEST, field + " does not fit: " + e.getOriginalMessage());
        }
    }

    private static UUID scheduleId(JsonNode request) {
        String id = TcpRequestRouter.text(request, "schedule_id");
        try {
            return UUID.fromString(id == null ? "" : id);
        } catch (IllegalArgumentException e) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "schedule_id must be a schedule id (UUID)");
        }
    }

    private static Integer integer(JsonNode request, String field) {
        JsonNode value = request.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            throw new ApiException(HttpStatus.BAD_REQUEST, field + " must be an integer");
        }
        return value.intValue();
    }

    private JsonNode tree(Object value) {
        return json.valueToTree(value);
    }
}
