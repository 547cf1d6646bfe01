package io.taskhive.worker.execution;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.annotation.RabbitListener;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.TransactionException;

import com.rabbitmq.client.Channel;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.taskhive.messaging.PoisonMessageException;
import io.taskhive.messaging.TaskMessage;
import io.taskhive.messaging.TaskMessageCodec;
import io.taskhive.messaging.TraceHeaders;
import io.taskhive.task.TaskType;
import io.taskhive.task.TaskTypeRegistry;
import io.taskhive.worker.WorkerProperties;

/**
 * Takes task messages off the work queue (one task, or several published together) and runs each
 * task on its own virtual thread, at most {@code max-in-flight} at once. A message is acknowledged
 * (manual acknowledgement, through its {@link MessageReceipt}) when every task of it has its outcome
 * committed, so a worker killed mid-task leaves its messages to be redelivered, and tasks of a
 * redelivered message that had finished are skipped. A message whose tasks could not be processed
 * goes back to the broker.
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
    private final Semaphore slots;
    private final ExecutorService executor = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("task-", 0).factory());
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean draining;

    TaskConsumer(TaskMessageCodec codec, TaskTypeRegistry types, TaskRunner runner, DeadLetters deadLetters,
            DatabaseOutage outage, WorkerProperties properties, MeterRegistry meters) {
        this.codec = codec;
        this.types = types;
        this.runner = runner;
        this.deadLetters = deadLetters;
        this.outage = outage;
        this.slots = new Semaphore(properties.maxInFlight());
        Gauge.builder("taskhive.tasks.in.flight", inFlight, AtomicInteger::get)
                .description("Tasks this worker holds: claimed, running, or having their outcome recorded")
                .register(meters);
    }

    /**
     * Starts the message's tasks; while {@code max-in-flight} tasks run, this waits for a slot,
     * which holds back further deliveries. Nothing may escape from here: with manual
     * acknowledgement a message the listener throws on would stay unsettled until the channel closes.
     */
    @RabbitListener(id = LISTENER_ID, queues = "#{taskQueue.name}", containerFactory = "taskListenerFactory")
    void onTask(Message message, Channel channel) {
        MessageReceipt receipt = MessageReceipt.of(channel, message.getMessageProperties().getDeliveryTag());
        try {
            start(message).whenComplete((done, failure) -> {
                if (failure == null) {
                    receipt.acknowledge();
                } else {
                    receipt.handBack();
                }
            });
        } catch (RuntimeException e) {
            log.warn("message {} handed back: {}", message.getMessageProperties().getMessageId(), e.toString());
            receipt.handBack();
        }
    }

    private CompletableFuture<Void> start(Message message) {
        List<TaskMessage> tasks;
        try {
            tasks = codec.decodeAll(message);
        } catch (PoisonMessageException e) {
            deadLetters.park(message, e.getMessage());
            return CompletableFuture.completedFuture(null);
        }
        boolean redelivered = Boolean.TRUE.equals(message.getMessageProperties().getRedelivered());
        List<UUID> ids = new ArrayList<>(tasks.size());
        tasks.forEach(task -> ids.add(task.taskId()));
        Map<UUID, String> traces = TraceHeaders.read(message.getMessageProperties(), ids);
        List<CompletableFuture<Void>> outcomes = new ArrayList<>(tasks.size());
        for (TaskMessage task : tasks) {
            Optional<TaskType> type = types.find(task.type());
            if (type.isEmpty()) {
                String reason = "unknown task type '" + task.type() + "'";
                deadLetters.park(tasks.size() == 1 ? message : codec.encode(task), reason);
                continue;
            }
            try {
                slots.acquire();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                outcomes.add(CompletableFuture.failedFuture(e));
                break;
            }
            String traceparent = traces.get(task.taskId());
            outcomes.add(CompletableFuture.runAsync(() -> process(task, type.get(), redelivered, traceparent), executor)
                    .whenComplete((done, failure) -> slots.release()));
        }
        return CompletableFuture.allOf(outcomes.toArray(CompletableFuture[]::new));
    }

    /** From now on, tasks not yet claimed are left to the broker (their messages are redelivered elsewhere). */
    void drain() {
        draining = true;
    }

    /** Tasks being processed: claimed, running, or having their outcome recorded. */
    int inFlight() {
        return inFlight.get();
    }

    private void process(TaskMessage task, TaskType type, boolean redelivered, String traceparent) {
        inFlight.incrementAndGet();
        try {
            if (draining) {
                throw new IllegalStateException("shutting down; message handed back");
            }
            runner.run(task, type, redelivered, () -> draining, traceparent);
        } catch (DataAccessException | TransactionException e) {
            log.warn("taskId={} not processed, database unavailable: {}", task.taskId(), e.getMessage());
            outage.detected();
            throw e;
        } finally {
            inFlight.decrementAndGet();
        }
    }

    void shutdownExecutor() {
        executor.shutdownNow();
    }
}
