package io.taskhive.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import io.taskhive.gateway.events.EventStreams;
import io.taskhive.gateway.events.TaskEvents;
import io.taskhive.task.TaskStatus;
import tools.jackson.databind.JsonNode;

/**
 * Status changes as server-sent events, on the real system: across gateways (a change made through
 * one reaches a stream of another), resumed with Last-Event-ID exactly, one task's stream ending
 * when it is final, per-user isolation, limits, and streams forgotten once their clients leave.
 */
class ServerSentEventsTest extends ApiTestSupport {

    private static final Duration WAIT = Duration.ofSeconds(30);

    /** A second gateway replica, with a quick heartbeat and a small per-user limit. */
    private static ConfigurableApplicationContext gatewayB;
    private static String baseUrlB;

    @BeforeAll
    static void startSecondGateway() {
        gatewayB = system.startGateway(Map.of("taskhive.sse.heartbeat", "300ms", "taskhive.sse.max-streams-per-user",
                3));
        baseUrlB = "http://127.0.0.1:" + ((WebServerApplicationContext) gatewayB).getWebServer().getPort();
    }

    @AfterAll
    static void stopSecondGateway() {
        if (gatewayB != null) {
            gatewayB.close();
        }
    }

    @Test
    void aChangeMadeThroughOneGatewayReachesAStreamOfAnother() throws Exception {
        User alice = newUser();
        try (SseClient stream = SseClient.open(baseUrlB, "/api/events", alice.token(), null)) {
            assertThat(stream.status).as(stream.errorBody).isEqualTo(200);
            assertThat(stream.contentType()).startsWith("text/event-stream");
            assertThat(stream.next(WAIT).retry()).isEqualTo("3000");

            String id = submit(alice, "uppercase", Map.of("text", "hola")).get("id").stringValue(); // via gateway A
            List<SseClient.Event> events = stream.statusEventsUntil(
                    e -> e.json().get("to").stringValue().equals("SUCCEEDED"), WAIT);

            assertThat(events).extracting(e -> e.json().get("to").stringValue())
                    .containsExactly("QUEUED", "RUNNING", "SUCCEEDED");
            assertThat(events).extracting(SseClient.Event::id).containsExactlyElementsOf(transitionIds(id));
            JsonNode running = events.get(1).json();
            assertThat(running.get("transitionId").asString()).isEqualTo(events.get(1).id());
            assertThat(running.get("taskId").stringValue()).isEqualTo(id);
            assertThat(running.get("ownerId").longValue()).isEqualTo(alice.id());
            assertThat(running.get("type").stringValue()).isEqualTo("uppercase");
            assertThat(running.get("from").stringValue()).isEqualTo("QUEUED");
            assertThat(running.get("attempt").intValue()).isEqualTo(1);
            assertThat(running.get("workerId").stringValue()).isEqualTo("it-worker");
            assertThat(events.getFirst().json().get("from").isNull()).isTrue();
            // The time of the event is the time stored in the history.
            assertThat(events).extracting(e -> e.json().get("at").stringValue())
                    .containsExactlyElementsOf(historyTimes(alice, id));

            // A cancel through gateway A too.
            String sleeping = submit(alice, "sleep", Map.of("seconds", 30)).get("id").stringValue();
            awaitStatus(alice, sleeping, TaskStatus.RUNNING, WAIT);
            assertThat(api.delete("/api/tasks/" + sleeping, alice.token()).status()).isEqualTo(200);
            List<SseClient.Event> cancel = stream.statusEventsUntil(
                    e -> e.json().get("to").stringValue().equals("CANCELLED"), WAIT);
            assertThat(cancel.getLast().json().get("taskId").stringValue()).isEqualTo(sleeping);
            assertThat(cancel.getLast().id()).isEqualTo(transitionIds(sleeping).getLast());
        }
    }

    @Test
    void aReconnectWithLastEventIdGetsExactlyTheChangesItMissed() throws Exception {
        User bob = newUser();
        String lastSeen;
        try (SseClient first = SseClient.open(baseUrlB, "/api/events", bob.token(), null)) {
            String id = submit(bob, "uppercase", Map.of("text", "uno")).get("id").stringValue();
            lastSeen = first.statusEventsUntil(e -> e.json().get("to").stringValue().equals("SUCCEEDED")
                    && e.json().get("taskId").stringValue().equals(id), WAIT).getLast().id();
        }
        // Missed while away: two tasks run to the end.
        List<String> missed = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            String id = submit(bob, "reverse", Map.of("text", "away " + i)).get("id").stringValue();
            missed.add(id);
            awaitStatus(bob, id, TaskStatus.SUCCEEDED, WAIT);
        }
        // Changes keep happening while the reconnection replays: the seam must neither lose nor repeat one.
        CompletableFuture<List<String>> during = CompletableFuture.supplyAsync(() -> {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                ids.add(submit(bob, "word_count", Map.of("text", "a b " + i)).get("id").stringValue());
            }
            return ids;
        });
        try (SseClient resumed = SseClient.open(baseUrlB, "/api/events", bob.token(), Long.parseLong(lastSeen))) {
            assertThat(resumed.status).as(resumed.errorBody).isEqualTo(200);
            List<String> submittedDuring = during.join();
            for (String id : submittedDuring) {
                awaitStatus(bob, id, TaskStatus.SUCCEEDED, WAIT);
            }
            List<String> expected = queryRows("""
                    select tt.id from task_transitions tt join tasks t on t.id = tt.task_id
                     where t.owner_id = ? and tt.id > ? order by tt.id""", bob.id(), Long.parseLong(lastSeen));
            List<String> received = new ArrayList<>();
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (received.size() < expected.size() && System.nanoTime() < deadline) {
                SseClient.Event event = resumed.next(Duration.ofSeconds(5));
                if (event != null && "status".equals(event.name())) {
                    received.add(event.id());
                }
            }
            // Nothing more arrives (no duplicate after the last expected one), only heartbeats.
            long quietUntil = System.nanoTime() + Duration.ofMillis(1500).toNanos();
            while (System.nanoTime() < quietUntil) {
                SseClient.Event extra = resumed.next(Duration.ofMillis(100));
                assertThat(extra == null || extra.comment()).as("only heartbeats after the last change: " + extra)
                        .isTrue();
            }
            assertThat(received).as("every missed and live change once").doesNotHaveDuplicates()
                    .containsExactlyInAnyOrderElementsOf(expected);
            // The missed ones come first, replayed in order.
            List<String> missedIds = new ArrayList<>();
            missed.forEach(id -> missedIds.addAll(transitionIds(id)));
            assertThat(received.subList(0, missedIds.size())).containsExactlyElementsOf(missedIds);
        }
    }

    @Test
    void aTaskStreamReplaysItsHistoryThenEndsWhenTheTaskIsFinal() throws Exception {
        User carol = newUser();
        String id = submit(carol, "sleep", Map.of("seconds", 1)).get("id").stringValue();
        try (SseClient stream = SseClient.open(system.baseUrl, "/api/tasks/" + id + "/events", carol.token(), null)) {
            assertThat(stream.status).as(stream.errorBody).isEqualTo(200);
            List<SseClient.Event> events = stream.statusEventsUntilEnd(WAIT);
            assertThat(events).extracting(e -> e.json().get("to").stringValue())
                    .containsExactly("QUEUED", "RUNNING", "SUCCEEDED");
            assertThat(events).extracting(SseClient.Event::id).containsExactlyElementsOf(transitionIds(id));
        }
        // Finished already: the history, then the end at once.
        try (SseClient again = SseClient.open(system.baseUrl, "/api/tasks/" + id + "/events", carol.token(), null)) {
            assertThat(again.statusEventsUntilEnd(WAIT)).hasSize(3);
        }
        // Resumed after its last change: nothing to send, and the stream ends.
        long last = Long.parseLong(transitionIds(id).getLast());
        try (SseClient resumed = SseClient.open(system.baseUrl, "/api/tasks/" + id + "/events", carol.token(), last)) {
            assertThat(resumed.statusEventsUntilEnd(WAIT)).isEmpty();
        }
        // Resumed in the middle: the rest only.
        long first = Long.parseLong(transitionIds(id).getFirst());
        try (SseClient resumed = SseClient.open(system.baseUrl, "/api/tasks/" + id + "/events", carol.token(),
                first)) {
            assertThat(resumed.statusEventsUntilEnd(WAIT)).extracting(e -> e.json().get("to").stringValue())
                    .containsExactly("RUNNING", "SUCCEEDED");
        }
    }

    @Test
    void streamsAreIsolatedPerUserAndEveryoneIsForAdmins() throws Exception {
        User dave = newUser();
        User eve = newUser();
        String davesTask = submit(dave, "sleep", Map.of("seconds", 30)).get("id").stringValue();

        SseClient notHers = SseClient.open(system.baseUrl, "/api/tasks/" + davesTask + "/events", eve.token(), null);
        assertThat(notHers.status).isEqualTo(404);
        assertThat(notHers.contentType()).startsWith("application/problem+json");
        SseClient notAdmin = SseClient.open(system.baseUrl, "/api/events?scope=all", eve.token(), null);
        assertThat(notAdmin.status).isEqualTo(403);
        assertThat(notAdmin.contentType()).startsWith("application/problem+json");
        assertThat(SseClient.open(system.baseUrl, "/api/admin/tasks/" + davesTask + "/events", eve.token(), null)
                .status).isEqualTo(403);
        assertThat(SseClient.open(system.baseUrl, "/api/events", null, null).status).isEqualTo(401);
        SseClient badScope = SseClient.open(system.baseUrl, "/api/events?scope=others", eve.token(), null);
        assertThat(badScope.status).isEqualTo(400);
        SseClient badId = SseClient.openRaw(system.baseUrl, "/api/events", eve.token(), "abc");
        assertThat(badId.status).isEqualTo(400);
        assertThat(badId.contentType()).startsWith("application/problem+json");

        User admin = login(RunningSystem.ADMIN_USERNAME, RunningSystem.ADMIN_PASSWORD);
        try (SseClient everything = SseClient.open(system.baseUrl, "/api/events?scope=all", admin.token(), null);
                SseClient evesOwn = SseClient.open(system.baseUrl, "/api/events", eve.token(), null);
                SseClient anyTask = SseClient.open(system.baseUrl, "/api/admin/tasks/" + davesTask + "/events",
                        admin.token(), null)) {
            assertThat(everything.status).isEqualTo(200);
            assertThat(anyTask.status).isEqualTo(200);
            assertThat(api.delete("/api/tasks/" + davesTask, dave.token()).status()).isEqualTo(200);
            assertThat(everything.statusEventsUntil(e -> e.json().get("taskId").stringValue().equals(davesTask)
                    && e.json().get("to").stringValue().equals("CANCELLED"), WAIT)).isNotEmpty();
            assertThat(anyTask.statusEventsUntilEnd(WAIT)).extracting(e -> e.json().get("to").stringValue())
                    .startsWith("QUEUED").endsWith("CANCELLED");
            // Eve's own stream saw nothing of Dave's.
            SseClient.Event event;
            while ((event = evesOwn.next(Duration.ofMillis(500))) != null) {
                assertThat(event.name()).as(event.toString()).isNotEqualTo("status");
            }
        }
    }

    @Test
    void aStreamSendsHeartbeatsAndIsForgottenOnceItsClientLeaves() throws Exception {
        User frank = newUser();
        EventStreams streams = gatewayB.getBean(EventStreams.class);
        TaskEvents events = gatewayB.getBean(TaskEvents.class);
        awaitCounts(streams, events, 0, 0);
        List<SseClient> clients = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            clients.add(SseClient.open(baseUrlB, "/api/events", frank.token(), null));
        }
        assertThat(clients).allSatisfy(c -> assertThat(c.status).isEqualTo(200));
        SseClient fourth = SseClient.open(baseUrlB, "/api/events", frank.token(), null);
        assertThat(fourth.status).as("over the per-user limit").isEqualTo(429);
        assertThat(fourth.contentType()).startsWith("application/problem+json");
        assertThat(fourth.response.headers().firstValue("Retry-After")).isPresent();
        assertThat(streams.openStreams()).isEqualTo(3);
        assertThat(events.subscriptions()).isEqualTo(3);

        SseClient.Event heartbeat;
        do {
            heartbeat = clients.getFirst().next(Duration.ofSeconds(5));
        } while (heartbeat != null && !heartbeat.comment());
        assertThat(heartbeat).isNotNull();
        assertThat(heartbeat.data()).isEqualTo("keep-alive");

        clients.forEach(SseClient::close);
        awaitCounts(streams, events, 0, 0);
        // The user's slots are free again.
        try (SseClient again = SseClient.open(baseUrlB, "/api/events", frank.token(), null)) {
            assertThat(again.status).isEqualTo(200);
        }
    }

    @Test
    void aGatewayThatShutsDownEndsItsStreams() throws Exception {
        ConfigurableApplicationContext gatewayC = system.startGateway(Map.of());
        String baseUrlC = "http://127.0.0.1:" + ((WebServerApplicationContext) gatewayC).getWebServer().getPort();
        User grace = newUser();
        SseClient stream = SseClient.open(baseUrlC, "/api/events", grace.token(), null);
        assertThat(stream.status).isEqualTo(200);
        long started = System.nanoTime();
        gatewayC.close();
        assertThat(stream.awaitEnd(Duration.ofSeconds(10))).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
    }

    private static void awaitCounts(EventStreams streams, TaskEvents events, int open, int subscriptions) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while ((streams.openStreams() != open || events.subscriptions() != subscriptions)
                && System.nanoTime() < deadline) {
            sleep(Duration.ofMillis(50));
        }
        assertThat(streams.openStreams()).as("open streams").isEqualTo(open);
        assertThat(events.subscriptions()).as("subscriptions").isEqualTo(subscriptions);
    }

    private static List<String> transitionIds(String taskId) {
        return queryRows("select id from task_transitions where task_id = cast(? as uuid) order by id", taskId);
    }

    private static List<String> historyTimes(User user, String taskId) {
        JsonNode history = api.get("/api/tasks/" + taskId, user.token()).json().get("history");
        List<String> times = new ArrayList<>();
        history.forEach(h -> times.add(h.get("at").stringValue()));
        return times;
    }
}
