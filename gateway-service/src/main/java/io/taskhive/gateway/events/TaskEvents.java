package io.taskhive.gateway.events;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.annotation.RabbitListener;
import org.springframework.stereotype.Component;

import io.taskhive.messaging.TaskEventPublisher;
import io.taskhive.messaging.TaskStatusEvent;

/**
 * Every gateway replica receives every status change (its own exclusive queue bound to the event
 * exchange, see {@link EventQueue}) and hands each to the local subscribers of its owner (subscribed
 * TCP connections, server-sent event streams), of its task (requests waiting for an outcome, one
 * task's event stream) and of every task (an admin's stream of everything). This is the one fan-out
 * of the gateway: TCP and SSE subscribe here alike. Subscribers are called on the broker's delivery
 * thread and must not block. Events are notifications: subscribers that must not miss an outcome
 * also look at the database.
 */
@Component
public class TaskEvents {

    private static final Logger log = LoggerFactory.getLogger(TaskEvents.class);

    private final TaskEventPublisher codec;
    private final Map<Long, Set<Consumer<TaskStatusEvent>>> byOwner = new ConcurrentHashMap<>();
    private final Map<UUID, Set<Consumer<TaskStatusEvent>>> byTask = new ConcurrentHashMap<>();
    private final Set<Consumer<TaskStatusEvent>> everything = ConcurrentHashMap.newKeySet();

    TaskEvents(TaskEventPublisher codec) {
        this.codec = codec;
    }

    @RabbitListener(queues = "#{gatewayEventQueue.name}")
    void onEvents(Message message) {
        if (byOwner.isEmpty() && byTask.isEmpty() && everything.isEmpty()) {
            return; // nobody here is listening: not even worth decoding
        }
        List<TaskStatusEvent> events;
        try {
            events = codec.decode(message);
        } catch (RuntimeException e) {
            log.warn("unreadable status event(s) ignored: {}", e.getMessage());
            return;
        }
        for (TaskStatusEvent event : events) {
            deliver(byOwner.get(event.ownerId()), event);
            deliver(byTask.get(event.taskId()), event);
            deliver(everything, event);
        }
    }

    private static void deliver(Set<Consumer<TaskStatusEvent>> subscribers, TaskStatusEvent event) {
        if (subscribers != null) {
            subscribers.forEach(s -> s.accept(event));
        }
    }

    /** Follows every status change of one user's tasks until the returned handle is closed. */
    public AutoCloseable subscribeOwner(long ownerId, Consumer<TaskStatusEvent> subscriber) {
        return subscribe(byOwner, ownerId, subscriber);
    }

    /** Follows one task's status changes until the returned handle is closed. */
    public AutoCloseable subscribeTask(UUID taskId, Consumer<TaskStatusEvent> subscriber) {
        return subscribe(byTask, taskId, subscriber);
    }

    /** Follows every status change of every user's tasks until the returned handle is closed. */
    public AutoCloseable subscribeAll(Consumer<TaskStatusEvent> subscriber) {
        everything.add(subscriber);
        return () -> everything.remove(subscriber);
    }

    /** How many subscriptions are open on this replica, of every kind. */
    public int subscriptions() {
        int count = everything.size();
        for (Set<Consumer<TaskStatusEvent>> set : byOwner.values()) {
            count += set.size();
        }
        for (Set<Consumer<TaskStatusEvent>> set : byTask.values()) {
            count += set.size();
        }
        return count;
    }

    private static <K> AutoCloseable subscribe(Map<K, Set<Consumer<TaskStatusEvent>>> registry, K key,
            Consumer<TaskStatusEvent> subscriber) {
        registry.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(subscriber);
        return () -> registry.computeIfPresent(key, (k, set) -> {
            set.remove(subscriber);
            return set.isEmpty() ? null : set;
        });
    }
}
