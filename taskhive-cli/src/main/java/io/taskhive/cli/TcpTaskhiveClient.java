package io.taskhive.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Predicate;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The native TCP dialect: one JSON object per line each way, the token on every request. Event
 * lines that arrive while a reply is awaited (after subscribing) are kept for {@link #watch}.
 */
final class TcpTaskhiveClient implements TaskhiveClient {

    private static final int CONNECT_TIMEOUT_MILLIS = 5_000;
    /** How long a reply may take beyond what the request itself asks the server to wait. */
    private static final int REPLY_TIMEOUT_MILLIS = 30_000;

    private final JsonMapper json;
    private final String token;
    private final Socket socket;
    private final OutputStream out;
    private final BufferedReader in;
    private final Deque<JsonNode> events = new ArrayDeque<>();

    TcpTaskhiveClient(String host, int port, String token, JsonMapper json) {
        this.json = json;
        this.token = token;
        try {
            socket = new Socket();
            socket.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MILLIS);
            socket.setSoTimeout(REPLY_TIMEOUT_MILLIS);
            out = socket.getOutputStream();
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new CliException(CliException.UNAVAILABLE, "cannot connect to " + host + ":" + port + ": " + e.getMessage());
        }
    }

    private ObjectNode request(String action) {
        ObjectNode request = json.createObjectNode().put("action", action);
        if (token != null) {
            request.put("token", token);
        }
        return request;
    }

    private JsonNode call(ObjectNode request) {
        try {
            out.write(json.writeValueAsBytes(request));
            out.write('\n');
            out.flush();
            JsonNode reply = readLine();
            while (reply.has("event")) {
                events.add(reply);
                reply = readLine();
            }
            if (!reply.path("ok").asBoolean(false)) {
                JsonNode error = reply.path("error");
                throw CliException.fromServer(error.path("code").asString("error"), error.path("message").asString("failed"));
            }
            return reply;
        } catch (SocketTimeoutException e) {
            throw new CliException(CliException.UNAVAILABLE, "no reply from the server within "
                    + REPLY_TIMEOUT_MILLIS / 1000 + " s");
        } catch (IOException e) {
            throw new CliException(CliException.UNAVAILABLE, "connection lost: " + e.getMessage());
        }
    }

    private JsonNode readLine() throws IOException {
        String line = in.readLine();
        if (line == null) {
            throw new IOException("closed by the server");
        }
        try {
            return json.readTree(line);
        } catch (JacksonException e) {
            throw new CliException(CliException.UNEXPECTED, "the server's reply is not JSON; is "
                    + socket.getRemoteSocketAddress() + " a taskhive gateway?");
        }
    }

    @Override
    public JsonNode register(String username, String password) {
        return call(request("register").put("username", username).put("password", password)).get("user");
    }

    @Override
    public JsonNode login(String username, String password) {
        return call(request("login").put("username", username).put("password", password));
    }

    @Override
    public JsonNode submit(TaskToSubmit task, Duration wait) {
        ObjectNode request = request("submit");
        task.writeTo(request, "run_at");
        if (task.idempotencyKey() != null) {
            request.put("idempotency_key", task.idempotencyKey());
        }
        if (!wait.isZero()) {
            request.put("wait", wait.toMillis() / 1000.0);
        }
        try {
            socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, wait.toMillis() + REPLY_TIMEOUT_MILLIS));
        } catch (IOException e) {
            throw new CliException(CliException.UNAVAILABLE, "connection lost: " + e.getMessage());
        }
        return call(request).get("task");
    }

    @Override
    public JsonNode createSchedule(JsonNode schedule) {
        ObjectNode request = request("schedule_create");
        request.set("schedule", schedule);
        return call(request).get("schedule");
    }

    @Override
    public JsonNode schedules() {
        return call(request("schedules")).get("schedules");
    }

    @Override
    public JsonNode schedule(String scheduleId) {
        return call(request("schedule").put("schedule_id", scheduleId)).get("schedule");
    }

    @Override
    public JsonNode updateSchedule(String scheduleId, JsonNode changes) {
        ObjectNode request = request("schedule_update").put("schedule_id", scheduleId);
        request.set("changes", changes);
        return call(request).get("schedule");
    }

    @Override
    public JsonNode deleteSchedule(String scheduleId) {
        return call(request("schedule_delete").put("schedule_id", scheduleId)).get("schedule");
    }

    @Override
    public JsonNode get(String taskId) {
        return call(request("get").put("task_id", taskId)).get("task");
    }

    @Override
    public ResultFile resultFile(String taskId) {
        JsonNode file = call(request("result").put("task_id", taskId)).get("file");
        return new ResultFile(java.util.Base64.getDecoder().decode(file.path("base64").asString("")),
                file.path("sha256").asString(""));
    }

    @Override
    public JsonNode list(String status, String type, int page, int size) {
        ObjectNode request = request("list").put("page", page).put("size", size);
        if (status != null) {
            request.put("status", status);
        }
        if (type != null) {
            request.put("type", type);
        }
        return call(request).get("page");
    }

    @Override
    public JsonNode cancel(String taskId) {
        return call(request("cancel").put("task_id", taskId)).get("task");
    }

    @Override
    public JsonNode quotas() {
        return call(request("quotas")).get("quotas");
    }

    @Override
    public void watch(String taskId, Predicate<JsonNode> onEvent) {
        call(request("subscribe"));
        if (taskId != null) {
            // it may have finished before the subscription: then no event will come
            JsonNode task = get(taskId);
            if (!onEvent.test(TaskhiveClient.eventOf(json, task))) {
                return;
            }
        }
        try {
            socket.setSoTimeout(0);
            while (true) {
                JsonNode line = events.isEmpty() ? readLine() : events.poll();
                if (line.has("event") && !onEvent.test(line)) {
                    return;
                }
            }
        } catch (IOException e) {
            throw new CliException(CliException.UNAVAILABLE, "connection lost: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
