package io.taskhive.gateway.task;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.AmqpException;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.stereotype.Component;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.tracing.Span;
import io.taskhive.messaging.MessagingProperties;
import io.taskhive.messaging.MessagingTopology;
import io.taskhive.messaging.TaskEventPublisher;
import io.taskhive.messaging.TaskMessageCodec;
import io.taskhive.messaging.TaskStatusEvent;
import io.taskhive.messaging.TraceHeaders;
import io.taskhive.task.Task;

/**
 * Publishes committed tasks to the work queue: persistent, mandatory, with correlated publisher
 * confirms. Only a positive confirm of a message that was not returned as unroutable clears a
 * task's outbox mark (RabbitMQ sends the return before the ack; Qpid sends a nack, then the
 * return: both leave the mark). Whatever is not confirmed, the {@link OutboxRelay} publishes again.
 *
 * <p>Tasks published together share messages of up to {@link #MAX_TASKS_PER_MESSAGE}: a message
 * costs the broker, this gateway and a worker about the same whether it carries one task or fifty.
 * Kept small enough that work still spreads across worker replicas.
 *
 * <p>Each task's trace context travels in the message headers ({@link TraceHeaders}); the time from
 * sending a message to the broker's confirm is the timer {@code taskhive.publish.confirm}, tagged
 * with the result (ack, nack, returned).
 */
@Component
class TaskDispatcher {

    private static final Logger log = LoggerFactory.getLogger(TaskDispatcher.class);
    static final int MAX_TASKS_PER_MESSAGE = 50;
    /** After a failed publish, skip publishing for this long and leave the work to the relay. */
    private static final Duration BROKER_DOWN_BACKOFF = Duration.ofSeconds(2);

    private final RabbitTemplate rabbit;
    private final TaskMessageCodec codec;
    private final String exchange;
    private final AtomicLong brokerDownUntil = new AtomicLong();
    private final TaskTracing tracing;
    private final TaskEventPublisher events;
    private final Timer confirmedAck;
    private final Timer confirmedNack;
    private final Timer confirmedReturned;

    TaskDispatcher(ConnectionFactory connectionFactory, TaskMessageCodec codec,
            MessagingProperties messaging, DispatchConfirmations confirmations, TaskTracing tracing,
            TaskEventPublisher events, MeterRegistry meters) {
        this.events = events;
        this.codec = codec;
        this.tracing = tracing;
        this.confirmedAck = confirmTimer(meters, "ack");
        this.confirmedNack = confirmTimer(meters, "nack");
        this.confirmedReturned = confirmTimer(meters, "returned");
        this.exchange = messaging.taskExchange();
        this.rabbit = new RabbitTemplate(connectionFactory);
        rabbit.setMandatory(true);
        rabbit.setConfirmCallback((correlation, ack, cause) -> {
            if (correlation == null) {
                return;
            }
            if (correlation instanceof Publication publication) {
                Timer timer = !ack ? confirmedNack : correlation.getReturned() != null ? confirmedReturned
                        : confirmedAck;
                timer.record(System.nanoTime() - publication.sentAt, TimeUnit.NANOSECONDS);
            }
            List<String> keys = correlation instanceof Publication publication ? publication.dispatchKeys
                    : List.of(correlation.getId());
            if (ack && correlation.getReturned() == null) {
                keys.forEach(confirmations::confirmed);
            } else {
                log.warn("{} task(s) not accepted by the broker ({}), first taskId={}; the relay will publish "
                        + "them again", keys.size(), correlation.getReturned() != null ? "unroutable" : cause,
                        correlation.getId());
            }
        });
        rabbit.setReturnsCallback(returned -> log.warn("task message {} returned by the broker: {} {}",
                returned.getMessage().getMessageProperties().getMessageId(), returned.getReplyCode(),
                returned.getReplyText()));
    }

    /**
     * Announces committed tasks' changes (to QUEUED; also to SCHEDULED, for tasks that are not to
     * be published yet), then publishes the tasks, both on the event
     * publisher's thread, and returns at once. Announced first, so that no subscriber sees a task's
     * RUNNING before its QUEUED; in order with the gateway's other announcements, so that none sees
     * its CANCELLED first either. Should publishing not happen (the broker away, the gateway
     * stopping), the outbox relay publishes the tasks when their marks fall due.
     */
    void announceAndDispatch(List<TaskStatusEvent> changes, List<Task> tasks) {
        if (changes.isEmpty() && tasks.isEmpty()) {
            return;
        }
        events.publishAllInOrder(changes).whenComplete((announced, failure) -> {
            if (tasks.isEmpty()) {
                return;
            }
            try {
                dispatch(tasks);
            } catch (RuntimeException e) {
                log.warn("{} task(s) not published now, first taskId={}; the outbox relay will", tasks.size(),
                        tasks.getFirst().id(), e);
            }
        });
    }

    /**
     * Publishes the tasks in order on one channel, stopping at the first the broker does not take
     * (the relay takes the rest).
     */
    void dispatch(Collection<Task> tasks) {
        if (tasks.isEmpty() || brokerDown()) {
            return;
        }
        try {
            rabbit.invoke(operations -> {
                for (List<Task> group : messages(tasks)) {
                    List<TaskMessageCodec.StoredTask> stored = new ArrayList<>(group.size());
                    List<String> keys = new ArrayList<>(group.size());
                    List<UUID> ids = new ArrayList<>(group.size());
                    List<String> traceparents = new ArrayList<>(group.size());
                    List<Span> spans = null;
                    for (Task task : group) {
                        stored.add(new TaskMessageCodec.StoredTask(task.id(), task.type(), task.payload()));
                        keys.add(task.dispatchKey());
                        ids.add(task.id());
                        Span publish = tracing.startPublish(task.traceparent(), task.id().toString());
                        if (publish == null) {
                            traceparents.add(task.traceparent());
                        } else {
                            traceparents.add(TaskTracing.traceparent(publish));
                            (spans == null ? spans = new ArrayList<>() : spans).add(publish);
                        }
                    }
                    Message message = codec.encodeAll(stored);
                    TraceHeaders.write(message.getMessageProperties(), ids, traceparents);
                    try {
                        operations.send(exchange, MessagingTopology.TASK_ROUTING_KEY, message, new Publication(keys));
                    } finally {
                        if (spans != null) {
                            spans.forEach(Span::end);
                        }
                    }
                }
                return null;
            });
        } catch (AmqpException e) {
            brokerDownUntil.set(System.nanoTime() + BROKER_DOWN_BACKOFF.toNanos());
            log.warn("{} task(s) stay in the outbox, broker unavailable: {}", tasks.size(), e.getMessage());
        }
    }

    /**
     * Splits the tasks into messages of at most {@link #MAX_TASKS_PER_MESSAGE} tasks and, counting
     * every payload character as the 3 bytes it may take in UTF-8, at most
     * {@link TaskMessageCodec#GROUPED_BODY_BUDGET} bytes, so no message nears the largest body a
     * worker accepts; a task alone is always a message of its own.
     */
    static List<List<Task>> messages(Collection<Task> tasks) {
        List<List<Task>> messages = new ArrayList<>();
        List<Task> current = new ArrayList<>();
        long bytes = 0;
        for (Task task : tasks) {
            long size = 3L * task.payload().length() + TaskMessageCodec.ENVELOPE_BYTES;
            if (!current.isEmpty() && (current.size() == MAX_TASKS_PER_MESSAGE
                    || bytes + size > TaskMessageCodec.GROUPED_BODY_BUDGET)) {
                messages.add(current);
                current = new ArrayList<>();
                bytes = 0;
            }
            current.add(task);
            bytes += size;
        }
        if (!current.isEmpty()) {
            messages.add(current);
        }
        return messages;
    }

    /** The correlation of one message: the publications (tasks) it carries, and when it was sent. */
    private static final class Publication extends CorrelationData {

        final List<String> dispatchKeys;
        final long sentAt = System.nanoTime();

        Publication(List<String> dispatchKeys) {
            super(dispatchKeys.getFirst());
            this.dispatchKeys = dispatchKeys;
        }
    }

    private static Timer confirmTimer(MeterRegistry meters, String result) {
        return Timer.builder("taskhive.publish.confirm").description("From sending a task message to the broker's "
                + "publisher confirm").tag("result", result)
                .serviceLevelObjectives(Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(25),
                        Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(2))
                .register(meters);
    }

    boolean brokerDown() {
        return System.nanoTime() - brokerDownUntil.get() < 0;
    }
}
