package io.taskhive.cli;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Predicate;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** The REST API, for where only HTTP gets through. Waiting is done by polling. */
final class HttpTaskhiveClient implements TaskhiveClient {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String baseUrl;
    private final String token;
    private final JsonMapper json;

    HttpTaskhiveClient(String baseUrl, String token, JsonMapper json) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.token = token;
        this.json = json;
    }

    private JsonNode send(String method, String path, JsonNode body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body)))
                .header("Content-Type", "application/json");
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new CliException(CliException.UNAVAILABLE, "cannot reach " + baseUrl + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(CliException.UNAVAILABLE, "interrupted");
        }
        JsonNode reply;
        try {
            reply = response.body().isBlank() ? json.createObjectNode() : json.readTree(response.body());
        } catch (JacksonException e) {
            throw new CliException(response.statusCode() >= 500 ? CliException.UNAVAILABLE : CliException.UNEXPECTED,
                    "HTTP " + response.statusCode() + " without a JSON body; is " + baseUrl + " a taskhive gateway?");
        }
        if (response.statusCode() >= 400) {
            String code = switch (response.statusCode()) {
                case 401 -> "unauthorized";
                case 403 -> "forbidden";
                case 404 -> "not_found";
                case 502, 503, 504 -> "unavailable";
                default -> "refused";
            };
            throw CliException.fromServer(code, reply.path("detail").asString("HTTP " + response.statusCode()));
        }
        return reply;
    }

    @Override
    public JsonNode register(String username, String password) {
        return send("POST", "/api/auth/register", credentials(username, password));
    }

    @Override
    public JsonNode login(String username, String password) {
        return send("POST", "/api/auth/login", credentials(username, password));
    }

    private ObjectNode credentials(String username, String password) {
        return json.createObjectNode().put("username", username).put("password", password);
    }

    @Override
    public JsonNode submit(TaskToSubmit submitted, Duration wait) {
        ObjectNode body = json.createObjectNode();
        submitted.writeTo(body, "runAt");
        JsonNode task = submitted.idempotencyKey() == null ? send("POST", "/api/tasks", body)
                : send("POST", "/api/tasks", body, "Idempotency-Key", submitted.idempotencyKey());
        long deadline = System.nanoTime() + wait.toNanos();
        while (!TaskhiveCli.FINAL.contains(task.path("status").asString("")) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            task = get(task.get("id").asString());
        }
        return task;
    }

    @Override
    public JsonNode get(String taskId) {
        return send("GET", "/api/tasks/" + encode(taskId), null);
    }

    @Override
    public ResultFile resultFile(String taskId) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + "/api/tasks/" + encode(taskId)
                + "/result")).timeout(Duration.ofSeconds(60)).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<byte[]> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new CliException(CliException.UNAVAILABLE, "cannot reach " + baseUrl + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(CliException.UNAVAILABLE, "interrupted");
        }
        if (response.statusCode() >= 400) {
            String detail;
            try {
                detail = json.readTree(response.body()).path("detail").asString("HTTP " + response.statusCode());
            } catch (JacksonException e) {
                detail = "HTTP " + response.statusCode();
            }
            throw CliException.fromServer(switch (response.statusCode()) {
                case 401 -> "unauthorized";
                case 404 -> "not_found";
                case 502, 503, 504 -> "unavailable";
                default -> "refused";
            }, detail);
        }
        // Repr-Digest: sha-256=:<base64>:
        String digest = response.headers().firstValue("Repr-Digest").orElse("");
        String sha256 = "";
        if (digest.startsWith("sha-256=:") && digest.endsWith(":") && digest.length() > 10) {
            sha256 = java.util.HexFormat.of().formatHex(java.util.Base64.getDecoder()
                    .decode(digest.substring(9, digest.length() - 1)));
        }
        return new ResultFile(response.body(), sha256);
    }

    @Override
    public JsonNode list(String status, String type, int page, int size) {
        StringBuilder query = new StringBuilder("/api/tasks?page=" + page + "&size=" + size);
        if (status != null) {
            query.append("&status=").append(encode(status));
        }
        if (type != null) {
            query.append("&type=").append(encode(type));
        }
        return send("GET", query.toString(), null);
    }

    @Override
    public JsonNode cancel(String taskId) {
        return send("DELETE", "/api/tasks/" + encode(taskId), null);
    }

    @Override
    public JsonNode createSchedule(JsonNode schedule) {
        return send("POST", "/api/schedules", schedule);
    }

    @Override
    public JsonNode schedules() {
        return send("GET", "/api/schedules", null).path("schedules");
    }

    @Override
    public JsonNode schedule(String scheduleId) {
        return send("GET", "/api/schedules/" + encode(scheduleId), null);
    }

    @Override
    public JsonNode updateSchedule(String scheduleId, JsonNode changes) {
        return send("PATCH", "/api/schedules/" + encode(scheduleId), changes);
    }

    @Override
    public JsonNode deleteSchedule(String scheduleId) {
        return send("DELETE", "/api/schedules/" + encode(scheduleId), null);
    }

    @Override
    public JsonNode quotas() {
        return send("GET", "/api/quotas", null);
    }

    @Override
    public void watch(String taskId, Predicate<JsonNode> onEvent) {
        throw new CliException(2, "watch follows live updates over the TCP connection; drop --http");
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        http.close();
    }
}
