package io.taskhive.messaging;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.AmqpException;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.stereotype.Component;

import io.taskhive.batching.Coalescer;
import io.taskhive.task.TaskStatus;
import jakarta.annotation.PreDestroy;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Publishes status changes. Events are notifications, not the record (PostgreSQL is): a change that
 * cannot be announced because the broker is away is logged and otherwise ignored, never allowed to
 * fail the work it describes.
 *
 * <p>Changes published at about the same time travel together: one message whose body is a JSON
 * array of events, in the order they were published. Cancellations go in messages of their own
 * (routing key {@code task.cancelled}), which is all the workers listen to; the others carry
 * {@code task.<status>} when they all have that status, else {@code task.changes}.
 */
@Component
public class TaskEventPublisher {

    static final String MIXED_ROUTING_KEY = "task.changes";
    private static final int MAX_EVENTS_PER_MESSAGE = 1_000;
    private static final Duration BROKER_DOWN_BACKOFF = Duration.ofSeconds(2);
    private static final Logger log = LoggerFactory.getLogger(TaskEventPublisher.class);

    private final RabbitTemplate rabbit;
    private final JsonMapper json;
    private final String exchange;
    /** Items are groups of changes that go out together, in one message and in their order. */
    private final Coalescer<List<TaskStatusEvent>, Boolean> batches;
    /** {@link System#nanoTime()} until which nothing is sent after a failure; 0 when the broker is fine. */
    private final AtomicLong brokerDownUntil = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();

    public TaskEventPublisher(RabbitTemplate rabbit, JsonMapper json, MessagingProperties properties) {
        this.rabbit = rabbit;
        this.json = json;
        this.exchange = properties.eventExchange();
        this.batches = new Coalescer<>("task-events", MAX_EVENTS_PER_MESSAGE, 1, this::sendBatch);
    }

    /**
     * Announces the change soon, after every change published before it by this publisher, without
     * waiting for the broker.
     */
    public void publishInOrder(TaskStatusEvent event) {
        batches.submitInOrder(List.of(event));
    }

    /**
     * Announces the changes in one message, on the calling thread when no other batch is being
     * sent (else with the next batch, without waiting for it): no hand-off to the sending thread
     * on a quiet system. Only for a task's first changes from this worker, such as a pure task's
     * RUNNING and SUCCEEDED: they may go out before changes published earlier, which is harmless
     * only when none of those is about the same task.
     */
    public void publishUnordered(List<TaskStatusEvent> changes) {
        batches.submitUnordered(List.copyOf(changes));
    }

    /**
     * Announces the changes together, after every change published before them, without waiting.
     * The future completes on the sending thread once they are on their way (true) or were dropped
     * (false): for new tasks, whose first change must be sent before the tasks are published, so
     * that no subscriber sees a task's RUNNING before its QUEUED.
     */
    public CompletableFuture<Boolean> publishAllInOrder(List<TaskStatusEvent> events) {
        return batches.submitInOrder(List.copyOf(events));
    }

    private List<Boolean> sendBatch(List<List<TaskStatusEvent>> groups) {
        List<TaskStatusEvent> events = new ArrayList<>();
        groups.forEach(events::addAll);
        return Collections.nCopies(groups.size(), send(events));
    }

    /** In messages of at most {@value #MAX_EVENTS_PER_MESSAGE} events; false if any was not sent. */
    private boolean send(List<TaskStatusEvent> events) {
        boolean sent = true;
        for (int from = 0; from < events.size(); from += MAX_EVENTS_PER_MESSAGE) {
            sent &= sendMessages(events.subList(from, Math.min(events.size(), from + MAX_EVENTS_PER_MESSAGE)));
        }
        return sent;
    }

    private boolean sendMessages(List<TaskStatusEvent> events) {
        List<TaskStatusEvent> cancellations = new ArrayList<>();
        List<TaskStatusEvent> others = new ArrayList<>();
        for (TaskStatusEvent event : events) {
            (event.to() == TaskStatus.CANCELLED ? cancellations : others).add(event);
        }
        return sendMessage(others) & sendMessage(cancellations);
    }

    private boolean sendMessage(List<TaskStatusEvent> events) {
        if (events.isEmpty()) {
            return true;
        }
        long downUntil = brokerDownUntil.get();
        if (downUntil != 0 && System.nanoTime() - downUntil < 0) {
            // The broker just failed us: drop (they are notifications) rather than queue up behind it.
            dropped.addAndGet(events.size());
            return false;
        }
        TaskStatus status = events.getFirst().to();
        boolean uniform = events.stream().allMatch(e -> e.to() == status);
        MessageProperties properties = new MessageProperties();
        properties.setContentType(MessageProperties.CONTENT_TYPE_JSON);
        properties.setDeliveryMode(MessageDeliveryMode.NON_PERSISTENT);
        try {
            rabbit.send(exchange, uniform ? TaskStatusEvent.routingKey(status) : MIXED_ROUTING_KEY,
                    new Message(json.writeValueAsBytes(events), properties));
            brokerDownUntil.set(0);
            return true;
        } catch (AmqpException e) {
            brokerDownUntil.set(System.nanoTime() + BROKER_DOWN_BACKOFF.toNanos());
            log.warn("{} status change(s) not announced (first: taskId={} to {}), and none for the next {} s: {}{}",
                    events.size(), events.getFirst().taskId(), events.getFirst().to(),
                    BROKER_DOWN_BACKOFF.toSeconds(), e.getMessage(), droppedSince());
            return false;
        } catch (RuntimeException e) {
            log.error("{} status change(s) not announced (first: taskId={} to {})", events.size(),
                    events.getFirst().taskId(), events.getFirst().to(), e);
            return false;
        }
    }

    private String droppedSince() {
        long count = dropped.getAndSet(0);
        return count == 0 ? "" : " (" + count + " more dropped while the broker was away)";
    }

    /** The events in a message: a JSON array of them (or, from older publishers, a single one). */
    public List<TaskStatusEvent> decode(Message message) {
        JsonNode body;
        try {
            body = json.readTree(message.getBody());
        } catch (JacksonException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
        }
        if (body == null || !(body.isArray() || body.isObject())) {
            throw new IllegalArgumentException("neither an event nor an array of events");
        }
        List<TaskStatusEvent> events = new ArrayList<>();
        for (JsonNode event : body.isArray() ? body : List.of(body)) {
            events.add(json.treeToValue(event, TaskStatusEvent.class));
        }
        return events;
    }

    @PreDestroy
    void stop() {
        batches.close();
    }
}
