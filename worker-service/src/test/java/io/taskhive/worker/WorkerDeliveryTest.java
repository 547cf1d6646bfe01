package io.taskhive.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.LongPredicate;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.amqp.rabbit.listener.RabbitListenerEndpointRegistry;
import org.springframework.context.ConfigurableApplicationContext;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.MessageProperties;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.taskhive.messaging.TaskEventPublisher;
import io.taskhive.messaging.TaskStatusEvent;
import io.taskhive.task.TaskStatus;
import io.taskhive.task.store.AttemptStore;
import io.taskhive.task.store.FinishedTask;
import io.taskhive.task.store.Outcome;
import io.taskhive.testing.TestInfrastructure;
import io.taskhive.testing.TestInfrastructureExtension;

/**
 * The worker alone against real PostgreSQL and RabbitMQ: messages are published by the test the
 * way a gateway would, and the outcome is read from the database.
 */
class WorkerDeliveryTest {

    @RegisterExtension
    static final TestInfrastructureExtension infrastructure = new TestInfrastructureExtension();

    private static TestInfrastructure.Database database;
    private static TestInfrastructure.Broker broker;
    private static ConfigurableApplicationContext worker;
    private static com.rabbitmq.client.Connection amqp;
    private static long ownerId;

    @BeforeAll
    static void start() throws Exception {
        database = infrastructure.newDatabase();
        broker = infrastructure.newBroker();
        List<String> args = new ArrayList<>();
        database.springProperties().forEach((k, v) -> args.add("--" + k + "=" + v));
        broker.springProperties().forEach((k, v) -> args.add("--" + k + "=" + v));
        args.add("--server.port=0");
        args.add("--taskhive.worker.id=delivery-test-worker");
        args.add("--taskhive.messaging.delivery-limit=3");
        // The orphan sweeper acts within seconds (its test below), not after the production 20 s.
        args.add("--taskhive.worker.heartbeat-interval=1s");
        args.add("--taskhive.worker.orphan-grace=3s");
        worker = WorkerApplication.builder().run(args.toArray(String[]::new));
        amqp = broker.connectionFactory().newConnection();
        try (Connection db = database.connect(); Statement statement = db.createStatement()) {
            statement.execute("insert into users (username, password_hash, role) values ('owner', 'x', 'USER')");
            try (ResultSet row = statement.executeQuery("select id from users where username = 'owner'")) {
                row.next();
                ownerId = row.getLong(1);
            }
        }
    }

    @AfterAll
    static void stop() throws Exception {
        amqp.close();
        worker.close();
    }

    @Test
    void aMessageDeliveredTwiceRunsTheTaskOnce() throws Exception {
        UUID id = insertTask("QUEUED", 0, null);
        publish(message(id, "uppercase", "{\"text\":\"twice\"}"));
        publish(message(id, "uppercase", "{\"text\":\"twice\"}"));
        awaitStatus(id, "SUCCEEDED");
        Thread.sleep(500); // time for the second delivery to be handled
        assertThat(column(id, "result")).isEqualTo("{\"text\": \"TWICE\"}");
        assertThat(transitions(id)).containsExactly("QUEUED>RUNNING#1@delivery-test-worker",
                "RUNNING>SUCCEEDED#1@delivery-test-worker");
    }

    @Test
    void aPureTaskIsClaimedAndRecordedInOneStatementAndAnnouncedWithItsOutcome() throws Exception {
        try (Channel channel = amqp.createChannel()) {
            String events = channel.queueDeclare().getQueue();
            channel.queueBind(events, broker.namespace() + ".events", "task.#");
            UUID id = insertTask("QUEUED", 0, null);
            publish(message(id, "uppercase", "{\"text\":\"pure\"}"));
            awaitStatus(id, "SUCCEEDED");
            assertThat(column(id, "result")).isEqualTo("{\"text\": \"PURE\"}");
            assertThat(transitions(id)).containsExactly("QUEUED>RUNNING#1@delivery-test-worker",
                    "RUNNING>SUCCEEDED#1@delivery-test-worker");

            List<TaskStatusEvent> announced = List.of();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (announced.isEmpty() && System.nanoTime() < deadline) {
                GetResponse response = channel.basicGet(events, true);
                if (response == null) {
                    Thread.sleep(20);
                    continue;
                }
                announced = worker.getBean(TaskEventPublisher.class)
                        .decode(new org.springframework.amqp.core.Message(response.getBody())).stream()
                        .filter(e -> e.taskId().equals(id)).toList();
            }
            // Both changes travel in one message, in order.
            assertThat(announced).extracting(TaskStatusEvent::to)
                    .containsExactly(TaskStatus.RUNNING, TaskStatus.SUCCEEDED);
            TaskStatusEvent succeeded = announced.getLast();
            assertThat(succeeded.outcome()).isNotNull();
            assertThat(succeeded.outcome().result()).isEqualTo("{\"text\":\"PURE\"}");
            assertThat(succeeded.outcome().error()).isNull();
            assertThat(succeeded.outcome().maxAttempts()).isEqualTo(3);
            assertThat(succeeded.attempt()).isEqualTo(1);
            assertThat(succeeded.outcome().startedAt()).isNotNull().isBeforeOrEqualTo(succeeded.at());
        }
    }

    @Test
    void aPureTaskThatFailsIsRunAgainTheOrdinaryWayAndItsFailureRecorded() throws Exception {
        UUID id = insertTask("QUEUED", 0, null);
        publish(message(id, "uppercase", "{}")); // no text: the computation throws
        awaitStatus(id, "RETRYING");
        assertThat(transitions(id)).containsExactly("QUEUED>RUNNING#1@delivery-test-worker",
                "RUNNING>RETRYING#1@delivery-test-worker");
        assertThat(column(id, "error")).startsWith("NullPointerException");
    }

    @Test
    void aFinishedTaskIsNeverRunAgain() throws Exception {
        UUID id = insertTask("SUCCEEDED", 1, "{\"text\": \"FIRST\"}");
        publish(message(id, "uppercase", "{\"text\":\"second\"}"));
        Thread.sleep(1_000);
        assertThat(column(id, "status")).isEqualTo("SUCCEEDED");
        assertThat(column(id, "result")).isEqualTo("{\"text\": \"FIRST\"}");
        assertThat(transitions(id)).isEmpty();
        assertThat(queueDepth(broker.namespace() + ".tasks")).isZero();
    }

    @Test
    void aMessageRedeliveredAfterItsHolderDiedRunsAgainAndFencesTheOldHolderOut() throws Exception {
        // A worker took the task (attempt 1) and then died holding its message.
        UUID id = insertTask("RUNNING", 1, null);
        RabbitListenerEndpointRegistry listeners = worker.getBean(RabbitListenerEndpointRegistry.class);
        listeners.getListenerContainer("tasks").stop();
        try {
            publish(message(id, "reverse", "{\"text\":\"abc\"}"));
            Channel dying = amqp.createChannel();
            BlockingQueue<Long> received = new ArrayBlockingQueue<>(1);
            dying.basicQos(1);
            dying.basicConsume(broker.namespace() + ".tasks", false, new DefaultConsumer(dying) {
                @Override
                public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
                    received.add(envelope.getDeliveryTag());
                }
            });
            assertThat(received.poll(10, TimeUnit.SECONDS)).as("the dying worker got the message").isNotNull();
            dying.close(); // dies without acknowledging: the broker redelivers
        } finally {
            listeners.getListenerContainer("tasks").start();
        }
        awaitStatus(id, "SUCCEEDED");
        assertThat(column(id, "attempts")).isEqualTo("2");
        assertThat(transitions(id)).containsExactly("RUNNING>RUNNING#2@delivery-test-worker",
                "RUNNING>SUCCEEDED#2@delivery-test-worker");
        // The old holder comes back to life and reports attempt 1: it no longer counts.
        List<FinishedTask> recorded = worker.getBean(AttemptStore.class)
                .finish(List.of(new Outcome(id, 1, TaskStatus.FAILED, null, "late")), "old-worker");
        assertThat(recorded).isEmpty();
        assertThat(column(id, "status")).isEqualTo("SUCCEEDED");
    }

    @Test
    void theTasksOfAWorkerThatStoppedHeartbeatingAreRetriedOrParkedDeadAndCounted() throws Exception {
        MeterRegistry meters = worker.getBean(MeterRegistry.class);
        double returnedBefore = orphaned(meters, "returned");
        double deadBefore = orphaned(meters, "dead");
        UUID retried = insertTask("RUNNING", 1, null);
        UUID dead = insertTask("RUNNING", 3, null);
        try (Connection db = database.connect(); Statement statement = db.createStatement()) {
            statement.executeUpdate("update tasks set worker_id = 'vanished-worker', "
                    + "started_at = now() - interval '1 hour' where id in ('" + retried + "', '" + dead + "')");
        }
        awaitStatus(retried, "RETRYING");
        awaitStatus(dead, "DEAD");
        assertThat(column(retried, "error")).isEqualTo("worker vanished-worker stopped responding while running it");
        assertThat(transitions(dead)).containsExactly("RUNNING>DEAD#3@vanished-worker");
        assertThat(orphaned(meters, "returned") - returnedBefore).isEqualTo(1);
        assertThat(orphaned(meters, "dead") - deadBefore).isEqualTo(1);
    }

    private static double orphaned(MeterRegistry meters, String action) {
        Counter counter = meters.find("taskhive.tasks.orphaned").tags("type", "uppercase", "action", action).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void poisonMessagesAreParkedWithTheirReasonAndNeverLoop() throws Exception {
        String dead = broker.namespace() + ".tasks.dead";
        publish("not json at all".getBytes(StandardCharsets.UTF_8));
        publish("{\"taskId\": \"nope\", \"type\": \"uppercase\", \"payload\": {}}".getBytes(StandardCharsets.UTF_8));
        publish(message(UUID.randomUUID(), "teleport", "{}"));
        List<String> reasons = new ArrayList<>();
        try (Channel channel = amqp.createChannel()) {
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (reasons.size() < 3 && System.nanoTime() < deadline) {
                GetResponse response = channel.basicGet(dead, true);
                if (response == null) {
                    Thread.sleep(100);
                    continue;
                }
                reasons.add(String.valueOf(response.getProps().getHeaders().get("x-taskhive-dead-reason")));
            }
        }
        assertThat(reasons).hasSize(3);
        assertThat(reasons).anySatisfy(r -> assertThat(r).contains("not valid JSON"));
        assertThat(reasons).anySatisfy(r -> assertThat(r).contains("taskId is not a UUID"));
        assertThat(reasons).anySatisfy(r -> assertThat(r).contains("unknown task type 'teleport'"));
        // The worker parks a copy and then acknowledges the original, so the parked copy can be read a
        // moment before the original leaves the work queue (Qpid counts it until the acknowledgement).
        assertThat(awaitQueueDepth(broker.namespace() + ".tasks", depth -> depth == 0)).isZero();
        // Never loop: a second later, nothing came back to either queue.
        Thread.sleep(1_000);
        assertThat(queueDepth(broker.namespace() + ".tasks")).isZero();
        assertThat(queueDepth(dead)).isZero();
    }

    @Test
    void onRabbitMqAMessageThatKeepsComingBackIsParkedByTheQuorumQueuesDeliveryLimit() throws Exception {
        assumeTrue(broker.isRabbitMq(), "skipped: the delivery limit is a RabbitMQ quorum-queue feature; this broker is "
                + broker.kind() + " (taskhive schedules its retries in the database, so it needs none)");
        RabbitListenerEndpointRegistry listeners = worker.getBean(RabbitListenerEndpointRegistry.class);
        listeners.getListenerContainer("tasks").stop();
        try (Channel channel = amqp.createChannel()) {
            publish(message(UUID.randomUUID(), "uppercase", "{\"text\":\"loop\"}"));
            int deliveries = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            GetResponse response;
            // a consumer that always hands the message back, as a crashing one would
            while ((response = channel.basicGet(broker.namespace() + ".tasks", false)) != null
                    || queueDepth(broker.namespace() + ".tasks") > 0) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the message kept coming back after " + deliveries + " deliveries");
                }
                if (response != null) {
                    deliveries++;
                    channel.basicNack(response.getEnvelope().getDeliveryTag(), false, true);
                }
            }
            assertThat(deliveries).as("deliveries before parking (limit 3)").isBetween(3, 4);
            // A quorum queue dead-letters asynchronously: the source can be empty a moment before the
            // parked copy is counted in the dead-letter queue.
            assertThat(awaitQueueDepth(broker.namespace() + ".tasks.dead", depth -> depth >= 1)).isEqualTo(1);
            channel.basicGet(broker.namespace() + ".tasks.dead", true); // leave the queue as found
        } finally {
            listeners.getListenerContainer("tasks").start();
        }
    }

    @Test
    void theWorkerRegistersAndHeartbeats() throws Exception {
        try (Connection db = database.connect(); Statement statement = db.createStatement();
                ResultSet row = statement.executeQuery(
                        "select capacity, stopped_at is null, last_seen > now() - interval '30 seconds' "
                                + "from workers where id = 'delivery-test-worker'")) {
            assertThat(row.next()).isTrue();
            assertThat(row.getInt(1)).isPositive();
            assertThat(row.getBoolean(2)).isTrue();
            assertThat(row.getBoolean(3)).isTrue();
        }
    }

    private static UUID insertTask(String status, int attempts, String result) throws Exception {
        UUID id = UUID.randomUUID();
        try (Connection db = database.connect(); PreparedStatement insert = db.prepareStatement("""
                insert into tasks (id, owner_id, type, payload, status, result, attempts, max_attempts, created_at,
                                   queued_at, worker_id)
                values (?, ?, 'uppercase', '{}', ?, cast(? as jsonb), ?, 3, now(), now(), ?)""")) {
            insert.setObject(1, id);
            insert.setLong(2, ownerId);
            insert.setString(3, status);
            insert.setString(4, result);
            insert.setInt(5, attempts);
            insert.setString(6, attempts > 0 ? "old-worker" : null);
            insert.executeUpdate();
        }
        return id;
    }

    private static byte[] message(UUID id, String type, String payload) {
        return ("{\"taskId\":\"" + id + "\",\"type\":\"" + type + "\",\"payload\":" + payload + "}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static void publish(byte[] body) throws Exception {
        try (Channel channel = amqp.createChannel()) {
            channel.basicPublish(broker.namespace() + ".tasks", "task", MessageProperties.PERSISTENT_BASIC, body);
        }
    }

    private static long queueDepth(String queue) throws Exception {
        try (Channel channel = amqp.createChannel()) {
            return channel.queueDeclarePassive(queue).getMessageCount();
        }
    }

    /** The queue's depth once it satisfies {@code reached} or, failing that, after 10 s. */
    private static long awaitQueueDepth(String queue, LongPredicate reached) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        long depth;
        while (!reached.test(depth = queueDepth(queue)) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        return depth;
    }

    private static void awaitStatus(UUID id, String status) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!status.equals(column(id, "status"))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("task " + id + " is " + column(id, "status") + ", not " + status);
            }
            Thread.sleep(50);
        }
    }

    private static String column(UUID id, String column) throws Exception {
        try (Connection db = database.connect();
                PreparedStatement query = db.prepareStatement("select " + column + " from tasks where id = ?")) {
            query.setObject(1, id);
            try (ResultSet row = query.executeQuery()) {
                row.next();
                return row.getString(1);
            }
        }
    }

    private static List<String> transitions(UUID id) throws Exception {
        List<String> found = new ArrayList<>();
        try (Connection db = database.connect(); PreparedStatement query = db.prepareStatement(
                "select from_status, to_status, attempt, worker_id from task_transitions where task_id = ? order by id")) {
            query.setObject(1, id);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    found.add(rows.getString(1) + ">" + rows.getString(2) + "#" + rows.getInt(3) + "@" + rows.getString(4));
                }
            }
        }
        return found;
    }
}
