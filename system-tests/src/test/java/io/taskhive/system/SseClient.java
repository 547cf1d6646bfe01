package io.taskhive.system;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import tools.jackson.databind.JsonNode;

/**
 * A server-sent events client as a browser's fetch() reader would be: one GET with the bearer token
 * (and Last-Event-ID), the body parsed line by line as it arrives, per the SSE format.
 */
final class SseClient implements AutoCloseable {

    /** One event: its id (null if none), its name and its data; or a comment (name null, data the comment). */
    record Event(String id, String name, String data, String retry) {

        JsonNode json() {
            return ApiClient.JSON.readTree(data);
        }

        boolean comment() {
            return name == null && retry == null && id == null;
        }
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    final int status;
    final HttpResponse<InputStream> response;
    final String errorBody;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final CountDownLatch ended = new CountDownLatch(1);
    private final InputStream body;

    private SseClient(HttpResponse<InputStream> response) throws IOException {
        this.response = response;
        this.status = response.statusCode();
        this.body = response.body();
        if (status != 200) {
            errorBody = new String(body.readAllBytes(), StandardCharsets.UTF_8);
            ended.countDown();
        } else {
            errorBody = null;
            Thread.ofVirtual().name("sse-client").start(this::read);
        }
    }

    static SseClient open(String baseUrl, String path, String token, Long lastEventId) {
        return openRaw(baseUrl, path, token, lastEventId == null ? null : lastEventId.toString());
    }

    /** With any Last-Event-ID header value, valid or not. */
    static SseClient openRaw(String baseUrl, String path, String token, String lastEventId) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path)).GET()
                .header("Accept", "text/event-stream");
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        try {
            return new SseClient(HTTP.send(request.build(), HttpResponse.BodyHandlers.ofInputStream()));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    String contentType() {
        return response.headers().firstValue("content-type").orElse(null);
    }

    private void read() {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            String id = null;
            String name = null;
            String retry = null;
            StringBuilder data = null;
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.isEmpty()) {
                    if (id != null || name != null || data != null || retry != null) {
                        events.add(new Event(id, name, data == null ? null : data.toString(), retry));
                    }
                    id = null;
                    name = null;
                    retry = null;
                    data = null;
                    continue;
                }
                int colon = line.indexOf(':');
                String field = colon < 0 ? line : line.substring(0, colon);
                String value = colon < 0 ? "" : line.substring(colon + 1);
                if (value.startsWith(" ")) {
                    value = value.substring(1);
                }
                switch (field) {
                    case "" -> events.add(new Event(null, null, value, null));
                    case "id" -> id = value;
                    case "event" -> name = value;
                    case "retry" -> retry = value;
                    case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                    default -> { }
                }
            }
        } catch (IOException e) {
            // closed by us or by the server
        } finally {
            ended.countDown();
        }
    }

    /** The next event (comments included) within the timeout, or null. */
    Event next(Duration timeout) throws InterruptedException {
        return events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Status events (comments and retry skipped) until one matches {@code last}, within the timeout. */
    List<Event> statusEventsUntil(Predicate<Event> last, Duration timeout) throws InterruptedException {
        List<Event> got = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Event event = events.poll(Math.max(1, (deadline - System.nanoTime()) / 1_000_000), TimeUnit.MILLISECONDS);
            if (event == null) {
                break;
            }
            if ("status".equals(event.name())) {
                got.add(event);
                if (last.test(event)) {
                    return got;
                }
            }
        }
        throw new AssertionError("no matching event within " + timeout + "; got " + got);
    }

    /** Every status event until the server ends the stream. */
    List<Event> statusEventsUntilEnd(Duration timeout) throws InterruptedException {
        if (!ended.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("the stream did not end within " + timeout + "; so far " + events);
        }
        return events.stream().filter(e -> "status".equals(e.name())).toList();
    }

    boolean awaitEnd(Duration timeout) throws InterruptedException {
        return ended.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        try {
            body.close();
        } catch (IOException e) {
            // already gone
        }
    }
}
