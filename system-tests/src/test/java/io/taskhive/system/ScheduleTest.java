package io.taskhive.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

import io.taskhive.gateway.schedule.ScheduleTicker;
import io.taskhive.task.TaskStatus;
import tools.jackson.databind.JsonNode;

/**
 * Recurring schedules on the running system: exactly one task per slot with several gateways and
 * across a gateway's restart, what missed slots become after downtime, pause and resume, one user's
 * schedules out of another's reach, and refusals of bad input.
 */
class ScheduleTest extends ApiTestSupport {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Map<String, Object> UPPERCASE = Map.of("type", "uppercase", "payload", Map.of("text", "tick"));

    private static Map<String, Object> everySecond(String name, String policy) {
        Map<String, Object> body = new HashMap<>();
        body.put("name", name);
        body.put("intervalSeconds", 1);
        body.put("task", UPPERCASE);
        body.put("missedRunPolicy", policy);
        return body;
    }

    private static JsonNode create(User user, Map<String, Object> body) {
        ApiClient.Response created = api.post("/api/schedules", user.token(), body);
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        assertThat(created.header("Location")).isEqualTo("/api/schedules/" + created.json().get("id").stringValue());
        return created.json();
    }

    private static JsonNode get(User user, String id) {
        ApiClient.Response response = api.get("/api/schedules/" + id, user.token());
        assertThat(response.status()).as(response.text()).isEqualTo(200);
        return response.json();
    }

    private static JsonNode patch(User user, String id, Map<String, Object> change) {
        ApiClient.Response response = api.patch("/api/schedules/" + id, user.token(), change);
        assertThat(response.status()).as(response.text()).isEqualTo(200);
        return response.json();
    }

    private static JsonNode awaitSchedule(User user, String id, Predicate<JsonNode> condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode schedule;
        do {
            schedule = get(user, id);
            if (condition.test(schedule)) {
                return schedule;
            }
            sleep(Duration.ofMillis(100));
        } while (System.nanoTime() < deadline);
        throw new AssertionError("schedule " + id + " did not get there within " + timeout + "; last: " + schedule);
    }

    /** The schedule's slots that got a task, oldest first: slot and task id. */
    private static List<String> slots(String scheduleId) {
        return queryRows("select to_char(slot_at at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), task_id "
                + "from schedule_slots where schedule_id = ? order by slot_at", UUID.fromString(scheduleId));
    }

    private static Instant slotOf(String row) {
        return Instant.parse(row.substring(0, row.indexOf('|')));
    }

    /** Tasks whose first history row says this schedule created them. */
    private static long tasksCreatedBy(String scheduleId) {
        return queryForLong("select count(*) from task_transitions where from_status is null and detail like ?",
                "created by schedule " + scheduleId + " %");
    }

    private static Instant instant(JsonNode value) {
        return Instant.parse(value.stringValue());
    }

    @Test
    void twoGatewaysCreateExactlyOneTaskPerSlotOverThirtySlotsAcrossARestart() {
        User user = newUser();
        ConfigurableApplicationContext second = system.startGateway(Map.of());
        ConfigurableApplicationContext restarted = null;
        try {
            assertThat(second.getBean(ScheduleTicker.class).isRunning()).isTrue();
            Map<String, Object> body = everySecond("thirty slots", "RUN_ALL");
            body.put("task", Map.of("type", "uppercase", "payload", Map.of("text", "tick"), "priority", 7));
            JsonNode schedule = create(user, body);
            String id = schedule.get("id").stringValue();
            Instant first = instant(schedule.get("nextRunAt"));
            assertThat(schedule.get("nextRunTimes")).hasSize(5);
            assertThat(instant(schedule.get("nextRunTimes").get(4))).isEqualTo(first.plusSeconds(4));

            awaitSchedule(user, id, s -> !s.get("lastSlotAt").isNull()
                    && !instant(s.get("lastSlotAt")).isBefore(first.plusSeconds(10)), WAIT);
            second.close(); // one gateway goes away mid-run, as in a rolling restart...
            restarted = system.startGateway(Map.of()); // ...and comes back
            awaitSchedule(user, id, s -> !instant(s.get("lastSlotAt")).isBefore(first.plusSeconds(18)), WAIT);
            // A gateway whose clock is behind, or a stale plan, proposes slots that already have their
            // task: the slots' key refuses them, and no second task is created.
            queryRows("update schedules set next_run_at = next_run_at - interval '5 seconds' where id = ? "
                    + "returning id", UUID.fromString(id));
            awaitSchedule(user, id, s -> !instant(s.get("lastSlotAt")).isBefore(first.plusSeconds(29)), WAIT);
            patch(user, id, Map.of("paused", true));

            List<String> rows = slots(id);
            assertThat(rows.size()).isGreaterThanOrEqualTo(30);
            List<Instant> expected = new ArrayList<>();
            for (int i = 0; i < rows.size(); i++) {
                expected.add(first.plusSeconds(i));
            }
            assertThat(rows.stream().map(ScheduleTest::slotOf).toList()).as("one task for each slot, none missing")
                    .isEqualTo(expected);
            assertThat(tasksCreatedBy(id)).as("tasks created by the schedule: one per slot, no other")
                    .isEqualTo(rows.size());
            JsonNode paused = get(user, id);
            assertThat(paused.get("skippedSlots").longValue()).isZero();
            for (String row : rows) {
                String taskId = row.substring(row.indexOf('|') + 1);
                awaitStatus(user, taskId, TaskStatus.SUCCEEDED, WAIT);
            }
            String lastTask = rows.getLast().substring(rows.getLast().indexOf('|') + 1);
            JsonNode task = api.get("/api/tasks/" + lastTask, user.token()).json();
            assertThat(task.get("priority").intValue()).as("the schedule's task, as declared").isEqualTo(7);
            assertThat(task.get("history").get(0).get("detail").stringValue())
                    .isEqualTo("created by schedule " + id + " for its slot " + slotOf(rows.getLast()));
            assertThat(paused.get("lastTaskId").stringValue()).isEqualTo(lastTask);
        } finally {
            second.close();
            if (restarted != null) {
                restarted.close();
            }
        }
    }

    /**
     * No gateway ran for ten minutes: a 60-second schedule has ten slots missed (the latest 30 s
     * ago, so none is on time); each policy makes of them what it declares, in one tick.
     */
    @Test
    void missedSlotsAfterDowntimeFollowTheDeclaredPolicy() {
        User user = newUser();
        Map<String, JsonNode> byPolicy = new HashMap<>();
        for (String policy : List.of("SKIP", "RUN_ONCE", "RUN_ALL")) {
            Map<String, Object> body = new HashMap<>(everySecond("missed " + policy, policy));
            body.put("intervalSeconds", 60);
            body.put("maxMissedRuns", 3);
            body.put("paused", true);
            byPolicy.put(policy, create(user, body));
        }
        // The downtime, as the database shows it: created long ago, next slot ten slots back.
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Instant anchor = now.minusSeconds(570);
        for (JsonNode schedule : byPolicy.values()) {
            queryRows("update schedules set created_at = ?, next_run_at = ?, paused = false where id = ? returning id",
                    anchor.atOffset(ZoneOffset.UTC), anchor.atOffset(ZoneOffset.UTC),
                    UUID.fromString(schedule.get("id").stringValue()));
        }
        Instant nextOnTime = now.plusSeconds(30);
        Map<String, JsonNode> after = new HashMap<>();
        byPolicy.forEach((policy, schedule) -> after.put(policy, awaitSchedule(user, schedule.get("id").stringValue(),
                s -> instant(s.get("nextRunAt")).equals(nextOnTime), WAIT)));

        Instant latestMissed = anchor.plusSeconds(9 * 60);
        assertThat(slots(after.get("SKIP").get("id").stringValue())).isEmpty();
        assertThat(after.get("SKIP").get("skippedSlots").longValue()).isEqualTo(10);

        List<String> once = slots(after.get("RUN_ONCE").get("id").stringValue());
        assertThat(once).hasSize(1);
        assertThat(slotOf(once.getFirst())).isEqualTo(latestMissed);
        assertThat(after.get("RUN_ONCE").get("skippedSlots").longValue()).isEqualTo(9);

        List<String> all = slots(after.get("RUN_ALL").get("id").stringValue());
        assertThat(all.stream().map(ScheduleTest::slotOf).toList())
                .containsExactly(latestMissed.minusSeconds(120), latestMissed.minusSeconds(60), latestMissed);
        assertThat(after.get("RUN_ALL").get("skippedSlots").longValue()).isEqualTo(7);
        for (String row : all) {
            awaitStatus(user, row.substring(row.indexOf('|') + 1), TaskStatus.SUCCEEDED, WAIT);
        }
        for (JsonNode schedule : byPolicy.values()) {
            assertThat(api.delete("/api/schedules/" + schedule.get("id").stringValue(), user.token()).status())
                    .isEqualTo(200);
        }
    }

    @Test
    void aPausedScheduleCreatesNothingUntilResumedFromTheNextSlot() {
        User user = newUser();
        String id = create(user, everySecond("pause me", "RUN_ALL")).get("id").stringValue();
        awaitSchedule(user, id, s -> !s.get("lastTaskId").isNull(), WAIT);

        JsonNode paused = patch(user, id, Map.of("paused", true));
        assertThat(paused.get("paused").booleanValue()).isTrue();
        assertThat(paused.get("nextRunAt").isNull()).isTrue();
        assertThat(paused.get("nextRunTimes")).isEmpty();
        int before = slots(id).size();
        sleep(Duration.ofMillis(2_500));
        assertThat(slots(id)).as("no slot while paused").hasSize(before);

        Instant resumedAt = Instant.now();
        JsonNode resumed = patch(user, id, Map.of("paused", false));
        assertThat(resumed.get("paused").booleanValue()).isFalse();
        assertThat(instant(resumed.get("nextRunAt"))).isAfter(resumedAt.minusSeconds(1))
                .isBefore(resumedAt.plusSeconds(2));
        awaitSchedule(user, id, s -> slots(id).size() > before, WAIT);
        List<Instant> taken = slots(id).stream().map(ScheduleTest::slotOf).toList();
        assertThat(taken.get(before)).as("the slots passed while paused were not wanted, so not missed")
                .isAfter(taken.get(before - 1).plusSeconds(2));
        assertThat(get(user, id).get("skippedSlots").longValue()).isZero();
        assertThat(api.delete("/api/schedules/" + id, user.token()).status()).isEqualTo(200);
        assertThat(api.get("/api/schedules/" + id, user.token()).status()).isEqualTo(404);
        int left = slots(id).size();
        assertThat(left).as("the slots' rows go with their schedule").isZero();
    }

    /** A row no API would write (a cron that does not parse) fails alone; the other schedules go on. */
    @Test
    void aBrokenScheduleDoesNotHoldUpTheOthers() {
        User user = newUser();
        UUID broken = UUID.randomUUID();
        queryRows("""
                insert into schedules (id, owner_id, name, cron, time_zone, task_type, task_payload, max_attempts,
                                       missed_policy, max_missed_runs, next_run_at, created_at, updated_at)
                values (?, ?, 'broken', 'not a cron', 'UTC', 'uppercase', '{"text":"x"}', 1, 'SKIP', 1,
                        now() - interval '1 hour', now(), now())
                returning id""", broken, user.id());
        try {
            String id = create(user, everySecond("healthy", "SKIP")).get("id").stringValue();
            awaitSchedule(user, id, s -> !s.get("lastTaskId").isNull(), WAIT);
            assertThat(slots(broken.toString())).isEmpty();
            assertThat(api.delete("/api/schedules/" + id, user.token()).status()).isEqualTo(200);
        } finally {
            queryRows("delete from schedules where id = ? returning id", broken);
        }
    }

    @Test
    void aUserReachesOnlyTheirOwnSchedulesAndAnAdminReachesAll() {
        User owner = newUser();
        User other = newUser();
        Map<String, Object> body = new HashMap<>(everySecond("mine", "SKIP"));
        body.put("paused", true);
        String id = create(owner, body).get("id").stringValue();
        create(other, body); // the same name, another owner: allowed

        for (ApiClient.Response response : List.of(api.get("/api/schedules/" + id, other.token()),
                api.patch("/api/schedules/" + id, other.token(), Map.of("paused", false)),
                api.delete("/api/schedules/" + id, other.token()))) {
            assertThat(response.status()).as(response.text()).isEqualTo(404);
            assertThat(response.contentType()).startsWith("application/problem+json");
        }
        JsonNode othersList = api.get("/api/schedules", other.token()).json().get("schedules");
        assertThat(othersList).hasSize(1);
        assertThat(othersList.get(0).get("id").stringValue()).isNotEqualTo(id);
        assertThat(othersList.get(0).has("recentRuns")).isFalse();
        assertThat(api.get("/api/schedules?all=true", other.token()).status()).isEqualTo(403);
        assertThat(get(owner, id).get("paused").booleanValue()).isTrue();

        // Over TCP too: the owner reads their schedules; the other user's "schedule" is not_found.
        try (TcpClient owners = new TcpClient(system.tcpPort); TcpClient others = new TcpClient(system.tcpPort)) {
            owners.request("{\"action\":\"login\",\"username\":\"" + owner.username() + "\",\"password\":\""
                    + owner.password() + "\"}\n");
            JsonNode listed = owners.request("{\"action\":\"schedules\"}\n");
            assertThat(listed.get("ok").booleanValue()).as(listed.toString()).isTrue();
            assertThat(listed.get("schedules").get(0).get("id").stringValue()).isEqualTo(id);
            JsonNode one = owners.request("{\"action\":\"schedule\",\"schedule_id\":\"" + id + "\"}\n");
            assertThat(one.get("schedule").get("name").stringValue()).as(one.toString()).isEqualTo("mine");
            others.request("{\"action\":\"login\",\"username\":\"" + other.username() + "\",\"password\":\""
                    + other.password() + "\"}\n");
            JsonNode refused = others.request("{\"action\":\"schedule\",\"schedule_id\":\"" + id + "\"}\n");
            assertThat(refused.get("ok").booleanValue()).as(refused.toString()).isFalse();
            assertThat(refused.get("error").get("code").stringValue()).isEqualTo("not_found");
            JsonNode malformed = others.request("{\"action\":\"schedule\",\"schedule_id\":\"nope\"}\n");
            assertThat(malformed.get("error").get("code").stringValue()).as(malformed.toString())
                    .isEqualTo("invalid_request");
            for (String bad : List.of("{\"action\":\"schedule_create\"}",
                    "{\"action\":\"schedule_create\",\"schedule\":{\"name\":\"x\",\"cron\":\"bad\","
                            + "\"task\":{\"type\":\"uppercase\",\"payload\":{\"text\":\"x\"}}}}",
                    "{\"action\":\"schedule_create\",\"schedule\":{\"name\":\"x\",\"intervalSeconds\":\"often\"}}",
                    "{\"action\":\"schedule_update\",\"schedule_id\":\"" + id + "\"}")) {
                JsonNode refusedCreate = others.request(bad + "\n");
                assertThat(refusedCreate.get("error").get("code").stringValue()).as(bad + " " + refusedCreate)
                        .isEqualTo("invalid_request");
            }
            JsonNode created = others.request("{\"action\":\"schedule_create\",\"schedule\":{\"name\":\"over tcp\","
                    + "\"intervalSeconds\":3600,\"paused\":true,"
                    + "\"task\":{\"type\":\"reverse\",\"payload\":{\"text\":\"abc\"}}}}\n");
            String tcpId = created.get("schedule").get("id").stringValue();
            JsonNode resumed = others.request("{\"action\":\"schedule_update\",\"schedule_id\":\"" + tcpId
                    + "\",\"changes\":{\"paused\":false}}\n");
            assertThat(resumed.get("schedule").get("nextRunAt").isString()).as(resumed.toString()).isTrue();
            JsonNode removed = others.request("{\"action\":\"schedule_delete\",\"schedule_id\":\"" + tcpId
                    + "\"}\n");
            assertThat(removed.get("schedule").get("name").stringValue()).isEqualTo("over tcp");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }

        String admin = login(RunningSystem.ADMIN_USERNAME, RunningSystem.ADMIN_PASSWORD).token();
        assertThat(api.get("/api/schedules/" + id, admin).status()).isEqualTo(200);
        JsonNode everyone = api.get("/api/schedules?all=true", admin).json().get("schedules");
        List<String> ids = new ArrayList<>();
        everyone.forEach(schedule -> ids.add(schedule.get("id").stringValue()));
        assertThat(ids).contains(id);
        assertThat(api.delete("/api/schedules/" + id, admin).status()).isEqualTo(200);
        assertThat(api.get("/api/schedules/" + id, owner.token()).status()).isEqualTo(404);
    }

    @Test
    void badInputIsRefusedWithAClearProblemAndNothingIsStored() {
        User user = newUser();
        Map<String, Map<String, Object>> bad = new java.util.LinkedHashMap<>();
        bad.put("cron 'every minute' is not valid", Map.of("name", "a", "cron", "every minute", "task", UPPERCASE));
        bad.put("is not a known time zone", Map.of("name", "a", "cron", "0 * * * * *", "timeZone", "Mars/Olympus",
                "task", UPPERCASE));
        bad.put("never fires", Map.of("name", "a", "cron", "0 0 0 30 2 *", "task", UPPERCASE));
        bad.put("intervalSeconds must be between 1 and", Map.of("name", "a", "intervalSeconds", 0, "task", UPPERCASE));
        bad.put("give either cron or intervalSeconds, not both", Map.of("name", "a", "cron", "@hourly",
                "intervalSeconds", 60, "task", UPPERCASE));
        bad.put("give cron (with an optional timeZone) or intervalSeconds", Map.of("name", "a", "task", UPPERCASE));
        bad.put("timeZone goes with cron", Map.of("name", "a", "intervalSeconds", 60, "timeZone", "UTC",
                "task", UPPERCASE));
        bad.put("name is at most 100 characters", Map.of("name", "n".repeat(101), "intervalSeconds", 60,
                "task", UPPERCASE));
        bad.put("name is required", Map.of("name", "  ", "intervalSeconds", 60, "task", UPPERCASE));
        bad.put("missedRunPolicy must be one of", Map.of("name", "a", "intervalSeconds", 60, "task", UPPERCASE,
                "missedRunPolicy", "SOMETIMES"));
        bad.put("maxMissedRuns must be between 1 and", Map.of("name", "a", "intervalSeconds", 60, "task", UPPERCASE,
                "maxMissedRuns", 0));
        bad.put("task: a task object is required", Map.of("name", "a", "intervalSeconds", 60));
        bad.put("task: unknown task type", Map.of("name", "a", "intervalSeconds", 60,
                "task", Map.of("type", "teleport", "payload", Map.of())));
        bad.put("task: ", Map.of("name", "a", "intervalSeconds", 60,
                "task", Map.of("type", "uppercase", "payload", Map.of("txt", "x"))));
        bad.put("task: maxAttempts must be between 1 and", Map.of("name", "a", "intervalSeconds", 60,
                "task", Map.of("type", "uppercase", "payload", Map.of("text", "x"), "maxAttempts", 0)));
        bad.put("task: timeoutSeconds must be between 1 and", Map.of("name", "a", "intervalSeconds", 60,
                "task", Map.of("type", "uppercase", "payload", Map.of("text", "x"), "timeoutSeconds", 999_999)));
        bad.put("task: priority must be between 0 and 9", Map.of("name", "a", "intervalSeconds", 60,
                "task", Map.of("type", "uppercase", "payload", Map.of("text", "x"), "priority", 12)));
        bad.put("task: runAt and delay do not apply to a schedule's task", Map.of("name", "a", "intervalSeconds", 60,
                "task", Map.of("type", "uppercase", "payload", Map.of("text", "x"), "delay", "PT5M")));
        bad.forEach((detail, body) -> {
            ApiClient.Response refused = api.post("/api/schedules", user.token(), body);
            assertThat(refused.status()).as(refused.text()).isEqualTo(400);
            assertThat(refused.contentType()).startsWith("application/problem+json");
            assertThat(refused.json().get("detail").stringValue()).as(body.toString()).contains(detail);
        });
        for (String malformed : List.of("{", "[]", "{\"name\": 5, \"intervalSeconds\": \"soon\"}")) {
            ApiClient.Response refused = api.post("/api/schedules", user.token(), malformed);
            assertThat(refused.status()).as(malformed + " " + refused.text()).isEqualTo(400);
        }
        assertThat(api.get("/api/schedules", user.token()).json().get("schedules")).isEmpty();

        Map<String, Object> good = Map.of("name", "once", "intervalSeconds", 3600, "task", UPPERCASE, "paused", true);
        String id = create(user, good).get("id").stringValue();
        ApiClient.Response twice = api.post("/api/schedules", user.token(), good);
        assertThat(twice.status()).as(twice.text()).isEqualTo(409);
        ApiClient.Response badChange = api.patch("/api/schedules/" + id, user.token(), Map.of("cron", "61 * * * * *"));
        assertThat(badChange.status()).as(badChange.text()).isEqualTo(400);
        assertThat(api.patch("/api/schedules/" + UUID.randomUUID(), user.token(), Map.of("paused", true)).status())
                .isEqualTo(404);
        JsonNode cron = patch(user, id, Map.of("cron", "0 0 9 * * MON-FRI", "timeZone", "Europe/Madrid"));
        assertThat(cron.get("intervalSeconds").isNull()).isTrue();
        assertThat(cron.get("timeZone").stringValue()).isEqualTo("Europe/Madrid");

        // The cap on schedules per user (50 by default), counted under the owner's row lock.
        for (int i = 1; i < 50; i++) {
            create(user, Map.of("name", "cap " + i, "intervalSeconds", 3600, "task", UPPERCASE, "paused", true));
        }
        ApiClient.Response overCap = api.post("/api/schedules", user.token(),
                Map.of("name", "one too many", "intervalSeconds", 3600, "task", UPPERCASE, "paused", true));
        assertThat(overCap.status()).as(overCap.text()).isEqualTo(400);
        assertThat(overCap.json().get("detail").stringValue()).contains("the most one user may have (50)");
        assertThat(queryForLong("select count(*) from schedules where owner_id = ?", user.id())).isEqualTo(50);
    }

}
