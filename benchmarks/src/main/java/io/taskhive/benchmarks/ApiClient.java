package io.taskhive.benchmarks;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The REST API as a benchmark uses it: a user of its own, then submissions. */
final class ApiClient {

    static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String token;
    private final String username;
    private final String password;

    private ApiClient(String base, String username, String password, String token) {
        this.base = base;
        this.username = username;
        this.password = password;
        this.token = token;
    }

    /** Registers a fresh user and logs in. */
    static ApiClient newUser(String base) throws Exception {
        String username = "bench" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        String password = "bench-" + UUID.randomUUID();
        HttpClient http = HttpClient.newHttpClient();
        send(http, post(base + "/api/auth/register", null, Map.of("username", username, "password", password)), 201);
        JsonNode login = send(http, post(base + "/api/auth/login", null, Map.of("username", username, "password",
                password)), 200);
        return new ApiClient(base, username, password, login.get("token").stringValue());
    }

    String username() {
        return username;
    }

    String password() {
        return password;
    }

    String token() {
        return token;
    }

    /** One task; the reply is the task as accepted (202), or as finished with {@code waitSeconds}. */
    CompletableFuture<JsonNode> submit(String type, Map<String, ?> payload, Double waitSeconds) {
        String query = waitSeconds == null ? "" : "?wait=" + waitSeconds;
        return http.sendAsync(post(base + "/api/tasks" + query, token, Map.of("type", type, "payload", payload)),
                HttpResponse.BodyHandlers.ofString()).thenApply(response -> check(response, 202, 200));
    }

    CompletableFuture<JsonNode> submitBatch(List<? extends Map<String, ?>> tasks) {
        return http.sendAsync(post(base + "/api/tasks/batch", token, Map.of("tasks", tasks)),
                HttpResponse.BodyHandlers.ofString()).thenApply(response -> check(response, 202));
    }

    /** {@code count} copies of one task, {@code perRequest} to a batch request, all sent at once; waits for the replies. */
    void submitCopies(Map<String, Object> task, int count, int perRequest) {
        List<CompletableFuture<?>> pending = new ArrayList<>();
        for (int sent = 0; sent < count; sent += perRequest) {
            pending.add(submitBatch(Collections.nCopies(Math.min(perRequest, count - sent), task)));
        }
        CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).join();
    }

    JsonNode get(String id) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/api/tasks/" + id))
                .header("Authorization", "Bearer " + token).build();
        return check(http.send(request, HttpResponse.BodyHandlers.ofString()), 200);
    }

    private static HttpRequest post(String url, String token, Object body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return request.build();
    }

    private static JsonNode send(HttpClient http, HttpRequest request, int expected) throws Exception {
        return check(http.send(request, HttpResponse.BodyHandlers.ofString()), expected);
    }

    private static JsonNode check(HttpResponse<String> response, int... expected) {
        for (int status : expected) {
            if (response.statusCode() == status) {
                return JSON.readTree(response.body());
            }
        }
        throw new IllegalStateException(response.request().method() + " " + response.uri() + " answered "
                + response.statusCode() + ": " + response.body());
    }
}
