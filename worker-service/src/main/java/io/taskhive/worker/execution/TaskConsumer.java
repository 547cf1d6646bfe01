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
import io.taskhive.worker.WorkerProperties;
import jakarta.annotation.PreDestroy;

/**
 * Takes task messages off the work queue and runs each on its own virtual thread. The returned
 * future completes when the outcome is committed; only then does the container acknowledge the
 * message (manual acknowledgement), so a worker killed mid-task leaves its messages to be
 * redelivered.
 */
@Component
class TaskConsumer {

    private static final Logger log = LoggerFactory.getLogger(TaskConsumer.class);

    private final TaskMessageCodec codec;
    private final TaskTypeRegistry types;
    private final TaskRunner runner;
    private final DeadLetters deadLetters;
    private final long infrastructureRetryDelayMillis;
    private final ExecutorService executor = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("task-", 0).factory());

    TaskConsumer(TaskMessageCodec codec, TaskTypeRegistry types, TaskRunner runner, DeadLetters deadLetters,
            WorkerProperties properties) {
        this.codec = codec;
        this.types = types;
        this.runner = runner;
        this.deadLetters = deadLetters;
        this.infrastructureRetryDelayMillis = properties.infrastructureRetryDelay().toMillis();
    }

    @RabbitListener(id = "tasks", queues = "#{taskQueue.name}", containerFactory = "taskListenerFactory")
    CompletableFuture<Void> onTask(Message message) {
        return CompletableFuture.runAsync(() -> process(message), executor);
    }

    private void process(Message message) {
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
            runner.run(task, type, Boolean.TRUE.equals(message.getMessageProperties().getRedelivered()));
        } catch (DataAccessException | TransactionException e) {
            // The database is unreachable or failing: give the message back (after a pause, so an
            // outage is not a hot loop) and let the broker redeliver it.
            log.warn("taskId={} not processed, database unavailable: {}", task.taskId(), e.getMessage());
            pause();
            throw e;
        }
    }

    private void pause() {
        try {
            Thread.sleep(infrastructureRetryDelayMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @PreDestroy
    void stop() {
        executor.shutdownNow();
    }
}
