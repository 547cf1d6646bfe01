package io.taskhive.gateway.events;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.taskhive.gateway.web.ApiException;
import io.taskhive.task.store.TaskFinder;

/**
 * Opens server-sent event streams within the gateway's and each user's limits, and closes every
 * one of them when the gateway shuts down (their clients reconnect, through the load balancer, to
 * another replica and resume from their Last-Event-ID).
 */
@Component
public class EventStreams implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(EventStreams.class);

    private final TaskEvents events;
    private final TransitionHistory history;
    private final TaskFinder tasks;
    private final SseProperties properties;
    private final Set<EventStream> open = ConcurrentHashMap.newKeySet();
    private final Map<Long, Integer> perUser = new ConcurrentHashMap<>();
    private final AtomicInteger total = new AtomicInteger();
    private volatile boolean running;

    EventStreams(TaskEvents events, TransitionHistory history, TaskFinder tasks, SseProperties properties,
            MeterRegistry meters) {
        this.events = events;
        this.history = history;
        this.tasks = tasks;
        this.properties = properties;
        Gauge.builder("taskhive.sse.streams", open, Set::size).description("Open server-sent event streams")
                .register(meters);
    }

    /** Every change of one user's tasks. */
    SseEmitter ofOwner(long userId, long ownerId, Long lastEventId) {
        return open(userId, lastEventId, new EventStream.Plan(s -> events.subscribeOwner(ownerId, s),
                after -> history.after(after, ownerId, properties.replayLimit()), false, null));
    }

    /** Every change of every user's tasks (admins). */
    SseEmitter ofEveryone(long userId, Long lastEventId) {
        return open(userId, lastEventId, new EventStream.Plan(events::subscribeAll,
                after -> history.after(after, null, properties.replayLimit()), false, null));
    }

    /** One task's changes: its history (after Last-Event-ID), then live ones until it is final. */
    SseEmitter ofTask(long userId, UUID taskId, Long lastEventId) {
        return open(userId, lastEventId, new EventStream.Plan(s -> events.subscribeTask(taskId, s),
                after -> history.ofTask(taskId, after, properties.replayLimit()), true,
                () -> tasks.find(taskId).map(task -> task.status().isFinal()).orElse(true)));
    }

    private SseEmitter open(long userId, Long lastEventId, EventStream.Plan plan) {
        if (!running) {
            throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "this gateway is shutting down; reconnect",
                    properties.reconnectDelay());
        }
        if (total.incrementAndGet() > properties.maxStreams()) {
            total.decrementAndGet();
            throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "this gateway holds its most event streams ("
                    + properties.maxStreams() + "); try again later", Duration.ofSeconds(5));
        }
        boolean[] refused = new boolean[1];
        perUser.compute(userId, (id, count) -> {
            int held = count == null ? 0 : count;
            refused[0] = held >= properties.maxStreamsPerUser();
            return refused[0] ? count : Integer.valueOf(held + 1);
        });
        if (refused[0]) {
            total.decrementAndGet();
            throw new ApiException(HttpStatus.TOO_MANY_REQUESTS, "you have " + properties.maxStreamsPerUser()
                    + " event streams open on this gateway, the most allowed; close one first", Duration.ofSeconds(5));
        }
        // No time limit of its own: the heartbeat finds clients that went away.
        SseEmitter emitter = new SseEmitter(-1L);
        EventStream[] stream = new EventStream[1];
        stream[0] = new EventStream(emitter, plan, lastEventId, properties, () -> {
            open.remove(stream[0]);
            release(userId);
        });
        open.add(stream[0]);
        try {
            stream[0].start();
        } catch (RuntimeException e) {
            stream[0].close();
            throw e;
        }
        return emitter;
    }

    private void release(long userId) {
        total.decrementAndGet();
        perUser.computeIfPresent(userId, (id, count) -> count <= 1 ? null : count - 1);
    }

    /** Streams open on this gateway. */
    public int openStreams() {
        return open.size();
    }

    @Override
    public void start() {
        running = true;
    }

    /** Ends every stream, so that the web server's graceful shutdown does not wait for them. */
    @Override
    public void stop() {
        running = false;
        if (!open.isEmpty()) {
            log.info("closing {} event stream(s); their clients reconnect elsewhere", open.size());
        }
        open.forEach(EventStream::close);
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** After the shutdown delay and the TCP listener, before the web server's graceful shutdown. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 2;
    }
}
