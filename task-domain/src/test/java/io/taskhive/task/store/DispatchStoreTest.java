package io.taskhive.task.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;
import org.springframework.transaction.support.TransactionTemplate;

import io.taskhive.task.Task;
import io.taskhive.task.TaskIds;
import io.taskhive.task.TaskStatus;
import io.taskhive.testing.TestInfrastructure;
import io.taskhive.testing.TestInfrastructureExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Fair dispatch against a real PostgreSQL: which held tasks a round publishes, in which order, and
 * within which limits; and that one round runs at a time.
 */
class DispatchStoreTest {

    private static final Duration GRACE = Duration.ofSeconds(30);
    private static final int NO_LIMIT = 1_000_000;

    @RegisterExtension
    static final TestInfrastructureExtension infrastructure = new TestInfrastructureExtension();

    private static JdbcClient jdbc;
    private static TaskStore tasks;
    private static DispatchStore dispatch;
    private static TransactionTemplate transaction;
    private static SimpleDriverDataSource dataSource;

    private final Instant start = Instant.now().truncatedTo(ChronoUnit.MICROS).minusSeconds(60);
    private int created;

    @BeforeAll
    static void database() throws Exception {
        TestInfrastructure.Database database = infrastructure.newDatabase();
        Flyway.configure().dataSource(database.url(), database.user(), database.password()).load().migrate();
        dataSource = new SimpleDriverDataSource(new org.postgresql.Driver(), database.url(), database.user(),
                database.password());
        jdbc = JdbcClient.create(dataSource);
        tasks = new TaskStore(jdbc);
        dispatch = new DispatchStore(jdbc);
        transaction = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
    }

    @BeforeEach
    void noTasks() {
        // not a delete: the held tasks' index would keep the deleted tasks' entries for the next test
        jdbc.sql("truncate tasks cascade").update();
    }

    @Test
    void aRoundTakesHigherPrioritiesFirstThenEachOwnerInTurn() {
        long flood = owner(null);
        long single = owner(null);
        long mixed = owner(null);
        List<UUID> floods = List.of(held(flood, 0), held(flood, 0), held(flood, 0), held(flood, 0));
        UUID alone = held(single, 0);
        UUID mixedLow = held(mixed, 0);
        UUID urgent = held(mixed, 9);
        assertThat(backlog()).isEqualTo(new DispatchBacklog(true, 0));

        List<Task> first = dispatch.dispatchHeld(4, NO_LIMIT, GRACE);
        // priority 9 first; then every owner's first task (in age order) before anyone's second
        assertThat(first).extracting(Task::id).containsExactly(urgent, floods.get(0), alone, floods.get(1));
        assertThat(first).allSatisfy(task -> {
            assertThat(task.status()).isEqualTo(TaskStatus.QUEUED);
            assertThat(task.dispatchSeq()).isEqualTo(1);
        });
        assertThat(backlog()).isEqualTo(new DispatchBacklog(true, 4));
        assertThat(jdbc.sql("select count(*) from tasks where dispatch_due_at > now()").query(Long.class).single())
                .as("each marked for the relay, should its publish fail").isEqualTo(4);

        // each round starts the turns again: the oldest first task of each owner, then the seconds
        assertThat(dispatch.dispatchHeld(10, NO_LIMIT, GRACE)).extracting(Task::id)
                .containsExactly(floods.get(2), mixedLow, floods.get(3));
        assertThat(dispatch.dispatchHeld(10, NO_LIMIT, GRACE)).isEmpty();
        assertThat(backlog()).isEqualTo(new DispatchBacklog(false, 7));
    }

    @Test
    void anOwnerGetsNoMoreThanTheirLimitLeavesRoomForCountingRunningAndPublishedTasks() {
        long limited = owner(3);
        long other = owner(null);
        UUID running = held(limited, 0);
        jdbc.sql("update tasks set status = 'RUNNING', dispatch_seq = 1, attempts = 1 where id = :id")
                .param("id", running).update();
        List<UUID> waiting = List.of(held(limited, 0), held(limited, 0), held(limited, 0));
        UUID others = held(other, 0);

        assertThat(dispatch.dispatchHeld(1, NO_LIMIT, GRACE)).extracting(Task::id).containsExactly(waiting.get(0));
        assertThat(dispatch.ownerLoad(limited, 1000, 1000)).isEqualTo(new OwnerLoad(3, 1000, 2, 3));
        assertThat(dispatch.dispatchHeld(10, NO_LIMIT, GRACE)).extracting(Task::id)
                .containsExactly(waiting.get(1), others);
        assertThat(dispatch.dispatchHeld(10, NO_LIMIT, GRACE)).as("1 running and 2 published: at its limit")
                .isEmpty();

        jdbc.sql("update tasks set status = 'SUCCEEDED', finished_at = now() where id = :id").param("id", running)
                .update();
        assertThat(dispatch.dispatchHeld(10, NO_LIMIT, GRACE)).extracting(Task::id).containsExactly(waiting.get(2));
        assertThat(dispatch.dispatchHeld(10, 1, GRACE)).as("the default limit applies to owners without their own")
                .isEmpty();
    }

    @Test
    void oneRoundAtATimeTakesTheLock() throws Exception {
        held(owner(null), 0);
        Boolean inner = transaction.execute(status -> {
            assertThat(dispatch.tryLockRound()).isTrue();
            return new TransactionTemplate(new DataSourceTransactionManager(dataSource))
                    .execute(other -> otherConnectionLocks());
        });
        assertThat(inner).as("while one round holds it, another gateway's round skips").isFalse();
        Boolean again = transaction.execute(status -> dispatch.tryLockRound());
        assertThat(again).as("released at commit").isTrue();
    }

    private static boolean otherConnectionLocks() {
        // a new connection of its own: SimpleDriverDataSource opens one per call
        try (var connection = dataSource.getConnection(); var statement = connection.createStatement()) {
            connection.setAutoCommit(false);
            try (var result = statement.executeQuery("select pg_try_advisory_xact_lock(" + 0x7461736b68697665L + ")")) {
                result.next();
                boolean locked = result.getBoolean(1);
                connection.rollback();
                return locked;
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void anOwnersLoadCountsWaitingTasksOfEveryKindAndTheirOwnLimits() {
        long owner = owner(5);
        jdbc.sql("update users set max_queued = 7 where id = :id").param("id", owner).update();
        held(owner, 0);
        NewTask later = new NewTask(TaskIds.next(), owner, "echo", "{}", 3, null, null, next(), null,
                Instant.now().plusSeconds(3_600), 0, false);
        NewTask published = new NewTask(TaskIds.next(), owner, "echo", "{}", 3, null, null, next(), null, null, 0,
                false);
        tasks.insert(List.of(later, published), GRACE);
        assertThat(dispatch.ownerLoad(owner, 1000, 1000)).isEqualTo(new OwnerLoad(5, 7, 1, 3));
        assertThat(dispatch.ownerLoad(owner, 1000, 1000, false)).as("all but the waiting tasks counted")
                .isEqualTo(new OwnerLoad(5, 7, 1, 0));
        assertThat(dispatch.ownerLoad(owner + 1_000_000, 10, 20)).as("no such user: the defaults, nothing counted")
                .isEqualTo(new OwnerLoad(10, 20, 0, 0));
    }

    /**
     * Statistics taken before a flood say no task is held; the round must still find the tasks it
     * marks by primary key, not by reading every held one (which, with a million held, took 0.45 s
     * a round).
     */
    @Test
    void aRoundMarksItsTasksByPrimaryKeyHoweverFewHeldTasksTheStatisticsExpect() {
        long flood = owner(null);
        jdbc.sql("""
                insert into tasks (id, owner_id, type, payload, status, max_attempts, created_at, finished_at)
                select gen_random_uuid(), :owner, 'echo', '{}', 'SUCCEEDED', 3, now(), now()
                  from generate_series(1, 5000)
                """).param("owner", flood).update();
        jdbc.sql("analyze tasks").update();
        jdbc.sql("""
                insert into tasks (id, owner_id, type, payload, status, max_attempts, created_at, queued_at)
                select gen_random_uuid(), :owner, 'echo', '{}', 'QUEUED', 3, now() - make_interval(secs => g), now()
                  from generate_series(1, 20000) g
                """).param("owner", flood).update();

        String plan = String.join("\n", jdbc.sql("explain (costs off) " + DispatchStore.DISPATCH_HELD)
                .param("limit", 1000).param("defaultMaxRunning", NO_LIMIT).param("confirmGraceSeconds", 30.0)
                .query(String.class).list());
        Matcher update = Pattern.compile("Update on tasks (\\w+)").matcher(plan);
        assertThat(update.find()).as(plan).isTrue();
        // the update's own scan of tasks (its alias): by primary key, not through the held tasks' index
        assertThat(plan).as(plan).containsPattern("Index Scan using tasks_pkey on tasks " + update.group(1) + "\\b")
                .doesNotContainPattern("using tasks_held on tasks " + update.group(1) + "\\b");

        assertThat(dispatch.dispatchHeld(1000, NO_LIMIT, GRACE)).hasSize(1000);
        assertThat(jdbc.sql("select count(*) from tasks where status = 'QUEUED' and dispatch_seq = 1")
                .query(Long.class).single()).isEqualTo(1000);
    }

    /**
     * Tasks that started since the last vacuum left their entries in {@code tasks_dispatched}; the
     * backlog's count, asked several times a second while the workers are behind, reads past them
     * without visiting their rows again (a bitmap scan visited each one's heap page at every call).
     */
    @Test
    void theBacklogPassesOverStartedTasksWithoutReadingTheirRowsAgain() {
        long owner = owner(null);
        jdbc.sql("analyze tasks").update(); // statistics that know of no published task
        jdbc.sql("""
                insert into tasks (id, owner_id, type, payload, status, max_attempts, created_at, queued_at,
                                   dispatch_seq)
                select gen_random_uuid(), :owner, 'echo', '{}', 'QUEUED', 3, now(), now(), 1
                  from generate_series(1, 20000)
                """).param("owner", owner).update();
        jdbc.sql("update tasks set status = 'RUNNING', attempts = 1 where owner_id = :owner and status = 'QUEUED'")
                .param("owner", owner).update();
        UUID waiting = held(owner, 0);
        jdbc.sql("update tasks set dispatch_seq = 1 where id = :id").param("id", waiting).update();

        JsonNode plan = backlogPlan(new DispatchBacklog(false, 1));
        assertThat(buffers(plan)).as(plan.toString()).isLessThan(100); // 19 here; with a bitmap scan, 327
    }

    /**
     * Statistics taken during a flood say most tasks are held; by the next count the flood has run
     * and one task is held, stored last. Believing a held task is found within the first rows,
     * PostgreSQL read the whole table in its order to find it (7,886 buffers, 82 ms a call in a
     * benchmark's burst). The held tasks' index still has an entry for each task of the flood until
     * the next vacuum; read from its end, the count reads none of them.
     */
    @Test
    void theBacklogFindsAHeldTaskThroughTheHeldTasksIndexWhateverTheStatisticsExpect() {
        long owner = owner(null);
        heldInBulk(owner, 20_000);
        jdbc.sql("analyze tasks").update(); // statistics taken while every task is held
        jdbc.sql("""
                update tasks set status = 'SUCCEEDED', attempts = 1, dispatch_seq = 1, finished_at = now()
                 where owner_id = :owner
                """).param("owner", owner).update();
        held(owner, 0);

        assertThat(backlog()).isEqualTo(new DispatchBacklog(true, 0));
        JsonNode plan = backlogPlan(new DispatchBacklog(true, 0));
        assertThat(plan.toString()).doesNotContain("Seq Scan");
        assertThat(buffers(plan)).as(plan.toString()).isLessThan(50); // 5; from the index's start 178, the table's 637
    }

    /**
     * A round finds the owners with held tasks from the end of the held tasks' index, where each
     * owner's last published task is: not through the entries of the tasks published before.
     */
    @Test
    void aRoundFindsTheOwnersWithHeldTasksWithoutReadingTheEntriesOfThosePublished() {
        long first = owner(null);
        long second = owner(null);
        heldInBulk(first, 10_000);
        heldInBulk(second, 10_000);
        assertThat(dispatch.dispatchHeld(10_000, NO_LIMIT, GRACE)).hasSize(10_000);
        assertThat(dispatch.dispatchHeld(10_000, NO_LIMIT, GRACE)).hasSize(10_000);
        UUID firstWaiting = held(first, 0);
        UUID secondWaiting = held(second, 0);

        String plan = transaction.execute(status -> {
            String explained = String.join("\n", jdbc.sql("explain (analyze, buffers, format json) "
                    + DispatchStore.DISPATCH_HELD).param("limit", 1000).param("defaultMaxRunning", NO_LIMIT)
                    .param("confirmGraceSeconds", 30.0).query(String.class).list());
            status.setRollbackOnly();
            return explained;
        });
        JsonNode owners = find(JsonMapper.shared().readTree(plan).get(0).get("Plan"), "CTE owners");
        assertThat(owners).as(plan).isNotNull();
        assertThat(buffers(owners)).as(plan).isLessThan(50); // 11; from the index's start, 10,141
        assertThat(dispatch.dispatchHeld(10, NO_LIMIT, GRACE)).extracting(Task::id)
                .containsExactlyInAnyOrder(firstWaiting, secondWaiting);
    }

    /** The backlog's plan, explained in the transaction that has just read it as {@code expected}. */
    private JsonNode backlogPlan(DispatchBacklog expected) {
        String plan = transaction.execute(status -> {
            assertThat(dispatch.backlog()).isEqualTo(expected);
            return jdbc.sql("explain (analyze, buffers, format json) " + DispatchStore.BACKLOG).query(String.class)
                    .single();
        });
        return JsonMapper.shared().readTree(plan).get(0).get("Plan");
    }

    /** Buffers a plan node read, from the cache or not. */
    private static long buffers(JsonNode node) {
        return node.path("Shared Hit Blocks").asLong() + node.path("Shared Read Blocks").asLong();
    }

    private static JsonNode find(JsonNode node, String subplan) {
        if (subplan.equals(node.path("Subplan Name").asString())) {
            return node;
        }
        for (JsonNode child : node.path("Plans")) {
            JsonNode found = find(child, subplan);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    private DispatchBacklog backlog() {
        return transaction.execute(status -> dispatch.backlog());
    }

    private long owner(Integer maxRunning) {
        return jdbc.sql("insert into users (username, password_hash, role, max_running) "
                + "values (:name, 'x', 'USER', :maxRunning) returning id")
                .param("name", "u" + UUID.randomUUID().toString().substring(0, 8))
                .param("maxRunning", maxRunning, java.sql.Types.INTEGER).query(Long.class).single();
    }

    /** {@code count} held tasks of one owner, an hour old, in one statement. */
    private void heldInBulk(long owner, int count) {
        jdbc.sql("""
                insert into tasks (id, owner_id, type, payload, status, max_attempts, created_at, queued_at)
                select gen_random_uuid(), :owner, 'echo', '{}', 'QUEUED', 3, now() - interval '1 hour', now()
                  from generate_series(1, :count)
                """).param("owner", owner).param("count", count).update();
    }

    /** A task stored held, each created a millisecond after the one before. */
    private UUID held(long owner, int priority) {
        NewTask task = new NewTask(TaskIds.next(), owner, "echo", "{}", 3, null, null, next(), null, null, priority,
                true);
        tasks.insert(List.of(task), GRACE);
        return task.id();
    }

    private Instant next() {
        return start.plusMillis(created++);
    }
}
