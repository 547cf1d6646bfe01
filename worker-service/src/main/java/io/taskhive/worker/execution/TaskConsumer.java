package io.taskhive.worker.execution;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.annotation.RabbitListener;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.TransactionException;

import io.taskhive.messaging.PoisonMessageException;
import io.taskhive.messaging.TaskMessage;
import io.taskhive.messaging.TaskMessageCodec;
import io.taskhive.task.TaskType;
import io.taskhive.task.TaskTypeRegistry;

/**
 * Takes task messages off the work queue and runs each on its own virtual thread. The returned
 * future completes when the outcome is committed; only then does the container acknowledge the
 * message (manual acknowledgement), so a worker killed mid-task leaves its messages to be
 * redelivered. A failed future hands the message back to the broker.
 */
@Component
class TaskConsumer {

    static final String LISTENER_ID = "tasks";

    private static final Logger log = LoggerFactory.getLogger(TaskConsumer.class);

    private final TaskMessageCodec codec;
    private final TaskTypeRegistry types;
    private final TaskRunner runner;
    private final DeadLetters deadLetters;
    private final DatabaseOutage outage;
    private final ExecutorService executor = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("task-", 0).factory());
    private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
    private volatile boolean draining;

    TaskConsumer(TaskMessageCodec codec, TaskTypeRegistry types, TaskRunner runner, DeadLetters deadLetters,
            DatabaseOutage outage) {
        this.codec = codec;
        this.types = types;
        this.runner = runner;
        this.deadLetters = deadLetters;
        this.outage = outage;
    }

    @RabbitListener(id = LISTENER_ID, queues = "#{taskQueue.name}", containerFactory = "taskListenerFactory")
    CompletableFuture<Void> onTask(Message message) {
        return CompletableFuture.runAsync(() -> process(message), executor);
    }

    /** From now on, messages not yet claimed are left to the broker (they are redelivered elsewhere). */
    void drain() {
        draining = true;
    }

    /** Messages being processed: claimed, running, or having their outcome recorded. */
    int inFlight() {
        return inFlight.get();
    }

    private void process(Message message) {
        inFlight.incrementAndGet();
        try {
            processCounted(message);
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private void processCounted(Message message) {
        if (draining) {
            throw new IllegalStateException("shutting down; message handed back");
        }
        TaskMessage task;
        TaskType type;
        try {
            task = codec.decode(message);
            type = types.find(task.type()).orElseThrow(
                    () -> new PoisonMessageException("unknown task type '" + task.type() + "'"));
        } catch (PoisonMessageException e) {
            deadLetters.park(message, e.getMessage());
            return;
        }
        try {
            runner.run(task, type, Boolean.TRUE.equals(message.getMessageProperties().getRedelivered()),
                    () -> draining);
        } catch (DataAccessException | TransactionException e) {
            log.warn("taskId={} not processed, database unavailable: {}", task.taskId(), e.getMessage());
            outage.detected();
            throw e;
        }
    }

    void shutdownExecutor() {
        executor.shutdownNow();
    }
}
