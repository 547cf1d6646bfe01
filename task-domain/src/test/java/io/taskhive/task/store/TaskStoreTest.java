package io.taskhive.task.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

import io.taskhive.fleet.FleetStore;
import io.taskhive.task.Task;
import io.taskhive.task.TaskIds;
import io.taskhive.task.TaskStatus;
import io.taskhive.task.TaskTransition;
import io.taskhive.testing.TestInfrastructure;
import io.taskhive.testing.TestInfrastructureExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The store's statements against a real PostgreSQL, migrated as the services migrate it: what each
 * writes, and that each guard lets through exactly the statuses {@link TaskStatus} names for it.
 */
class TaskStoreTest {

    private static final Duration GRACE = Duration.ofSeconds(30);

    @RegisterExtension
    static final TestInfrastructureExtension infrastructure = new TestInfrastructureExtension();

    private static TestInfrastructure.Database database;
    private static JdbcClient jdbc;
    private static TaskStore tasks;
    private static AttemptStore attempts;
    private static OutboxStore outbox;
    private static TaskFinder finder;
    private static FleetStore fleet;

    private long owner;

    @BeforeAll
    static void database() throws Exception {
        database = infrastructure.newDatabase();
        Flyway.configure().dataSource(database.url(), database.user(), database.password()).load().migrate();
        jdbc = JdbcClient.create(new SimpleDriverDataSource(new org.postgresql.Driver(), database.url(),
                database.user(), database.password()));
        tasks = new TaskStore(jdbc);
        attempts = new AttemptStore(jdbc);
        outbox = new OutboxStore(jdbc);
        finder = new TaskFinder(jdbc);
        fleet = new FleetStore(jdbc);
    }

    @BeforeEach
    void newOwner() {
        owner = jdbc.sql("insert into users (username, password_hash, role) values (:name, 'x', 'USER') returning id")
                .param("name", "u" + UUID.randomUUID().toString().substring(0, 8)).query(Long.class).single();
    }

    @Test
    void anInsertedTaskReadsBackAsQueuedWithItsSubmissionInTheHistory() {
        NewTask submitted = newTask("echo", "key-1");
        Map<UUID, Long> transitions = tasks.insert(List.of(submitted), GRACE);

        Task stored = finder.find(submitted.id()).orElseThrow();
        assertThat(stored).isEqualTo(submitted.stored());
        assertThat(finder.findOwned(submitted.id(), owner)).contains(stored);
        assertThat(finder.findOwned(submitted.id(), owner + 1_000)).isEmpty();
        assertThat(finder.findByIdempotencyKey(owner, "key-1")).contains(stored);
        List<TaskTransition> history = finder.history(submitted.id());
        assertThat(history).singleElement().satisfies(t -> {
            assertThat(t.id()).isEqualTo(transitions.get(submitted.id()));
            assertThat(t.fromStatus()).isNull();
            assertThat(t.toStatus()).isEqualTo(TaskStatus.QUEUED);
            assertThat(t.at()).isEqualTo(submitted.createdAt());
        });
    }

    @Test
    void aTaskWithATimeToRunWaitsScheduledUnpublishedAndIsQueuedOnlyOnceDue() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        NewTask later = scheduled(now, now.plus(Duration.ofHours(1)));
        NewTask due = scheduled(now, now.minusMillis(1));
        Map<UUID, Long> transitions = tasks.insert(List.of(later, due), GRACE);

        Task waiting = finder.find(later.id()).orElseThrow();
        assertThat(waiting).isEqualTo(later.stored());
        assertThat(waiting.status()).isEqualTo(TaskStatus.SCHEDULED);
        assertThat(waiting.queuedAt()).isNull();
        assertThat(finder.history(later.id())).singleElement().satisfies(t -> {
            assertThat(t.id()).isEqualTo(transitions.get(later.id()));
            assertThat(t.toStatus()).isEqualTo(TaskStatus.SCHEDULED);
        });
        assertThat(jdbc.sql("select count(*) from tasks where id in (:ids) and dispatch_due_at is not null")
                .param("ids", List.of(later.id(), due.id())).query(Long.class).single())
                .as("no outbox mark: nothing to publish before its time").isZero();
        jdbc.sql("update tasks set dispatch_due_at = now() - interval '1 second' where id in (:ids)")
                .param("ids", List.of(later.id(), due.id())).update();
        assertThat(outbox.claimDue(10_000, GRACE)).extracting(Task::id).doesNotContain(later.id(), due.id());
        assertThat(attempts.claim(List.of(new Claim(due.id(), false)), "w1", GRACE))
                .as("a stray message cannot start it early").isEmpty();
        jdbc.sql("update tasks set dispatch_due_at = null where id in (:ids)")
                .param("ids", List.of(later.id(), due.id())).update();

        assertThat(outbox.millisUntilNextDue()).as("one is due already").isNotPositive();
        List<ReleasedTask> released = outbox.releaseDue(1_000);
        assertThat(released).extracting(ReleasedTask::id).containsExactly(due.id());
        assertThat(released.getFirst().runAt()).isEqualTo(due.runAt());
        Task queued = finder.find(due.id()).orElseThrow();
        assertThat(queued.status()).isEqualTo(TaskStatus.QUEUED);
        assertThat(queued.runAt()).isEqualTo(due.runAt());
        assertThat(queued.queuedAt()).isAfterOrEqualTo(due.runAt());
        assertThat(queued.dispatchSeq()).as("held for a dispatch round").isZero();
        assertThat(released.getFirst().queuedAt()).isEqualTo(queued.queuedAt());
        assertThat(finder.history(due.id())).last().satisfies(t -> {
            assertThat(t.id()).isEqualTo(released.getFirst().transitionId());
            assertThat(t.fromStatus()).isEqualTo(TaskStatus.SCHEDULED);
            assertThat(t.toStatus()).isEqualTo(TaskStatus.QUEUED);
            assertThat(t.at()).isEqualTo(queued.queuedAt());
            assertThat(t.detail()).isEqualTo("due");
        });
        assertThat(jdbc.sql("select dispatch_due_at is null from tasks where id = :id").param("id", due.id())
                .query(Boolean.class).single()).as("no outbox mark: a dispatch round publishes it").isTrue();
        assertThat(outbox.releaseDue(1_000)).as("released once").isEmpty();
        assertThat(outbox.millisUntilNextDue()).as("the next in an hour").isBetween(3_500_000L, 3_600_000L);
        assertThat(finder.find(later.id()).orElseThrow().status()).isEqualTo(TaskStatus.SCHEDULED);
    }

    @Test
    void aReleaseTakesTheLongestDueFirstInBatchesAndNeverACancelledTask() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        List<NewTask> batch = List.of(scheduled(now, now.minusSeconds(3)), scheduled(now, now.minusSeconds(1)),
                scheduled(now, now.minusSeconds(2)), scheduled(now, now.minusSeconds(4)));
        tasks.insert(batch, GRACE);
        assertThat(tasks.cancel(batch.get(3).id(), owner, "cancelled by its owner")).isPresent();

        assertThat(outbox.releaseDue(2)).extracting(ReleasedTask::id)
                .containsExactly(batch.get(0).id(), batch.get(2).id());
        assertThat(outbox.releaseDue(2)).extracting(ReleasedTask::id).containsExactly(batch.get(1).id());
        assertThat(finder.find(batch.get(3).id()).orElseThrow().status()).isEqualTo(TaskStatus.CANCELLED);
    }

    @Test
    void oneTaskAloneIsStoredAsTheSameTaskInABatchIs() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        String traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        List<java.util.function.Function<String, NewTask>> kinds = List.of(
                key -> new NewTask(TaskIds.next(), owner, "echo", "{\"text\": \"hi\"}", 3, null, null, now, null,
                        null, 0, false),
                key -> new NewTask(TaskIds.next(), owner, "uppercase", "{\"text\": \"é\"}", 5, 42, key, now,
                        traceparent, null, 9, false),
                key -> new NewTask(TaskIds.next(), owner, "echo", "{}", 1, null, null, now, null, null, 4, true),
                key -> new NewTask(TaskIds.next(), owner, "echo", "[1, 2]", 2, 7, key, now, traceparent,
                        now.plus(Duration.ofHours(2)), 1, false));
        List<NewTask> alone = kinds.stream().map(kind -> kind.apply("alone-" + UUID.randomUUID())).toList();
        List<NewTask> together = kinds.stream().map(kind -> kind.apply("together-" + UUID.randomUUID())).toList();
        Map<UUID, String> details = Map.of(alone.get(1).id(), "slot of schedule 7", together.get(1).id(),
                "slot of schedule 7");

        for (NewTask task : alone) {
            Map<UUID, Long> transitions = tasks.insert(List.of(task), GRACE, details);
            assertThat(transitions).containsOnlyKeys(task.id());
        }
        assertThat(tasks.insert(together, GRACE, details)).hasSize(together.size());

        for (int i = 0; i < kinds.size(); i++) {
            NewTask one = alone.get(i);
            NewTask many = together.get(i);
            assertThat(finder.find(one.id()).orElseThrow()).as("kind %d", i).isEqualTo(one.stored());
            assertThat(finder.find(many.id()).orElseThrow()).as("kind %d", i).isEqualTo(many.stored());
            assertThat(storedColumns(one.id())).as("kind %d", i).isEqualTo(storedColumns(many.id()));
            assertThat(finder.history(one.id())).singleElement().satisfies(first -> {
                TaskTransition other = finder.history(many.id()).getFirst();
                assertThat(first.toStatus()).isEqualTo(other.toStatus()).isEqualTo(one.stored().status());
                assertThat(first.at()).isEqualTo(other.at()).isEqualTo(now);
                assertThat(first.detail()).isEqualTo(other.detail());
            });
        }
        assertThat(finder.history(alone.get(1).id()).getFirst().detail()).isEqualTo("slot of schedule 7");
        assertThat(finder.history(alone.get(0).id()).getFirst().detail()).isNull();
    }

    /** What an insert writes beyond the task's own fields: its outbox mark, relative to its creation. */
    private String storedColumns(UUID id) {
        return jdbc.sql("""
                select concat_ws('|', status, dispatch_seq, dispatch_due_at - created_at, queued_at - created_at,
                                 run_at - created_at, version, attempts, timeout_seconds, priority, payload::text,
                                 idempotency_key is null, traceparent)
                  from tasks where id = :id""").param("id", id).query(String.class).single();
    }

    @Test
    void anIdempotencyKeyUsedTwiceByOneOwnerFailsTheWholeInsert() {
        tasks.insert(List.of(newTask("echo", "same")), GRACE);
        NewTask other = newTask("echo", null);
        assertThatThrownBy(() -> tasks.insert(List.of(other, newTask("echo", "same")), GRACE))
                .isInstanceOf(DuplicateKeyException.class);
        assertThat(finder.find(other.id())).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(TaskStatus.class)
    void aClaimTakesExactlyTheClaimableStatuses(TaskStatus status) {
        UUID id = storedIn(status);
        List<ClaimedTask> claimed = attempts.claim(List.of(new Claim(id, false)), "w1", GRACE);
        assertThat(claimed).hasSize(TaskStatus.claimable().contains(status) ? 1 : 0);
        claimed.forEach(c -> {
            assertThat(c.fromStatus()).isEqualTo(status);
            assertThat(finder.find(id).orElseThrow().status()).isEqualTo(TaskStatus.RUNNING);
        });
    }

    @ParameterizedTest
    @EnumSource(TaskStatus.class)
    void aCancelTakesExactlyTheCancellableStatuses(TaskStatus status) {
        UUID id = storedIn(status);
        var change = tasks.cancel(id, owner, "cancelled by its owner");
        assertThat(change.isPresent()).isEqualTo(TaskStatus.cancellable().contains(status));
        assertThat(finder.find(id).orElseThrow().status())
                .isEqualTo(change.isPresent() ? TaskStatus.CANCELLED : status);
        change.ifPresent(c -> assertThat(finder.history(id).getLast().id()).isEqualTo(c.transitionId()));
    }

    @ParameterizedTest
    @EnumSource(TaskStatus.class)
    void aRetryTakesExactlyTheRetryableStatuses(TaskStatus status) {
        UUID id = storedIn(status);
        var change = tasks.retry(id, null, Map.of("echo", 3), Instant.now(), "retried by an admin");
        assertThat(change.isPresent()).isEqualTo(TaskStatus.retryable().contains(status));
        change.ifPresent(c -> {
            Task requeued = finder.find(id).orElseThrow();
            assertThat(requeued.status()).isEqualTo(TaskStatus.QUEUED);
            assertThat(requeued.maxAttempts()).isEqualTo(requeued.attempts() + 3);
            assertThat(requeued.dispatchSeq()).isEqualTo(2);
            assertThat(c.fromStatus()).isEqualTo(status);
        });
    }

    @Test
    void anotherOwnerCanNeitherCancelNorRetry() {
        UUID running = storedIn(TaskStatus.RUNNING);
        UUID failed = storedIn(TaskStatus.FAILED);
        assertThat(tasks.cancel(running, owner + 1_000, "x")).isEmpty();
        assertThat(tasks.retry(failed, owner + 1_000, Map.of(), Instant.now(), "x")).isEmpty();
        assertThat(finder.find(running).orElseThrow().status()).isEqualTo(TaskStatus.RUNNING);
    }

    @Test
    void anOutcomeIsRecordedOnlyForTheAttemptThatHoldsTheTask() {
        UUID id = insert("echo");
        ClaimedTask first = attempts.claim(List.of(new Claim(id, false)), "w1", GRACE).getFirst();
        assertThat(first.attempt()).isEqualTo(1);
        assertThat(attempts.claim(List.of(new Claim(id, false)), "w2", GRACE)).as("held by w1").isEmpty();
        // w1 never heartbeated: a redelivered copy may take the task over, fencing attempt 1 out.
        ClaimedTask second = attempts.claim(List.of(new Claim(id, true)), "w2", GRACE).getFirst();
        assertThat(second.attempt()).isEqualTo(2);
        assertThat(second.fromStatus()).isEqualTo(TaskStatus.RUNNING);

        assertThat(attempts.finish(List.of(new Outcome(id, 1, TaskStatus.SUCCEEDED, "{\"late\":true}", null)), "w1"))
                .isEmpty();
        List<FinishedTask> finished = attempts.finish(
                List.of(new Outcome(id, 2, TaskStatus.SUCCEEDED, "{\"ok\":true}", null)), "w2");
        assertThat(finished).singleElement().satisfies(f -> {
            assertThat(f.attempt()).isEqualTo(2);
            assertThat(f.startTransitionId()).isNull();
        });
        Task task = finder.find(id).orElseThrow();
        assertThat(task.status()).isEqualTo(TaskStatus.SUCCEEDED);
        assertThat(task.result()).isEqualTo("{\"ok\": true}");
        assertThat(finder.history(id)).extracting(TaskTransition::toStatus)
                .containsExactly(TaskStatus.QUEUED, TaskStatus.RUNNING, TaskStatus.RUNNING, TaskStatus.SUCCEEDED);
    }

    @Test
    void aLiveHolderKeepsItsTaskAgainstATakeOver() {
        UUID id = insert("echo");
        fleet.heartbeat("live-holder", "host", Instant.now(), 1, 10, false);
        attempts.claim(List.of(new Claim(id, false)), "live-holder", GRACE);
        assertThat(attempts.claim(List.of(new Claim(id, true)), "w2", GRACE)).isEmpty();
        assertThat(attempts.stillRunning(Map.of(id, 1))).containsExactly(id);
        assertThat(attempts.stillRunning(Map.of(id, 2))).isEmpty();
    }

    @Test
    void aPureTaskIsClaimedAndCompletedInOneStatementWithBothChangesInItsHistory() {
        UUID id = insert("uppercase");
        List<FinishedTask> completed = attempts.complete(List.of(new Computed(id, "\"HI\"")), "w1");
        assertThat(completed).singleElement().satisfies(f -> {
            assertThat(f.fromStatus()).isEqualTo(TaskStatus.QUEUED);
            assertThat(f.startTransitionId()).isNotNull();
        });
        assertThat(attempts.complete(List.of(new Computed(id, "\"again\"")), "w2")).isEmpty();
        assertThat(finder.history(id)).extracting(TaskTransition::toStatus)
                .containsExactly(TaskStatus.QUEUED, TaskStatus.RUNNING, TaskStatus.SUCCEEDED);
    }

    /**
     * A worker's batch of pure tasks: each task's two history rows carry the ids the call returns
     * for it, in their order, and the statement reads rows in proportion to the batch. It used to
     * join its inserted history rows back to the tasks, which the planner, knowing nothing of
     * either side, did as a nested loop: 3 million rows read for a thousand tasks, 0.24 s.
     */
    @Test
    void aBatchOfPureTasksIsCompletedWithItsOwnHistoryIdsReadingRowsInProportionToTheBatch() throws Exception {
        int size = 1_000;
        List<NewTask> batch = IntStream.range(0, size).mapToObj(i -> newTask("uppercase", null)).toList();
        tasks.insert(batch, GRACE);
        Object[] ids = batch.stream().map(NewTask::id).toArray();
        Object[] results = batch.stream().map(t -> "\"HI\"").toArray();

        try (Connection connection = connect()) {
            connection.setAutoCommit(false);
            String plan = JdbcClient.create(new SingleConnectionDataSource(connection, true))
                    .sql("explain (analyze, format json) " + AttemptStore.COMPLETE)
                    .param("ids", Rows.array("uuid", ids)).param("results", Rows.array("text", results))
                    .param("workerId", "w1").query(String.class).single();
            connection.rollback();
            assertThat(rowsRead(JsonMapper.shared().readTree(plan).get(0).get("Plan"))).as(plan)
                    .isLessThan(100L * size); // 22 a task here; joined back: 3,027
        }

        List<FinishedTask> completed = attempts.complete(
                batch.stream().map(t -> new Computed(t.id(), "\"HI\"")).toList(), "w1");
        assertThat(completed).hasSize(size);
        Map<UUID, Map<String, Long>> history = new HashMap<>();
        jdbc.sql("select task_id, to_status, id from task_transitions where task_id = any(:ids)")
                .param("ids", Rows.array("uuid", ids))
                .query((RowCallbackHandler) row -> history.computeIfAbsent(row.getObject(1, UUID.class),
                        id -> new HashMap<>()).put(row.getString(2), row.getLong(3)));
        assertThat(completed).allSatisfy(f -> {
            Map<String, Long> rows = history.get(f.id());
            assertThat(rows).containsOnlyKeys("QUEUED", "RUNNING", "SUCCEEDED");
            assertThat(f.startTransitionId()).isEqualTo(rows.get("RUNNING"));
            assertThat(f.transitionId()).isEqualTo(rows.get("SUCCEEDED")).isGreaterThan(rows.get("RUNNING"));
        });
    }

    /** Rows a plan's nodes produced and filtered out, over all their loops. */
    private static long rowsRead(JsonNode node) {
        long perLoop = node.path("Actual Rows").asLong() + node.path("Rows Removed by Filter").asLong()
                + node.path("Rows Removed by Join Filter").asLong();
        long read = perLoop * Math.max(1, node.path("Actual Loops").asLong());
        for (JsonNode child : node.path("Plans")) {
            read += rowsRead(child);
        }
        return read;
    }

    @Test
    void aFailedAttemptIsRetriedLaterAndAHandedBackOneDoesNotCount() {
        UUID id = insert("echo");
        attempts.claim(List.of(new Claim(id, false)), "w1", GRACE);
        RecordedChange retry = attempts.retryLater(id, 1, "boom", Duration.ofSeconds(60), "w1").orElseThrow();
        Task retrying = finder.find(id).orElseThrow();
        assertThat(retrying.status()).isEqualTo(TaskStatus.RETRYING);
        assertThat(retrying.error()).isEqualTo("boom");
        assertThat(outbox.claimDue(100, GRACE)).extracting(Task::id).doesNotContain(id); // not due for a minute
        assertThat(finder.history(id).getLast().id()).isEqualTo(retry.transitionId());

        jdbc.sql("update tasks set dispatch_due_at = now() where id = :id").param("id", id).update();
        attempts.claim(List.of(new Claim(id, false)), "w1", GRACE);
        assertThat(attempts.handBack(id, 1, "w1", "stale attempt")).isEmpty();
        assertThat(attempts.handBack(id, 2, "w1", "worker shutting down")).isPresent();
        Task handedBack = finder.find(id).orElseThrow();
        assertThat(handedBack.status()).isEqualTo(TaskStatus.QUEUED);
        assertThat(handedBack.maxAttempts()).isEqualTo(4);
        assertThat(finder.history(id).getLast().detail()).isEqualTo("worker shutting down");
    }

    @Test
    void theTasksOfASilentWorkerAreRetriedOrParkedDead() {
        UUID retried = insert("echo");
        UUID dead = storedIn(TaskStatus.QUEUED, 1);
        attempts.claim(List.of(new Claim(retried, false), new Claim(dead, false)), "gone", GRACE);
        jdbc.sql("update tasks set started_at = now() - interval '1 hour' where id in (:a, :b)")
                .param("a", retried).param("b", dead).update();

        List<OrphanedTask> orphans = attempts.returnOrphans(Duration.ofMinutes(5), 500);
        assertThat(orphans).extracting(OrphanedTask::id).contains(retried, dead);
        assertThat(finder.find(retried).orElseThrow().status()).isEqualTo(TaskStatus.RETRYING);
        assertThat(finder.find(dead).orElseThrow().status()).isEqualTo(TaskStatus.DEAD);
        assertThat(finder.find(dead).orElseThrow().error()).contains("worker gone stopped responding");
    }

    @Test
    void aConfirmClearsTheOutboxMarkOnlyForTheLatestPublication() {
        UUID id = insert("echo");
        jdbc.sql("update tasks set dispatch_due_at = now() - interval '1 second' where id = :id").param("id", id)
                .update();
        Task relayed = outbox.claimDue(10_000, GRACE).stream().filter(t -> t.id().equals(id)).findFirst()
                .orElseThrow();
        assertThat(relayed.dispatchSeq()).isEqualTo(2);
        assertThat(outbox.confirmed(List.of(new Publication(id, 1)))).isZero();
        // a batch may hold both publications of a task: the latest one clears the mark
        assertThat(outbox.confirmed(List.of(new Publication(id, 1), Publication.of(relayed.dispatchKey()))))
                .isEqualTo(1);
        assertThat(jdbc.sql("select dispatch_due_at is null from tasks where id = :id").param("id", id)
                .query(Boolean.class).single()).isTrue();
    }

    @Test
    void aConfirmSkipsATaskAnotherTransactionHoldsInsteadOfWaitingForIt() throws Exception {
        UUID held = insert("echo");
        UUID free = insert("echo");
        try (Connection holder = connect()) {
            holder.setAutoCommit(false);
            try (PreparedStatement lock = holder.prepareStatement("select 1 from tasks where id = ? for update")) {
                lock.setObject(1, held);
                lock.executeQuery().close();
            }
            int cleared = assertTimeoutPreemptively(Duration.ofSeconds(10),
                    () -> outbox.confirmed(List.of(new Publication(held, 1), new Publication(free, 1))));
            assertThat(cleared).isEqualTo(1);
            holder.rollback();
        }
        // The holder changed nothing: the held task keeps its mark, for the relay to publish again.
        assertThat(jdbc.sql("select id, dispatch_due_at is null from tasks where id in (:ids)")
                .param("ids", List.of(held, free))
                .query((row, n) -> Map.entry(row.getObject(1, UUID.class), row.getBoolean(2))).list())
                .containsExactlyInAnyOrder(Map.entry(held, false), Map.entry(free, true));
        assertThat(outbox.confirmed(List.of(new Publication(held, 1)))).isEqualTo(1);
    }

    @Test
    void aBulkRetryTakesTheFilteredFailedTasksOldestFirst() {
        UUID echo = storedIn(TaskStatus.DEAD);
        UUID upper = storedIn(TaskStatus.DEAD, 3, "uppercase");
        storedIn(TaskStatus.FAILED);
        List<TaskChange> changes = tasks.retryAll(new TaskFilter(owner, TaskStatus.DEAD, null),
                Map.of("echo", 2), 100, Instant.now());
        assertThat(changes).extracting(TaskChange::taskId).containsExactly(echo, upper);
        assertThat(finder.find(echo).orElseThrow().maxAttempts()).isEqualTo(finder.find(echo).orElseThrow().attempts() + 2);
        assertThat(finder.find(upper).orElseThrow().maxAttempts())
                .as("a type without a number gets one more attempt")
                .isEqualTo(finder.find(upper).orElseThrow().attempts() + 1);
        assertThatThrownBy(() -> tasks.retryAll(new TaskFilter(owner, TaskStatus.SUCCEEDED, null), Map.of(), 1,
                Instant.now())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aPageListsNewestFirstWithTheFilterAndItsTotal() {
        for (int i = 0; i < 5; i++) {
            insert(i % 2 == 0 ? "echo" : "uppercase");
        }
        TaskPage<Task> first = finder.page(new TaskFilter(owner, null, "echo"), 0, 2);
        assertThat(first.totalItems()).isEqualTo(3);
        assertThat(first.totalPages()).isEqualTo(2);
        assertThat(first.items()).hasSize(2).allMatch(t -> t.type().equals("echo"))
                .isSortedAccordingTo((a, b) -> b.createdAt().compareTo(a.createdAt()));
        assertThat(finder.page(new TaskFilter(owner, null, "echo"), 1, 2).items()).hasSize(1);
        assertThat(finder.page(new TaskFilter(owner, null, "echo"), 7, 2).totalItems()).isEqualTo(3);
        assertThat(finder.page(new TaskFilter(owner, TaskStatus.RUNNING, null), 0, 10).items()).isEmpty();
        assertThat(finder.countByStatus()).containsKeys(TaskStatus.values());
        assertThat(first.totalExact()).isTrue();
        assertThat(first.hasNext()).isTrue();
        assertThat(finder.page(new TaskFilter(owner, null, "echo"), 1, 2).hasNext()).isFalse();
    }

    @Test
    void theTotalIsCountedUpToItsLimitAndIsALowerBoundPastIt() {
        for (int i = 0; i < 7; i++) {
            insert("echo");
        }
        TaskFilter echoes = new TaskFilter(owner, null, "echo");
        TaskPage<Task> first = finder.page(echoes, 0, 2, 5);
        assertThat(first.totalExact()).isFalse();
        assertThat(first.totalItems()).isEqualTo(5);
        assertThat(first.totalPages()).isEqualTo(3);
        assertThat(first.items()).hasSize(2);
        assertThat(first.hasNext()).isTrue();
        TaskPage<Task> third = finder.page(echoes, 2, 2, 5);
        assertThat(third.hasNext()).as("the counted pages end, the tasks do not").isTrue();
        TaskPage<Task> fourth = finder.page(echoes, 3, 2, 5);
        assertThat(fourth.items()).hasSize(1);
        assertThat(fourth.totalExact()).isTrue();
        assertThat(fourth.totalItems()).isEqualTo(7);
        assertThat(fourth.hasNext()).isFalse();
        assertThat(finder.page(echoes, 2, 2, 5).totalItems()).as("counted at least to the end of the page asked for")
                .isGreaterThanOrEqualTo(6);
        TaskPage<Task> exactly = finder.page(echoes, 0, 2, 7);
        assertThat(exactly.totalExact()).isTrue();
        assertThat(exactly.totalItems()).isEqualTo(7);
        assertThat(exactly.totalPages()).isEqualTo(4);
    }

    private NewTask newTask(String type, String key) {
        return new NewTask(TaskIds.next(), owner, type, "{\"text\": \"hi\"}", 3, null, key,
                Instant.now().truncatedTo(ChronoUnit.MICROS), null, null, 0, false);
    }

    private NewTask scheduled(Instant createdAt, Instant runAt) {
        return new NewTask(TaskIds.next(), owner, "echo", "{}", 3, null, null, createdAt, null, runAt, 0, false);
    }

    private static Connection connect() throws SQLException {
        return DriverManager.getConnection(database.url(), database.user(), database.password());
    }

    private UUID insert(String type) {
        NewTask task = newTask(type, null);
        tasks.insert(List.of(task), GRACE);
        return task.id();
    }

    private UUID storedIn(TaskStatus status) {
        return storedIn(status, 3);
    }

    private UUID storedIn(TaskStatus status, int maxAttempts) {
        return storedIn(status, maxAttempts, "echo");
    }

    /** A task put straight into {@code status}, as if earlier statements had moved it there. */
    private UUID storedIn(TaskStatus status, int maxAttempts, String type) {
        NewTask task = new NewTask(TaskIds.next(), owner, type, "{}", maxAttempts, null, null,
                Instant.now().truncatedTo(ChronoUnit.MICROS), null, null, 0, false);
        tasks.insert(List.of(task), GRACE);
        jdbc.sql("update tasks set status = :status, attempts = case when :status = 'QUEUED' then 0 else 1 end "
                + "where id = :id").param("status", status.name()).param("id", task.id()).update();
        return task.id();
    }
}
